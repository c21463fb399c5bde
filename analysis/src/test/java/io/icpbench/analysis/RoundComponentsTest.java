package io.icpbench.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.icpbench.results.ResultsException;
import io.icpbench.results.RunResults;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundComponentsTest {
    /** c_fork as the harness's IterationChoice has it for 7 forks: 13.5 s of block start shared, 40 warmup turns of 0.1 s. */
    static final double FORK_SECONDS = 13.5 / 7 + 40 * 0.1;
    static final double ITERATION_SECONDS = 0.1;
    static final int CAP = 300;

    /**
     * A machine whose bursts span a round: of a turn's 24% (ln SD) 0.20 is shared by the round,
     * 0.13 is the turn's own (a right tail in 10% of turns); forks differ by 3%. 80 blocks of 40
     * measured turns, so that the estimates sit near their expectations. True r* = √(59.3 · 0.0166/0.0009) = 33.
     */
    static final SimulatedRuns.Model BURSTS = SimulatedRuns.NORMAL.withForks(0.03, 0, 1).withTurnNoise(0.095, 0.10, 0.2).withRounds(0.20)
            .withBlocks(80).withIterations(40);

    static SimulatedRuns.Simulated aaRun(long seed) {
        return SimulatedRuns.run(BURSTS, List.of(SimulatedRuns.baseline(), SimulatedRuns.aa()), seed, true);
    }

    @Test
    void roundAlignedComponentsFindTheOptimumWhereKaliberaJonesHitsTheCap() {
        double truth = BURSTS.trueOptimalIterations(FORK_SECONDS, ITERATION_SECONDS);
        assertThat(truth).isCloseTo(33, within(1.0));
        RunResults r = aaRun(3).run();
        Stats.VarianceComponents old = Stats.pairedVarianceComponents(r, "aa", "virtual");
        Stats.VarianceComponents rounds = RoundComponents.of(r, "aa", "virtual");
        int oldR = Stats.optimalIterations(old, FORK_SECONDS, ITERATION_SECONDS, CAP);
        int newR = Stats.optimalIterations(rounds, FORK_SECONDS, ITERATION_SECONDS, CAP);
        System.out.printf(java.util.Locale.ROOT, "r*: true %.1f, Kalibera-Jones paired %d (S_w %.4f, S_b %.5f), round-aligned %d (S_w %.4f, "
                + "S_b %.5f; true %.4f, %.5f)%n", truth, oldR, old.within(), old.between(), newR, rounds.within(), rounds.between(),
                BURSTS.turnVariance(), BURSTS.forkVariance());
        assertThat(oldR).as("the round's shared noise counted within forks").isGreaterThanOrEqualTo(3 * (int) truth);
        assertThat(rounds.within()).isCloseTo(BURSTS.turnVariance(), within(0.1 * BURSTS.turnVariance()));
        assertThat(rounds.between()).isCloseTo(BURSTS.forkVariance(), within(0.35 * BURSTS.forkVariance()));
        assertThat((double) newR).isCloseTo(truth, within(0.2 * truth));
        assertThat(rounds.forks()).isEqualTo(80);
        assertThat(rounds.iterations()).isCloseTo(40, within(1e-9));
    }

    @Test
    void theTurnsPutIterationsInTheRoundsTheIndexDoesAndAMismatchIsAnError() {
        SimulatedRuns.Simulated s = aaRun(4);
        Stats.VarianceComponents byIndex = RoundComponents.of(s.run(), "aa", "virtual");
        Stats.VarianceComponents byTurns = RoundComponents.of(s.run(), "aa", "virtual", s.turns());
        assertThat(byTurns.within()).isCloseTo(byIndex.within(), within(1e-12));
        assertThat(byTurns.between()).isCloseTo(byIndex.between(), within(1e-12));

        // a measurement turn of fork 0 missing from turns.csv: its iterations no longer match its turns
        List<Turns.Turn> fewer = new ArrayList<>(s.turns().turns());
        fewer.remove(fewer.stream().filter(t -> t.fork() == 0 && t.measured()).findFirst().orElseThrow());
        assertThatThrownBy(() -> RoundComponents.of(s.run(), "aa", "virtual", new Turns(fewer))).isInstanceOf(ResultsException.class)
                .hasMessageContaining("fork 0").hasMessageContaining("39 measurement turns").hasMessageContaining("40 measured iterations");

        // fork 0's turns written under another block
        List<Turns.Turn> moved = s.turns().turns().stream().map(t -> t.fork() == 0
                ? new Turns.Turn(t.block() + 1, t.round(), t.fork(), t.arm(), t.measured(), t.startUs(), t.endUs()) : t).toList();
        assertThatThrownBy(() -> RoundComponents.of(s.run(), "aa", "virtual", new Turns(moved))).isInstanceOf(ResultsException.class)
                .hasMessageContaining("is of block 1").hasMessageContaining("the results say block 0");
    }

    @Test
    void fewerThanTwoBlocksWithBothArmsIsAnError() {
        RunResults r = SimulatedRuns.run(BURSTS.withBlocks(1), List.of(SimulatedRuns.baseline(), SimulatedRuns.aa()), 1, false).run();
        assertThatThrownBy(() -> RoundComponents.of(r, "aa", "virtual")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 blocks hold both");
    }
}
