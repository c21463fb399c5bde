package io.icpbench.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.icpbench.results.RunResults;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MarkdownReportTest {
    @Test
    void theFirstSentencesAnswerPerArmAgainstTheBaseline() throws Exception {
        RunResults r = SyntheticRuns.suite(7, 8, 1, Map.of(), 0.08, 0, null);
        List<String> lines = MarkdownReport.headlines(r, 0.01);
        List<Stats.LogRatio> primary = Stats.vsBaseline(r, 0.01, 0.01);
        assertThat(lines).hasSize(5);
        Stats.LogRatio dc = primary.get(2);
        assertThat(dc.verdict()).isEqualTo(Stats.Verdict.SLOWER);
        assertThat(lines.get(2)).isEqualTo(String.format(java.util.Locale.ROOT,
                "dynamic-call is %.1f%% slower than virtual: rate ratio %.3f [%.3f, %.3f] (paired over 8 blocks); significant (Holm p=%s, 95%% CI), "
                + "not shown within ±1%% (TOST p=%s, 90%% CI); MDE %.1f%% at 80%% power.", -100 * dc.change(), dc.ratio(), dc.ratioLow(),
                dc.ratioHigh(), MarkdownReport.pValue(dc.pAdjusted()), MarkdownReport.pValue(dc.tostP()), 100 * dc.mde()));
        // the controls say whether the instrument saw what it should, the A/A arm by its significance
        Stats.LogRatio aa = primary.get(0);
        assertThat(lines.get(0)).startsWith("aa ").contains("(p=" + MarkdownReport.pValue(aa.p()) + " uncorrected, 95% CI)")
                .endsWith(aa.p() < 0.05 ? "A/A control: significant, p=" + MarkdownReport.pValue(aa.p()) + ": a false alarm (expected in 5% of runs)."
                        : "A/A control: not significant, p=" + MarkdownReport.pValue(aa.p()) + ", as it should be.");
        assertThat(lines.get(1)).startsWith("planted ").contains("Planted control (true ratio 0.980): its 95% CI "
                + (primary.get(1).coversTruth() ? "covers" : "misses") + " the truth");
        // every sentence is in report.md, in order, under the answer heading
        String md = MarkdownReport.render(r, 0.01, 0.015);
        assertThat(md.indexOf("answer, each arm against virtual")).isLessThan(md.indexOf("secondary analysis: Welch"));
        String flat = md.replaceAll("\n +", " ");
        int at = 0;
        for (String l : lines) {
            int next = flat.indexOf(l, at);
            assertThat(next).as(l).isGreaterThan(at);
            at = next;
        }
    }

    @Test
    void proseIsWrappedAndTheRunDescribesItsDesignAndNoise() throws Exception {
        RunResults r = SyntheticRuns.suite(7, 4, 1, Map.of(), 0.08, 0.9, null);
        String md = MarkdownReport.render(r, 0.01, 0.015);
        List<String> lines = md.lines().toList();
        assertThat(md.replaceAll("\n +", " ")).contains("\ndesign: 6 arms, baseline virtual (6 forks), the others 4 forks each, in 4 "
                + "randomized complete blocks").contains("interleaved: a block's forks alive together").contains("5 x 1 s warmup, 10 x 1 s measurement");
        // mostly flagged: the warning comes before the answer, and the flagged forks are listed with their reasons
        assertThat(md.indexOf("WARNING: weak run:")).isPositive().isLessThan(md.indexOf("answer, each arm"));
        assertThat(md).contains("forks run under interference:\n  fork ").contains("> 5%");
        // prose lines (not tables, not the Welch lines pasted as the discussion wrote them) fit the width
        for (String l : lines) {
            if (!l.contains("Welch t-test p=") && !l.matches("^\\S+ +(\\S+ +)?[0-9-].*") && !l.startsWith("arm ")) {
                assertThat(l.length()).as(l).isLessThanOrEqualTo(MarkdownReport.WIDTH);
            }
        }
        RunResults duet = new RunResults(r.schema(), new RunResults.Settings(r.settings().arms(), "default", 0, 1, "all", 4, 5, 10, 0.1, 81, false,
                "virtual", RunResults.Settings.DUET), r.provenance(), r.plan(), r.forks());
        assertThat(MarkdownReport.render(duet, 0.01, 0.015).replaceAll("\n +", " ")).contains("duet: a block's forks alive together, taking turns two at a time")
                .contains("10 x 0.1 s measurement");
    }

    @Test
    void thePrimaryAnalysisSaysWhyWithTheRunsOwnSds() throws Exception {
        RunResults r = SyntheticRuns.suite(7, 8, 1, Map.of(), 0.15, 0, null);
        String md = MarkdownReport.render(r, 0.01, 0.015);
        assertThat(md.replaceAll("\n", " ")).contains("Why paired is primary").containsPattern("pairing cut the SD by [0-9]+%")
                .contains("Holm over 3 comparisons: 3 arms.").contains("planned at α/3 = 0.0167");
        // the Welch lines the orchestrator prints are still there, one per arm against the baseline
        assertThat(md.lines().filter(l -> l.contains("Welch t-test p=")).toList()).hasSize(5).allSatisfy(l -> assertThat(l).contains(" vs virtual: "));
    }

    @Test
    void aSignificantDifferenceInsideTheMarginIsCalledAndItsEquivalenceShownBesideIt() throws Exception {
        // The A/A arm 0.5% faster on a quiet machine (block SD 0.1%, 40 blocks): significant, and inside ±1%. Both are said, the
        // verdict is faster (significance first), and the control's sentence calls it what it is for an A/A arm: a false alarm.
        RunResults r = quiet(Map.of("aa", 1.005));
        Stats.LogRatio aa = Stats.vsBaseline(r, 0.01, 0.01).get(0);
        assertThat(aa.significant()).isTrue();
        assertThat(aa.equivalent()).isTrue();
        assertThat(aa.verdict()).isEqualTo(Stats.Verdict.FASTER);
        assertThat(aa.ci90Low()).isGreaterThan(Math.log(0.99)).isGreaterThan(aa.ciLow());
        assertThat(aa.ci90High()).isLessThan(Math.log(1.01)).isLessThan(aa.ciHigh());
        assertThat(MarkdownReport.headlines(r, 0.01).get(0)).startsWith("aa is 0.").contains("% faster than virtual: ")
                .contains("; significant (p=").contains(" uncorrected, 95% CI), within ±1% (TOST p=").contains(", 90% CI); MDE ")
                .contains("A/A control: significant, p=").endsWith(": a false alarm (expected in 5% of runs).");
        // the same run, no difference planted: not significant, equivalent, and the A/A arm passes
        RunResults same = quiet(Map.of());
        Stats.LogRatio aa0 = Stats.vsBaseline(same, 0.01, 0.01).get(0);
        assertThat(aa0.significant()).isFalse();
        assertThat(aa0.verdict()).isEqualTo(Stats.Verdict.EQUIVALENT);
        assertThat(MarkdownReport.headlines(same, 0.01).get(0)).startsWith("aa is equivalent to virtual within ±1%: ")
                .contains("; not significant (p=").endsWith(", as it should be.");
        // calibrate counts the first as a false alarm, though it is inside the margin
        Calibration.Summary c = Calibration.of(new java.util.LinkedHashMap<>(Map.of("one", r)), 0.01);
        assertThat(c.aaSignificant().hits()).isEqualTo(1);
        assertThat(Calibration.of(Map.of("same", same), 0.01).aaSignificant().hits()).isZero();
        // the sweep's cell says both
        assertThat(SweepReport.analyse(r, 0.01, 0.01)).filteredOn(x -> x.arm().equals("aa")).singleElement()
                .satisfies(x -> assertThat(x.verdictCell()).isEqualTo("faster; within ±1%"));
    }

    /** A quiet run of the suite: 40 blocks, block SD 0.1%, fork SD 0.1%, 10 iterations of SD 0.4%. */
    private static RunResults quiet(Map<String, Double> shift) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        List<SyntheticRuns.Fork> forks = new java.util.ArrayList<>();
        for (int b = 0; b < 40; b++) {
            double shared = 0.001 * random.nextGaussian();
            for (RunResults.Arm arm : SyntheticRuns.SUITE) {
                double logRate = Math.log(2.2e6 * SyntheticRuns.TRUTH.get(arm.name()) * shift.getOrDefault(arm.name(), 1.0)) + shared
                        + 0.001 * random.nextGaussian();
                double[] ns = new double[10];
                for (int i = 0; i < ns.length; i++) {
                    ns[i] = 1e9 / Math.exp(logRate) * Math.exp(0.004 * random.nextGaussian());
                }
                forks.add(new SyntheticRuns.Fork(b, arm.name(), ns));
            }
        }
        return SyntheticRuns.run(SyntheticRuns.SUITE, "virtual", RunResults.Settings.INTERLEAVED, forks);
    }

    @Test
    void wrapBreaksAtBlanksAndKeepsLongWordsWhole() {
        String w = MarkdownReport.wrap("a ".repeat(100).trim() + " " + "x".repeat(150), "  ", "    ");
        List<String> lines = w.lines().toList();
        assertThat(lines.get(0)).startsWith("  a a");
        assertThat(lines.get(1)).startsWith("    a");
        assertThat(lines.get(lines.size() - 1)).isEqualTo("    " + "x".repeat(150));
        assertThat(String.join(" ", lines).replaceAll(" +", " ").trim()).isEqualTo(("a ".repeat(100) + "x".repeat(150)));
    }
}
