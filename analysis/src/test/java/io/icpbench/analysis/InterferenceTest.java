package io.icpbench.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.icpbench.results.RunResults;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cross-arm interference control: found where planted, not found where there is none. */
class InterferenceTest {

    private static final List<SimulatedRuns.Arm> ARMS = List.of(SimulatedRuns.baseline(), SimulatedRuns.question("promoted", 0.7),
            SimulatedRuns.question("dynamic-call", 0.7), SimulatedRuns.aa(), SimulatedRuns.planted(2));

    private static SimulatedRuns.Simulated run(long seed) {
        return SimulatedRuns.run(SimulatedRuns.NORMAL.withBlocks(8), ARMS, seed, true);
    }

    @Test
    void aMachineWithoutInterferenceShowsNone() {
        int significant = 0;
        for (long seed = 1; seed <= 40; seed++) {
            SimulatedRuns.Simulated s = run(seed);
            Interference i = Interference.of(s.run(), s.turns());
            assertThat(i).isNotNull();
            assertThat(i.forks()).as("virtual, aa and planted forks of 8 blocks").isEqualTo(24);
            assertThat(i.afterLearned() + i.afterOther()).isEqualTo(24 * 100);
            significant += i.significant() ? 1 : 0;
        }
        // 40 seeded runs with no interference: about 5% false alarms, at most 6 by chance (binomial, 40 x 0.05).
        assertThat(significant).isLessThanOrEqualTo(6);
    }

    @Test
    void turnsSlowedAfterALearningTurnAreFound() {
        SimulatedRuns.Simulated s = run(7);
        RunResults slowed = slowAfterLearning(s, 1.05);
        Interference i = Interference.of(slowed, s.turns());
        // The planted slowdown lies in the control's own 95% interval, and the interval excludes 0.
        assertThat(Math.log(1 / 1.05)).isBetween(i.ciLow(), i.ciHigh());
        assertThat(i.ciHigh()).isNegative();
        assertThat(i.significant()).isTrue();
        assertThat(i.line()).contains("slows the next turn").contains("24 forks");
    }

    @Test
    void aRunWithoutTurnsOrWithoutALearningArmHasNoControl() {
        SimulatedRuns.Simulated s = run(3);
        assertThat(Interference.of(s.run(), null)).isNull();
        SimulatedRuns.Simulated plain = SimulatedRuns.run(SimulatedRuns.NORMAL, List.of(SimulatedRuns.baseline(), SimulatedRuns.aa()), 3, true);
        assertThat(Interference.of(plain.run(), plain.turns())).isNull();
        assertThat(Diagnostics.of(plain.run(), plain.turns()).interference()).isNull();
        assertThat(Diagnostics.of(s.run(), s.turns()).lines()).anySatisfy(l -> assertThat(l).startsWith("interference: "));
    }

    /** The run with every turn of an arm that does not learn taking {@code factor} times longer when a learning arm's turn came right before. */
    private static RunResults slowAfterLearning(SimulatedRuns.Simulated s, double factor) {
        Map<Integer, List<Turns.Turn>> byBlock = new HashMap<>();
        s.turns().turns().forEach(t -> byBlock.computeIfAbsent(t.block(), b -> new ArrayList<>()).add(t));
        Map<Long, Boolean> after = new HashMap<>();
        for (List<Turns.Turn> ts : byBlock.values()) {
            ts.sort(Comparator.comparingLong(Turns.Turn::startUs));
            for (int i = 1; i < ts.size(); i++) {
                String prev = ts.get(i - 1).arm();
                after.put(((long) ts.get(i).fork() << 32) | ts.get(i).round(), prev.equals("promoted") || prev.equals("dynamic-call"));
            }
        }
        Map<Integer, List<Turns.Turn>> measured = s.turns().measuredByFork();
        List<RunResults.ForkResult> forks = new ArrayList<>();
        for (RunResults.ForkResult f : s.run().forks()) {
            List<Double> ns = new ArrayList<>(f.scoresNsPerPacket());
            if (!f.mode().equals("promoted") && !f.mode().equals("dynamic-call")) {
                List<Turns.Turn> ts = measured.get(f.index());
                for (int n = 0; n < ns.size(); n++) {
                    if (Boolean.TRUE.equals(after.get(((long) ts.get(n).fork() << 32) | ts.get(n).round()))) {
                        ns.set(n, ns.get(n) * factor);
                    }
                }
            }
            forks.add(new RunResults.ForkResult(f.index(), f.block(), f.arm(), f.mode(), ns, RunResults.ForkResult.rateOf(ns), f.counters(),
                    f.outcomes(), f.sites(), f.accounting(), f.jmhJson(), f.hlog(), f.seconds()));
        }
        RunResults r = s.run();
        return new RunResults(r.schema(), r.settings(), r.provenance(), r.plan(), forks);
    }
}
