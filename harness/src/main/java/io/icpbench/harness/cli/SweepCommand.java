package io.icpbench.harness.cli;

import io.icpbench.harness.host.Machine;

import io.icpbench.harness.run.RunEngine;

import io.icpbench.harness.run.Progress;

import io.icpbench.harness.run.RunReport;

import io.icpbench.harness.Main;

import io.icpbench.harness.run.SweepJobs;
import io.icpbench.harness.run.SweepPlan;

import io.icpbench.analysis.SweepReport;
import io.icpbench.results.ResultsFiles;
import io.icpbench.results.RunResults;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code icpbench sweep}: a grid of points, each one {@code icpbench run} (its own run directory,
 * SWEEP/point-NNN, every arm against the baseline paired by block) with the point's settings; then
 * sweep.json, sweep.md and sweep.html. Plans ({@code --plan}), resumes ({@code --resume}), writes
 * Slurm and Kubernetes jobs that run one point per array task ({@code --emit}) and collects their
 * runs ({@code --collect}), the machine as a blocking factor.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run a grid of points, each one 'icpbench run' with the point's settings (its own run directory SWEEP/point-NNN, "
                + "every arm against the baseline paired by block), then write SWEEP/sweep.json, sweep.md (one row per point and arm: "
                + "rate ratio [95%% CI], or inconclusive with the MDE) and sweep.html (heat maps of each question arm's log ratio over "
                + "two axes, inconclusive cells hatched and labelled with their MDE).",
            "",
            "Axes are comma lists; every combination is a point; an axis not given keeps the run's default. Every point runs the "
                + "same arms. Its design (forks, iterations) is fixed when planned, so every machine runs a point alike; the "
                + "calibration suite is not run at points.",
            ""},
        footer = {"", "Examples:",
            "  icpbench sweep --plan --work 0,100,500,2000 --skew 100,90,50,uniform \\",
            "      --modes virtual,dynamic-call --budget 5",
            "  icpbench sweep --work 0,500 --skew 99,90 --out results/sweeps/s1 \\",
            "      --arm 'dc=dynamic-call;placement=stub;policy=cree'",
            "  icpbench sweep --resume results/sweeps/s1",
            "  icpbench sweep --work 0,500 --skew 99,90 --emit slurm /shared/s2",
            "  sbatch /shared/s2/sweep.sbatch",
            "  icpbench sweep --collect /shared/s2"})
public final class SweepCommand implements Callable<Integer> {
    @Option(names = "--work", split = ",", paramLabel = "NS", description = "Axis: work per handler call, ns (e.g. 0,100,500,2000).")
    List<Double> work;

    @Option(names = "--skew", split = ",", paramLabel = "PERCENT|uniform",
            description = "Axis: the target skew at the call sites: the share (percent) of udp4 (IPv4 UDP to the application sockets, "
                + "every site's dominant target) in a profile generated from the built-in 'uniform' one, whose other 36 traffic "
                + "classes share the rest evenly; 100 = udp4 alone, 'uniform' = every class alike (2.7%% each). The profiles go to "
                + "SWEEP/profiles/. Not with --profile.")
    List<String> skew;

    @Option(names = {"--profile", "--profiles"}, split = ",", paramLabel = "PROFILE",
            description = "Axis: traffic profiles (built-in names or files; see 'icpbench profiles'), steady or phase-shifting. "
                + "Default: the run's (default). Not with --skew.")
    List<String> profiles;

    @Option(names = "--sites", paramLabel = "SITES,...",
            description = "Axis: which call sites the arms convert, one value per comma: all, none, a site, or a range; join the "
                + "parts of one value with '+' (e.g. 1,6,1-12,1-5+9: four points, the last converting 1-5 and 9).")
    String sites;

    @Option(names = "--workers", split = ",", paramLabel = "N", description = "Axis: RX workers per fork (e.g. 1,2).")
    List<Integer> workers;

    @Option(names = "--modes", split = ",", paramLabel = "MODE",
            description = "Arms named after their modes, as 'icpbench run --modes' (default without --arm: run's default suite).")
    List<String> modes;

    @Option(names = "--arm", paramLabel = "NAME=SPEC",
            description = "An arm, as 'icpbench run --arm' (repeatable): learning policy and placement are arm settings, e.g. "
                + "'dc-stub=dynamic-call;placement=stub;policy=cree'.")
    List<String> armArgs;

    @Option(names = "--baseline", paramLabel = "ARM", description = "The arm every other arm is compared with. Default: the first arm.")
    String baseline;

    @Option(names = "--baseline-forks", paramLabel = "N", description = "Forks of the baseline in every block (as 'icpbench run').")
    Integer baselineForks;

    @Option(names = "--no-controls", negatable = false, description = "Leave out the control arms (aa, planted) at every point.")
    boolean noControls;

    @Option(names = "--forks", paramLabel = "N", description = "Forks (blocks) per arm at every point. Default: from --budget.")
    Integer forks;

    @Option(names = "--budget", paramLabel = "MINUTES", description = "Time each point may take, when --forks is not given. Default: the run's 10.")
    Double budget;

    @Option(names = "--quick", description = "Each point a --quick run (2 forks per arm, short iterations).")
    boolean quick;

    @Option(names = "--iterations", paramLabel = "N", description = "Measurement iterations per fork (as 'icpbench run').")
    Integer iterations;

    @Option(names = "--warmup-iterations", paramLabel = "N", description = "Warmup iterations per fork (as 'icpbench run').")
    Integer warmupIterations;

    @Option(names = "--iteration-time", paramLabel = "SECONDS", description = "Seconds per iteration (as 'icpbench run').")
    Double iterationSeconds;

    @Option(names = "--design", paramLabel = "DESIGN", description = "interleaved (default), sequential or duet (as 'icpbench run').")
    String design;

    @Option(names = "--seed", paramLabel = "N", description = "The sweep's seed: point i runs with seed + i. Default: from the clock (recorded).")
    Long seed;

    @Option(names = "--out", paramLabel = "SWEEP", description = "The sweep directory. Default: results/sweeps/<time> under the project "
            + "(with --emit: the emit directory). With --collect: where sweep.json/md/html go (default: the first SWEEP).")
    Path out;

    @Option(names = "--plan", description = "Print the points and the time they will take, then exit; nothing runs, nothing is written.")
    boolean planOnly;

    @Option(names = "--resume", paramLabel = "SWEEP",
            description = "Finish a stopped sweep: finished points are kept, a half-done point resumes ('icpbench run --resume'), "
                + "the others run. A point started on another machine gets the blocks it still misses run here in "
                + "SWEEP/point-NNN@HOST, analysed as this machine's.")
    Path resume;

    @Option(names = "--point", paramLabel = "N",
            description = "With --resume: run (or resume) point N only and collect nothing (what the job scripts of --emit run).")
    Integer point;

    @Option(names = "--collect", arity = "1..*", paramLabel = "SWEEP",
            description = "Bring the points' runs of one or more sweep directories of the same plan (several machines or clusters) "
                + "together into sweep.json, sweep.md and sweep.html, with the machine as a blocking factor: each machine's runs of "
                + "a point are analysed apart, and the row 'all' pairs only within each machine's blocks.")
    List<Path> collect;

    @Option(names = "--emit", arity = "2", paramLabel = "KIND DIR", hideParamSyntax = true,
            description = "Plan the sweep into SWEEP and write a job for an existing scheduler into DIR instead of running it: "
                + "'slurm' (DIR/sweep.sbatch, a job array with one task per point, each task 'icpbench sweep --resume SWEEP "
                + "--point N', exclusive on its node, its log in DIR/logs/) or 'k8s' (DIR/sweep-job.yaml, an Indexed Job). "
                + "Prints how to submit it.")
    List<String> emit;

    @Option(names = "--sbatch", paramLabel = "OPTION",
            description = "With --emit slurm: an extra #SBATCH line (repeatable), e.g. --sbatch=--partition=bench or --sbatch=--time=2:00:00.")
    List<String> sbatch;

    /** The default sweep directory: results/sweeps/<time> under the project. */
    static Path defaultDir() {
        String home = System.getenv("ICPBENCH_HOME");
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        return Path.of(home != null ? home : ".", "results", "sweeps", stamp);
    }

    @Override
    public Integer call() throws IOException {
        if (collect != null) {
            refuse("--collect", true);
            Path to = out != null ? out : collect.get(0);
            SweepReport.Sweep s = collect(collect, to);
            write(to, s);
            printCollected(System.out, s, to);
            return 0;
        }
        if (resume != null) {
            refuse("--resume", false);
            SweepPlan plan = SweepPlan.read(resume);
            if (point != null) {
                plan.point(point);
            }
            return runPoints(resume, plan, point);
        }
        if (point != null) {
            throw new IllegalArgumentException("--point runs one point of a planned sweep: give --resume SWEEP with it");
        }
        String kind = null;
        Path emitDir = null;
        if (emit != null) {
            kind = emit.get(0);
            if (!SweepJobs.KINDS.contains(kind)) {
                throw new IllegalArgumentException("--emit " + kind + ": expected one of " + String.join(", ", SweepJobs.KINDS));
            }
            emitDir = Path.of(emit.get(1));
        }
        if (sbatch != null && !"slurm".equals(kind)) {
            throw new IllegalArgumentException("--sbatch adds lines to the Slurm script: give --emit slurm DIR");
        }
        if (sbatch != null) {
            for (String o : sbatch) {
                if (!o.startsWith("-") || o.contains("\n")) {
                    throw new IllegalArgumentException("--sbatch " + o + ": expected one sbatch option such as --partition=bench");
                }
            }
        }
        SweepPlan plan = plan();
        if (planOnly) {
            printPlan(System.out, plan, out != null ? out : Path.of("SWEEP"));
            return 0;
        }
        Path dir = out != null ? out : emitDir != null ? emitDir : defaultDir();
        if (Files.exists(dir.resolve(SweepPlan.FILE))) {
            throw new IllegalArgumentException(dir + " already holds a sweep: use --resume " + dir + " or another --out");
        }
        if (Files.isDirectory(dir)) {
            try (var entries = Files.list(dir)) {
                if (entries.anyMatch(p -> p.getFileName().toString().startsWith("point-"))) {
                    throw new IllegalArgumentException(dir + " already holds point directories: use another --out");
                }
            }
        }
        Files.createDirectories(dir);
        plan.write(dir);
        SweepPlan.writeSkewProfiles(dir, plan.axes().getOrDefault("skew", List.of()));
        if (kind != null) {
            printPlan(System.out, plan, dir);
            SweepJobs.emit(System.out, kind, plan, dir, emitDir, sbatch == null ? List.of() : sbatch);
            return 0;
        }
        printPlan(System.err, plan, dir);
        return runPoints(dir, plan, null);
    }

    /** With --collect or --resume, the grid and run options are the plan's: refuse them. */
    private void refuse(String mode, boolean outAllowed) {
        List<String> given = new ArrayList<>();
        addIf(given, work != null, "--work");
        addIf(given, skew != null, "--skew");
        addIf(given, profiles != null, "--profile");
        addIf(given, sites != null, "--sites");
        addIf(given, workers != null, "--workers");
        addIf(given, modes != null, "--modes");
        addIf(given, armArgs != null, "--arm");
        addIf(given, baseline != null, "--baseline");
        addIf(given, baselineForks != null, "--baseline-forks");
        addIf(given, noControls, "--no-controls");
        addIf(given, forks != null, "--forks");
        addIf(given, budget != null, "--budget");
        addIf(given, quick, "--quick");
        addIf(given, iterations != null, "--iterations");
        addIf(given, warmupIterations != null, "--warmup-iterations");
        addIf(given, iterationSeconds != null, "--iteration-time");
        addIf(given, design != null, "--design");
        addIf(given, seed != null, "--seed");
        addIf(given, planOnly, "--plan");
        addIf(given, emit != null, "--emit");
        addIf(given, sbatch != null, "--sbatch");
        addIf(given, !outAllowed && out != null, "--out");
        addIf(given, mode.equals("--collect") && resume != null, "--resume");
        addIf(given, mode.equals("--collect") && point != null, "--point");
        if (!given.isEmpty()) {
            throw new IllegalArgumentException(mode + " uses the sweep's own plan: drop " + String.join(", ", given));
        }
    }

    private static void addIf(List<String> l, boolean cond, String name) {
        if (cond) {
            l.add(name);
        }
    }

    // ---------------------------------------------------------------- planning

    /**
     * The plan: the grid's points, each checked and resolved as {@code icpbench run} would start it.
     *
     * @throws IllegalArgumentException naming the point and the problem
     */
    SweepPlan plan() throws IOException {
        if (skew != null && profiles != null) {
            throw new IllegalArgumentException("--skew and --profile both set the traffic: --skew generates its profiles from 'uniform'; give one of them");
        }
        Map<String, List<String>> axes = new LinkedHashMap<>();
        axes.put("work", distinct("--work", work == null ? List.of("0") : work.stream().map(SweepCommand::number).toList()));
        if (skew != null) {
            List<String> values = distinct("--skew", skew.stream().map(v -> v.strip().toLowerCase(Locale.ROOT).replace("%", "")).toList());
            values.forEach(SweepPlan::skewProfile); // checks each value
            axes.put("skew", values);
        } else {
            List<String> values = profiles == null ? List.of("default") : profiles.stream().map(SweepCommand::profileValue).toList();
            axes.put("profile", distinct("--profile", values));
        }
        axes.put("sites", distinct("--sites", sites == null ? List.of("all")
                : java.util.Arrays.stream(sites.split(",", -1)).map(v -> v.strip().replace('+', ',')).toList()));
        axes.put("workers", distinct("--workers", workers == null ? List.of("1") : workers.stream().map(String::valueOf).toList()));
        for (String v : axes.get("sites")) {
            if (v.isEmpty()) {
                throw new IllegalArgumentException("--sites " + sites + ": an empty value");
            }
        }
        List<String> common = new ArrayList<>();
        if (modes != null) {
            common.addAll(List.of("--modes", String.join(",", modes)));
        }
        if (armArgs != null) {
            armArgs.forEach(a -> common.addAll(List.of("--arm", a)));
        }
        if (baseline != null) {
            common.addAll(List.of("--baseline", baseline));
        }
        if (baselineForks != null) {
            common.addAll(List.of("--baseline-forks", baselineForks.toString()));
        }
        if (noControls) {
            common.add("--no-controls");
        }
        if (design != null) {
            common.addAll(List.of("--design", design));
        }
        if (quick) {
            common.add("--quick");
        }
        List<String> planning = new ArrayList<>();
        if (forks != null) {
            planning.addAll(List.of("--forks", forks.toString()));
        }
        if (budget != null) {
            planning.addAll(List.of("--budget", number(budget)));
        }
        if (iterations != null) {
            planning.addAll(List.of("--iterations", iterations.toString()));
        }
        if (warmupIterations != null) {
            planning.addAll(List.of("--warmup-iterations", warmupIterations.toString()));
        }
        if (iterationSeconds != null) {
            planning.addAll(List.of("--iteration-time", number(iterationSeconds)));
        }
        long sweepSeed = seed != null ? seed : System.nanoTime() & 0xFFFF_FFFFL;
        String traffic = axes.containsKey("skew") ? "skew" : "profile";
        List<SweepPlan.Point> points = new ArrayList<>();
        List<String> arms = null;
        String base = null;
        Path tmp = Files.createTempDirectory("icpbench-sweep-plan");
        try {
            SweepPlan.writeSkewProfiles(tmp, axes.getOrDefault("skew", List.of()));
            for (String t : axes.get(traffic)) {
                for (String si : axes.get("sites")) {
                    for (String wk : axes.get("workers")) {
                        for (String w : axes.get("work")) {
                            int index = points.size();
                            String name = String.format(Locale.ROOT, "point-%03d", index);
                            String sk = traffic.equals("skew") ? t : null;
                            String pr = traffic.equals("profile") ? t : null;
                            SweepPlan.Point draft = new SweepPlan.Point(index, name, w, sk, pr, si, wk, 0, 0, 0, 0, sweepSeed + index, 0);
                            List<String> args = new ArrayList<>(common);
                            args.addAll(axisArgs(draft, tmp));
                            args.addAll(planning);
                            args.addAll(List.of("--seed", Long.toString(sweepSeed + index), "--no-calibration"));
                            RunResults r = planRun(name + " (" + draft.describe() + ")", args);
                            RunResults.Settings s = r.settings();
                            points.add(new SweepPlan.Point(index, name, w, sk, pr, si, wk, s.forksPerArm(), s.warmupIterations(), s.iterations(),
                                    s.iterationSeconds(), s.seed(), Math.round(10 * RunEngine.estimatedSeconds(r, false)) / 10.0));
                            if (arms == null) {
                                arms = s.arms().stream().map(a -> a.name().equals(a.spec()) ? a.name() : a.name() + "=" + a.spec()).toList();
                                base = s.baseline();
                            }
                        }
                    }
                }
            }
        } finally {
            deleteTree(tmp);
        }
        return new SweepPlan(SweepPlan.SCHEMA, Instant.now().toString(), sweepSeed, common, arms, base, axes, points);
    }

    /** The point's axis options for {@code icpbench run}, a --skew profile read from {@code profilesDir}. */
    private static List<String> axisArgs(SweepPlan.Point p, Path profilesDir) {
        List<String> all = p.runArgs(List.of(), profilesDir, 1, 0);
        return all.subList(0, all.indexOf("--forks"));
    }

    /** Checks one point's run options as {@code icpbench run} does and works out its run, without writing or printing. */
    static RunResults planRun(String point, List<String> args) {
        RunCommand run = new RunCommand();
        try {
            new CommandLine(run).parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(point + ": " + e.getMessage(), e);
        }
        try {
            return run.planned();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(point + ": " + e.getMessage(), e);
        }
    }

    private static List<String> distinct(String option, List<String> values) {
        Set<String> seen = new HashSet<>();
        for (String v : values) {
            if (!seen.add(v)) {
                throw new IllegalArgumentException(option + ": the value " + v + " is given twice");
            }
        }
        return values;
    }

    /** A number without a trailing ".0": 100.0 → "100", 0.5 → "0.5". */
    static String number(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("not a finite number: " + v);
        }
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    /** A built-in profile by name, a file by its absolute path (the points may run elsewhere). */
    private static String profileValue(String v) {
        String s = v.strip();
        return io.icpbench.harness.traffic.TrafficProfile.BUILT_IN.contains(s) || !Files.isRegularFile(Path.of(s)) ? s
                : Path.of(s).toAbsolutePath().normalize().toString();
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** An axis value as tables show it. */
    public static String label(String axis, String value) {
        if (value == null) {
            return "-";
        }
        return switch (axis) {
            case "skew" -> SweepPlan.UNIFORM.equals(value) ? "uniform" : value + "%";
            case "profile" -> value.contains("/") ? Path.of(value).getFileName().toString() : value;
            default -> value;
        };
    }

    /** An axis' title in tables, with its unit. */
    static String title(String axis) {
        return switch (axis) {
            case "work" -> "work (ns/call)";
            case "skew" -> "skew (udp4 share)";
            case "profile" -> "profile";
            case "sites" -> "sites converted";
            case "workers" -> "RX workers";
            default -> axis;
        };
    }

    /** The plan as a table: each point's settings, design and estimated time; the total; the first point's run command. */
    static void printPlan(PrintStream out, SweepPlan plan, Path dir) {
        List<String> varying = plan.axes().entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey).toList();
        out.printf(Locale.ROOT, "icpbench sweep: %d point%s, each an 'icpbench run' of %d arms (%s; baseline %s), seed %d%n", plan.points().size(),
                plan.points().size() == 1 ? "" : "s", plan.arms().size(), String.join(", ", plan.arms()), plan.baseline(), plan.seed());
        List<String> fixed = plan.axes().entrySet().stream().filter(e -> e.getValue().size() == 1)
                .map(e -> title(e.getKey()) + " " + label(e.getKey(), e.getValue().get(0))).toList();
        if (!fixed.isEmpty()) {
            out.println("fixed: " + String.join(", ", fixed));
        }
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-10s", "point"));
        varying.forEach(a -> head.append(String.format(Locale.ROOT, " %-" + width(plan, a) + "s", title(a))));
        head.append(String.format(Locale.ROOT, " %9s %-22s %9s", "forks/arm", "iterations (warmup+)", "time"));
        out.println(head);
        double total = 0;
        for (SweepPlan.Point p : plan.points()) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-10s", p.name()));
            varying.forEach(a -> line.append(String.format(Locale.ROOT, " %-" + width(plan, a) + "s", label(a, p.settings().get(a)))));
            line.append(String.format(Locale.ROOT, " %9d %-22s %9s", p.forks(), String.format(Locale.ROOT, "%d+%d x %s s", p.warmupIterations(),
                    p.iterations(), SweepPlan.seconds(p.iterationSeconds())), Progress.duration(p.estimatedSeconds())));
            out.println(line);
            total += p.estimatedSeconds();
        }
        out.printf(Locale.ROOT, "total: about %s for %d points (each run's own estimate: its blocks' JVM starts and turns; the machine's pace "
                + "can differ; no calibration suite at points)%n", longDuration(total), plan.points().size());
        if (!plan.points().isEmpty()) {
            SweepPlan.Point p = plan.points().get(0);
            List<String> args = p.runArgs(plan.common(), dir, p.forks(), p.seed());
            out.println("point-000 runs: icpbench run " + String.join(" ", args.stream().map(SweepCommand::quote).toList()) + " --out "
                    + quote(dir.resolve(p.name()).toString()));
        }
    }

    private static int width(SweepPlan plan, String axis) {
        int w = title(axis).length();
        for (String v : plan.axes().get(axis)) {
            w = Math.max(w, label(axis, v).length());
        }
        return w;
    }

    /** "1h20m" or "5m03s". */
    static String longDuration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60) : Progress.duration(seconds);
    }

    /** An argument as a POSIX shell reads it back. */
    public static String quote(String s) {
        return s.matches("[A-Za-z0-9_./,:=+@%-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    // ---------------------------------------------------------------- running

    /**
     * Runs the points of {@code plan} in {@code dir} on this machine, in order (only {@code only} when
     * given): each through {@code icpbench run} in this JVM, started, resumed or skipped as
     * {@link SweepPlan#decide} says; sweep.json/md/html after every point (not for a single point).
     */
    private int runPoints(Path dir, SweepPlan plan, Integer only) throws IOException {
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
            List<String> args = new ArrayList<>(List.of("run"));
            if (d.action() == SweepPlan.Action.RESUME) {
                // --no-calibration is an option of the command, not a setting of the run: give it again
                args.addAll(List.of("--resume", d.dir().toString(), "--no-calibration"));
            } else {
                long runSeed = d.dir().getFileName().toString().equals(p.name()) ? p.seed() : p.seed() + 1_000_003L;
                args.addAll(p.runArgs(plan.common(), dir, d.forks(), runSeed));
                args.addAll(List.of("--out", d.dir().toString()));
            }
            long pointStart = System.nanoTime();
            int rc = Main.run(args.toArray(String[]::new));
            if (rc != 0) {
                Runtime.getRuntime().removeShutdownHook(hook);
                System.err.printf(Locale.ROOT, "icpbench sweep: point %s failed (exit code %d); finished points are kept in %s; continue with: "
                        + "icpbench sweep --resume %s%s%n", p.name(), rc, dir, dir, only == null ? "" : " --point " + only);
                return rc;
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
    static SweepReport.Sweep collect(List<Path> sweeps, Path to) {
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
    static void write(Path dir, SweepReport.Sweep s) throws IOException {
        Files.createDirectories(dir);
        ResultsFiles.writeJson(dir.resolve("sweep.json"), s);
        ResultsFiles.atomicWrite(dir.resolve("sweep.md"), SweepReport.markdown(s).getBytes(StandardCharsets.UTF_8));
        ResultsFiles.atomicWrite(dir.resolve("sweep.html"), SweepReport.html(s).getBytes(StandardCharsets.UTF_8));
    }

    /** What a person reads at the end: the table's lines for the question arms, the machines, the files. */
    static void printCollected(PrintStream out, SweepReport.Sweep s, Path dir) {
        out.println();
        SweepReport.markdown(s).lines().filter(l -> !l.startsWith("#") && !l.isBlank()).filter(l -> !l.startsWith("Each point"))
                .forEach(l -> out.println(l.endsWith("  ") ? l.substring(0, l.length() - 2) : l));
        out.println("(sweep: " + dir.resolve("sweep.json") + ", sweep.md and sweep.html; each point's report: "
                + dir.resolve("point-NNN/report.md") + ")");
    }
}
