package io.icpbench.harness.run;

import static io.icpbench.harness.run.SweepText.label;
import static io.icpbench.harness.run.SweepText.longDuration;
import static io.icpbench.harness.run.SweepText.title;

import io.icpbench.analysis.SweepReport;
import io.icpbench.harness.host.Machine;
import io.icpbench.results.ResultsFiles;
import io.icpbench.results.RunResults;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A sweep's engine: runs its points one after another, each a run of the {@link RunEngine} built
 * from the plan's typed request, and collects their runs into sweep.json, sweep.md and sweep.html.
 */
public final class SweepRunner {
    private SweepRunner() {
    }

    // ---------------------------------------------------------------- running

    /**
     * Runs the points of {@code plan} in {@code dir} on this machine, in order (only {@code only} when
     * given): each through {@code icpbench run} in this JVM, started, resumed or skipped as
     * {@link SweepPlan#decide} says; sweep.json/md/html after every point (not for a single point).
     */
    public static int runPoints(Path dir, SweepPlan plan, Integer only, RunRequest base) throws IOException {
        String host = Machine.hostname();
        SweepPlan.writeSkewProfiles(dir, plan.axes().getOrDefault("skew", List.of()));
        List<SweepPlan.Point> todo = only == null ? plan.points() : List.of(plan.point(only));
        int[] finished = {0};
        Thread hook = new Thread(() -> System.err.printf(Locale.ROOT,
                "%nicpbench sweep: stopped; finished points are kept in %s; continue with: icpbench sweep --resume %s%s%n", dir, dir,
                only == null ? "" : " --point " + only), "icpbench-sweep-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        long started = System.nanoTime();
        double estimatedRan = 0;
        for (int k = 0; k < todo.size(); k++) {
            SweepPlan.Point p = todo.get(k);
            SweepPlan.Decision d = SweepPlan.decide(dir, p, host);
            if (d.action() == SweepPlan.Action.DONE) {
                System.err.printf(Locale.ROOT, "icpbench sweep: point %d of %d, %s (%s): %s, kept%n", k + 1, todo.size(), p.name(), p.describe(), d.why());
                finished[0]++;
                continue;
            }
            double thisEstimate = p.estimatedSeconds() * (d.action() == SweepPlan.Action.START ? d.forks() / (double) p.forks() : remainingShare(d.dir()));
            double left = thisEstimate;
            for (int j = k + 1; j < todo.size(); j++) {
                left += todo.get(j).estimatedSeconds();
            }
            double ran = (System.nanoTime() - started) / 1e9;
            double pace = estimatedRan > 0 ? ran / estimatedRan : 1;
            System.err.printf(Locale.ROOT, "icpbench sweep: point %d of %d, %s (%s): %s; about %s left in the sweep%n", k + 1, todo.size(), p.name(),
                    p.describe(), d.why(), longDuration(left * pace));
            long pointStart = System.nanoTime();
            try {
                if (d.action() == SweepPlan.Action.RESUME) {
                    new RunEngine().resume(ResultsFiles.read(d.dir()), d.dir(), false, System.out);
                } else {
                    long runSeed = d.dir().getFileName().toString().equals(p.name()) ? p.seed() : p.seed() + 1_000_003L;
                    RunSpec spec = p.request(base, dir, d.forks(), runSeed).resolve(why -> System.err.println("icpbench run: " + why));
                    new RunEngine().start(spec, d.dir(), false, System.out);
                }
            } catch (IllegalArgumentException | IllegalStateException | IOException e) {
                Runtime.getRuntime().removeShutdownHook(hook);
                System.err.printf(Locale.ROOT, "icpbench sweep: point %s failed: %s; finished points are kept in %s; continue with: "
                        + "icpbench sweep --resume %s%s%n", p.name(), e.getMessage(), dir, dir, only == null ? "" : " --point " + only);
                return e instanceof IllegalArgumentException ? 2 : 1;
            }
            estimatedRan += thisEstimate;
            finished[0]++;
            if (only == null) {
                write(dir, collect(List.of(dir), dir));
            }
            System.err.printf(Locale.ROOT, "icpbench sweep: %s done in %s%n", p.name(), longDuration((System.nanoTime() - pointStart) / 1e9));
        }
        Runtime.getRuntime().removeShutdownHook(hook);
        if (only != null) {
            System.out.printf(Locale.ROOT, "icpbench sweep: point %d (%s) done on %s; when every point is done: icpbench sweep --collect %s%n", only,
                    plan.point(only).name(), host, dir);
            return 0;
        }
        SweepReport.Sweep s = collect(List.of(dir), dir);
        write(dir, s);
        printCollected(System.out, s, dir);
        return 0;
    }

    private static double remainingShare(Path runDir) {
        RunResults r = ResultsFiles.read(runDir);
        return r.plan().isEmpty() ? 0 : 1 - r.forks().size() / (double) r.plan().size();
    }

    // ---------------------------------------------------------------- collecting

    /**
     * The sweep's results from its points' runs in {@code sweeps} (directories of one plan, as on
     * several machines or clusters): per point, each machine's runs merged (blocks renumbered run by
     * run, so each block stays one run's) and analysed on their own; with several machines also all
     * together, every block still one machine's.
     *
     * @param to where the results go: run directories are named relative to it
     */
    public static SweepReport.Sweep collect(List<Path> sweeps, Path to) {
        SweepPlan plan = SweepPlan.read(sweeps.get(0));
        for (Path other : sweeps.subList(1, sweeps.size())) {
            SweepPlan p = SweepPlan.read(other);
            if (!p.axes().equals(plan.axes()) || !p.common().equals(plan.common()) || p.points().size() != plan.points().size()) {
                throw new IllegalArgumentException(other + " holds another sweep than " + sweeps.get(0) + " (its axes or arms differ): "
                        + "collect sweeps of one plan together");
            }
        }
        Set<String> allHosts = new java.util.LinkedHashSet<>();
        List<SweepReport.Point> points = new ArrayList<>();
        for (SweepPlan.Point p : plan.points()) {
            Map<String, List<RunResults>> byHost = new LinkedHashMap<>();
            Map<String, List<String>> dirsByHost = new LinkedHashMap<>();
            List<RunResults> all = new ArrayList<>();
            int completeBlocks = 0;
            for (Path sweep : sweeps) {
                for (Path d : SweepPlan.runDirs(sweep, p)) {
                    RunResults r = ResultsFiles.read(d);
                    String host = ResultsFiles.hosts(List.of(r)).get(0);
                    byHost.computeIfAbsent(host, h -> new ArrayList<>()).add(r);
                    dirsByHost.computeIfAbsent(host, h -> new ArrayList<>()).add(relative(to, d));
                    all.add(r);
                    completeBlocks += SweepPlan.completeBlocks(r);
                }
            }
            List<SweepReport.Machine> machines = new ArrayList<>();
            for (Map.Entry<String, List<RunResults>> e : byHost.entrySet()) {
                allHosts.add(e.getKey());
                machines.add(machine(e.getKey(), e.getValue(), dirsByHost.get(e.getKey())));
            }
            SweepReport.Machine combined = null;
            if (byHost.size() > 1) {
                List<String> dirs = dirsByHost.values().stream().flatMap(List::stream).toList();
                combined = machine("all (" + byHost.size() + " machines)", all, dirs);
            }
            String status = all.isEmpty() ? "not run" : completeBlocks >= p.forks() ? "done" : "partial";
            points.add(new SweepReport.Point(p.index(), p.name(), p.settings(), p.forks(), status, machines, combined));
        }
        List<SweepReport.Axis> axes = new ArrayList<>();
        plan.axes().forEach((name, values) -> axes.add(new SweepReport.Axis(name, title(name), values,
                values.stream().map(v -> label(name, v)).toList())));
        return new SweepReport.Sweep(SweepReport.SCHEMA, sweeps.size() == 1 ? sweeps.get(0).toString() : sweeps.toString(), Instant.now().toString(),
                plan.seed(), plan.baseline(), plan.arms(), axes, new ArrayList<>(allHosts), points);
    }

    /** One machine's runs of a point (or all machines' as the combined row), merged and analysed. */
    private static SweepReport.Machine machine(String host, List<RunResults> runs, List<String> dirs) {
        RunResults merged = runs.size() == 1 ? runs.get(0) : ResultsFiles.merge(runs);
        String cpu = runs.stream().map(r -> r.provenance().cpuModel()).distinct().reduce((a, b) -> a + ", " + b).orElse("");
        return SweepReport.machine(host, cpu, dirs, RunReport.analyse(merged));
    }

    private static String relative(Path to, Path d) {
        try {
            return to.toAbsolutePath().normalize().relativize(d.toAbsolutePath().normalize()).toString();
        } catch (IllegalArgumentException e) {
            return d.toAbsolutePath().toString();
        }
    }

    /** Writes sweep.json, sweep.md and sweep.html into {@code dir}, atomically each. */
    public static void write(Path dir, SweepReport.Sweep s) throws IOException {
        Files.createDirectories(dir);
        ResultsFiles.writeJson(dir.resolve("sweep.json"), s);
        ResultsFiles.atomicWrite(dir.resolve("sweep.md"), SweepReport.markdown(s).getBytes(StandardCharsets.UTF_8));
        ResultsFiles.atomicWrite(dir.resolve("sweep.html"), SweepReport.html(s).getBytes(StandardCharsets.UTF_8));
    }

    /** What a person reads at the end: the table's lines for the question arms, the machines, the files. */
    public static void printCollected(PrintStream out, SweepReport.Sweep s, Path dir) {
        out.println();
        SweepReport.markdown(s).lines().filter(l -> !l.startsWith("#") && !l.isBlank()).filter(l -> !l.startsWith("Each point"))
                .forEach(l -> out.println(l.endsWith("  ") ? l.substring(0, l.length() - 2) : l));
        out.println("(sweep: " + dir.resolve("sweep.json") + ", sweep.md and sweep.html; each point's report: "
                + dir.resolve("point-NNN/report.md") + ")");
    }
}