package io.icpbench.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.icpbench.dispatch.Mode;
import io.icpbench.results.ResultsFiles;
import io.icpbench.results.RunResults;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code icpbench run}: the benchmark suite, one JVM per fork, arms (modes plus settings) in randomized blocks. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the benchmark suite: every arm (a mode plus its settings) in its own JVM forks, in randomized blocks "
                + "(interleaved by default: a block's forks take turns, 0.1 s each), each arm compared with the baseline paired by "
                + "block, with two control arms (A/A and a planted 1%% effect) that show what the run can resolve; results on disk.",
            "",
            "Each fork runs the receive-path JMH benchmark in its arm's mode and writes its iterations, counters, learned sites, "
                + "patch accounting, JIT log, JMH JSON, latency log and what else the machine did; results.json and forks.csv are "
                + "rewritten atomically after every fork (interleaved: every block), so Ctrl-C or a crash loses no finished fork and 'icpbench run --resume DIR' completes the run."})
final class RunCommand implements Callable<Integer> {
    static final List<String> DEFAULT_MODES = List.of("virtual", "dynamic-call", "promoted", "devirtualized");

    @Option(names = "--modes", split = ",", paramLabel = "MODE",
            description = "Modes to compare, each an arm named after it. Default (without --arm): virtual,dynamic-call,promoted,devirtualized.")
    List<String> modes;

    @Option(names = "--arm", paramLabel = "NAME=SPEC",
            description = "An arm to compare (repeatable; after the --modes, if any): SPEC is a mode and ;key=value settings, keys "
                + "placement (stub, inline, mh-field, adaptive), policy (cree, top-N, llvm, gcc, with ,learn-once), stats, thresholds "
                + "(U,W,P[,H]), sites, jvm (extra JVM flags, blank-separated), planted (PERCENT: a planted effect, planted=1 "
                + "processes 1 packet in 101 uncredited). The first four only for dynamic-call and promoted. "
                + "E.g. --arm 'dc-stub-once=dynamic-call;placement=stub;policy=cree,learn-once'. Results and reports name the arm.")
    List<String> armArgs;

    @Option(names = "--profile", defaultValue = "default", description = "Traffic profile. Default: ${DEFAULT-VALUE}.")
    String profile;

    @Option(names = "--source", paramLabel = "SOURCE",
            description = "Where the frames come from: synthetic (the --profile, default), pcap:FILE (a capture replayed in a loop), "
                + "or live (the --profile's frames as VXLAN datagrams from 'icpbench send', flat out, over loopback into a "
                + "Netty receiver: see 'icpbench live'; the score is then ns per datagram read).")
    String source;

    @Option(names = "--host", paramLabel = "auto|FILE",
            description = "With --source pcap:FILE: the capture's receiving host, inferred from the capture (auto) or read from a host "
                + "file (see 'icpbench replay --help'); the run directory keeps it as host.txt. Without it the capture goes to the "
                + "default modeled host.")
    String host;

    @Option(names = "--work", paramLabel = "NS", defaultValue = "0", description = "Work per handler call, ns. Default: ${DEFAULT-VALUE}.")
    double workNs;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "1",
            description = "RX workers per fork: threads, each with its own stack and traffic ring; learned sites are shared, "
                + "their statistics per worker (the percpu analog). Default: ${DEFAULT-VALUE}.")
    int workers;

    @Option(names = "--sites", paramLabel = "SITES", defaultValue = "all",
            description = "Which of the 13 call sites the modes convert (12 and the taps of deliver_skb; the rest stay plain): all, none, "
                + "or sites and ranges such as 1-5,9. Default: ${DEFAULT-VALUE}.")
    String sites;

    @Option(names = "--forks", paramLabel = "N", description = "Forks per arm. Default: as many as the budget allows (at least 2).")
    Integer forks;

    @Option(names = "--budget", paramLabel = "MINUTES", defaultValue = "10",
            description = "Time the run may take, when --forks is not given. Default: ${DEFAULT-VALUE} minutes.")
    double budgetMinutes;

    @Option(names = "--baseline", paramLabel = "ARM",
            description = "The arm every other arm is compared with (paired by block). Default: the first arm (virtual in the default suite).")
    String baseline;

    @Option(names = "--baseline-forks", paramLabel = "N", defaultValue = "1",
            description = "Forks of the baseline in every block (the other arms have one): the baseline enters every comparison, "
                + "so more of its forks narrow them all. Default: ${DEFAULT-VALUE}.")
    int baselineForks;

    @Option(names = "--no-controls", negatable = false,
            description = "Leave out the two built-in control arms: 'aa' (the baseline again in its own forks, true effect 0) and "
                + "'planted' (the baseline with 1 packet in 101 uncredited, a true rate ratio of 1/1.01). With them every run shows "
                + "what it can resolve.")
    boolean noControls;

    @Option(names = "--design", paramLabel = "DESIGN",
            description = "interleaved (default): a block's forks, one JVM per arm, start together and take turns one iteration each "
                + "in a random order per round, so the machine's changes over seconds fall on every arm alike; sequential: one fork "
                + "at a time, each whole (always for --source live); duet: as interleaved, but two forks at a time, side by side "
                + "on two cores (Bulej et al. 2020), an experiment: see the README's figures.")
    String design;

    @Option(names = "--warmup-iterations", paramLabel = "N",
            description = "Warmup iterations per fork. Default: interleaved 40, sequential 5 (--quick: 20 and 2).")
    Integer warmupIterations;

    @Option(names = "--iterations", paramLabel = "N",
            description = "Measurement iterations per fork. Default: interleaved, chosen from the A/A pair of the last interleaved "
                + "run of the profile on this machine (50 to 300, and so that 5 blocks fit the budget; 100 without one); "
                + "sequential 10 (--quick: 10 and 3).")
    Integer iterations;

    @Option(names = "--iteration-time", paramLabel = "SECONDS",
            description = "Seconds per iteration (in the interleaved design, a turn). Default: interleaved 0.1, sequential 1 (--quick: 0.1 and 0.5).")
    Double iterationSeconds;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the fork order. Default: from the clock (recorded).")
    Long seed;

    @Option(names = "--quick", description = "A run of about a minute: 2 forks per arm, short iterations. Valid, if weak.")
    boolean quick;

    @Option(names = "--no-calibration", negatable = false,
            description = "Skip the calibration suite (single call sites under every mode, about 90 s; never run with --quick).")
    boolean noCalibration;

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory. Default: results/runs/<time> under the project.")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue a stopped run in DIR (its settings and arms are kept).")
    Path resume;

    private volatile Process current;
    private volatile InterleavedBlock currentBlock;
    private volatile int doneForks;

    /** Seconds one fork takes besides its iterations: JVM start, traffic build, JIT (measured here: about 3). */
    static final double FORK_OVERHEAD_SECONDS = 4;
    /** Seconds an interleaved block takes besides its turns: its JVMs start together on the machine's cores, about 1.5 s of each. */
    static final double BLOCK_OVERHEAD_SECONDS = 3;
    static final double BLOCK_OVERHEAD_PER_FORK_SECONDS = 1.5;

    /** The expected seconds of one block of {@code arms} forks. */
    static double blockSeconds(boolean interleaved, int together, int arms, int warmupIterations, int iterations, double iterationSeconds) {
        double turns = Math.ceil(arms / (double) together) * (warmupIterations + iterations) * iterationSeconds;
        return interleaved ? BLOCK_OVERHEAD_SECONDS + BLOCK_OVERHEAD_PER_FORK_SECONDS * arms + turns : arms * FORK_OVERHEAD_SECONDS + turns;
    }

    @Override
    public Integer call() throws IOException {
        RunResults results;
        Path dir;
        if (resume != null) {
            if (modes != null || armArgs != null) {
                throw new IllegalArgumentException("--resume runs the stopped run's own arms: drop --modes and --arm");
            }
            dir = resume;
            results = ResultsFiles.read(resume);
            String there = results.provenance().host();
            String here = hostname();
            if (there != null && !there.equals(here)) {
                throw new IllegalArgumentException(resume + " was started on host " + there + " and this is " + here
                        + ": resuming here would put two machines' blocks into one run, analysed as one machine; resume it on " + there
                        + ", or run the rest here into another directory (--out) and keep the machines apart (icpbench merge names them)");
            }
            System.err.printf(Locale.ROOT, "icpbench run: resuming %s: %d of %d forks done%n", dir, results.forks().size(), results.plan().size());
        } else {
            results = fresh();
            dir = out != null ? out : defaultDir();
            if (Files.exists(dir.resolve(ResultsFiles.RESULTS))) {
                throw new IllegalArgumentException(dir + " already holds a run: use --resume " + dir + " or another --out");
            }
            ResultsFiles.write(dir, results);
            String prof = results.settings().profile();
            if (prof.startsWith(io.icpbench.harness.traffic.TrafficSource.PCAP_PREFIX)
                    && prof.contains(io.icpbench.harness.traffic.TrafficSource.HOST_SEPARATOR)) {
                io.icpbench.harness.traffic.TrafficSource.writeHost(dir.resolve(HOST_FILE), io.icpbench.harness.traffic.TrafficSource.load(prof));
            }
        }
        RunResults.Settings s = results.settings();
        Path runDir = dir;
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
                    doneForks, runDir, runDir);
        }, "icpbench-run-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        int total = results.plan().size();
        long started = System.nanoTime();
        int doneAtStart = results.forks().size();
        doneForks = doneAtStart;
        if (s.interleaved()) {
            for (List<RunResults.PlannedFork> block : InterleavedBlock.pendingBlocks(results)) {
                int done = results.forks().size();
                double elapsed = (System.nanoTime() - started) / 1e9;
                int ranHere = done - doneAtStart;
                double perFork = ranHere > 0 ? elapsed / ranHere
                        : blockSeconds(true, s.together(), s.arms().size(), s.warmupIterations(), s.iterations(), s.iterationSeconds()) / s.arms().size();
                double left = perFork * (total - done);
                int blockNo = block.get(0).block();
                InterleavedBlock b = new InterleavedBlock(dir, s, block, s.seed() * 1_000_003L + blockNo, s.together());
                currentBlock = b;
                long blockStart = System.nanoTime();
                int[] lastRound = {-1};
                InterleavedBlock.Outcome outcome;
                Map<Integer, HostLoad.Accumulator> noise = new java.util.HashMap<>();
                try {
                    outcome = b.run(turn -> {
                        double inBlock = (System.nanoTime() - blockStart) / 1e9;
                        blockProgress(System.err, done, total, blockNo, turn, Math.max(0, left - inBlock), lastRound);
                    }, new InterleavedBlock.TurnSampler() {
                        @Override
                        public Object before(int index, long pid) {
                            return HOST.snapshot(pid);
                        }

                        @Override
                        public void after(int index, long pid, Object before) {
                            noise.computeIfAbsent(index, i -> new HostLoad.Accumulator()).add((HostLoad.Snapshot) before, HOST.snapshot(pid));
                        }
                    });
                } finally {
                    currentBlock = null;
                }
                for (RunResults.PlannedFork f : block) {
                    HostLoad.Accumulator a = noise.get(f.index());
                    results = results.with(outcome.forks().get(f.index()).withNoise(a == null ? null : a.result()));
                }
                ResultsFiles.write(dir, results);
                doneForks = results.forks().size();
            }
        } else {
            for (RunResults.PlannedFork planned : results.plan()) {
                if (results.finished(planned.index())) {
                    continue;
                }
                int done = results.forks().size();
                double elapsed = (System.nanoTime() - started) / 1e9;
                int ranHere = done - doneAtStart;
                double perFork = ranHere > 0 ? elapsed / ranHere : FORK_OVERHEAD_SECONDS + (s.warmupIterations() + s.iterations()) * s.iterationSeconds();
                progress(System.err, done, total, planned, perFork * (total - done));
                RunResults.ForkResult fork = runFork(dir, s, planned);
                results = results.with(fork);
                ResultsFiles.write(dir, results);
                doneForks = results.forks().size();
            }
        }
        Runtime.getRuntime().removeShutdownHook(hook);
        progress(System.err, total, total, null, 0);
        System.err.println();
        if (!s.quick() && !noCalibration && !Files.exists(dir.resolve(CALIBRATION))) {
            calibrate(dir);
        }
        summary(System.out, results, dir);
        calibrationSummary(System.out, dir);
        report(System.out, results, dir);
        return 0;
    }

    /** Set by {@link #planned}: work out the run without printing. */
    private boolean planOnly;

    /**
     * The run these options ask for, as {@code icpbench run} would start it (settings, provenance,
     * the planned forks), without writing or printing anything: what {@code icpbench sweep} plans
     * with and checks its points by.
     *
     * @throws IllegalArgumentException for bad options, as {@code run} reports them
     */
    RunResults planned() {
        if (resume != null) {
            throw new IllegalArgumentException("--resume has no plan of its own");
        }
        planOnly = true;
        return fresh();
    }

    /** Whether the calibration suite would run after the forks (not with --quick or --no-calibration). */
    boolean calibrates() {
        return !quick && !noCalibration;
    }

    /**
     * Seconds a run takes, from its settings (its blocks, {@link #blockSeconds}), for the forks not
     * yet finished, plus the calibration suite when {@code calibration}.
     */
    static double estimatedSeconds(RunResults r, boolean calibration) {
        RunResults.Settings s = r.settings();
        long blocks = r.plan().stream().mapToInt(RunResults.PlannedFork::block).distinct().count();
        if (blocks == 0) {
            return 0;
        }
        int forksPerBlock = (int) Math.ceil(r.plan().size() / (double) blocks);
        double all = blocks * blockSeconds(s.interleaved(), s.together(), forksPerBlock, s.warmupIterations(), s.iterations(), s.iterationSeconds());
        double left = all * (r.plan().size() - r.forks().size()) / r.plan().size();
        return left + (calibration ? CALIBRATION_SECONDS : 0);
    }

    private RunResults fresh() {
        List<RunResults.Arm> m = Arms.of(modes, armArgs, DEFAULT_MODES);
        String base = baseline != null ? baseline : m.get(0).name();
        if (m.stream().noneMatch(a -> a.name().equals(base))) {
            throw new IllegalArgumentException("--baseline " + base + ": no such arm, expected one of " + m.stream().map(RunResults.Arm::name).toList());
        }
        if (!noControls) {
            m = Arms.withControls(m, base);
        }
        String d = design != null ? design : "live".equals(source) ? RunResults.Settings.SEQUENTIAL : RunResults.Settings.INTERLEAVED;
        if (!RunResults.Settings.DESIGNS.contains(d)) {
            throw new IllegalArgumentException("--design=" + d + ", expected one of " + String.join(", ", RunResults.Settings.DESIGNS));
        }
        if ("live".equals(source) && !d.equals(RunResults.Settings.SEQUENTIAL)) {
            throw new IllegalArgumentException("--source live runs its forks one at a time (each has its own sender): drop --design " + d);
        }
        boolean inter = RunResults.Settings.interleaved(d);
        if ("live".equals(source)) {
            if (workers != 1) {
                throw new IllegalArgumentException("--source live has one receive thread; drop --workers");
            }
            // Forks start elsewhere: keep a profile file's absolute path.
            profile = io.icpbench.harness.traffic.TrafficSource.LIVE_PREFIX
                    + (Files.isRegularFile(Path.of(profile)) ? Path.of(profile).toAbsolutePath().toString() : profile);
        } else if (source != null && !source.equals("synthetic")) {
            if (!source.startsWith(io.icpbench.harness.traffic.TrafficSource.PCAP_PREFIX)) {
                throw new IllegalArgumentException("--source=" + source + ", expected synthetic, pcap:FILE or live");
            }
            // Forks start elsewhere: keep the capture's absolute path.
            profile = io.icpbench.harness.traffic.TrafficSource.withHost(io.icpbench.harness.traffic.TrafficSource.PCAP_PREFIX
                    + Path.of(source.substring(io.icpbench.harness.traffic.TrafficSource.PCAP_PREFIX.length())).toAbsolutePath(), host);
        }
        if (host != null && !profile.startsWith(io.icpbench.harness.traffic.TrafficSource.PCAP_PREFIX)) {
            throw new IllegalArgumentException("--host describes the receiving host of a capture: give --source pcap:FILE");
        }
        io.icpbench.harness.traffic.TrafficSource.validate(profile);
        if (workNs < 0 || workNs > 1_000_000) {
            throw new IllegalArgumentException("--work=" + workNs + ", expected 0..1000000 ns");
        }
        int wi = warmupIterations != null ? warmupIterations : inter ? (quick ? 20 : 40) : (quick ? 2 : 5);
        int it = iterations != null ? iterations : inter ? (quick ? 10 : 100) : (quick ? 3 : 10);
        double secs = iterationSeconds != null ? iterationSeconds : inter ? 0.1 : (quick ? 0.5 : 1.0);
        if (wi < 0 || it < 1 || !(secs >= 0.1 && secs <= 600)) {
            throw new IllegalArgumentException("warmup iterations " + wi + ", iterations " + it + ", iteration time " + secs
                    + " s: expected >= 0, >= 1 and 0.1..600 s");
        }
        int together = RunResults.Settings.together(d);
        int forksPerBlock = m.size() + baselineForks - 1;
        if (inter && iterations == null && forks == null && !quick) {
            double forForks = budgetMinutes * 60 - (noCalibration ? 0 : CALIBRATION_SECONDS);
            IterationChoice choice = chooseIterations(previousRuns(d), d, profile, forksPerBlock, together, wi, secs, forForks, it);
            it = choice.iterations();
            if (!planOnly) {
                System.err.println("icpbench run: " + choice.why());
            }
        }
        int perMode;
        if (forks != null) {
            if (forks < 1) {
                throw new IllegalArgumentException("--forks=" + forks + ", expected at least 1");
            }
            perMode = forks;
        } else if (quick) {
            perMode = 2;
        } else {
            double forForks = budgetMinutes * 60 - (noCalibration ? 0 : CALIBRATION_SECONDS);
            perMode = Math.max(2, (int) (forForks / blockSeconds(inter, together, forksPerBlock, wi, it, secs)));
        }
        long sd = seed != null ? seed : System.nanoTime() & 0xFFFF_FFFFL;
        io.icpbench.stack.SiteSelection.parse(sites);
        if (workers < 1 || workers > 64) {
            throw new IllegalArgumentException("--workers=" + workers + ", expected 1..64");
        }
        // Traffic with phases: every fork switches at the same measured iterations (the fork's benchmark splits them the same way).
        List<RunResults.Phase> phases = io.icpbench.harness.traffic.TrafficSource.phases(profile, it, "measured iteration").stream()
                .map(p -> new RunResults.Phase(p.name(), (int) p.first(), (int) p.last())).toList();
        RunResults.Settings settings = new RunResults.Settings(m, profile, workNs, workers, sites, perMode, wi, it, secs, sd, quick, base, d,
                phases);
        return new RunResults(RunResults.SCHEMA, settings, provenance(), ForkPlan.plan(m, perMode, sd, base, baselineForks), List.of());
    }

    /** The capture's host of a run with --host, as the forks use it (inferred, or copied from the host file). */
    static final String HOST_FILE = "host.txt";

    /** Blocks a run must hold for its paired t to have 4 degrees of freedom at least. */
    static final int MIN_BLOCKS = 5;
    /** The fewest measured iterations (turns) a fork of the interleaved design gets when the iterations are chosen. */
    static final int MIN_CHOSEN_ITERATIONS = 50;
    /**
     * The most: an earlier run's between-fork variance left by pairing is often estimated as 0 from
     * its few blocks (r* unbounded), while the validation runs showed forks of one block differing
     * by up to 5% JVM to JVM; a long budget then buys blocks rather than ever longer forks.
     */
    static final int MAX_CHOSEN_ITERATIONS = 300;

    /** How many measurement iterations per fork, and why, in words. */
    record IterationChoice(int iterations, String why) {
    }

    /**
     * Measurement iterations per fork from the last run like this one (Kalibera and Jones 2013):
     * the variance within a fork and the between-fork variance that pairing by block leaves, from
     * that run's A/A pair (the baseline against itself: the design's own noise), give the optimal
     * iterations r* = √(c_fork/c_iter · S_w²/S_b²), where c_fork is what a fork spends not measuring
     * (its share of the block's start, its warmup turns). r* is kept between {@link
     * #MIN_CHOSEN_ITERATIONS} and what still leaves {@link #MIN_BLOCKS} blocks in the budget. Without
     * such a run: {@code fallback}.
     *
     * @param previous    earlier runs, any order (the newest that matches is used)
     * @param forBudget   seconds the budget leaves for the blocks
     */
    static IterationChoice chooseIterations(List<RunResults> previous, String design, String profile, int forksPerBlock, int together,
            int warmup, double iterationSeconds, double forBudget, int fallback) {
        double perBlock = forBudget / MIN_BLOCKS;
        int fixedTurns = (int) Math.ceil(forksPerBlock / (double) together);
        double overhead = BLOCK_OVERHEAD_SECONDS + BLOCK_OVERHEAD_PER_FORK_SECONDS * forksPerBlock;
        int max = Math.min(MAX_CHOSEN_ITERATIONS, (int) Math.floor((perBlock - overhead) / (fixedTurns * iterationSeconds)) - warmup);
        RunResults last = previous.stream()
                .filter(r -> r.settings().design().equals(design) && r.settings().profile().equals(profile)
                        && r.settings().armNames().contains(Arms.AA) && r.provenance().cores() == Runtime.getRuntime().availableProcessors()
                        && r.provenance().cpuModel().equals(provenance().cpuModel()))
                .filter(r -> io.icpbench.analysis.Stats.blockDifferences(r, Arms.AA, r.settings().baseline()).length >= 2)
                .max(java.util.Comparator.comparing(r -> r.provenance().started())).orElse(null);
        if (last == null) {
            return new IterationChoice(fallback, String.format(Locale.ROOT, "%d measurement iterations per fork (no earlier %s run of this "
                    + "profile with an A/A arm on this machine to choose them from)", fallback, design));
        }
        io.icpbench.analysis.Stats.VarianceComponents v = io.icpbench.analysis.Stats.pairedVarianceComponents(last, Arms.AA,
                last.settings().baseline());
        double forkSeconds = overhead / forksPerBlock + warmup * iterationSeconds;
        int best = max < 1 ? MIN_CHOSEN_ITERATIONS : io.icpbench.analysis.Stats.optimalIterations(v, forkSeconds, iterationSeconds, max);
        int chosen = Math.max(MIN_CHOSEN_ITERATIONS, best);
        return new IterationChoice(chosen, String.format(Locale.ROOT, "%d measurement iterations per fork, chosen from the A/A pair of the "
                + "run of %s: within-fork SD %.3f, between-fork SD left by pairing %.3f (ln ns/packet), Kalibera-Jones optimum %s, "
                + "at most %d (to keep %d blocks in the budget, and %d at most)", chosen, last.provenance().started(), v.withinSd(), v.betweenSd(),
                v.between() > 0 ? Long.toString(Math.round(Math.sqrt(forkSeconds / iterationSeconds * v.within() / v.between()))) : "unbounded",
                Math.max(max, MIN_CHOSEN_ITERATIONS), MIN_BLOCKS, MAX_CHOSEN_ITERATIONS));
    }

    /** The runs under results/runs of this checkout that read (others are skipped). */
    static List<RunResults> previousRuns(String design) {
        String home = System.getenv("ICPBENCH_HOME");
        Path runs = Path.of(home != null ? home : ".", "results", "runs");
        List<RunResults> out = new ArrayList<>();
        if (!Files.isDirectory(runs)) {
            return out;
        }
        try (java.util.stream.Stream<Path> dirs = Files.list(runs)) {
            for (Path p : dirs.filter(x -> Files.isRegularFile(x.resolve(ResultsFiles.RESULTS))).toList()) {
                try {
                    RunResults r = ResultsFiles.read(p);
                    if (r.settings().design().equals(design)) {
                        out.add(r);
                    }
                } catch (RuntimeException e) {
                    // A damaged or foreign run is no guide; it is reported when read on its own.
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /**
     * Writes report.md and report.html (each arm against the baseline, paired by block; 1% margin;
     * power planned for 1%) and prints the report's first sentence per arm.
     */
    static void report(PrintStream out, RunResults r, Path dir) throws IOException {
        if (r.forks().stream().map(RunResults.ForkResult::arm).distinct().count() < 2
                || r.settings().armNames().stream().anyMatch(m -> r.forks().stream().filter(f -> f.arm().equals(m)).count() < 2)) {
            out.println("\n(no report: every arm needs at least 2 finished forks)");
            return;
        }
        String text = io.icpbench.analysis.MarkdownReport.render(r, MARGIN, PLAN_EFFECT);
        Files.writeString(dir.resolve("report.md"), text);
        Files.writeString(dir.resolve("report.html"), io.icpbench.analysis.HtmlReport.render(r, dir, MARGIN, PLAN_EFFECT));
        out.println();
        out.println("each arm against " + r.settings().baseline() + " (paired by block):");
        io.icpbench.analysis.MarkdownReport.headlines(r, MARGIN).forEach(l -> out.println("  " + l));
        out.println("(report: " + dir.resolve("report.md") + " and report.html)");
    }

    /** The equivalence margin of the report: ±1%. */
    static final double MARGIN = 0.01;
    /** The change the report's power, MDE and blocks-needed columns plan for: 1%, the question's size. */
    static final double PLAN_EFFECT = 0.01;

    /** The calibration suite's JMH result file in the run directory. */
    static final String CALIBRATION = "calibration.json";
    /** Seconds the calibration suite takes (measured here), set aside from the budget. */
    static final double CALIBRATION_SECONDS = 100;
    static final String CALIBRATION_BENCHMARKS = "CallSiteBenchmark.(monomorphic|virtual|virtualNoprofile|indirectCall|handGuard2|dynamicCall|promoted)$";

    /**
     * The calibration suite: one call site, monomorphic, bimorphic and megamorphic at two skews,
     * under every mode (CallSiteBenchmark, a JMH run of its own with its own forks), so each run
     * shows what one call costs on the machine it ran on.
     */
    private void calibrate(Path dir) throws IOException {
        System.err.println("icpbench run: calibration suite (single call sites under every mode, about 90 s)...");
        List<String> cmd = Forks.command(Mode.VIRTUAL, Map.of(), List.of(), List.of("jmh", CALIBRATION_BENCHMARKS, "-f", "1", "-wi", "2",
                "-w", "500ms", "-i", "3", "-r", "500ms", "-p", "shape=bimorphic,megamorphic", "-p", "r0Percent=50,89", "-rf", "json",
                "-rff", dir.resolve(CALIBRATION).toAbsolutePath().toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(dir.resolve("calibration.log").toFile())).start();
        current = p;
        try {
            if (p.waitFor() != 0) {
                System.err.println("icpbench run: the calibration suite failed; see " + dir.resolve("calibration.log"));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            current = null;
        }
    }

    /** Prints ns per call of each calibration variant: rows are variants, columns the receiver shapes. */
    static void calibrationSummary(PrintStream out, Path dir) throws IOException {
        Path file = dir.resolve(CALIBRATION);
        if (!Files.exists(file)) {
            return;
        }
        com.fasterxml.jackson.databind.JsonNode root = new ObjectMapper().readTree(file.toFile());
        Map<String, Map<String, Double>> table = new LinkedHashMap<>();
        List<String> columns = new ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode b : root) {
            String variant = b.get("benchmark").asText().replaceAll(".*\\.", "");
            com.fasterxml.jackson.databind.JsonNode params = b.get("params");
            String column = params.get("shape").asText().replace("morphic", "") + " " + params.get("r0Percent").asText() + "%";
            if (!columns.contains(column)) {
                columns.add(column);
            }
            table.computeIfAbsent(variant, k -> new LinkedHashMap<>()).put(column, b.get("primaryMetric").get("score").asDouble());
        }
        out.println();
        out.println("calibration: one call site, ns per call (receiver shape, dominant class's share; monomorphic ignores the shape)");
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "  %-18s", "variant"));
        columns.forEach(c -> head.append(String.format(Locale.ROOT, " %10s", c)));
        out.println(head);
        table.forEach((variant, row) -> {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-18s", variant));
            columns.forEach(c -> line.append(row.containsKey(c) ? String.format(Locale.ROOT, " %10.2f", row.get(c)) : String.format(" %10s", "-")));
            out.println(line);
        });
    }

    static Path defaultDir() {
        String home = System.getenv("ICPBENCH_HOME");
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        return Path.of(home != null ? home : ".", "results", "runs", stamp);
    }

    /** The machine's load, sampled around each fork's measurement (the noise record). */
    private static final HostLoad HOST = HostLoad.system();

    /**
     * Runs one fork by itself. Its noise record covers its whole run, sampled every second while its
     * JVM is alive (the JVM's CPU time cannot be read once it has exited).
     */
    private RunResults.ForkResult runFork(Path dir, RunResults.Settings s, RunResults.PlannedFork planned) throws IOException {
        Process p = startFork(dir, s, planned, Map.of());
        current = p;
        int rc;
        HostLoad.Accumulator noise = new HostLoad.Accumulator();
        try {
            HostLoad.Snapshot last = HOST.snapshot(p.pid());
            while (!p.waitFor(1, java.util.concurrent.TimeUnit.SECONDS)) {
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

    /** Starts the JVM of one planned fork, its output in fork-NNN/fork.log; {@code extra}: more system properties. */
    static Process startFork(Path dir, RunResults.Settings s, RunResults.PlannedFork planned, Map<String, String> extra) throws IOException {
        RunResults.Arm arm = s.arm(planned.arm());
        Mode mode = Mode.parse(arm.mode());
        Path forkDir = dir.resolve(forkName(planned.index()));
        Files.createDirectories(forkDir);
        List<String> args = List.of("fork", "--index", Integer.toString(planned.index()), "--block", Integer.toString(planned.block()),
                "--profile", s.profile(), "--work", Double.toString(s.workNs()), "--warmup-iterations", Integer.toString(s.warmupIterations()),
                "--iterations", Integer.toString(s.iterations()), "--workers", Integer.toString(s.workers()), "--iteration-ms", Long.toString(Math.round(s.iterationSeconds() * 1000)),
                "--dir", dir.toAbsolutePath().toString(), "--arm", arm.name());
        Map<String, String> properties = new LinkedHashMap<>(Arms.properties(arm, s.sites()));
        properties.putAll(extra);
        List<String> cmd = Forks.command(mode, properties, arm.jvm(), args);
        Path log = forkDir.resolve("fork.log");
        Files.writeString(log, String.join(" ", cmd) + System.lineSeparator());
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    static String forkName(int index) {
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
        return "fork " + planned.index() + " (" + armLabel(planned) + ") " + cause + "; " + log
                + " ends with:\n  " + String.join("\n  ", tail.subList(Math.max(0, tail.size() - 15), tail.size()));
    }

    static RunResults.Provenance provenance() {
        String cpu = "unknown";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException e) {
            cpu = "unknown (" + e.getMessage() + ")";
        }
        String commit = "unknown";
        try {
            String home = System.getenv("ICPBENCH_HOME");
            Process git = new ProcessBuilder("git", "-C", home != null ? home : ".", "rev-parse", "--short=12", "HEAD")
                    .redirectErrorStream(true).start();
            String outText = new String(git.getInputStream().readAllBytes()).trim();
            if (git.waitFor() == 0 && outText.matches("[0-9a-f]+")) {
                commit = outText;
            }
        } catch (IOException e) {
            commit = "unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new RunResults.Provenance(System.getProperty("java.vm.version"), new ArrayList<>(Forks.NETTY_FLAGS), cpu,
                System.getProperty("os.name") + " " + System.getProperty("os.version"), Runtime.getRuntime().availableProcessors(), commit,
                Instant.now().toString(), hostname());
    }

    /**
     * This machine's name: {@code $ICPBENCH_HOST} if set (a container's host name names the
     * container, not the machine: a Kubernetes job sets it to the node's name), else the kernel's
     * host name ({@code /proc/sys/kernel/hostname}), else what the resolver says, else "unknown".
     * Runs of several machines are told apart by it.
     */
    static String hostname() {
        String set = System.getenv("ICPBENCH_HOST");
        if (set != null && !set.isBlank()) {
            return set.strip();
        }
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!h.isEmpty()) {
                return h;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: ask the resolver
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    static void progress(PrintStream err, int done, int total, RunResults.PlannedFork next, double secondsLeft) {
        int width = 30;
        int filled = total == 0 ? width : done * width / total;
        String bar = "#".repeat(filled) + ".".repeat(width - filled);
        String what = next == null ? "done" : String.format(Locale.ROOT, "fork %d (block %d) %s", next.index(), next.block(), armLabel(next));
        err.printf(Locale.ROOT, "%s[%s] %d/%d forks, %s, %s left   %s", System.console() != null ? "\r" : "", bar, done, total, what,
                duration(secondsLeft), System.console() != null ? "" : System.lineSeparator());
        err.flush();
    }

    /**
     * Progress inside an interleaved block: on a terminal every turn (one line, redrawn), otherwise a
     * line every 10 rounds, so a log stays readable.
     */
    static void blockProgress(PrintStream err, int done, int total, int block, String turn, double secondsLeft, int[] lastRound) {
        boolean console = System.console() != null;
        int round = Integer.parseInt(turn.replaceAll(".*round (\\d+)/.*", "$1"));
        if (!console && (round == lastRound[0] || (round - 1) % 10 != 0)) {
            return;
        }
        lastRound[0] = round;
        int width = 30;
        int filled = total == 0 ? width : done * width / total;
        err.printf(Locale.ROOT, "%s[%s] %d/%d forks, block %d: %s, %s left   %s", console ? "\r" : "", "#".repeat(filled) + ".".repeat(width - filled),
                done, total, block, turn, duration(secondsLeft), console ? "" : System.lineSeparator());
        err.flush();
    }

    /** "promoted", or "dc-once (dynamic-call)" for an arm not named after its mode. */
    static String armLabel(RunResults.PlannedFork p) {
        return p.arm().equals(p.mode()) ? p.arm() : p.arm() + " (" + p.mode() + ")";
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 60 ? (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s" : s + "s";
    }

    /** One line on what else the machine did while the forks measured (their noise records), if they have any. */
    static void noiseLine(PrintStream out, RunResults r) {
        List<RunResults.Noise> n = r.forks().stream().map(RunResults.ForkResult::noise).filter(java.util.Objects::nonNull).toList();
        if (n.isEmpty()) {
            return;
        }
        long flagged = n.stream().filter(RunResults.Noise::interfered).count();
        out.printf(Locale.ROOT, "noise: %d of %d forks ran under interference; over the measurement, steal %.1f%%, other processes %.1f%% "
                + "of all CPUs' time (mean of forks), load average up to %.2f%s%n", flagged, n.size(),
                n.stream().mapToDouble(RunResults.Noise::stealPercent).average().orElse(0),
                n.stream().mapToDouble(RunResults.Noise::othersPercent).average().orElse(0),
                n.stream().mapToDouble(RunResults.Noise::loadAverage).max().orElse(0), flagged > n.size() / 2 ? "  <- a weak run: the machine was busy" : "");
    }

    /**
     * The target mix of each learned site, from the first fork that learned (its sites.json): the
     * traffic's skew at every call site, the same for every arm of the run.
     */
    static void siteMix(PrintStream out, RunResults r, Path dir) {
        for (RunResults.ForkResult f : r.forks()) {
            Path forkDir = f.jmhJson() == null ? null : dir.resolve(f.jmhJson()).getParent();
            if (forkDir == null || !Files.isRegularFile(forkDir.resolve(SiteReport.FILE))) {
                continue;
            }
            try {
                SiteReport sites = SiteReport.read(forkDir);
                out.println();
                out.printf(Locale.ROOT, "(from %s, arm %s; every learned fork's: icpbench sites %s/fork-NNN)%n", dir.relativize(forkDir),
                        f.arm(), dir);
                sites.printMix(out);
                sites.printPhases(out);
            } catch (IllegalArgumentException e) {
                out.println("(" + e.getMessage() + ")");
            }
            return;
        }
    }

    /** The per-arm table with the patch accounting (the statistics issue turns this into the report). */
    static void summary(PrintStream out, RunResults r, Path dir) {
        RunResults.Settings s = r.settings();
        RunResults.Provenance p = r.provenance();
        out.printf(Locale.ROOT, "icpbench run: %sJDK %s, %d cores (%s), %s, commit %s%n", p.host() == null ? "" : "host " + p.host() + ", ",
                p.jdk(), p.cores(), p.cpuModel(), p.kernel(), p.gitCommit());
        out.printf(Locale.ROOT, "design: %s, %d arms x %d forks in randomized blocks (seed %d), %d x %.2f s warmup, %d x %.2f s measurement; "
                + "baseline %s%n", s.design(), s.arms().size(), s.forksPerArm(), s.seed(), s.warmupIterations(), s.iterationSeconds(),
                s.iterations(), s.iterationSeconds(), s.baseline());
        out.printf(Locale.ROOT, "profile %s, work %s ns/handler, %d RX worker%s, sites converted: %s%n", s.profile(), s.workNs(),
                s.workers(), s.workers() == 1 ? "" : "s", s.sites());
        if (!s.phases().isEmpty()) {
            out.println(io.icpbench.analysis.MarkdownReport.phasesLine(s));
        }
        for (RunResults.Arm a : s.arms()) {
            if (!a.spec().equals(a.name())) {
                out.printf(Locale.ROOT, "arm %s = %s%n", a.name(), a.spec());
            }
        }
        out.println();
        java.util.Map<String, io.icpbench.analysis.PatchCosts.ArmCost> costs = io.icpbench.analysis.PatchCosts.perArm(r);
        out.printf(Locale.ROOT, "%-18s %3s %8s %7s %10s %s%n", "arm", "n", "Mpps", "CV", "ns/packet", io.icpbench.analysis.PatchCosts.header());
        for (String arm : s.armNames()) {
            // Mpps and its CV on the scale the report compares (the mean of the forks' packets/s), so a ratio
            // read off this column is the report's; ns/packet is the mean of the forks' ns/packet.
            double[] m = r.forks().stream().filter(f -> f.arm().equals(arm)).mapToDouble(RunResults.ForkResult::meanNsPerPacket).toArray();
            double[] rates = java.util.Arrays.stream(m).map(ns -> 1e3 / ns).toArray();
            double mpps = m.length == 0 ? Double.NaN : io.icpbench.analysis.Stats.mean(rates);
            double cv = m.length > 1 ? io.icpbench.analysis.Stats.sd(rates) / mpps : 0;
            out.printf(Locale.ROOT, "%-18s %3d %8.3f %6.1f%% %10.1f %s%n", arm, m.length, mpps, 100 * cv,
                    m.length == 0 ? Double.NaN : io.icpbench.analysis.Stats.mean(m), io.icpbench.analysis.PatchCosts.columns(costs.get(arm)));
        }
        out.println("(" + io.icpbench.analysis.PatchCosts.COLUMNS_NOTE + ")");
        io.icpbench.analysis.PatchCosts.twinLines(costs).forEach(l -> out.println("(" + l + ")"));
        out.println("(" + io.icpbench.analysis.PatchCosts.KERNEL_NOTE + ")");
        noiseLine(out, r);
        siteMix(out, r, dir);
        out.println();
        boolean live = r.settings().profile().startsWith(io.icpbench.harness.traffic.TrafficSource.LIVE_PREFIX);
        out.println("results: " + dir.resolve(ResultsFiles.RESULTS) + " (and " + ResultsFiles.CSV + (live ? "" : ", fork-NNN/jmh.json")
                + ", fork-NNN/latency.hlog, fork-NNN/jit.log" + (live ? ", fork-NNN/fork.log with each fork's live accounting" : "") + ")");
    }
}
