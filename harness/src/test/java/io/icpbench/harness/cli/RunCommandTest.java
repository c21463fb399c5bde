package io.icpbench.harness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.icpbench.harness.Main;
import io.icpbench.harness.fork.SiteReport;
import io.icpbench.harness.host.Machine;
import io.icpbench.harness.run.ArmSpec;
import io.icpbench.harness.run.Arms;
import io.icpbench.harness.run.ForkPlan;
import io.icpbench.harness.run.InterleavedBlock;
import io.icpbench.harness.run.IterationChoice;
import io.icpbench.harness.run.RunReport;
import io.icpbench.results.ResultsFiles;
import io.icpbench.results.RunResults;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny end-to-end run: real forks (one JVM each), results on disk, then a resume. */
class RunCommandTest {
    static final String[] TINY = {"--modes", "virtual,dynamic-call", "--arm", "dc-once=dynamic-call;placement=stub;policy=cree,learn-once",
        "--forks", "1", "--warmup-iterations", "1", "--iterations", "2",
        "--iteration-time", "0.2", "--profile", "udp-only", "--seed", "7", "--no-calibration", "--design", "sequential", "--no-controls"};

    static int run(String... args) {
        PrintStream out = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try {
            return Main.run(args);
        } finally {
            System.setOut(out);
            System.out.print(buf);
        }
    }

    @Test
    void aTinyRunWritesValidResultsAndResumeCompletesAStoppedOne(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        String[] args = concat(new String[] {"run", "--out", dir.toString()}, TINY);
        assertThat(run(args)).isZero();
        RunResults r = ResultsFiles.read(dir);
        assertThat(r.plan()).hasSize(3);
        assertThat(r.forks()).hasSize(3);
        assertThat(r.settings().seed()).isEqualTo(7);
        assertThat(r.settings().armNames()).containsExactly("virtual", "dynamic-call", "dc-once");
        assertThat(r.settings().arm("dc-once").spec()).isEqualTo("dynamic-call;placement=stub;policy=cree,learn-once");
        assertThat(r.forks()).extracting(RunResults.ForkResult::arm).containsExactlyInAnyOrder("virtual", "dynamic-call", "dc-once");
        assertThat(r.forks()).extracting(RunResults.ForkResult::mode).containsExactlyInAnyOrder("virtual", "dynamic-call", "dynamic-call");
        for (RunResults.ForkResult f : r.forks()) {
            assertThat(f.scoresNsPerPacket()).hasSize(2).allSatisfy(s -> assertThat(s).isPositive());
            assertThat(f.outcomes()).containsOnlyKeys("udp_queued");
            assertThat(Files.size(dir.resolve(f.jmhJson()))).isPositive();
            assertThat(Files.readString(dir.resolve(f.hlog()))).contains("#[Histogram log format version");
            // The accounting: present and sane (never timing): counts are >= 0, updates >= patches, CPU and JIT time measured.
            RunResults.Accounting a = f.accounting();
            assertThat(a.packets()).isEqualTo(f.counters().get("IpInReceives")).isPositive();
            assertThat(a.updates()).isGreaterThanOrEqualTo(a.patches());
            assertThat(a.patches()).isNotNegative();
            assertThat(a.patchesTotal()).isGreaterThanOrEqualTo(a.patches());
            assertThat(a.invalidations()).isNotNegative();
            assertThat(a.uncommonTraps()).isNotNegative();
            assertThat(a.compilations()).isNotNegative();
            assertThat(a.jitMillis()).isNotNegative();
            assertThat(a.cpuNsPerPacket()).isPositive();
            if (a.usPerPatch() != null) {
                assertThat(a.patches()).isPositive();
            }
            assertThat(dir.resolve(String.format("fork-%03d/jit.log", f.index()))).exists();
        }
        RunResults.ForkResult once = r.forks().stream().filter(f -> f.arm().equals("dc-once")).findFirst().orElseThrow();
        assertThat(once.accounting().siteAccounting()).isNotEmpty().allSatisfy((site, sa) -> {
            assertThat(sa.updates()).isGreaterThanOrEqualTo(sa.patches()).isNotNegative();
            assertThat(sa.placement()).isEqualTo("stub");
        });
        // learn-once patches each site once at most (in the warmup, or in the measurement for a site whose traffic is rare).
        assertThat(once.accounting().patchesTotal()).isPositive().isLessThanOrEqualTo(once.accounting().siteAccounting().size());
        RunResults.ForkResult dyn = r.forks().stream().filter(f -> f.mode().equals("dynamic-call")).findFirst().orElseThrow();
        assertThat(dyn.sites()).isNotEmpty();
        assertThat(Files.readAllLines(dir.resolve(ResultsFiles.CSV))).hasSize(1 + 6);

        // A run stopped after its first fork: the others are missing; --resume runs only those, each in its arm.
        RunResults stopped = new RunResults(r.schema(), r.settings(), r.provenance(), r.plan(), List.of(r.forks().get(0)));
        ResultsFiles.write(dir, stopped);
        assertThat(run("run", "--resume", dir.toString(), "--no-calibration")).isZero();
        RunResults resumed = ResultsFiles.read(dir);
        assertThat(resumed.forks()).hasSize(3);
        assertThat(resumed.forks().get(0)).isEqualTo(r.forks().get(0));
        assertThat(resumed.settings()).isEqualTo(r.settings());
        for (int i = 1; i < 3; i++) {
            assertThat(resumed.forks().get(i).index()).isEqualTo(r.forks().get(i).index());
            assertThat(resumed.forks().get(i).arm()).isEqualTo(r.forks().get(i).arm());
        }
        Path forkDir = dir.resolve(String.format("fork-%03d",
                resumed.forks().stream().filter(f -> f.arm().equals("dc-once")).findFirst().orElseThrow().index()));
        String log = Files.readString(forkDir.resolve("fork.log"));
        assertThat(log).contains("-Dicpbench.learning=policy=cree,learn-once;stats=striped;thresholds=1000,1000,250;placement=stub")
                .contains("fork --spec " + forkDir.resolve(io.icpbench.harness.run.ForkSpec.FILE).toAbsolutePath());
        // The fork was told its arm in its spec file, whole.
        assertThat(io.icpbench.harness.run.ForkSpec.read(forkDir.resolve(io.icpbench.harness.run.ForkSpec.FILE)).arm())
                .isEqualTo(resumed.settings().arm("dc-once"));
    }

    /**
     * The interleaved design: a block's forks take turns, one at a time, each round in a drawn
     * order, every fork once per round; the built-in controls run beside the arms; a block stopped
     * half-way reruns only its unfinished forks.
     */
    @Test
    void anInterleavedRunTakesTurnsOneForkAtATimeWithItsControls(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        assertThat(run("run", "--out", dir.toString(), "--modes", "virtual,dynamic-call", "--forks", "2", "--warmup-iterations", "1",
                "--iterations", "2", "--iteration-time", "0.1", "--profile", "udp-only", "--seed", "11", "--no-calibration")).isZero();
        RunResults r = ResultsFiles.read(dir);
        assertThat(r.settings().design()).isEqualTo(RunResults.Settings.INTERLEAVED);
        assertThat(r.settings().baseline()).isEqualTo("virtual");
        assertThat(r.settings().armNames()).containsExactly("virtual", "dynamic-call", Arms.AA, Arms.PLANTED);
        assertThat(r.settings().arm(Arms.AA).spec()).isEqualTo("virtual");
        assertThat(r.settings().arm(Arms.PLANTED).spec()).isEqualTo("virtual;planted=" + Arms.PLANTED_PERCENT);
        assertThat(r.forks()).hasSize(8).allSatisfy(f -> assertThat(f.scoresNsPerPacket()).hasSize(2).allSatisfy(x -> assertThat(x).isPositive()));
        RunResults.ForkResult planted = r.forks().stream().filter(f -> f.arm().equals(Arms.PLANTED)).findFirst().orElseThrow();
        assertThat(Files.readString(dir.resolve(String.format("fork-%03d/fork.log", planted.index())))).contains("-Dicpbench.planted=" + Arms.PLANTED_PERCENT);

        List<String> turns = Files.readAllLines(dir.resolve(InterleavedBlock.TURNS));
        assertThat(turns.get(0)).isEqualTo("block,round,fork,arm,phase,start_us,end_us");
        List<String[]> rows = turns.subList(1, turns.size()).stream().map(l -> l.split(",")).toList();
        assertThat(rows).hasSize(2 * 4 * 3);
        for (int block = 0; block < 2; block++) {
            for (int round = 0; round < 3; round++) {
                int b = block;
                int rd = round;
                List<String[]> inRound = rows.stream().filter(x -> Integer.parseInt(x[0]) == b && Integer.parseInt(x[1]) == rd).toList();
                // Every fork of the block once per round; the first round is the warmup.
                assertThat(inRound).extracting(x -> x[3]).containsExactlyInAnyOrder("virtual", "dynamic-call", Arms.AA, Arms.PLANTED);
                assertThat(inRound).extracting(x -> x[4]).containsOnly(rd == 0 ? "warmup" : "measurement");
                assertThat(inRound).extracting(x -> Integer.parseInt(x[2])).allSatisfy(i ->
                        assertThat(r.plan().get(i).block()).isEqualTo(b));
            }
        }
        // One fork at a time: each turn ends before the next begins.
        for (int i = 1; i < rows.size(); i++) {
            assertThat(Long.parseLong(rows.get(i)[5])).isGreaterThanOrEqualTo(Long.parseLong(rows.get(i - 1)[6]));
        }

        // Stopped with block 1 half done: --resume reruns only its two unfinished forks, together.
        List<RunResults.ForkResult> kept = r.forks().stream().filter(f -> f.block() == 0 || f.arm().equals("virtual")
                || f.arm().equals(Arms.AA)).toList();
        ResultsFiles.write(dir, new RunResults(r.schema(), r.settings(), r.provenance(), r.plan(), kept));
        assertThat(run("run", "--resume", dir.toString(), "--no-calibration")).isZero();
        RunResults resumed = ResultsFiles.read(dir);
        assertThat(resumed.forks()).hasSize(8);
        List<String> more = Files.readAllLines(dir.resolve(InterleavedBlock.TURNS));
        assertThat(more.subList(turns.size(), more.size())).hasSize(2 * 3).allSatisfy(l ->
                assertThat(l.split(",")[3]).isIn("dynamic-call", Arms.PLANTED));
    }

    @Test
    void aRunRefusesToOverwriteAnotherAndBadOptionsAreClearErrors(@TempDir Path tmp) {
        Path dir = tmp.resolve("run");
        ResultsFiles.write(dir, new RunResults(RunResults.SCHEMA,
                new RunResults.Settings(List.of(RunResults.Arm.ofMode("virtual")), "default", 0, 1, "all", 1, 1, 1, 1, 1, false),
                Machine.provenance(), ForkPlan.plan(List.of(RunResults.Arm.ofMode("virtual")), 1, 1), List.of()));
        assertThat(Main.run("run", "--out", dir.toString(), "--forks", "1")).isEqualTo(2);
        assertThat(Main.run("run", "--modes", "virtual,nosuch", "--out", tmp.resolve("x").toString())).isEqualTo(2);
        assertThat(Main.run("run", "--forks", "0", "--out", tmp.resolve("y").toString())).isEqualTo(2);
        assertThat(Main.run("run", "--resume", tmp.resolve("nothing").toString())).isEqualTo(2);
        // Each would be a tiny run if it were wrongly accepted, so a regression fails fast instead of running the default suite.
        String[] tiny = {"--forks", "1", "--warmup-iterations", "1", "--iterations", "1", "--iteration-time", "0.1", "--profile", "udp-only",
            "--no-calibration"};
        assertThat(Main.run(concat(new String[] {"run", "--design", "trio", "--out", tmp.resolve("d").toString()}, tiny))).isEqualTo(2);
        assertThat(Main.run(concat(new String[] {"run", "--baseline", "nosuch", "--out", tmp.resolve("b").toString()}, tiny))).isEqualTo(2);
        assertThat(Main.run(concat(new String[] {"run", "--baseline-forks", "0", "--out", tmp.resolve("c").toString()}, tiny))).isEqualTo(2);
        assertThat(Main.run(concat(new String[] {"run", "--source", "live", "--design", "interleaved", "--out", tmp.resolve("l").toString()},
                tiny))).isEqualTo(2);
        assertThat(Main.run(concat(new String[] {"run", "--modes", "virtual", "--arm", "aa=promoted", "--out", tmp.resolve("a").toString()},
                tiny))).isEqualTo(2);
        assertThat(Main.run(concat(new String[] {"run", "--modes", "virtual", "--arm", "aa=promoted", "--no-controls", "--out",
                tmp.resolve("n").toString(), "--design", "nosuch"}, tiny))).as("--no-controls frees the name; the bad design still stops it")
                .isEqualTo(2);
        for (String d : List.of("d", "b", "c", "l", "a", "n")) {
            assertThat(tmp.resolve(d).resolve(ResultsFiles.RESULTS)).as("a refused run writes nothing").doesNotExist();
        }
    }

    /**
     * A tiny run of the phase-shift profile: the settings record the phases at the iterations the
     * lengths give, a learned fork's sites.json keeps what each site did per phase (in measured
     * iterations), the report and the headlines analyse each phase; too few iterations to give every
     * phase one is a one-line error before anything is written.
     */
    @Test
    void aRunOfAProfileWithPhasesRecordsAndReportsThem(@TempDir Path tmp) throws Exception {
        assertThat(Main.run("run", "--profile", "phase-shift", "--iterations", "1", "--forks", "2", "--no-calibration", "--out",
                tmp.resolve("one").toString())).isEqualTo(2);
        assertThat(tmp.resolve("one").resolve(ResultsFiles.RESULTS)).doesNotExist();
        Path dir = tmp.resolve("run");
        assertThat(run("run", "--out", dir.toString(), "--modes", "virtual,dynamic-call", "--no-controls", "--forks", "2",
                "--warmup-iterations", "1", "--iterations", "3", "--iteration-time", "0.1", "--profile", "phase-shift", "--seed", "5",
                "--no-calibration")).isZero();
        RunResults r = ResultsFiles.read(dir);
        assertThat(r.settings().phases()).containsExactly(new RunResults.Phase("ipv4", 0, 1), new RunResults.Phase("ipv6", 2, 2));
        RunResults.ForkResult dc = r.forks().stream().filter(f -> f.arm().equals("dynamic-call")).findFirst().orElseThrow();
        SiteReport sites = SiteReport.read(dir.resolve(dc.jmhJson()).getParent());
        assertThat(sites.phases()).extracting(SiteReport.Phase::name).containsExactly("ipv4", "ipv6");
        assertThat(sites.phases()).extracting(SiteReport.Phase::unit).containsOnly("iteration");
        assertThat(sites.phases().get(1).first()).isEqualTo(2);
        SiteReport.PhaseSite v4 = sites.phases().get(0).site("pt_prev->func");
        SiteReport.PhaseSite v6 = sites.phases().get(1).site("pt_prev->func");
        assertThat(v4.dominant()).isEqualTo("IpRcv");
        assertThat(v6.dominant()).isEqualTo("Ipv6Rcv");
        // Both phases' traffic reached the fork: its counters hold IPv4 and IPv6 in like measure.
        assertThat(dc.counters().get("Ip6InReceives")).isGreaterThan(dc.counters().get("IpInReceives") / 4);
        String md = Files.readString(dir.resolve("report.md"));
        assertThat(md).contains("per phase, each arm against virtual").contains("phase 2 ipv6, measured iterations 2-2");
        assertThat(io.icpbench.analysis.MarkdownReport.headlines(r, RunReport.MARGIN)).anySatisfy(l -> assertThat(l)
                .startsWith("phase 2 (ipv6): dynamic-call vs virtual: rate ratio "));
    }

    /** A synthesized interleaved run of virtual and its A/A twin: per block a shared shift, per fork its own, per iteration noise. */
    static RunResults aaRun(String profile, long seed) {
        List<RunResults.Arm> arms = Arms.withControls(List.of(ArmSpec.of(RunResults.Arm.ofMode("virtual"))), "virtual").subList(0, 2).stream()
                .map(ArmSpec::written).toList();
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        List<RunResults.ForkResult> forks = new java.util.ArrayList<>();
        List<RunResults.PlannedFork> plan = ForkPlan.plan(arms, 6, seed);
        for (RunResults.PlannedFork p : plan) {
            double fork = 400 * Math.exp(0.02 * random.nextGaussian());
            List<Double> scores = java.util.stream.IntStream.range(0, 40).mapToObj(i -> fork * Math.exp(0.10 * random.nextGaussian())).toList();
            forks.add(new RunResults.ForkResult(p.index(), p.block(), p.arm(), p.mode(), scores, 1e9 / 400, java.util.Map.of(), java.util.Map.of(),
                    java.util.Map.of(), RunResults.Accounting.unknown(), null, null, 10));
        }
        RunResults.Settings s = new RunResults.Settings(arms, profile, 0, 1, "all", 6, 40, 40, 0.1, seed, false, "virtual",
                RunResults.Settings.INTERLEAVED);
        return new RunResults(RunResults.SCHEMA, s, Machine.provenance(), plan, forks);
    }

    @Test
    void theIterationsPerForkComeFromTheLastRunsAaPair() {
        IterationChoice none = IterationChoice.choose(List.of(), RunResults.Settings.INTERLEAVED, "default", 7, 1, 40, 0.1, 500, 100);
        assertThat(none.iterations()).isEqualTo(100);
        assertThat(none.why()).contains("no earlier interleaved run");
        IterationChoice other = IterationChoice.choose(List.of(aaRun("udp-only", 1)), RunResults.Settings.INTERLEAVED, "default",
                7, 1, 40, 0.1, 500, 100);
        assertThat(other.iterations()).as("another profile's run is no guide").isEqualTo(100);
        IterationChoice chosen = IterationChoice.choose(List.of(aaRun("default", 1)), RunResults.Settings.INTERLEAVED, "default",
                7, 1, 40, 0.1, 500, 100);
        // 500 s for 5 blocks: 100 s a block, 13.5 s of it start, 7 forks of 0.1-s turns: at most 123 - 40 = 83 measured turns.
        assertThat(chosen.iterations()).isBetween(IterationChoice.MIN_CHOSEN_ITERATIONS, 83);
        assertThat(chosen.why()).contains("chosen from the A/A pair").contains("within-fork SD");
        IterationChoice longBudget = IterationChoice.choose(List.of(aaRun("default", 1)), RunResults.Settings.INTERLEAVED,
                "default", 7, 1, 40, 0.1, 36_000, 100);
        assertThat(longBudget.iterations()).as("a long budget buys blocks, not ever longer forks").isBetween(IterationChoice.MIN_CHOSEN_ITERATIONS,
                IterationChoice.MAX_CHOSEN_ITERATIONS);
    }

    /**
     * An interleaved A/A run on a machine whose bursts span a round: each round's turns share an
     * effect (SD 0.25, ln), each turn has its own noise (SD 0.26), the forks of a block differ by
     * 2% (SD 0.02); 100 blocks of 100 measured turns, so the components are estimated closely. For
     * {@code choose} with 7 forks and 40 warmup turns of 0.1 s (c_fork/c_iter = (13.5/7 + 4)/0.1 =
     * 59.3), the true optimum is r* = √(59.3 · 0.26²/0.02²) = 100.
     */
    static RunResults roundsRun(long seed) {
        List<RunResults.Arm> arms = Arms.withControls(List.of(ArmSpec.of(RunResults.Arm.ofMode("virtual"))), "virtual").subList(0, 2).stream()
                .map(ArmSpec::written).toList();
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        List<RunResults.PlannedFork> plan = ForkPlan.plan(arms, 100, seed);
        java.util.Map<Integer, double[]> rounds = new java.util.HashMap<>();
        List<RunResults.ForkResult> forks = new java.util.ArrayList<>();
        for (RunResults.PlannedFork p : plan) {
            double[] shared = rounds.computeIfAbsent(p.block(), b -> {
                double[] r = new double[100];
                for (int k = 0; k < r.length; k++) {
                    r[k] = 0.25 * random.nextGaussian();
                }
                return r;
            });
            double fork = 0.02 * random.nextGaussian();
            List<Double> scores = java.util.Arrays.stream(shared).mapToObj(r -> 400 * Math.exp(fork + r + 0.26 * random.nextGaussian())).toList();
            forks.add(new RunResults.ForkResult(p.index(), p.block(), p.arm(), p.mode(), scores, 1e9 / 400, java.util.Map.of(), java.util.Map.of(),
                    java.util.Map.of(), RunResults.Accounting.unknown(), null, null, 10));
        }
        RunResults.Settings s = new RunResults.Settings(arms, "default", 0, 1, "all", 100, 40, 100, 0.1, seed, false, "virtual",
                RunResults.Settings.INTERLEAVED);
        return new RunResults(RunResults.SCHEMA, s, Machine.provenance(), plan, forks);
    }

    @Test
    void theInterleavedDesignChoosesFromComponentsPairedRoundByRound() {
        RunResults run = roundsRun(5);
        // Kalibera and Jones' within-fork variance keeps the rounds' shared noise that pairing removes: S_b² reads 0, r* the cap.
        io.icpbench.analysis.Stats.VarianceComponents old = io.icpbench.analysis.Stats.pairedVarianceComponents(run, Arms.AA, "virtual");
        assertThat(io.icpbench.analysis.Stats.optimalIterations(old, 13.5 / 7 + 4, 0.1, IterationChoice.MAX_CHOSEN_ITERATIONS))
                .isEqualTo(IterationChoice.MAX_CHOSEN_ITERATIONS);
        IterationChoice chosen = IterationChoice.choose(List.of(run), RunResults.Settings.INTERLEAVED, "default", 7, 1, 40, 0.1, 36_000, 100);
        assertThat(chosen.iterations()).as(chosen.why()).isBetween(75, 135);
        assertThat(chosen.why()).contains("paired round by round");
    }

    @Test
    void aTornTurnsFileCostsTheReportItsTimesNotTheReport(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(err, true);
        assertThat(RunReport.turns(dir, ps)).as("a sequential run has none").isNull();
        Files.writeString(dir.resolve(InterleavedBlock.TURNS), "block,round,fork,arm,phase,start_us,end_us\n0,0,0,virtual,warmup,1,2\n"
                + "0,1,0,virtual,warmup,3,4\n");
        assertThat(RunReport.turns(dir, ps).turns()).hasSize(2);
        Files.writeString(dir.resolve(InterleavedBlock.TURNS), "0,1,0,virt\n", java.nio.file.StandardOpenOption.APPEND);
        assertThat(RunReport.turns(dir, ps)).isNull();
        assertThat(err.toString()).contains("line 4 has 4 fields").contains("drift is against fork order");
    }

    static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
