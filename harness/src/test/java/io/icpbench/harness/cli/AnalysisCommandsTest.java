package io.icpbench.harness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.icpbench.analysis.Stats;
import io.icpbench.harness.Main;
import io.icpbench.results.ResultsFiles;
import io.icpbench.results.RunResults;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** plan, calibrate and compare on runs drawn from a model of a drifting machine, through {@link Main#run}. */
class AnalysisCommandsTest {
    /** The default suite's arms: the baseline, an A/A arm, a planted 2% arm, three questions. */
    static final List<RunResults.Arm> SUITE = List.of(RunResults.Arm.ofMode("virtual"),
            new RunResults.Arm("aa", "virtual", null, null, null, null, null, List.of()),
            new RunResults.Arm("planted", "virtual", null, null, null, null, null, List.of(), "2"), RunResults.Arm.ofMode("dynamic-call"),
            RunResults.Arm.ofMode("promoted"), RunResults.Arm.ofMode("devirtualized"));
    static final Map<String, Double> TRUTH = Map.of("virtual", 1.0, "aa", 1.0, "planted", 1 / 1.02, "dynamic-call", 0.62, "promoted", 0.80,
            "devirtualized", 1.04);

    /**
     * An interleaved run of {@code arms} in complete blocks: each fork's log rate is its arm's truth
     * (times {@code shift}), a block effect the arms share (SD 8%), a fork effect (SD 1%) and 5
     * iterations of noise (SD 4% each); the whole run at {@code scale} (a machine that drifted).
     */
    static RunResults run(List<RunResults.Arm> arms, long seed, int blocks, double scale, Map<String, Double> shift) {
        SplittableRandom random = new SplittableRandom(seed);
        List<RunResults.PlannedFork> plan = new ArrayList<>();
        List<RunResults.ForkResult> forks = new ArrayList<>();
        for (int b = 0; b < blocks; b++) {
            double shared = 0.08 * random.nextGaussian();
            for (RunResults.Arm arm : arms) {
                double logRate = Math.log(2.2e6 * scale * TRUTH.get(arm.name()) * shift.getOrDefault(arm.name(), 1.0)) + shared
                        + 0.01 * random.nextGaussian();
                List<Double> ns = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    ns.add(1e9 / Math.exp(logRate) * Math.exp(0.04 * random.nextGaussian()));
                }
                int index = plan.size();
                plan.add(new RunResults.PlannedFork(index, b, arm.name(), arm.mode()));
                forks.add(new RunResults.ForkResult(index, b, arm.name(), arm.mode(), ns, 1e9 / ns.stream().mapToDouble(d -> d).average().orElseThrow(),
                        Map.of(), Map.of(), Map.of(), RunResults.Accounting.unknown(), null, null, 10));
            }
        }
        RunResults.Settings s = new RunResults.Settings(arms, "default", 0, 1, "all", blocks, 2, 5, 1, seed, false, arms.get(0).name(),
                RunResults.Settings.INTERLEAVED);
        return new RunResults(RunResults.SCHEMA, s, new RunResults.Provenance("25", List.of(), "cpu", "Linux", 2, "c" + seed, "t" + seed), plan, forks);
    }

    static Path write(Path dir, String name, RunResults r) {
        Path d = dir.resolve(name);
        ResultsFiles.write(d, r);
        return d;
    }

    @Test
    void compareDoesNotTakeTheMachinesDriftBetweenRunsForADifference(@TempDir Path dir) {
        // Same machine model, two draws; every rate of B 15% lower.
        Path a = write(dir, "a", run(SUITE, 1, 8, 1, Map.of()));
        Path b = write(dir, "b", run(SUITE, 2, 8, 0.85, Map.of()));
        MainTest.Run r = MainTest.run("compare", a.toString(), b.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        for (String arm : List.of("aa", "planted", "dynamic-call", "promoted", "devirtualized")) {
            assertThat(r.out()).containsPattern("(?m)^  " + arm + " ");
        }
        assertThat(r.out()).doesNotContainPattern("(?m)^  .*(faster|slower) in B");
        assertThat(r.out()).containsPattern("virtual \\(the baseline\\): [0-9.]+ Mpps in A, [0-9.]+ Mpps in B \\(-1[0-9]\\.[0-9]%\\), "
                + "for information only");
        // what one run each cannot know is said
        assertThat(r.out()).contains(Stats.BETWEEN_RUNS_LIMIT);
    }

    @Test
    void compareFindsAnArmThatChangedAgainstItsBaseline(@TempDir Path dir) {
        Path a = write(dir, "a", run(SUITE, 1, 8, 1, Map.of()));
        Path b = write(dir, "b", run(SUITE, 2, 8, 0.85, Map.of("promoted", 1.08)));
        MainTest.Run r = MainTest.run("compare", a.toString(), b.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("(?m)^  promoted .*faster in B$");
        assertThat(r.out()).doesNotContainPattern("(?m)^  (?!promoted ).*(faster|slower) in B");
    }

    @Test
    void compareRefusesRunsWithDifferentBaselines(@TempDir Path dir) {
        RunResults other = run(List.of(RunResults.Arm.ofMode("promoted"), RunResults.Arm.ofMode("virtual")), 2, 4, 1, Map.of());
        MainTest.Run r = MainTest.run("compare", write(dir, "a", run(SUITE, 1, 4, 1, Map.of())).toString(), write(dir, "b", other).toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("different baselines");
    }

    @Test
    void calibrateCountsTheControlsAcrossRuns(@TempDir Path dir) throws Exception {
        List<String> args = new ArrayList<>(List.of("calibrate", "--json", dir.resolve("cal.json").toString()));
        int aaSignificant = 0;
        int plantedSlower = 0;
        int plantedCovered = 0;
        for (int seed = 1; seed <= 4; seed++) {
            // 16 blocks: the planted 2% is near what this design sees
            RunResults run = run(SUITE, seed, 16, 1, Map.of());
            args.add(write(dir, "run" + seed, run).toString());
            for (Stats.LogRatio x : Stats.vsBaseline(run, 0.01, 0.01)) {
                // the controls are judged by their own p, whatever TOST says
                if (x.arm().equals("aa") && x.p() < 0.05) {
                    aaSignificant++;
                }
                if (x.arm().equals("planted")) {
                    plantedSlower += x.p() < 0.05 && x.mean() < 0 ? 1 : 0;
                    double truth = Math.log(1 / 1.02);
                    plantedCovered += x.ciLow() <= truth && truth <= x.ciHigh() ? 1 : 0;
                }
            }
        }
        MainTest.Run r = MainTest.run(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("A/A arm significant, p < 0.05 (false alarms): " + aaSignificant + " of 4 ");
        assertThat(r.out()).contains("planted arm significantly slower: " + plantedSlower + " of 4 ");
        assertThat(r.out()).contains("planted arm's 95% CI covered its true ratio: " + plantedCovered + " of 4 ");
        assertThat(r.out()).containsPattern("mean MDE at 80% power \\(α = 0.05\\): A/A [0-9.]+%, planted [0-9.]+%");
        JsonNode json = new ObjectMapper().readTree(dir.resolve("cal.json").toFile());
        assertThat(json.get("aa")).hasSize(4);
        assertThat(json.get("planted")).hasSize(4);
        assertThat(json.get("aaSignificant").get("trials").asInt()).isEqualTo(4);
        assertThat(json.get("aaSignificant").get("hits").asInt()).isEqualTo(aaSignificant);
        assertThat(json.get("plantedSlower").get("hits").asInt()).isEqualTo(plantedSlower);
        assertThat(json.get("planted").get(0).get("trueRatio").asDouble()).isEqualTo(1 / 1.02);
    }

    @Test
    void calibrateNeedsRunsWithControls(@TempDir Path dir) {
        RunResults plain = run(List.of(RunResults.Arm.ofMode("virtual"), RunResults.Arm.ofMode("promoted")), 1, 4, 1, Map.of());
        MainTest.Run r = MainTest.run("calibrate", write(dir, "a", plain).toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("no run holds an A/A arm").contains("a: no A/A or planted arm");
    }

    @Test
    void planShowsWhereTheVarianceIsAndTheBlocksNeeded(@TempDir Path dir) {
        MainTest.Run r = MainTest.run("plan", write(dir, "a", run(SUITE, 1, 8, 1, Map.of())).toString(), "--effect", "2");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("variance components per arm").contains("best iter.").contains("blocks for 2%");
        // the run's forks: 2 x 1 s warmup besides their iterations, plus 4 s to start
        assertThat(r.out()).contains("a fork costs 6.0 s besides its iterations");
        for (String arm : List.of("virtual", "aa", "planted", "dynamic-call", "promoted", "devirtualized")) {
            assertThat(r.out()).containsPattern("(?m)^  " + arm + " +8 +5 +0\\.0[0-9]{3} ");
        }
        assertThat(r.out()).containsPattern("(?m)^  dynamic-call +arm +8 ");
        assertThat(r.out()).containsPattern("(?m)^  planted +planted +8 .* 0\\.0500 ");
        assertThat(r.out()).containsPattern("(?m)^  promoted +arm +8 .* 0\\.0167 ");
    }
}
