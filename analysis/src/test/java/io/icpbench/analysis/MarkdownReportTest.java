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
                "dynamic-call is %.1f%% slower than virtual: rate ratio %.3f [%.3f, %.3f] (paired over 8 blocks, Holm p=%s); MDE %.1f%% at 80%% power.",
                -100 * dc.change(), dc.ratio(), dc.ratioLow(), dc.ratioHigh(), MarkdownReport.pValue(dc.pAdjusted()), 100 * dc.mde()));
        // the controls say whether the instrument saw what it should
        assertThat(lines.get(0)).startsWith("aa ").contains("p=").contains("uncorrected (control)")
                .containsAnyOf("A/A control: not called different, as it should be.", "A/A control: called different, a false alarm");
        assertThat(lines.get(1)).startsWith("planted ").contains("Planted control (true ratio 0.990): its 95% CI "
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
                .contains("Holm corrects over the 3 questions").contains("planned at α/3 = 0.0167");
        // the Welch lines the orchestrator prints are still there, one per arm against the baseline
        assertThat(md.lines().filter(l -> l.contains("Welch t-test p=")).toList()).hasSize(5).allSatisfy(l -> assertThat(l).contains(" vs virtual: "));
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
