package io.icpbench.harness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.icpbench.harness.Main;
import io.icpbench.harness.host.Machine;
import io.icpbench.harness.run.Progress;
import io.icpbench.harness.run.SweepPlan;
import io.icpbench.harness.traffic.TrafficClass;
import io.icpbench.harness.traffic.TrafficGenerator;
import io.icpbench.harness.traffic.TrafficProfile;
import io.icpbench.results.ResultsFiles;
import io.icpbench.results.RunResults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code icpbench sweep} without real runs: planning, bad options, the skew profiles, what a point
 * does on a machine, the job scripts, and collecting synthetic runs of several machines.
 */
class SweepCommandTest {
    static final List<RunResults.Arm> ARMS = List.of(RunResults.Arm.ofMode("virtual"), RunResults.Arm.ofMode("dynamic-call"),
            new RunResults.Arm("aa", "virtual", null, null, null, null, null, List.of()),
            new RunResults.Arm("planted", "virtual", null, null, null, null, null, List.of(), "1"));

    /** A 2 x 2 grid with the arms above, 6 blocks per point, planned (and its job written) but not run. */
    static final String[] GRID = {"--work", "0,500", "--skew", "99,uniform", "--modes", "virtual,dynamic-call", "--forks", "6",
        "--iterations", "5", "--warmup-iterations", "2", "--seed", "40"};

    static String[] with(String[] base, String... more) {
        List<String> all = new ArrayList<>(List.of(base));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    static String[] sweep(String... args) {
        List<String> all = new ArrayList<>(List.of("sweep"));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    @Test
    void planPrintsEveryPointAndTheTimeAndWritesNothing(@TempDir Path tmp) {
        Path out = tmp.resolve("s");
        MainTest.Run r = MainTest.run(sweep(with(GRID, "--plan", "--out", out.toString())));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("4 points", "point-000", "point-003", "99%", "uniform", "total: about", "baseline virtual",
                "icpbench run --modes virtual,dynamic-call --work 0 --profile");
        // 6 blocks of 4 forks, each turn 0.1 s: RunCommand's own estimate of the run
        double block = io.icpbench.harness.run.Design.of("interleaved").blockSeconds(4, 2, 5, 0.1);
        assertThat(r.out()).contains(Progress.duration(6 * block));
        assertThat(out).doesNotExist();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--work 0,-5|point-001 (work -5",
        "--work 0,0|--work: the value 0 is given twice",
        "--skew 1|--skew 1: expected 2.7 (uniform) to 100 percent",
        "--skew x|--skew x: expected a percentage",
        "--skew 90 --profile default|--skew and --profile both set the traffic",
        "--sites 1,99|sites=99",
        "--workers 0|--workers=0, expected 1..64",
        "--arm x=nope|unknown mode 'nope'",
        "--emit pbs DIR|--emit pbs: expected one of slurm, k8s",
        "--sbatch=--partition=x|--sbatch adds lines to the Slurm script",
        "--point 1|--point runs one point of a planned sweep",
        "--collect DIR --work 1|--collect uses the sweep's own plan: drop --work",
        "--resume DIR|not a sweep directory"})
    void badOptionsAreOneLineErrorsWithExitCode2AndWriteNothing(String args, String message, @TempDir Path tmp) {
        Path out = tmp.resolve("s");
        String[] given = args.replace("DIR", tmp.resolve("nothing").toString()).split(" ");
        boolean ownPlan = args.contains("--resume") || args.contains("--collect");
        MainTest.Run r = MainTest.run(sweep(ownPlan ? given : with(given, "--out", out.toString())));
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("icpbench sweep: error: ").contains(message).doesNotContain("\n");
        assertThat(out).doesNotExist();
        assertThat(tmp.resolve("nothing")).doesNotExist();
    }

    @Test
    void aSkewValueIsTheDominantClassShareOfTheUniformProfilesClasses() {
        TrafficProfile uniform = TrafficProfile.load("uniform");
        for (String skew : List.of("99", "90", "50", "uniform", "100")) {
            TrafficProfile p = TrafficProfile.parse("skew-" + skew, SweepPlan.skewProfile(skew));
            assertThat(p.frames()).isEqualTo(uniform.frames());
            assertThat(p.payloadMin()).isEqualTo(uniform.payloadMin());
            double share = TrafficGenerator.allocation(p).get(TrafficClass.UDP4) / (double) p.frames();
            double expected = skew.equals("uniform") ? 1.0 / uniform.mix().size() : Double.parseDouble(skew) / 100;
            assertThat(share).as(skew).isCloseTo(expected, org.assertj.core.data.Offset.offset(0.002));
            if (!skew.equals("100")) {
                assertThat(p.mix().keySet()).isEqualTo(uniform.mix().keySet());
            } else {
                assertThat(p.mix().keySet()).containsExactly(TrafficClass.UDP4);
            }
        }
        assertThat(SweepPlan.skewProfile("90")).contains("# Generated by icpbench sweep", "description = skew 90%: udp4 90.0% of the frames");
    }

    /** A synthetic interleaved run: each fork's log rate is its arm's truth, a block effect (SD 5%) and noise (SD {@code noise}). */
    static RunResults run(int blocks, long seed, String host, Map<String, Double> truth, double noise, int finishedBlocks) {
        SplittableRandom random = new SplittableRandom(seed);
        List<RunResults.PlannedFork> plan = new ArrayList<>();
        List<RunResults.ForkResult> forks = new ArrayList<>();
        for (int b = 0; b < blocks; b++) {
            double shared = 0.05 * random.nextGaussian();
            for (RunResults.Arm arm : ARMS) {
                int index = plan.size();
                plan.add(new RunResults.PlannedFork(index, b, arm.name(), arm.mode()));
                if (b >= finishedBlocks) {
                    continue;
                }
                double logRate = Math.log(2e6 * truth.getOrDefault(arm.name(), 1.0)) + shared + noise * random.nextGaussian();
                List<Double> ns = List.of(1e9 / Math.exp(logRate), 1e9 / Math.exp(logRate + 0.001));
                forks.add(new RunResults.ForkResult(index, b, arm.name(), arm.mode(), ns, Math.exp(logRate), Map.of(), Map.of(), Map.of(),
                        RunResults.Accounting.unknown(), null, null, 10));
            }
        }
        RunResults.Settings s = new RunResults.Settings(ARMS, "default", 0, 1, "all", blocks, 2, 5, 0.1, seed, false, "virtual",
                RunResults.Settings.INTERLEAVED);
        return new RunResults(RunResults.SCHEMA, s, new RunResults.Provenance("25", List.of(), "cpu " + host, "Linux", 2, "c", "t", host), plan, forks);
    }

    static Path plan(Path dir) {
        MainTest.Run r = MainTest.run(sweep(with(GRID, "--emit", "slurm", dir.toString())));
        assertThat(r.exit()).as(r.err()).isZero();
        return dir;
    }

    @Test
    void whatAPointDoesOnAMachine(@TempDir Path tmp) {
        Path dir = plan(tmp.resolve("s"));
        SweepPlan plan = SweepPlan.read(dir);
        SweepPlan.Point p = plan.point(0);
        SweepPlan.Decision d = SweepPlan.decide(dir, p, "a");
        assertThat(d.action()).isEqualTo(SweepPlan.Action.START);
        assertThat(d.dir()).isEqualTo(dir.resolve("point-000"));
        assertThat(d.forks()).isEqualTo(6);
        // machine a stopped after 2 of 6 blocks: a resumes it; b runs the 4 missing blocks in a run of its own
        ResultsFiles.write(dir.resolve("point-000"), run(6, 1, "a", Map.of(), 0.01, 2));
        assertThat(SweepPlan.decide(dir, p, "a").action()).isEqualTo(SweepPlan.Action.RESUME);
        SweepPlan.Decision onB = SweepPlan.decide(dir, p, "b");
        assertThat(onB.action()).isEqualTo(SweepPlan.Action.START);
        assertThat(onB.dir()).isEqualTo(dir.resolve("point-000@b"));
        assertThat(onB.forks()).isEqualTo(4);
        assertThat(onB.why()).contains("started on a", "4 missing blocks");
        // b finished its 4: the point is done everywhere
        ResultsFiles.write(dir.resolve("point-000@b"), run(4, 2, "b", Map.of(), 0.01, 4));
        assertThat(SweepPlan.decide(dir, p, "b").action()).isEqualTo(SweepPlan.Action.DONE);
        assertThat(SweepPlan.decide(dir, p, "c").action()).isEqualTo(SweepPlan.Action.DONE);
        assertThat(SweepPlan.decide(dir, p, "a").action()).isEqualTo(SweepPlan.Action.RESUME);
        assertThat(SweepPlan.safeHost("node 7/x")).isEqualTo("node_7_x");
    }

    @Test
    void resumingARunOfAnotherMachineIsRefused(@TempDir Path tmp) {
        Path dir = tmp.resolve("run");
        ResultsFiles.write(dir, run(3, 1, "elsewhere-" + Machine.hostname(), Map.of(), 0.01, 1));
        MainTest.Run r = MainTest.run("run", "--resume", dir.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("was started on host elsewhere-", "two machines' blocks");
        assertThat(ResultsFiles.read(dir).forks()).hasSize(ARMS.size());
    }

    @Test
    void theSlurmJobIsAnArrayOfOneTaskPerPointThatResumesItsPoint(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("s");
        Path jobs = tmp.resolve("jobs");
        MainTest.Run r = MainTest.run(sweep(with(GRID, "--out", dir.toString(), "--emit", "slurm", jobs.toString(), "--sbatch=--partition=bench")));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("sbatch " + jobs.resolve("sweep.sbatch"), "icpbench sweep --collect " + dir.toAbsolutePath());
        String script = Files.readString(jobs.resolve("sweep.sbatch"));
        assertThat(script).startsWith("#!/bin/bash\n").contains("#SBATCH --array=0-3\n", "#SBATCH --exclusive\n", "#SBATCH --partition=bench\n",
                "#SBATCH --output=" + jobs.toAbsolutePath().resolve("logs").resolve("point-%a.log"), "#SBATCH --time=",
                "sweep --resume \"$SWEEP\" --point \"$SLURM_ARRAY_TASK_ID\"", Main.class.getName());
        assertThat(jobs.resolve("logs")).isDirectory();
        assertThat(Files.isExecutable(jobs.resolve("sweep.sbatch"))).isTrue();
        List<String> points = Files.readAllLines(jobs.resolve("points.tsv"));
        assertThat(points).hasSize(1 + 4);
        assertThat(points.get(1)).startsWith("0\t" + dir.toAbsolutePath().resolve("point-000")).contains("--forks 6", "skew-99.profile");
        assertThat(dir.resolve("sweep-plan.json")).isRegularFile();
        assertThat(dir.resolve("profiles/skew-99.profile")).isRegularFile();
        assertThat(SweepPlan.read(dir).points()).hasSize(4);
        // a second plan into the same directory is refused
        MainTest.Run again = MainTest.run(sweep(with(GRID, "--out", dir.toString(), "--emit", "slurm", jobs.toString())));
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err()).contains("already holds a sweep");

        Path k8s = tmp.resolve("k8s");
        MainTest.Run k = MainTest.run(sweep(with(GRID, "--out", tmp.resolve("s2").toString(), "--emit", "k8s", k8s.toString())));
        assertThat(k.exit()).as(k.err()).isZero();
        assertThat(Files.readString(k8s.resolve("sweep-job.yaml"))).contains("completionMode: Indexed", "completions: 4",
                "$(JOB_COMPLETION_INDEX)", "fieldPath: spec.nodeName", "ICPBENCH_HOST");
    }

    /**
     * A fake sweep: each point's runs written as if run, on machine "a" (point 0 also on "b"),
     * with effects that grow with the work and skew; the last point partial.
     */
    static Path fakeSweep(Path dir) {
        plan(dir);
        SweepPlan plan = SweepPlan.read(dir);
        BiFunction<Double, String, Double> effect = (work, skew) -> skew.equals("uniform") ? 1.0 - work / 10_000 : 0.85 + work / 2_000;
        for (SweepPlan.Point p : plan.points()) {
            double truth = effect.apply(Double.parseDouble(p.work()), p.skew());
            double noise = p.index() == 1 ? 0.2 : 0.01; // point 1: too noisy to call
            int finished = p.index() == plan.points().size() - 1 ? 3 : 6;
            ResultsFiles.write(dir.resolve(p.name()), run(6, 10 + p.index(), "a", Map.of("dynamic-call", truth, "planted", 1 / 1.01), noise, finished));
        }
        ResultsFiles.write(dir.resolve("point-000@b"), run(4, 99, "b", Map.of("dynamic-call", 0.8, "planted", 1 / 1.01), 0.01, 4));
        return dir;
    }

    @Test
    void collectAnalysesEachMachineApartAndPairsOnlyWithinAMachine(@TempDir Path tmp) throws IOException {
        Path demo = System.getProperty("icpbench.sweep.demo") != null ? Path.of(System.getProperty("icpbench.sweep.demo")) : tmp.resolve("s");
        Path dir = fakeSweep(demo);
        MainTest.Run r = MainTest.run("sweep", "--collect", dir.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("machines: a, b (analysed apart", "| point-000 | 0 | 99% | a | dynamic-call |",
                "| point-000 | 0 | 99% | b | dynamic-call |", "| point-000 | 0 | 99% | all (2 machines) | dynamic-call |");
        JsonNode s = new ObjectMapper().readTree(dir.resolve("sweep.json").toFile());
        assertThat(s.get("schema").asInt()).isEqualTo(1);
        assertThat(s.get("machines")).extracting(JsonNode::asText).containsExactly("a", "b");
        assertThat(s.get("axes")).extracting(a -> a.get("name").asText()).containsExactly("work", "skew", "sites", "workers");
        JsonNode p0 = s.get("points").get(0);
        assertThat(p0.get("settings").get("work").asText()).isEqualTo("0");
        assertThat(p0.get("settings").get("skew").asText()).isEqualTo("99");
        assertThat(p0.get("status").asText()).isEqualTo("done");
        assertThat(p0.get("machines")).hasSize(2);
        JsonNode onA = p0.get("machines").get(0);
        JsonNode onB = p0.get("machines").get(1);
        assertThat(onA.get("host").asText()).isEqualTo("a");
        assertThat(onA.get("runs")).extracting(JsonNode::asText).containsExactly("point-000");
        assertThat(onB.get("runs")).extracting(JsonNode::asText).containsExactly("point-000@b");
        JsonNode dcA = arm(onA, "dynamic-call");
        JsonNode dcB = arm(onB, "dynamic-call");
        assertThat(dcA.get("ratio").asDouble()).isCloseTo(0.85, org.assertj.core.data.Offset.offset(0.02));
        assertThat(dcB.get("ratio").asDouble()).isCloseTo(0.80, org.assertj.core.data.Offset.offset(0.02));
        assertThat(dcA.get("n").asInt()).isEqualTo(6);
        assertThat(dcB.get("n").asInt()).isEqualTo(4);
        assertThat(dcA.get("verdict").asText()).isEqualTo("slower");
        assertThat(arm(onA, "virtual").get("verdict").asText()).isEqualTo("baseline");
        assertThat(arm(onA, "aa").get("role").asText()).isEqualTo("aa");
        // the combined row pairs within blocks, each of one machine: 6 + 4 blocks
        JsonNode all = p0.get("combined");
        assertThat(all.get("host").asText()).isEqualTo("all (2 machines)");
        assertThat(arm(all, "dynamic-call").get("n").asInt()).isEqualTo(10);
        assertThat(all.get("blocks").asInt()).isEqualTo(10);
        // a noisy point: inconclusive with its MDE; the last point: partial
        JsonNode noisy = arm(s.get("points").get(1).get("machines").get(0), "dynamic-call");
        assertThat(noisy.get("verdict").asText()).isEqualTo("inconclusive");
        assertThat(noisy.get("mde").asDouble()).isPositive();
        assertThat(s.get("points").get(3).get("status").asText()).isEqualTo("partial");
        assertThat(s.get("points").get(1).get("combined").isNull()).isTrue();

        String md = Files.readString(dir.resolve("sweep.md"));
        assertThat(md).contains("| point | work (ns/call) | skew (udp4 share) | machine | arm | vs virtual: rate ratio [95% CI] |",
                "inconclusive (MDE ", "aa (A/A control)", "point-003 (partial)");
        assertThat(md).containsPattern("\\| dynamic-call \\| 0\\.8[0-9]{2} \\[0\\.[0-9]{3}, 0\\.[0-9]{3}\\] \\(-1[0-9]\\.[0-9]%\\) \\| slower \\|");
        String html = Files.readString(dir.resolve("sweep.html"));
        assertThat(html).contains("<svg", "url(#hatch", "inconclusive", "MDE ", "machine a", "machine b", "all machines", "work (ns/call)",
                "skew (udp4 share)", "point-000/report.html");
    }

    static JsonNode arm(JsonNode machine, String arm) {
        for (JsonNode a : machine.get("arms")) {
            if (a.get("arm").asText().equals(arm)) {
                return a;
            }
        }
        throw new AssertionError("no arm " + arm + " in " + machine);
    }

    @Test
    void collectingTwoSweepsOfOnePlanTreatsTheirMachinesApartAndRefusesAnotherPlan(@TempDir Path tmp) {
        Path one = plan(tmp.resolve("one"));
        Path two = tmp.resolve("two");
        MainTest.Run r = MainTest.run(sweep(with(GRID, "--emit", "slurm", two.toString())));
        assertThat(r.exit()).isZero();
        SweepPlan plan = SweepPlan.read(one);
        for (SweepPlan.Point p : plan.points()) {
            ResultsFiles.write(one.resolve(p.name()), run(6, p.index(), "a", Map.of("dynamic-call", 0.9), 0.01, 6));
            ResultsFiles.write(two.resolve(p.name()), run(6, 50 + p.index(), "b", Map.of("dynamic-call", 0.9), 0.01, 6));
        }
        Path out = tmp.resolve("both");
        MainTest.Run c = MainTest.run("sweep", "--collect", one.toString(), two.toString(), "--out", out.toString());
        assertThat(c.exit()).as(c.err()).isZero();
        assertThat(c.out()).contains("machines: a, b");
        assertThat(out.resolve("sweep.html")).isRegularFile();
        Path other = tmp.resolve("other");
        assertThat(MainTest.run("sweep", "--work", "0,1", "--modes", "virtual,dynamic-call", "--forks", "6", "--emit", "slurm", other.toString())
                .exit()).isZero();
        MainTest.Run bad = MainTest.run("sweep", "--collect", one.toString(), other.toString(), "--out", tmp.resolve("x").toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("holds another sweep");
    }

    @Test
    void mergeNamesTheMachinesThatContributed(@TempDir Path tmp) {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        ResultsFiles.write(a, run(3, 1, "host-a", Map.of(), 0.01, 3));
        ResultsFiles.write(b, run(2, 2, "host-b", Map.of(), 0.01, 2));
        MainTest.Run r = MainTest.run("merge", tmp.resolve("m").toString(), a.toString(), b.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("machines: host-a (1 run, 3 blocks: " + a + "); host-b (1 run, 2 blocks: " + b + ")",
                "pairs never span machines");
        RunResults m = ResultsFiles.read(tmp.resolve("m"));
        assertThat(m.provenance().host()).isEqualTo("host-a,host-b");
        // blocks 0-2 are a's, 3-4 b's
        assertThat(m.forks().stream().filter(f -> f.block() >= 3).count()).isEqualTo(2L * ARMS.size());
    }
}
