package io.icpbench.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import io.icpbench.results.RunResults;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The statistics against values computed independently with SciPy 1.17.1
 * ({@code src/test/resources/reference_values.py}, its output committed as reference_values.json):
 * the non-central t ({@code scipy.stats.nct}) and the power of the two-sided t test; Welch's test on
 * fork means; the primary analysis (paired by block on log rates, its fallback to Welch on log
 * rates, Holm over the questions, TOST, MDE, power, blocks needed); two runs compared; variance
 * components; proportions' intervals. Tolerance: 1e-6 relative (or absolute near 0) on every value,
 * 1e-9 on the non-central t's probabilities; counts exactly.
 */
class StatsTest {
    static final double TOL = 1e-6;

    static JsonNode reference() throws IOException {
        try (InputStream in = StatsTest.class.getResourceAsStream("/reference_values.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    static Stream<String> samples() throws IOException {
        List<String> names = new ArrayList<>();
        reference().get("welch").fieldNames().forEachRemaining(names::add);
        return names.stream();
    }

    static double[] array(JsonNode n) {
        double[] x = new double[n.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = n.get(i).asDouble();
        }
        return x;
    }

    static void close(double actual, JsonNode expected, String what) {
        double e = expected.asDouble();
        assertThat(actual).as(what).isCloseTo(e, within(Math.max(TOL, Math.abs(e) * TOL)));
    }

    @Test
    void theNoncentralTMatchesScipy() throws IOException {
        for (JsonNode e : reference().get("nct").get("cdf")) {
            double t = e.get("t").asDouble();
            double df = e.get("df").asDouble();
            double ncp = e.get("ncp").asDouble();
            String what = "t " + t + ", df " + df + ", ncp " + ncp;
            assertThat(NoncentralT.cdf(t, df, ncp)).as(what + " cdf").isCloseTo(e.get("cdf").asDouble(), within(1e-9));
            assertThat(NoncentralT.sf(t, df, ncp)).as(what + " sf").isCloseTo(e.get("sf").asDouble(), within(1e-9));
            // each tail on its own keeps its relative precision where it is small
            double small = Math.min(e.get("cdf").asDouble(), e.get("sf").asDouble());
            double mine = Math.min(NoncentralT.cdf(t, df, ncp), NoncentralT.sf(t, df, ncp));
            assertThat(mine).as(what + " small tail").isCloseTo(small, within(1e-7 * small + 1e-15));
        }
        // ncp 0 is the central t
        assertThat(NoncentralT.cdf(1.3, 6, 0)).isCloseTo(new org.apache.commons.math3.distribution.TDistribution(6).cumulativeProbability(1.3),
                within(1e-12));
    }

    @Test
    void powerAndMdeComeFromTheNoncentralT() throws IOException {
        for (JsonNode e : reference().get("nct").get("noncentrality")) {
            double df = e.get("df").asDouble();
            double alpha = e.get("alpha").asDouble();
            String what = "df " + df + ", α " + alpha;
            close(NoncentralT.noncentrality(0.8, df, alpha), e.get("ncp"), what + " non-centrality at 80% power");
            assertThat(NoncentralT.power(e.get("ncp").asDouble(), df, alpha)).as(what + " power there").isCloseTo(0.8, within(1e-9));
            // the central shortcut the analysis used before falls short of 80%
            close(NoncentralT.power(e.get("centralShortcut").asDouble(), df, alpha), e.get("powerAtShortcut"), what + " power at the shortcut");
        }
        // SampleSize: the MDE is the non-centrality times the SE, and needed is the first n that reaches the target
        Stats.SampleSize paired = new Stats.SampleSize(0.05, true);
        assertThat(paired.mde(5, 0.05)).isCloseTo(NoncentralT.noncentrality(0.8, 4, 0.05) * 0.05 / Math.sqrt(5), within(1e-12));
        for (double target : new double[] {0.2, 0.05, 0.02, 0.011, 0.003}) {
            for (double alpha : new double[] {0.05, 0.01}) {
                int n = paired.needed(target, alpha);
                assertThat(paired.mde(n, alpha)).as("target %s α %s n %d", target, alpha, n).isLessThanOrEqualTo(target);
                if (n > 2) {
                    assertThat(paired.mde(n - 1, alpha)).as("target %s α %s n %d", target, alpha, n - 1).isGreaterThan(target);
                }
            }
        }
        assertThat(paired.needed(1e-5, 0.05)).isEqualTo(Stats.MAX_UNITS);
        assertThat(paired.needed(10, 0.05)).isEqualTo(2);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> NoncentralT.noncentrality(0.03, 4, 0.05))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @MethodSource("samples")
    void matchesScipy(String name) throws IOException {
        JsonNode r = reference().get("welch").get(name);
        double[] a = array(r.get("a"));
        double[] b = array(r.get("b"));
        Stats.Comparison c = Stats.compare("A", a, "B", b, 0.01);
        close(c.t(), r.get("t"), name + " t");
        close(c.df(), r.get("df"), name + " df");
        close(c.p(), r.get("p"), name + " p");
        close(c.diff(), r.get("diff"), name + " diff");
        close(c.diffLow(), r.get("diffLow"), name + " diff CI low");
        close(c.diffHigh(), r.get("diffHigh"), name + " diff CI high");
        close(c.ratioLow(), r.get("ratioLow"), name + " ratio CI low (Fieller)");
        close(c.ratioHigh(), r.get("ratioHigh"), name + " ratio CI high (Fieller)");
        assertThat(c.ratioLow()).as(name + " ratio CI low").isGreaterThan(-1).isLessThanOrEqualTo(c.ratio());
        assertThat(c.ratioHigh()).isGreaterThanOrEqualTo(c.ratio());
        close(c.hedgesG(), r.get("hedgesG"), name + " Hedges' g");
        close(c.mannWhitneyP(), r.get("mannWhitneyP"), name + " Mann-Whitney p");
        close(c.tostP(), r.get("tostP"), name + " TOST p");
        close(c.mde(), r.get("mde"), name + " MDE");
        close(c.powerAtMargin(), r.get("powerAtMargin"), name + " power at the margin");
        assertThat(c.equivalent()).as(name + " equivalent").isEqualTo(r.get("equivalent").asBoolean());
        assertThat(Stats.forksNeeded(a, b, 0.015)).as(name + " forks needed").isEqualTo(r.get("forksNeeded").asInt());
        Stats.Summary s = Stats.summarize("A", a);
        close(s.ciLow(), r.get("ciLowA"), name + " mean CI low");
        close(s.median(), r.get("medianA"), name + " median");
    }

    @Test
    void holmMatchesTheReferenceAndVerdictsFollowTheNumbers() throws IOException {
        JsonNode ref = reference().get("welch");
        List<String> names = new ArrayList<>();
        ref.fieldNames().forEachRemaining(names::add);
        Stats.Comparison[] cs = new Stats.Comparison[names.size()];
        for (int i = 0; i < cs.length; i++) {
            JsonNode r = ref.get(names.get(i));
            cs[i] = Stats.compare(names.get(i), array(r.get("a")), "B", array(r.get("b")), 0.01);
        }
        Stats.Comparison[] adjusted = Stats.holm(cs);
        for (int i = 0; i < cs.length; i++) {
            JsonNode r = ref.get(names.get(i));
            close(adjusted[i].pHolm(), r.get("pHolm"), names.get(i) + " Holm p");
            Stats.Comparison c = adjusted[i];
            assertThat(c.significant()).as(names.get(i) + " significant").isEqualTo(r.get("significant").asBoolean());
            assertThat(c.verdict().name()).as(names.get(i) + " verdict").isEqualTo(r.get("verdict").asText());
            // significance first: faster or slower exactly when significant, whatever TOST says
            assertThat(c.verdict().different()).isEqualTo(c.significant());
        }
        assertThat(adjusted[names.indexOf("clear_gain")].verdict()).isEqualTo(Stats.Verdict.FASTER);
        assertThat(adjusted[names.indexOf("cree_like")].verdict()).isEqualTo(Stats.Verdict.INCONCLUSIVE);
        assertThat(adjusted[names.indexOf("equivalent")].verdict()).isEqualTo(Stats.Verdict.EQUIVALENT);
        // a significant difference inside the 1% margin: faster, and equivalent beside it (no longer hidden as "equivalent")
        Stats.Comparison small = adjusted[names.indexOf("small_but_significant")];
        assertThat(small.pHolm()).isLessThan(0.05);
        assertThat(small.equivalent()).isTrue();
        assertThat(small.verdict()).isEqualTo(Stats.Verdict.FASTER);
        assertThat(adjusted[names.indexOf("far_below")].verdict()).isEqualTo(Stats.Verdict.SLOWER);
    }

    @Test
    void fiellerIsUnboundedWhenTheDenominatorIsNotClearlyPositive() {
        double[] f = Stats.fieller(1.0, 0.01, 0.1, 0.01, 2.0);
        assertThat(f[0]).isNaN();
        assertThat(f[1]).isNaN();
    }

    @Test
    void fiellerNeverGoesBelowMinus100PercentForRates() {
        // Two forks each, one arm spread wide: A's own mean is not clearly positive at t(0.975, ~1) = 12.7.
        Stats.Comparison c = Stats.compare("A", new double[] {1.2e6, 3.3e6}, "B", new double[] {2.1e6, 2.2e6}, 0.01);
        assertThat(c.ratioLow()).isEqualTo(-1.0);
        assertThat(c.ratioHigh()).isGreaterThan(c.ratio());
    }

    @Test
    void mannWhitneyFallsBackToTheApproximationWithTies() {
        // exact without ties: 4 vs 4 fully separated is 2/70
        assertThat(Stats.mannWhitneyP(new double[] {1, 2, 3, 4}, new double[] {5, 6, 7, 8})).isCloseTo(2.0 / 70, within(1e-12));
        double tied = Stats.mannWhitneyP(new double[] {1, 2, 2, 4}, new double[] {4, 6, 7, 8});
        assertThat(tied).isBetween(0.0, 1.0);
    }

    @Test
    void tooFewForksAreAClearError() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Stats.compare("a", new double[] {1}, "b", new double[] {1, 2}, 0.01))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2");
    }

    // ---------------------------------------------------------------- the primary analysis

    static Stream<String> runs() {
        return Stream.of("blocked", "blockedB", "unblocked");
    }

    /** One {@link Stats.LogRatio} against its SciPy values. */
    static void matches(Stats.LogRatio x, JsonNode e, String what) {
        close(x.mean(), e.get("mean"), what + " mean log ratio");
        close(x.se(), e.get("se"), what + " SE");
        close(x.df(), e.get("df"), what + " df");
        close(x.t(), e.get("t"), what + " t");
        close(x.p(), e.get("p"), what + " p");
        close(x.pAdjusted(), e.get("pAdjusted"), what + " Holm p");
        close(x.ciLow(), e.get("ciLow"), what + " CI low");
        close(x.ciHigh(), e.get("ciHigh"), what + " CI high");
        close(x.ratio(), e.get("ratio"), what + " ratio");
        close(x.ratioLow(), e.get("ratioLow"), what + " ratio low");
        close(x.ratioHigh(), e.get("ratioHigh"), what + " ratio high");
        close(x.tostP(), e.get("tostP"), what + " TOST p");
        close(x.ci90Low(), e.get("ci90Low"), what + " 90% CI low");
        close(x.ci90High(), e.get("ci90High"), what + " 90% CI high");
        assertThat(x.significant()).as(what + " significant").isEqualTo(e.get("significant").asBoolean());
        assertThat(x.equivalent()).as(what + " equivalent").isEqualTo(e.get("equivalent").asBoolean());
        close(x.planAlpha(), e.get("planAlpha"), what + " planning alpha");
        close(x.mde(), e.get("mde"), what + " MDE");
        close(x.power(), e.get("power"), what + " power");
        if (e.has("needed")) {
            assertThat(x.needed()).as(what + " units needed").isEqualTo(e.get("needed").asInt());
        }
        assertThat(x.role().role().name()).as(what + " role").isEqualTo(e.get("role").asText());
        assertThat(x.verdict().name()).as(what + " verdict").isEqualTo(e.get("verdict").asText());
        if (e.hasNonNull("trueRatio")) {
            close(x.role().trueRatio(), e.get("trueRatio"), what + " true ratio");
            assertThat(x.coversTruth()).as(what + " covers the truth").isEqualTo(e.get("coversTruth").asBoolean());
        } else {
            assertThat(x.role().trueRatio()).isNaN();
        }
    }

    @ParameterizedTest
    @MethodSource("runs")
    void thePrimaryAnalysisMatchesScipy(String name) throws IOException {
        JsonNode scenario = reference().get("primary").get(name);
        JsonNode expected = scenario.get("expected");
        List<Stats.LogRatio> rs = Stats.vsBaseline(SyntheticRuns.fromJson(scenario), scenario.get("margin").asDouble(),
                scenario.get("effect").asDouble());
        List<String> arms = new ArrayList<>();
        expected.fieldNames().forEachRemaining(arms::add);
        assertThat(rs).extracting(Stats.LogRatio::arm).containsExactlyElementsOf(arms);
        for (Stats.LogRatio x : rs) {
            JsonNode e = expected.get(x.arm());
            matches(x, e, name + " " + x.arm());
            assertThat(x.method().name()).isEqualTo(e.get("method").asText());
            assertThat(x.n()).isEqualTo(e.get("n").asInt());
        }
    }

    @Test
    void betweenRunsMatchesScipy() throws IOException {
        JsonNode ref = reference();
        JsonNode between = ref.get("betweenRuns");
        List<Stats.RunChange> cs = Stats.betweenRuns(SyntheticRuns.fromJson(ref.get("primary").get("blocked")),
                SyntheticRuns.fromJson(ref.get("primary").get("blockedB")), between.get("margin").asDouble(), between.get("effect").asDouble());
        List<String> arms = new ArrayList<>();
        between.get("expected").fieldNames().forEachRemaining(arms::add);
        assertThat(cs).extracting(Stats.RunChange::arm).containsExactlyElementsOf(arms);
        for (Stats.RunChange c : cs) {
            matches(c.change(), between.get("expected").get(c.arm()), "B/A " + c.arm());
            assertThat(c.change().method()).isEqualTo(Stats.Method.BETWEEN_RUNS);
            assertThat(c.change().needed()).isEqualTo(-1);
        }
    }

    @Test
    void varianceComponentsMatchScipy() throws IOException {
        JsonNode ref = reference();
        JsonNode comps = ref.get("components");
        RunResults run = SyntheticRuns.fromJson(ref.get("primary").get(comps.get("run").asText()));
        double fork = comps.get("forkSeconds").asDouble();
        double iteration = comps.get("iterationSeconds").asDouble();
        int max = comps.get("max").asInt();
        for (String section : List.of("perArm", "paired")) {
            comps.get(section).fields().forEachRemaining(e -> {
                Stats.VarianceComponents v = section.equals("perArm") ? Stats.varianceComponents(run, e.getKey())
                        : Stats.pairedVarianceComponents(run, e.getKey(), "virtual");
                String what = section + " " + e.getKey();
                assertThat(v.forks()).as(what + " forks").isEqualTo(e.getValue().get("forks").asInt());
                close(v.iterations(), e.getValue().get("iterations"), what + " iterations");
                close(v.within(), e.getValue().get("within"), what + " within");
                close(v.between(), e.getValue().get("between"), what + " between");
                assertThat(Stats.optimalIterations(v, fork, iteration, max)).as(what + " r*").isEqualTo(e.getValue().get("optimal").asInt());
            });
        }
    }

    @Test
    void proportionIntervalsMatchScipy() throws IOException {
        for (JsonNode e : reference().get("proportions")) {
            double[] ci = Stats.proportionCi(e.get("k").asInt(), e.get("n").asInt());
            close(ci[0], e.get("low"), e + " low");
            close(ci[1], e.get("high"), e + " high");
        }
    }

    @Test
    void rolesAreReadFromTheArmsSpecs() {
        RunResults.Settings s = SyntheticRuns.run(SyntheticRuns.SUITE, "virtual", RunResults.Settings.SEQUENTIAL,
                List.of(new SyntheticRuns.Fork(0, "virtual", new double[] {1}))).settings();
        assertThat(Stats.role(s, "aa")).isEqualTo(new Stats.ArmRole(Stats.Role.AA, 1));
        assertThat(Stats.role(s, "planted").role()).isEqualTo(Stats.Role.PLANTED);
        assertThat(Stats.role(s, "planted").trueRatio()).isCloseTo(1 / 1.02, within(1e-15));
        assertThat(Stats.plantedTruth(2)).isEqualTo(1 / 1.02);
        assertThat(Stats.role(s, "promoted").role()).isEqualTo(Stats.Role.QUESTION);
        // a planted effect on another arm than the baseline: a control, with no known truth against the baseline
        List<RunResults.Arm> arms = List.of(RunResults.Arm.ofMode("virtual"), RunResults.Arm.ofMode("promoted"),
                new RunResults.Arm("promoted-planted", "promoted", null, null, null, null, null, List.of(), "2"));
        RunResults.Settings other = SyntheticRuns.run(arms, "virtual", RunResults.Settings.SEQUENTIAL,
                List.of(new SyntheticRuns.Fork(0, "virtual", new double[] {1}))).settings();
        assertThat(Stats.role(other, "promoted-planted").role()).isEqualTo(Stats.Role.PLANTED);
        assertThat(Stats.role(other, "promoted-planted").trueRatio()).isNaN();
        // the A/A arm is the baseline's spec, whatever the baseline is
        List<RunResults.Arm> armsB = List.of(RunResults.Arm.ofMode("virtual"), RunResults.Arm.ofMode("promoted"),
                new RunResults.Arm("promoted-again", "promoted", null, null, null, null, null, List.of()));
        RunResults.Settings b = SyntheticRuns.run(armsB, "promoted", RunResults.Settings.SEQUENTIAL,
                List.of(new SyntheticRuns.Fork(0, "promoted", new double[] {1}))).settings();
        assertThat(Stats.role(b, "promoted-again").role()).isEqualTo(Stats.Role.AA);
        assertThat(Stats.role(b, "virtual").role()).isEqualTo(Stats.Role.QUESTION);
    }

    @Test
    void pairingRemovesTheDriftTheArmsShare() throws IOException {
        // Blocks that differ by 20% (SD) from each other, arms 4% apart within each: Welch on fork means
        // cannot see devirtualized's 4%, the paired analysis can, and says why (the paired SD is small).
        RunResults r = SyntheticRuns.suite(5, 12, 1, Map.of(), 0.20, 0, null);
        Stats.LogRatio paired = Stats.vsBaseline(r, 0.01, 0.01).stream().filter(x -> x.arm().equals("devirtualized")).findFirst().orElseThrow();
        assertThat(paired.method()).isEqualTo(Stats.Method.PAIRED);
        assertThat(paired.n()).isEqualTo(12);
        assertThat(paired.verdict()).isEqualTo(Stats.Verdict.FASTER);
        assertThat(paired.ratioLow()).isLessThan(1.04).isGreaterThan(1.0);
        double[] logA = Stats.logRates(r, "devirtualized");
        double[] logB = Stats.logRates(r, "virtual");
        assertThat(Stats.sd(Stats.blockDifferences(r, "devirtualized", "virtual")))
                .isLessThan(0.2 * Math.sqrt(Stats.variance(logA) + Stats.variance(logB)));
        Stats.Comparison welch = Stats.compare("devirtualized", MarkdownReport.forkRates(r).get("devirtualized"), "virtual",
                MarkdownReport.forkRates(r).get("virtual"), 0.01);
        assertThat(welch.verdict()).isEqualTo(Stats.Verdict.INCONCLUSIVE);
        assertThat(paired.mde()).isLessThan(welch.mde() / 4);
    }

    @Test
    void aBlockWithTwoBaselineForksUsesTheirMean() {
        List<SyntheticRuns.Fork> forks = List.of(new SyntheticRuns.Fork(0, "virtual", new double[] {100}),
                new SyntheticRuns.Fork(0, "virtual", new double[] {400}), new SyntheticRuns.Fork(0, "promoted", new double[] {100}),
                new SyntheticRuns.Fork(1, "promoted", new double[] {50}), new SyntheticRuns.Fork(2, "virtual", new double[] {50}));
        RunResults r = SyntheticRuns.run(List.of(RunResults.Arm.ofMode("virtual"), RunResults.Arm.ofMode("promoted")), "virtual",
                RunResults.Settings.SEQUENTIAL, forks);
        // block 0: ln(rate) of promoted minus the mean ln(rate) of the two baseline forks = ln(2); blocks 1 and 2 hold one arm each
        assertThat(Stats.blockDifferences(r, "promoted", "virtual")).hasSize(1);
        assertThat(Stats.blockDifferences(r, "promoted", "virtual")[0]).isCloseTo(Math.log(2), within(1e-12));
    }

    @Test
    void aForksLogRateIsThatOfItsPacketsOverItsTime() {
        // one fork of two fixed-time iterations at 100 and 300 ns/packet: 1e7 and 3.33e6 packets/s, packets over time their mean
        List<SyntheticRuns.Fork> forks = List.of(new SyntheticRuns.Fork(0, "virtual", new double[] {100, 300}),
                new SyntheticRuns.Fork(0, "promoted", new double[] {200, 200}));
        RunResults r = SyntheticRuns.run(List.of(RunResults.Arm.ofMode("virtual"), RunResults.Arm.ofMode("promoted")), "virtual",
                RunResults.Settings.SEQUENTIAL, forks);
        double rate = (1e7 + 1e9 / 300) / 2;
        assertThat(Stats.logRates(r, "virtual")[0]).isCloseTo(Math.log(rate), within(1e-12));
        assertThat(RunAnalysis.forkRates(r).get("virtual")[0]).isCloseTo(rate, within(1e-6));
        // promoted's 5e6 against virtual's 6.67e6: slower by a quarter, where the harmonic mean (5e6 both) saw no difference
        assertThat(Stats.blockDifferences(r, "promoted", "virtual")[0]).isCloseTo(Math.log(5e6 / rate), within(1e-12));
    }

    @Test
    void tooFewBlocksFallBackToWelchOnLogRatesAndTooFewForksToNothing() {
        List<SyntheticRuns.Fork> forks = List.of(new SyntheticRuns.Fork(0, "virtual", new double[] {100}),
                new SyntheticRuns.Fork(0, "promoted", new double[] {90}), new SyntheticRuns.Fork(1, "virtual", new double[] {101}),
                new SyntheticRuns.Fork(2, "promoted", new double[] {91}), new SyntheticRuns.Fork(3, "devirtualized", new double[] {80}));
        RunResults r = SyntheticRuns.run(List.of(RunResults.Arm.ofMode("virtual"), RunResults.Arm.ofMode("promoted"),
                RunResults.Arm.ofMode("devirtualized")), "virtual", RunResults.Settings.SEQUENTIAL, forks);
        List<Stats.LogRatio> rs = Stats.vsBaseline(r, 0.01, 0.01);
        assertThat(rs).singleElement().satisfies(x -> {
            assertThat(x.arm()).isEqualTo("promoted");
            assertThat(x.method()).isEqualTo(Stats.Method.WELCH_LOG);
            assertThat(x.n()).isEqualTo(2);
            assertThat(x.nReference()).isEqualTo(2);
        });
    }

    @Test
    void driftBetweenRunsIsNoDifferenceAndAChangeRelativeToTheBaselineIs() throws IOException {
        // Run B: the same machine model, another draw, every rate 15% lower (the machine drifted between runs).
        RunResults a = SyntheticRuns.suite(11, 8, 1, Map.of(), 0.08, 0, null);
        RunResults b = SyntheticRuns.suite(12, 8, 0.85, Map.of(), 0.08, 0, null);
        for (Stats.RunChange c : Stats.betweenRuns(a, b, 0.01, 0.01)) {
            assertThat(c.change().verdict().different()).as(c.arm() + ": " + c.change()).isFalse();
        }
        // Forks of two runs taken as independent, as compare did before: the drift reads as a slowdown.
        Stats.Comparison naive = Stats.compare("virtual (B)", MarkdownReport.forkRates(b).get("virtual"), "virtual (A)",
                MarkdownReport.forkRates(a).get("virtual"), 0.01);
        assertThat(naive.verdict()).isEqualTo(Stats.Verdict.SLOWER);
        // promoted 8% faster relative to the baseline in B: found, through the drift
        RunResults c = SyntheticRuns.suite(12, 8, 0.85, Map.of("promoted", 1.08), 0.08, 0, null);
        Stats.RunChange promoted = Stats.betweenRuns(a, c, 0.01, 0.01).stream().filter(x -> x.arm().equals("promoted")).findFirst().orElseThrow();
        assertThat(promoted.change().verdict()).isEqualTo(Stats.Verdict.FASTER);
        assertThat(promoted.change().ratioLow()).isLessThan(1.08);
        assertThat(promoted.change().ratioHigh()).isGreaterThan(1.08);
    }

    @Test
    void differentBaselinesCannotBeComparedRunToRun() throws IOException {
        RunResults a = SyntheticRuns.suite(11, 3, 1, Map.of(), 0.08, 0, null);
        RunResults other = new RunResults(a.schema(), new RunResults.Settings(a.settings().arms(), "default", 0, 1, "all", 3, 5, 10, 1, 81, false,
                "promoted", RunResults.Settings.INTERLEAVED), a.provenance(), a.plan(), a.forks());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Stats.betweenRuns(a, other, 0.01, 0.01))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("different baselines");
    }

    @Test
    void optimalIterationsFollowTheCostsAndStayInRange() {
        Stats.VarianceComponents v = new Stats.VarianceComponents("x", 10, 10, 0.04, 0.0001);
        // sqrt(9 / 1 * 0.04 / 0.0001) = 60
        assertThat(Stats.optimalIterations(v, 9, 1, 1000)).isEqualTo(60);
        assertThat(Stats.optimalIterations(v, 9, 1, 50)).isEqualTo(50);
        assertThat(Stats.optimalIterations(new Stats.VarianceComponents("x", 10, 10, 0.04, 0), 9, 1, 77)).isEqualTo(77);
        assertThat(Stats.optimalIterations(new Stats.VarianceComponents("x", 10, 10, 0, 0.01), 9, 1, 77)).isEqualTo(1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Stats.optimalIterations(v, 0, 1, 10))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void varianceComponentsSeparateForksFromIterations() throws IOException {
        // Forks 10% apart (log SD) with 4% iteration noise: S_b about 0.1, S_w about 0.04.
        SplittableRandom random = new SplittableRandom(3);
        List<SyntheticRuns.Fork> forks = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            double fork = 0.10 * random.nextGaussian();
            double[] ns = new double[20];
            for (int j = 0; j < ns.length; j++) {
                ns[j] = 100 * Math.exp(fork + 0.04 * random.nextGaussian());
            }
            forks.add(new SyntheticRuns.Fork(i, "virtual", ns));
        }
        RunResults r = SyntheticRuns.run(List.of(RunResults.Arm.ofMode("virtual")), "virtual", RunResults.Settings.SEQUENTIAL, forks);
        Stats.VarianceComponents v = Stats.varianceComponents(r, "virtual");
        assertThat(v.withinSd()).isCloseTo(0.04, within(0.002));
        assertThat(v.betweenSd()).isCloseTo(0.10, within(0.012));
        assertThat(v.iterations()).isCloseTo(20, within(1e-9));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Stats.varianceComponents(r, "promoted"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2 forks");
    }
}
