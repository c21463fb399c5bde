package io.icpbench.harness.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.icpbench.harness.host.HostLoad;
import io.icpbench.harness.traffic.TrafficSource;
import io.icpbench.results.ResultsFiles;
import io.icpbench.results.RunResults;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The run engine: starts a run (or resumes one) in its directory, hands the forks to the run's
 * {@link Design}, and then runs the calibration suite, prints the summary and writes the report.
 * Results are rewritten atomically after every fork or block, so a stop loses no finished fork; a
 * stop (Ctrl-C) kills the forks alive and says how to resume.
 */
public final class RunEngine {
    /** The capture's host of a run with --host, as the forks use it (inferred, or copied from the host file). */
    public static final String HOST_FILE = "host.txt";
    /** The machine's load, sampled around each fork's measurement (the noise record). */
    static final HostLoad HOST = HostLoad.system();

    private volatile Process current;
    private volatile InterleavedBlock currentBlock;
    private volatile int doneForks;

    /** Writes a new run's first results (and the capture's host, if it has one) into {@code dir}. */
    private static void create(Path dir, RunSpec spec, RunResults results) throws IOException {
        if (Files.exists(dir.resolve(ResultsFiles.RESULTS))) {
            throw new IllegalArgumentException(dir + " already holds a run: use --resume " + dir + " or another --out");
        }
        ResultsFiles.write(dir, results);
        if (spec.traffic() instanceof TrafficSpec.Capture c && c.host() != null) {
            TrafficSource.writeHost(dir.resolve(HOST_FILE), TrafficSource.load(c.encoded()));
        }
    }

    /** Starts the run {@code spec} in {@code dir} (which must not hold one) and runs it: {@link #create}, then {@link #run}. */
    public RunResults start(RunSpec spec, Path dir, boolean calibrate, PrintStream out) throws IOException {
        RunResults results = spec.start();
        create(dir, spec, results);
        return run(spec, results, dir, calibrate, out);
    }

    /** Resumes the run in {@code dir}: its spec is read back from its results (the file is the edge where it is typed again). */
    public RunResults resume(RunResults results, Path dir, boolean calibrate, PrintStream out) throws IOException {
        System.err.printf(Locale.ROOT, "icpbench run: resuming %s: %d of %d forks done%n", dir, results.forks().size(), results.plan().size());
        return run(RunSpec.of(results.settings()), results, dir, calibrate, out);
    }

    /**
     * Runs the unfinished forks of {@code results} (the run {@code spec}) in {@code dir}, then (when {@code calibrate} and not
     * done yet) the calibration suite, and prints the summary and the report to {@code out}.
     */
    public RunResults run(RunSpec spec, RunResults results, Path dir, boolean calibrate, PrintStream out) throws IOException {
        Thread hook = new Thread(() -> {
            Process p = current;
            if (p != null) {
                p.destroyForcibly();
            }
            InterleavedBlock b = currentBlock;
            if (b != null) {
                b.stopAll();
            }
            System.err.printf(Locale.ROOT, "%nicpbench run: stopped; %d finished forks are in %s; continue with: icpbench run --resume %s%n",
                    doneForks, dir, dir);
        }, "icpbench-run-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        Lever.ForkLaunch launch = Lever.launch(spec);
        Lever.pinOrchestrator(launch);
        doneForks = results.forks().size();
        try {
            results = spec.design().run(this, spec, results, dir);
        } finally {
            Lever.unpinOrchestrator(launch);
        }
        Runtime.getRuntime().removeShutdownHook(hook);
        int total = results.plan().size();
        Progress.forks(System.err, total, total, null, 0);
        System.err.println();
        if (calibrate && !Files.exists(dir.resolve(CalibrationSuite.FILE))) {
            CalibrationSuite.run(dir, p -> current = p);
        }
        io.icpbench.analysis.RunAnalysis analysis = RunReport.analyse(results, dir);
        RunReport.summary(out, analysis, dir);
        CalibrationSuite.print(out, dir);
        RunReport.report(out, analysis, dir);
        return results;
    }

    /** Writes {@code results} (atomically) after a fork or block, and returns them; a stop then says how many forks are kept. */
    RunResults saved(Path dir, RunResults results) {
        ResultsFiles.write(dir, results);
        doneForks = results.forks().size();
        return results;
    }

    /** Runs an interleaved block, stoppable. */
    InterleavedBlock.Outcome runBlock(InterleavedBlock b, Consumer<String> turns, InterleavedBlock.TurnSampler sampler) throws IOException {
        currentBlock = b;
        try {
            return b.run(turns, sampler);
        } finally {
            currentBlock = null;
        }
    }

    /**
     * Seconds a run takes, from its settings (its blocks, {@link Design#blockSeconds}), for the forks
     * not yet finished, plus the calibration suite when {@code calibration}.
     */
    public static double estimatedSeconds(RunResults r, boolean calibration) {
        RunResults.Settings s = r.settings();
        long blocks = r.plan().stream().mapToInt(RunResults.PlannedFork::block).distinct().count();
        if (blocks == 0) {
            return 0;
        }
        int forksPerBlock = (int) Math.ceil(r.plan().size() / (double) blocks);
        double all = blocks * Design.of(s.design()).blockSeconds(forksPerBlock, s.warmupIterations(), s.iterations(), s.iterationSeconds());
        double left = all * (r.plan().size() - r.forks().size()) / r.plan().size();
        return left + (calibration ? CalibrationSuite.SECONDS : 0);
    }

    /**
     * Runs one fork by itself. Its noise record covers its whole run, sampled every second while its
     * JVM is alive (the JVM's CPU time cannot be read once it has exited).
     */
    RunResults.ForkResult runFork(Path dir, RunSpec spec, RunResults.PlannedFork planned) throws IOException {
        Process p = startFork(dir, spec, planned, Map.of());
        current = p;
        int rc;
        HostLoad.Accumulator noise = new HostLoad.Accumulator();
        try {
            HostLoad.Snapshot last = HOST.snapshot(p.pid());
            while (!p.waitFor(1, TimeUnit.SECONDS)) {
                HostLoad.Snapshot now = HOST.snapshot(p.pid());
                noise.add(last, now);
                last = now;
            }
            rc = p.exitValue();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            current = null;
        }
        return collectFork(dir, planned, rc).withNoise(noise.result());
    }

    /**
     * Starts the JVM of one planned fork, its spec in fork-NNN/spec.json ({@link ForkSpec}) and its
     * output in fork-NNN/fork.log; {@code extra}: more system properties (the interleaved design's gate).
     */
    static Process startFork(Path dir, RunSpec spec, RunResults.PlannedFork planned, Map<String, String> extra) throws IOException {
        ArmSpec arm = spec.arm(planned.arm());
        Path forkDir = dir.resolve(forkName(planned.index()));
        Files.createDirectories(forkDir);
        Path file = forkDir.resolve(ForkSpec.FILE);
        ForkSpec.of(dir, spec, planned).write(file);
        // The levers apply to every fork alike: their prefix, flags and properties come first, the arm's own after.
        Lever.ForkLaunch launch = Lever.launch(spec);
        Map<String, String> properties = new java.util.LinkedHashMap<>(launch.properties());
        properties.putAll(arm.properties(spec.sites()));
        properties.putAll(extra);
        List<String> jvm = new java.util.ArrayList<>(launch.jvmFlags());
        jvm.addAll(arm.written().jvm());
        List<String> cmd = new java.util.ArrayList<>(launch.prefix());
        cmd.addAll(Forks.command(arm.mode(), arm.learning(), properties, jvm, List.of("fork", "--spec", file.toAbsolutePath().toString())));
        Path log = forkDir.resolve("fork.log");
        Files.writeString(log, String.join(" ", cmd) + System.lineSeparator());
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** The directory of fork {@code index}: fork-007. */
    public static String forkName(int index) {
        return String.format(Locale.ROOT, "fork-%03d", index);
    }

    /**
     * The result of a fork whose JVM exited with {@code rc}.
     *
     * @throws IllegalStateException when it failed: its own one-line error and the end of its log
     */
    static RunResults.ForkResult collectFork(Path dir, RunResults.PlannedFork planned, int rc) throws IOException {
        Path forkDir = dir.resolve(forkName(planned.index()));
        Path log = forkDir.resolve("fork.log");
        Path result = forkDir.resolve("fork.json");
        if (rc != 0 || !Files.exists(result)) {
            throw new IllegalStateException(failure(planned, log, "failed with exit code " + rc));
        }
        return new ObjectMapper().readValue(result.toFile(), RunResults.ForkResult.class);
    }

    /** Why a fork failed: its own one-line error if it printed one, else {@code otherwise}, and the end of its log. */
    static String failure(RunResults.PlannedFork planned, Path log, String otherwise) throws IOException {
        List<String> tail = Files.exists(log) ? Files.readAllLines(log) : List.of();
        // The fork's own one-line error ("icpbench fork: failed: ..."), if it printed one, heads the message.
        String cause = tail.stream().filter(l -> l.startsWith("icpbench fork: failed: ") || l.startsWith("icpbench fork: error: "))
                .reduce((a, b) -> b).map(l -> l.substring("icpbench fork: ".length())).orElse(otherwise);
        return "fork " + planned.index() + " (" + Progress.armLabel(planned) + ") " + cause + "; " + log
                + " ends with:\n  " + String.join("\n  ", tail.subList(Math.max(0, tail.size() - 15), tail.size()));
    }
}
