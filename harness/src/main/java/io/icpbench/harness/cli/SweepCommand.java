package io.icpbench.harness.cli;

import io.icpbench.analysis.SweepReport;
import io.icpbench.harness.run.RunEngine;
import io.icpbench.harness.run.RunRequest;
import io.icpbench.harness.run.SweepJobs;
import io.icpbench.harness.run.SweepPlan;
import io.icpbench.harness.run.SweepRunner;
import io.icpbench.harness.run.SweepText;
import io.icpbench.results.RunResults;
import java.io.IOException;
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
import picocli.CommandLine.Mixin;
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

    @Mixin
    ArmOptions arms = new ArmOptions();

    @Mixin
    DesignOptions design = new DesignOptions();

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
            SweepReport.Sweep s = SweepRunner.collect(collect, to);
            SweepRunner.write(to, s);
            SweepRunner.printCollected(System.out, s, to);
            return 0;
        }
        if (resume != null) {
            refuse("--resume", false);
            SweepPlan plan = SweepPlan.read(resume);
            if (point != null) {
                plan.point(point);
            }
            return SweepRunner.runPoints(resume, plan, point, request(plan));
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
            SweepText.printPlan(System.out, plan, out != null ? out : Path.of("SWEEP"));
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
            SweepText.printPlan(System.out, plan, dir);
            SweepJobs.emit(System.out, kind, plan, dir, emitDir, sbatch == null ? List.of() : sbatch);
            return 0;
        }
        SweepText.printPlan(System.err, plan, dir);
        return SweepRunner.runPoints(dir, plan, null, request(plan));
    }

    /** With --collect or --resume, the grid and run options are the plan's: refuse them. */
    private void refuse(String mode, boolean outAllowed) {
        List<String> given = new ArrayList<>();
        addIf(given, work != null, "--work");
        addIf(given, skew != null, "--skew");
        addIf(given, profiles != null, "--profile");
        addIf(given, sites != null, "--sites");
        addIf(given, workers != null, "--workers");
        arms.given(given);
        design.given(given);
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
        axes.put("work", distinct("--work", work == null ? List.of("0") : work.stream().map(SweepText::number).toList()));
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
        if (arms.modes != null) {
            common.addAll(List.of("--modes", String.join(",", arms.modes)));
        }
        if (arms.armArgs != null) {
            arms.armArgs.forEach(a -> common.addAll(List.of("--arm", a)));
        }
        if (arms.baseline != null) {
            common.addAll(List.of("--baseline", arms.baseline));
        }
        if (arms.baselineForks != null) {
            common.addAll(List.of("--baseline-forks", arms.baselineForks.toString()));
        }
        if (arms.noControls) {
            common.add("--no-controls");
        }
        if (design.design != null) {
            common.addAll(List.of("--design", design.design));
        }
        if (design.quick) {
            common.add("--quick");
        }
        // What every point asks for, typed once; a point adds its axis values and its budget (no argv on the way).
        RunRequest base = new RunRequest(arms.modes, arms.armArgs, "default", null, null, 0, 1, "all", null, design.budgetOrDefault(),
                arms.baseline, arms.baselineForksOrDefault(), !arms.noControls, design.design, null, null, null, null, design.quick, false,
                design.levers);
        long sweepSeed = seed != null ? seed : System.nanoTime() & 0xFFFF_FFFFL;
        String traffic = axes.containsKey("skew") ? "skew" : "profile";
        List<SweepPlan.Point> points = new ArrayList<>();
        List<String> armNames = null;
        String baseArm = null;
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
                            RunRequest asked = draft.request(base, tmp, 0, sweepSeed + index).withBudget(design.forks, design.budgetOrDefault(),
                                    design.warmupIterations, design.iterations, design.iterationSeconds);
                            RunResults r = planRun(name + " (" + draft.describe() + ")", asked);
                            RunResults.Settings s = r.settings();
                            points.add(new SweepPlan.Point(index, name, w, sk, pr, si, wk, s.forksPerArm(), s.warmupIterations(), s.iterations(),
                                    s.iterationSeconds(), s.seed(), Math.round(10 * RunEngine.estimatedSeconds(r, false)) / 10.0));
                            if (armNames == null) {
                                armNames = s.arms().stream().map(a -> a.name().equals(a.spec()) ? a.name() : a.name() + "=" + a.spec()).toList();
                                baseArm = s.baseline();
                            }
                        }
                    }
                }
            }
        } finally {
            deleteTree(tmp);
        }
        return new SweepPlan(SweepPlan.SCHEMA, Instant.now().toString(), sweepSeed, common, base, armNames, baseArm, axes, points);
    }

    /** Checks one point's run as {@code icpbench run} does and works out its run, without writing or printing. */
    static RunResults planRun(String point, RunRequest request) {
        try {
            return request.plan(null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(point + ": " + e.getMessage(), e);
        }
    }

    /**
     * What a plan's points ask for: its typed request, or, for a plan of schema 1, its {@code common}
     * options read as {@code icpbench run} reads them (the plan file is the edge where they are parsed).
     */
    static RunRequest request(SweepPlan plan) {
        if (plan.request() != null) {
            return plan.request();
        }
        RunCommand run = new RunCommand();
        try {
            new CommandLine(run).parseArgs(plan.common().toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException("the sweep plan's options " + plan.common() + ": " + e.getMessage(), e);
        }
        return run.request().withBudget(null, run.request().budgetMinutes(), null, null, null);
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

}
