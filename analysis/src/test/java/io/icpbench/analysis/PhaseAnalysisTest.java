package io.icpbench.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.icpbench.results.RunResults;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The per-phase analysis of a run whose traffic changed its mix: each phase's iterations analysed
 * alone, paired by block as the whole run is, on synthetic runs where one arm is 10% faster only in
 * phase 2. The whole run's analysis does not change when phases are recorded.
 */
class PhaseAnalysisTest {
    static final List<RunResults.Arm> ARMS = List.of(RunResults.Arm.ofMode("virtual"),
            new RunResults.Arm("aa", "virtual", null, null, null, null, null, List.of()), RunResults.Arm.ofMode("dynamic-call"));
    static final int ITERATIONS = 20;
    static final List<RunResults.Phase> PHASES = List.of(new RunResults.Phase("ipv4", 0, 9), new RunResults.Phase("ipv6", 10, 19));

    /**
     * 8 blocks of the three arms, 20 iterations a fork; the block shares a machine effect (SD 3%),
     * each fork has its own (SD 1%), each iteration noise (SD 1%); dynamic-call's rate is
     * {@code phase2} times the baseline's in iterations 10 to 19, the same before.
     */
    static RunResults run(long seed, double phase2, boolean withPhases) {
        SplittableRandom random = new SplittableRandom(seed);
        List<SyntheticRuns.Fork> forks = new ArrayList<>();
        for (int b = 0; b < 8; b++) {
            double shared = 0.03 * random.nextGaussian();
            for (RunResults.Arm a : ARMS) {
                double fork = 0.01 * random.nextGaussian();
                double[] ns = new double[ITERATIONS];
                for (int i = 0; i < ITERATIONS; i++) {
                    double speedup = a.name().equals("dynamic-call") && i >= 10 ? phase2 : 1;
                    ns[i] = 400 / speedup * Math.exp(-shared - fork + 0.01 * random.nextGaussian());
                }
                forks.add(new SyntheticRuns.Fork(b, a.name(), ns));
            }
        }
        RunResults r = SyntheticRuns.run(ARMS, "virtual", RunResults.Settings.INTERLEAVED, forks);
        return withPhases ? new RunResults(r.schema(), r.settings().withPhases(PHASES), r.provenance(), r.plan(), r.forks()) : r;
    }

    @Test
    void anArmFasterOnlyInPhase2IsCalledFasterThereAndNotInPhase1() {
        RunResults r = run(14, 1.10, true);
        List<Stats.PhaseComparison> phases = Stats.vsBaselineByPhase(r, 0.01, 0.01);
        assertThat(phases).extracting(Stats.PhaseComparison::number).containsExactly(1, 2);
        Stats.LogRatio one = dc(phases.get(0).ratios());
        Stats.LogRatio two = dc(phases.get(1).ratios());
        assertThat(one.method()).isEqualTo(Stats.Method.PAIRED);
        assertThat(one.n()).isEqualTo(8);
        assertThat(one.verdict().different()).as("phase 1: %s", one).isFalse();
        assertThat(one.ratioLow()).isLessThan(1.0);
        assertThat(one.ratioHigh()).isGreaterThan(1.0).isLessThan(1.05);
        assertThat(two.verdict()).isEqualTo(Stats.Verdict.FASTER);
        assertThat(two.ratio()).isBetween(1.07, 1.13);
        assertThat(two.ratioLow()).isGreaterThan(1.05);
        // The whole run: about halfway (the fork means average phase 1's 400 ns and phase 2's 364 ns).
        Stats.LogRatio all = dc(Stats.vsBaseline(r, 0.01, 0.01));
        assertThat(all.ratio()).isBetween(1.03, 1.07);
    }

    @Test
    void theHeadlinesAndTheReportSayItPerPhase() {
        RunResults r = run(14, 1.10, true);
        Stats.LogRatio two = dc(Stats.vsBaselineByPhase(r, 0.01, 0.01).get(1).ratios());
        List<String> lines = MarkdownReport.headlines(r, 0.01);
        // The whole run's sentences first (one per arm), then one per question and phase; the controls' phases only in report.md.
        assertThat(lines).hasSize(2 + 2);
        assertThat(lines.get(0)).startsWith("aa ");
        assertThat(lines.get(1)).startsWith("dynamic-call ");
        assertThat(lines.get(2)).startsWith("phase 1 (ipv4): dynamic-call vs virtual: rate ratio ");
        assertThat(lines.get(3)).isEqualTo(String.format(java.util.Locale.ROOT, "phase 2 (ipv6): dynamic-call vs virtual: rate ratio %.3f [%.3f, %.3f], "
                + "faster (paired over 8 blocks, Holm p=%s over the phase's questions); MDE %.1f%% at 80%% power.", two.ratio(), two.ratioLow(),
                two.ratioHigh(), MarkdownReport.pValue(two.pAdjusted()), 100 * two.mde()));
        String md = MarkdownReport.render(r, 0.01, 0.01);
        String flat = md.replaceAll("\n +", " ");
        assertThat(flat).contains("phases (the traffic's mix changed during the run): 1 ipv4 = measured iterations 0-9 (the warmup replays it), "
                + "2 ipv6 = 10-19");
        assertThat(flat).contains("per phase, each arm against virtual").contains("phase 1 ipv4, measured iterations 0-9")
                .contains("phase 2 ipv6, measured iterations 10-19").contains(lines.get(3)).contains("phase 2 (ipv6): aa vs virtual: ");
        assertThat(md.indexOf("per phase, each arm")).isGreaterThan(md.indexOf("answer, each arm")).isLessThan(md.indexOf("secondary analysis"));
        // A run without phases has none of it.
        String plain = MarkdownReport.render(run(14, 1.10, false), 0.01, 0.01);
        assertThat(plain).doesNotContain("per phase").doesNotContain("phases (");
        assertThat(MarkdownReport.headlines(run(14, 1.10, false), 0.01)).hasSize(2);
    }

    @Test
    void aSwitchOfTheMixIsNotReadAsAForkStillWarmingUp() {
        RunResults plain = run(14, 1.25, false);
        RunResults phased = run(14, 1.25, true);
        assertThat(Diagnostics.notSteady(plain)).as("without phases the faster second half looks like warmup").isNotEmpty();
        assertThat(Diagnostics.notSteady(phased)).isEmpty();
    }

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 25);
    }

    /**
     * For any run: recording phases leaves the whole run's analysis as it was, and each phase's
     * analysis is exactly the whole-run analysis of a run whose forks measured that phase's
     * iterations alone (built here independently of {@link RunResults#inPhase}).
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void eachPhaseIsTheWholeRunAnalysisOfItsIterationsAlone(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        RunResults phased = run(seed, 1 + 0.2 * random.nextDouble(), true);
        RunResults plain = new RunResults(phased.schema(), phased.settings().withPhases(List.of()), phased.provenance(), phased.plan(),
                phased.forks());
        assertThat(Stats.vsBaseline(phased, 0.01, 0.01)).isEqualTo(Stats.vsBaseline(plain, 0.01, 0.01));
        List<Stats.PhaseComparison> byPhase = Stats.vsBaselineByPhase(phased, 0.01, 0.01);
        for (int k = 0; k < PHASES.size(); k++) {
            RunResults.Phase p = PHASES.get(k);
            List<SyntheticRuns.Fork> cut = new ArrayList<>();
            for (RunResults.ForkResult f : phased.forks()) {
                double[] ns = f.scoresNsPerPacket().subList(p.first(), p.last() + 1).stream().mapToDouble(Double::doubleValue).toArray();
                cut.add(new SyntheticRuns.Fork(f.block(), f.arm(), ns));
            }
            RunResults alone = SyntheticRuns.run(ARMS, "virtual", RunResults.Settings.INTERLEAVED, cut);
            assertThat(byPhase.get(k).ratios()).as("phase %d", k + 1).isEqualTo(Stats.vsBaseline(alone, 0.01, 0.01));
            assertThat(byPhase.get(k).phase()).isEqualTo(p);
        }
        assertThat(Stats.vsBaselineByPhase(plain, 0.01, 0.01)).isEmpty();
    }

    private static Stats.LogRatio dc(List<Stats.LogRatio> rs) {
        return rs.stream().filter(x -> x.arm().equals("dynamic-call")).findFirst().orElseThrow();
    }
}
