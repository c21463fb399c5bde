package io.icpbench.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.icpbench.results.RunResults;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiagnosticsTest {
    static RunResults run(List<String> modes, double[][] forkIterations, String[] forkModes) {
        List<RunResults.PlannedFork> plan = new ArrayList<>();
        List<RunResults.ForkResult> forks = new ArrayList<>();
        for (int i = 0; i < forkModes.length; i++) {
            plan.add(new RunResults.PlannedFork(i, i / modes.size(), forkModes[i], forkModes[i]));
            List<Double> scores = java.util.Arrays.stream(forkIterations[i]).boxed().toList();
            forks.add(new RunResults.ForkResult(i, i / modes.size(), forkModes[i], forkModes[i], scores, 1e9 / Stats.mean(forkIterations[i]),
                    Map.of(), Map.of(), Map.of(), RunResults.Accounting.unknown(), null, null, 1));
        }
        RunResults.Settings s = new RunResults.Settings(modes.stream().map(RunResults.Arm::ofMode).toList(), "default", 0, 1, "all", forkModes.length / modes.size(), 1, 1, 1, 1, false);
        RunResults.Provenance p = new RunResults.Provenance("25", List.of(), "cpu", "Linux", 2, "x", "t");
        return new RunResults(RunResults.SCHEMA, s, p, plan, forks);
    }

    @Test
    void anOutlierForkIsNamedAndAQuietRunHasNone() {
        double[][] it = {{150, 151}, {149, 150}, {151, 152}, {150, 150}, {300, 301}, {150, 151}};
        String[] modes = {"virtual", "virtual", "virtual", "virtual", "virtual", "virtual"};
        assertThat(Diagnostics.outliers(run(List.of("virtual"), it, modes))).singleElement().asString().contains("fork 4");
        it[4] = new double[] {150, 151};
        assertThat(Diagnostics.outliers(run(List.of("virtual"), it, modes))).isEmpty();
    }

    @Test
    void driftAlongRunOrderIsFlagged() {
        double[][] it = new double[10][];
        String[] modes = new String[10];
        for (int i = 0; i < 10; i++) {
            it[i] = new double[] {150 + 5 * i, 150.5 + 5 * i};
            modes[i] = "virtual";
        }
        assertThat(Diagnostics.drift(run(List.of("virtual"), it, modes))).singleElement().asString().contains("the machine changed");
    }

    @Test
    void forksStillWarmingUpAreFlagged() {
        double[][] it = {{200, 198, 201, 150, 151, 149}, {150, 151, 149, 150, 151, 150}};
        String[] modes = {"virtual", "virtual"};
        List<String> d = Diagnostics.notSteady(run(List.of("virtual"), it, modes));
        assertThat(d).singleElement().asString().contains("fork 0");
    }

    @Test
    void withinForkSdIsTheMeanOfTheForksIterationSds() {
        double[][] it = {{1, 3}, {2, 2}};
        String[] modes = {"virtual", "virtual"};
        assertThat(Diagnostics.withinForkSd(run(List.of("virtual"), it, modes), "virtual")).isCloseTo(Math.sqrt(2) / 2, org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void noiseIsSummedUpPerArmAndAMostlyFlaggedRunIsWeak() throws Exception {
        RunResults quiet = SyntheticRuns.suite(1, 4, 1, Map.of(), 0.05, 0, null);
        assertThat(Diagnostics.weakRun(quiet)).isNull();
        assertThat(Diagnostics.flaggedForks(quiet)).isEmpty();
        assertThat(Diagnostics.noise(quiet)).allSatisfy(n -> {
            assertThat(n.recorded()).isEqualTo(n.forks());
            assertThat(n.flagged()).isZero();
        });
        RunResults busy = SyntheticRuns.suite(1, 4, 1, Map.of(), 0.05, 0.9, null);
        long flagged = busy.forks().stream().filter(f -> f.noise().interfered()).count();
        assertThat(flagged).isGreaterThan(busy.forks().size() / 2);
        assertThat(Diagnostics.weakRun(busy)).startsWith("weak run: " + flagged + " of " + busy.forks().size() + " forks");
        assertThat(Diagnostics.flaggedForks(busy)).hasSize((int) flagged).allSatisfy(l -> assertThat(l).contains("steal").contains("> 5%"));
        assertThat(Diagnostics.noise(busy).stream().mapToInt(Diagnostics.ArmNoise::flagged).sum()).isEqualTo((int) flagged);
        // forks from before schema 3 have no record: nothing to say, and not weak
        RunResults old = run(List.of("virtual"), new double[][] {{1, 2}, {2, 3}}, new String[] {"virtual", "virtual"});
        assertThat(Diagnostics.noise(old)).singleElement().satisfies(n -> {
            assertThat(n.recorded()).isZero();
            assertThat(n.stealPercent()).isNaN();
        });
        assertThat(Diagnostics.weakRun(old)).isNull();
    }

    @Test
    void driftIsMeasuredAgainstTimeWhenTheRunHasItsTurns() {
        // 20 blocks of 4 forks, the machine 5% slower (ln) every 100 s, nothing else the blocks share
        SimulatedRuns.Model m = SimulatedRuns.NORMAL.withBlocks(20).withBlockSd(0).withDrift(0.05 * 36, 0);
        SimulatedRuns.Simulated s = SimulatedRuns.run(m, List.of(SimulatedRuns.baseline(), SimulatedRuns.aa(), SimulatedRuns.planted(1),
                SimulatedRuns.question("promoted", 1.1)), 8, true);
        List<String> timed = Diagnostics.of(s.run(), s.turns()).drift();
        assertThat(timed).hasSize(4).allSatisfy(l -> assertThat(l).contains("per 100 s against time (s)").contains("the machine changed"));
        for (String l : timed) {
            // The rate falls as the machine slows: a negative slope, about 5% per 100 s.
            double percent = Double.parseDouble(l.replaceAll(".* ([+-][0-9.]+)% packets/s.*", "$1"));
            assertThat(percent).as(l).isBetween(-6.5, -4.0);
        }
        assertThat(Diagnostics.drift(s.run())).allSatisfy(l -> assertThat(l).contains("per 10 forks of run order"));
        assertThat(RunAnalysis.of(s.run(), 0.01, 0.01, s.turns()).diagnostics().drift()).isEqualTo(timed);
    }
}
