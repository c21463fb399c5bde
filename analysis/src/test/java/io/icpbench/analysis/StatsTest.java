package io.icpbench.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The statistics against values computed independently with SciPy 1.17.1
 * ({@code src/test/resources/reference_values.py}, its output committed as reference_values.json).
 * Tolerance: 1e-6 relative (or absolute near 0) on every value; the forks needed exactly.
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
        reference().fieldNames().forEachRemaining(names::add);
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

    @ParameterizedTest
    @MethodSource("samples")
    void matchesScipy(String name) throws IOException {
        JsonNode r = reference().get(name);
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
        assertThat(Stats.forksNeeded(a, b, 0.015)).as(name + " forks needed").isEqualTo(r.get("forksNeeded").asInt());
        Stats.Summary s = Stats.summarize("A", a);
        close(s.ciLow(), r.get("ciLowA"), name + " mean CI low");
        close(s.median(), r.get("medianA"), name + " median");
    }

    @Test
    void holmMatchesTheReferenceAndVerdictsFollowTheNumbers() throws IOException {
        JsonNode ref = reference();
        List<String> names = new ArrayList<>();
        ref.fieldNames().forEachRemaining(names::add);
        Stats.Comparison[] cs = new Stats.Comparison[names.size()];
        for (int i = 0; i < cs.length; i++) {
            JsonNode r = ref.get(names.get(i));
            cs[i] = Stats.compare(names.get(i), array(r.get("a")), "B", array(r.get("b")), 0.01);
        }
        Stats.Comparison[] adjusted = Stats.holm(cs);
        for (int i = 0; i < cs.length; i++) {
            close(adjusted[i].pHolm(), ref.get(names.get(i)).get("pHolm"), names.get(i) + " Holm p");
            Stats.Comparison c = adjusted[i];
            if (c.tostP() < 0.05) {
                // Within the margin is equivalent, even when the difference is significant.
                assertThat(c.verdict()).isEqualTo(Stats.Verdict.EQUIVALENT);
            } else if (c.pHolm() < 0.05) {
                assertThat(c.verdict()).isEqualTo(c.diff() > 0 ? Stats.Verdict.FASTER : Stats.Verdict.SLOWER);
            } else {
                assertThat(c.verdict()).isEqualTo(Stats.Verdict.INCONCLUSIVE);
            }
        }
        assertThat(adjusted[names.indexOf("clear_gain")].verdict()).isEqualTo(Stats.Verdict.FASTER);
        assertThat(adjusted[names.indexOf("cree_like")].verdict()).isEqualTo(Stats.Verdict.INCONCLUSIVE);
        assertThat(adjusted[names.indexOf("equivalent")].verdict()).isEqualTo(Stats.Verdict.EQUIVALENT);
        assertThat(adjusted[names.indexOf("small_but_significant")].pHolm()).isLessThan(0.05);
        assertThat(adjusted[names.indexOf("small_but_significant")].verdict()).isEqualTo(Stats.Verdict.EQUIVALENT);
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
}
