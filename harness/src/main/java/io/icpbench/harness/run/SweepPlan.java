package io.icpbench.harness.run;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.icpbench.harness.traffic.TrafficClass;
import io.icpbench.harness.traffic.TrafficGenerator;
import io.icpbench.harness.traffic.TrafficProfile;
import io.icpbench.results.ResultsException;
import io.icpbench.results.ResultsFiles;
import io.icpbench.results.RunResults;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A sweep's plan, {@code SWEEP/sweep-plan.json}: the points of a grid, each one {@code icpbench run}
 * with the point's settings, written once before anything runs and read by {@code --resume},
 * {@code --collect} and the job scripts ({@code --point N}).
 *
 * @param schema  {@link #SCHEMA}
 * @param created ISO-8601 time it was planned
 * @param seed    the sweep's seed: point i runs with seed + i
 * @param common  the {@code icpbench run} options every point shares (arms, baseline, design, controls, quick), as a person
 *                would type them (the plan and the job scripts print them)
 * @param request what every point's run asks for before its axes and budget: the same settings as {@code common}, typed
 *                (absent in schema 1 plans: read from {@code common} once, where the plan is read)
 * @param arms    the arms as NAME=SPEC, controls included, in report order; baseline the baseline's name
 * @param axes    axis name to its values, in grid order (work, skew or profile, sites, workers)
 * @param points  the points, in run order
 */
public record SweepPlan(int schema, String created, long seed, List<String> common, RunRequest request, List<String> arms, String baseline,
        Map<String, List<String>> axes, List<Point> points) {
    public static final int SCHEMA = 2;
    public static final String FILE = "sweep-plan.json";
    /** Where the --skew axis' generated profiles go in the sweep directory. */
    static final String PROFILES = "profiles";

    public SweepPlan {
        common = List.copyOf(common);
        arms = List.copyOf(arms);
        axes = new LinkedHashMap<>(axes);
        points = List.copyOf(points);
    }

    /**
     * One point of the grid. Axis values are null where the axis is not swept (the run's default).
     * The design is resolved when planned ({@code forks}, iterations, time per iteration), so every
     * machine runs a point alike, whatever its earlier runs.
     *
     * @param name             its run directory in the sweep (point-NNN)
     * @param work             ns per handler call
     * @param skew             the --skew value (a percentage, or "uniform"); its profile is generated in the sweep
     * @param profile          a profile name or file (without --skew)
     * @param estimatedSeconds what the run should take (RunCommand's block estimate)
     */
    public record Point(int index, String name, String work, String skew, String profile, String sites, String workers, int forks,
            int warmupIterations, int iterations, double iterationSeconds, long seed, double estimatedSeconds) {
        /** The point's axis values by axis name (those set). */
        public Map<String, String> settings() {
            Map<String, String> m = new LinkedHashMap<>();
            put(m, "work", work);
            put(m, "skew", skew);
            put(m, "profile", profile);
            put(m, "sites", sites);
            put(m, "workers", workers);
            return m;
        }

        private static void put(Map<String, String> m, String k, String v) {
            if (v != null) {
                m.put(k, v);
            }
        }

        /** "work 100 ns, skew 90%" for progress lines. */
        public String describe() {
            List<String> parts = new ArrayList<>();
            settings().forEach((k, v) -> parts.add(k + " " + SweepText.label(k, v)));
            return parts.isEmpty() ? "defaults" : String.join(", ", parts);
        }

        /**
         * The point's run: {@code base} at the point's axis values, with its budget and {@code forksToRun}
         * blocks, seeded {@code runSeed}; a --skew profile is read from {@code sweepDir}.
         */
        public RunRequest request(RunRequest base, Path sweepDir, int forksToRun, long runSeed) {
            String prof = skew != null ? skewFile(sweepDir, skew).toAbsolutePath().toString() : profile != null ? profile : base.profile();
            return base.at(prof, work != null ? Double.parseDouble(work) : base.workNs(), workers != null ? Integer.parseInt(workers) : base.workers(),
                    sites != null ? sites : base.sites(), runSeed).withBudget(forksToRun, base.budgetMinutes(), warmupIterations, iterations,
                    iterationSeconds);
        }

        /**
         * The point's settings as {@code icpbench run} options (without {@code --out}), with {@code forks}
         * blocks; a --skew profile is read from {@code sweepDir}.
         */
        public List<String> runArgs(List<String> common, Path sweepDir, int forksToRun, long runSeed) {
            List<String> a = new ArrayList<>(common);
            if (work != null) {
                a.addAll(List.of("--work", work));
            }
            if (skew != null) {
                a.addAll(List.of("--profile", skewFile(sweepDir, skew).toAbsolutePath().toString()));
            } else if (profile != null) {
                a.addAll(List.of("--profile", profile));
            }
            if (sites != null) {
                a.addAll(List.of("--sites", sites));
            }
            if (workers != null) {
                a.addAll(List.of("--workers", workers));
            }
            a.addAll(List.of("--forks", Integer.toString(forksToRun), "--warmup-iterations", Integer.toString(warmupIterations), "--iterations",
                    Integer.toString(iterations), "--iteration-time", seconds(iterationSeconds),
                    "--seed", Long.toString(runSeed), "--no-calibration"));
            return a;
        }
    }

    public static String seconds(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    /** The point at {@code index}. */
    public Point point(int index) {
        if (index < 0 || index >= points.size()) {
            throw new IllegalArgumentException("--point " + index + ": the sweep has points 0 to " + (points.size() - 1));
        }
        return points.get(index);
    }

    // ---------------------------------------------------------------- files

    private static final ObjectMapper MAPPER = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public void write(Path sweepDir) {
        ResultsFiles.writeJson(sweepDir.resolve(FILE), this);
    }

    /** Reads {@code SWEEP/sweep-plan.json}. */
    public static SweepPlan read(Path sweepDir) {
        Path file = sweepDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(sweepDir + ": not a sweep directory (no " + FILE + ")");
        }
        try {
            SweepPlan p = MAPPER.readValue(file.toFile(), SweepPlan.class);
            if (p.schema() < 1 || p.schema() > SCHEMA || (p.schema() >= 2) != (p.request() != null)) {
                throw new IllegalArgumentException(file + ": schema " + p.schema() + (p.request() == null ? " without" : " with")
                        + " a request, this icpbench reads schemas 1 (no request) to " + SCHEMA);
            }
            return p;
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- skew

    /** The class every call site's dominant target serves: IPv4 UDP to the application sockets. */
    static final TrafficClass DOMINANT = TrafficClass.UDP4;
    /** The --skew value of the uniform mix. */
    public static final String UNIFORM = "uniform";

    /**
     * The profile of a --skew value: the built-in uniform profile's classes, frames, flows and
     * payloads, with {@link #DOMINANT} at {@code skew} percent of the weight and the other classes
     * sharing the rest evenly ("uniform": every class alike; 100: udp4 alone). Its description
     * names the share of the frames the ring really gets (at least one frame per class).
     *
     * @throws IllegalArgumentException for a value that is not a percentage between the uniform share and 100
     */
    public static String skewProfile(String skew) {
        TrafficProfile uniform = TrafficProfile.load("uniform");
        List<TrafficClass> others = uniform.mix().keySet().stream().filter(c -> c != DOMINANT).toList();
        double uniformShare = 100.0 / uniform.mix().size();
        Map<TrafficClass, Integer> weights = new LinkedHashMap<>();
        if (UNIFORM.equals(skew)) {
            uniform.mix().keySet().forEach(c -> weights.put(c, 1));
        } else {
            double s = skewPercent(skew, uniformShare);
            int total = 1_000_000;
            int dominant = (int) Math.round(s / 100 * total);
            weights.put(DOMINANT, dominant);
            if (dominant < total) {
                int each = Math.max(1, (int) Math.round((total - dominant) / (double) others.size()));
                others.forEach(c -> weights.put(c, each));
            }
        }
        StringBuilder mix = new StringBuilder();
        weights.forEach((c, w) -> mix.append(String.format(Locale.ROOT, "mix.%-18s = %d%n", c.profileName(), w)));
        String head = String.format(Locale.ROOT, "frames  = %d%nflows   = %d%npayload = %d-%d%nseed    = %d%n", uniform.frames(), uniform.flows(),
                uniform.payloadMin(), uniform.payloadMax(), uniform.seed());
        TrafficProfile p = TrafficProfile.parse("skew-" + skew, head + mix);
        int frames = TrafficGenerator.allocation(p).getOrDefault(DOMINANT, 0);
        String share = String.format(Locale.ROOT, "%.1f%%", 100.0 * frames / p.frames());
        return "# Generated by icpbench sweep for --skew " + skew + ": the built-in 'uniform' profile's " + uniform.mix().size() + " traffic classes,\n"
                + "# with " + DOMINANT.profileName() + " (" + DOMINANT.description() + ", every call site's dominant target)\n"
                + "# at " + (UNIFORM.equals(skew) ? "an equal weight with the others" : skew + "% of the weight and the others sharing the rest evenly")
                + ": " + share + " of the ring's " + p.frames() + " frames.\n"
                + "description = skew " + (UNIFORM.equals(skew) ? "uniform" : skew + "%") + ": " + DOMINANT.profileName() + " " + share
                + " of the frames, the other classes of 'uniform' evenly\n" + head + mix;
    }

    /** A --skew percentage, checked: above the uniform share, at most 100. */
    static double skewPercent(String skew, double uniformShare) {
        double s;
        try {
            s = Double.parseDouble(skew.endsWith("%") ? skew.substring(0, skew.length() - 1) : skew);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--skew " + skew + ": expected a percentage (the share of " + DOMINANT.profileName()
                    + ", the dominant class) or 'uniform'");
        }
        if (!(s >= uniformShare && s <= 100)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "--skew %s: expected %.1f (uniform) to 100 percent", skew, uniformShare));
        }
        return s;
    }

    /** The file of a --skew value's profile in the sweep directory. */
    static Path skewFile(Path sweepDir, String skew) {
        return sweepDir.resolve(PROFILES).resolve("skew-" + skew.replace("%", "") + ".profile");
    }

    /** Writes the profile of every --skew value into {@code sweepDir} (again, atomically, if there). */
    public static void writeSkewProfiles(Path sweepDir, List<String> skews) throws IOException {
        for (String s : skews) {
            Path f = skewFile(sweepDir, s);
            Files.createDirectories(f.getParent());
            String text = skewProfile(s);
            if (!Files.isRegularFile(f) || !Files.readString(f).equals(text)) {
                ResultsFiles.atomicWrite(f, text.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    // ---------------------------------------------------------------- a point's runs

    /** The run directories of point {@code p} in {@code sweepDir}: point-NNN and its continuations point-NNN@HOST, with results. */
    public static List<Path> runDirs(Path sweepDir, Point p) {
        List<Path> out = new ArrayList<>();
        Path first = sweepDir.resolve(p.name());
        if (Files.isRegularFile(first.resolve(ResultsFiles.RESULTS))) {
            out.add(first);
        }
        if (Files.isDirectory(sweepDir)) {
            try (Stream<Path> s = Files.list(sweepDir)) {
                s.filter(d -> d.getFileName().toString().startsWith(p.name() + "@") && Files.isRegularFile(d.resolve(ResultsFiles.RESULTS)))
                        .sorted().forEach(out::add);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot list " + sweepDir + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** Blocks of {@code r} whose planned forks all finished. */
    public static int completeBlocks(RunResults r) {
        Map<Integer, int[]> blocks = new LinkedHashMap<>();
        for (RunResults.PlannedFork f : r.plan()) {
            int[] c = blocks.computeIfAbsent(f.block(), b -> new int[2]);
            c[0]++;
            if (r.finished(f.index())) {
                c[1]++;
            }
        }
        return (int) blocks.values().stream().filter(c -> c[0] == c[1]).count();
    }

    /** What running a point on a machine does next. */
    public enum Action {
        /** Start its run in {@code dir} with {@code forks} blocks. */
        START,
        /** Continue this machine's stopped run in {@code dir} (icpbench run --resume). */
        RESUME,
        /** Nothing: its blocks are done. */
        DONE
    }

    /**
     * @param forks blocks to run (START)
     * @param why   in words
     */
    public record Decision(Action action, Path dir, int forks, String why) {
    }

    /**
     * What point {@code p} needs on machine {@code host}. Its first run goes to point-NNN. A run this
     * machine started and did not finish is resumed. A run of another machine is never resumed here
     * (blocks of two machines in one run would be analysed as one machine's): this machine runs the
     * blocks still missing in point-NNN@HOST of its own, analysed as its own.
     */
    public static Decision decide(Path sweepDir, Point p, String host) {
        List<Path> dirs = runDirs(sweepDir, p);
        int done = 0;
        Path own = null;
        RunResults ownRun = null;
        List<String> elsewhere = new ArrayList<>();
        for (Path d : dirs) {
            RunResults r;
            try {
                r = ResultsFiles.read(d);
            } catch (ResultsException e) {
                throw new IllegalArgumentException(p.name() + ": " + e.getMessage(), e);
            }
            done += completeBlocks(r);
            String h = r.provenance().host();
            if (own == null && (h == null || h.equals(host))) {
                own = d;
                ownRun = r;
            } else {
                elsewhere.add(h);
            }
        }
        if (own != null && ownRun.forks().size() < ownRun.plan().size()) {
            return new Decision(Action.RESUME, own, 0, String.format(Locale.ROOT, "resuming %s: %d of %d forks done", sweepDir.relativize(own),
                    ownRun.forks().size(), ownRun.plan().size()));
        }
        if (own != null || done >= p.forks()) {
            return new Decision(Action.DONE, own != null ? own : dirs.get(0), 0, String.format(Locale.ROOT, "done: %d of %d blocks", done, p.forks()));
        }
        if (dirs.isEmpty()) {
            return new Decision(Action.START, sweepDir.resolve(p.name()), p.forks(), "starting");
        }
        int missing = p.forks() - done;
        return new Decision(Action.START, sweepDir.resolve(p.name() + "@" + safeHost(host)), missing, String.format(Locale.ROOT,
                "started on %s (%d of %d blocks done there): running the %d missing blocks on this machine, %s, in a run of its own",
                String.join(", ", elsewhere), done, p.forks(), missing, host));
    }

    /** A host name as a directory name may hold it. */
    public static String safeHost(String host) {
        String s = host == null ? "unknown" : host.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.isEmpty() ? "unknown" : s;
    }
}
