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
 * phase 2. The whole run's estimates do not change when phases are recorded; what does is the one
 * Holm family, which then holds the phases' questions too.
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
                + "faster (paired over 8 blocks); significant (Holm p=%s, 95%% CI), not shown within ±1%% (TOST p=%s, 90%% CI); MDE %.1f%% at 80%% "
                + "power.", two.ratio(), two.ratioLow(), two.ratioHigh(), MarkdownReport.pValue(two.pAdjusted()), MarkdownReport.pValue(two.tostP()),
                100 * two.mde()));
        String md = MarkdownReport.render(r, 0.01, 0.01);
        String flat = md.replaceAll("\n +", " ");
        assertThat(flat).contains("phases (the traffic's mix changed during the run): 1 ipv4 = measured iterations 0-9 (the warmup replays it), "
                + "2 ipv6 = 10-19");
        assertThat(flat).contains("per phase, each arm against virtual").contains("phase 1 ipv4, measured iterations 0-9")
                .contains("phase 2 ipv6, measured iterations 10-19").contains(lines.get(3)).contains("phase 2 (ipv6): aa vs virtual: ");
        assertThat(md.indexOf("per phase, each arm")).isGreaterThan(md.indexOf("answer, each arm")).isLessThan(md.indexOf("secondary analysis"));
        // the family is stated: 1 question over the whole run and in each of 2 phases
        assertThat(md.replaceAll("\\s+", " ")).contains("Holm over 3 comparisons: 1 arm × (whole run + 2 phases)")
                .contains("planned at α/3 = 0.0167");
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
     * For any run: recording phases leaves the whole run's estimates as they were, and each phase's
     * estimates are exactly the whole-run ones of a run whose forks measured that phase's iterations
     * alone (built here independently of {@link RunResults#inPhase}). Holm is one family over the
     * questions of the whole run and of every phase (its adjusted p's are Holm's over all of them
     * together), and the planning level is α over that family's size.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void eachPhaseIsTheWholeRunAnalysisOfItsIterationsAloneInOneHolmFamily(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        RunResults phased = run(seed, 1 + 0.2 * random.nextDouble(), true);
        RunResults plain = new RunResults(phased.schema(), phased.settings().withPhases(List.of()), phased.provenance(), phased.plan(),
                phased.forks());
        Stats.Primary primary = Stats.primary(phased, 0.01, 0.01);
        assertThat(primary.family()).isEqualTo(new Stats.Family(1, List.of(1, 1)));
        assertEstimates(primary.whole(), Stats.vsBaseline(plain, 0.01, 0.01), "whole run");
        List<Stats.LogRatio> family = new ArrayList<>(primary.whole());
        List<Stats.PhaseComparison> byPhase = primary.phases();
        assertThat(byPhase).isEqualTo(Stats.vsBaselineByPhase(phased, 0.01, 0.01));
        for (int k = 0; k < PHASES.size(); k++) {
            RunResults.Phase p = PHASES.get(k);
            List<SyntheticRuns.Fork> cut = new ArrayList<>();
            for (RunResults.ForkResult f : phased.forks()) {
                double[] ns = f.scoresNsPerPacket().subList(p.first(), p.last() + 1).stream().mapToDouble(Double::doubleValue).toArray();
                cut.add(new SyntheticRuns.Fork(f.block(), f.arm(), ns));
            }
            RunResults alone = SyntheticRuns.run(ARMS, "virtual", RunResults.Settings.INTERLEAVED, cut);
            assertEstimates(byPhase.get(k).ratios(), Stats.vsBaseline(alone, 0.01, 0.01), "phase " + (k + 1));
            assertThat(byPhase.get(k).phase()).isEqualTo(p);
            family.addAll(byPhase.get(k).ratios());
        }
        // one family: the questions' raw p's of all three parts, Holm-adjusted together; the controls keep their own p
        List<Stats.LogRatio> questions = family.stream().filter(x -> !x.role().control()).toList();
        assertThat(questions).hasSize(3);
        double[] holm = Stats.holmAdjust(questions.stream().mapToDouble(Stats.LogRatio::p).toArray());
        for (int i = 0; i < questions.size(); i++) {
            assertThat(questions.get(i).pAdjusted()).isEqualTo(holm[i]);
            assertThat(questions.get(i).planAlpha()).isEqualTo(0.05 / 3);
        }
        assertThat(family).filteredOn(x -> x.role().control()).allSatisfy(x -> {
            assertThat(x.pAdjusted()).isEqualTo(x.p());
            assertThat(x.planAlpha()).isEqualTo(0.05);
        });
        assertThat(Stats.vsBaselineByPhase(plain, 0.01, 0.01)).isEmpty();
        assertThat(Stats.primary(plain, 0.01, 0.01).family()).isEqualTo(new Stats.Family(1, List.of()));
    }

    @Test
    void theFamilySaysWhatItHolds() {
        assertThat(new Stats.Family(3, List.of(3, 3)).describe()).isEqualTo("Holm over 9 comparisons: 3 arms × (whole run + 2 phases)");
        assertThat(new Stats.Family(3, List.of()).describe()).isEqualTo("Holm over 3 comparisons: 3 arms");
        assertThat(new Stats.Family(1, List.of()).describe()).isEqualTo("Holm over 1 comparison: 1 arm");
        assertThat(new Stats.Family(3, List.of(2, 3)).describe()).isEqualTo("Holm over 8 comparisons: 3 arms over the whole run + 2 in phase 1 "
                + "+ 3 in phase 2");
        assertThat(new Stats.Family(3, List.of(2, 3)).size()).isEqualTo(8);
    }

    /** The same estimates (mean, SE, df, p, intervals, TOST), whatever family their Holm p and planning came from. */
    private static void assertEstimates(List<Stats.LogRatio> actual, List<Stats.LogRatio> expected, String what) {
        assertThat(actual).as(what).extracting(Stats.LogRatio::arm).containsExactlyElementsOf(expected.stream().map(Stats.LogRatio::arm).toList());
        for (int i = 0; i < actual.size(); i++) {
            Stats.LogRatio a = actual.get(i);
            Stats.LogRatio e = expected.get(i);
            assertThat(List.of(a.method(), a.n(), a.mean(), a.se(), a.df(), a.t(), a.p(), a.ciLow(), a.ciHigh(), a.tostP()))
                    .as(what + " " + a.arm()).isEqualTo(List.of(e.method(), e.n(), e.mean(), e.se(), e.df(), e.t(), e.p(), e.ciLow(), e.ciHigh(),
                            e.tostP()));
        }
    }

    private static Stats.LogRatio dc(List<Stats.LogRatio> rs) {
        return rs.stream().filter(x -> x.arm().equals("dynamic-call")).findFirst().orElseThrow();
    }
}
