package io.icpbench.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.icpbench.results.RunResults;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The analysis of a run is computed once and every renderer reads it: the value holds what
 * {@link Stats} computes, the reports print what the value holds (shown with a value whose numbers
 * were changed by hand: a renderer that computed its own would print the run's), and a partial run
 * is analysed without an exception.
 */
class RunAnalysisTest {
    @Test
    void theValueHoldsWhatStatsComputes() throws Exception {
        RunResults r = SyntheticRuns.suite(3, 6, 1, Map.of(), 0.08, 0.2, null);
        RunAnalysis a = RunAnalysis.of(r, 0.01, 0.02);
        assertThat(a.primary()).isEqualTo(Stats.vsBaseline(r, 0.01, 0.02));
        assertThat(a.welch()).isEqualTo(MarkdownReport.welchVsBaseline(r, 0.01));
        assertThat(a.phases()).isEqualTo(Stats.vsBaselineByPhase(r, 0.01, 0.02));
        assertThat(a.questions()).isEqualTo(3);
        for (RunResults.Arm arm : r.settings().arms()) {
            RunAnalysis.ArmAnalysis x = a.arm(arm.name());
            double[] rates = MarkdownReport.forkRates(r).get(arm.name());
            assertThat(x.forks().rates()).containsExactly(rates);
            assertThat(x.forks().mpps()).isCloseTo(Stats.mean(rates) / 1e6, within(1e-12));
            assertThat(x.forks().cv()).isCloseTo(Stats.sd(rates) / Stats.mean(rates), within(1e-12));
            assertThat(x.forks().withinSd()).isEqualTo(Diagnostics.withinForkSd(r, arm.name()));
            assertThat(x.role()).isEqualTo(Stats.role(r.settings(), arm.name()));
            assertThat(x.cost()).isEqualTo(PatchCosts.perArm(r).get(arm.name()));
            assertThat(x.components().value()).isEqualTo(Stats.varianceComponents(r, arm.name()));
            if (x.baseline()) {
                assertThat(x.primary()).isNull();
                assertThat(x.welch()).isNull();
                assertThat(x.pairedComponents()).isNull();
                continue;
            }
            // Interleaved runs pair round by round, sequential ones per fork.
            assertThat(x.pairedComponents().value()).isEqualTo(r.settings().design().equals(RunResults.Settings.SEQUENTIAL)
                    ? Stats.pairedVarianceComponents(r, arm.name(), "virtual") : RoundComponents.of(r, arm.name(), "virtual"));
            assertThat(x.spread().paired()).isEqualTo(Stats.sd(Stats.blockDifferences(r, arm.name(), "virtual")));
            assertThat(x.welchForksNeeded()).isEqualTo(Stats.forksNeeded(rates, MarkdownReport.forkRates(r).get("virtual"), 0.02));
        }
        assertThat(a.diagnostics()).isEqualTo(new Diagnostics.Findings(Diagnostics.weakRun(r), Diagnostics.runNoise(r), Diagnostics.flaggedForks(r),
                Diagnostics.outliers(r), Diagnostics.notSteady(r), Diagnostics.drift(r)));
        assertThat(a.diagnostics().noise().recorded()).isEqualTo(r.forks().size());
    }

    /**
     * The renderers print the value's numbers: dynamic-call's ratio is set by hand to 1.234 (the run
     * says about 0.62) and virtual's forks to 9.876 Mpps; Markdown, HTML, the headlines, the sweep's
     * row and the summary table, all rendered from that one value, say so.
     */
    @Test
    void everyRendererReadsTheOneValue(@TempDir Path dir) throws Exception {
        RunResults r = SyntheticRuns.suite(7, 6, 1, Map.of(), 0.08, 0, dir);
        RunAnalysis real = RunAnalysis.of(r, 0.01, 0.01);
        List<RunAnalysis.ArmAnalysis> arms = new ArrayList<>();
        for (RunAnalysis.ArmAnalysis x : real.arms()) {
            if (x.name().equals("dynamic-call")) {
                Stats.LogRatio p = x.primary();
                Stats.LogRatio set = new Stats.LogRatio(p.arm(), p.reference(), p.method(), p.n(), p.nReference(), p.role(), Math.log(1.234),
                        p.se(), p.df(), p.t(), p.p(), p.pAdjusted(), Math.log(1.2), Math.log(1.27), p.margin(), p.tostP(), p.planAlpha(), p.mde(),
                        p.effect(), p.power(), p.needed(), p.sampleSize(), Stats.Verdict.FASTER);
                x = new RunAnalysis.ArmAnalysis(x.name(), x.spec(), x.role(), x.baseline(), x.forks(), x.noise(), x.cost(), set, x.spread(),
                        x.welch(), x.welchForksNeeded(), x.components(), x.pairedComponents());
            } else if (x.baseline()) {
                Stats.Summary s = x.forks().stats();
                RunAnalysis.ForkSummary f = new RunAnalysis.ForkSummary(x.forks().rates(), new Stats.Summary(s.mode(), s.n(), 9.876e6, s.median(),
                        s.sd(), s.cv(), s.ciLow(), s.ciHigh()), x.forks().nsPerPacket(), x.forks().withinSd());
                x = new RunAnalysis.ArmAnalysis(x.name(), x.spec(), x.role(), x.baseline(), f, x.noise(), x.cost(), x.primary(), x.spread(),
                        x.welch(), x.welchForksNeeded(), x.components(), x.pairedComponents());
            }
            arms.add(x);
        }
        RunAnalysis a = new RunAnalysis(r, real.margin(), real.planEffect(), arms, real.phases(), real.family(), real.pairing(), real.diagnostics());
        String sentence = "dynamic-call is 23.4% faster than virtual: rate ratio 1.234 [1.200, 1.270]";
        assertThat(MarkdownReport.headlines(a)).anySatisfy(l -> assertThat(l).startsWith(sentence));
        String md = MarkdownReport.render(a);
        assertThat(md.replaceAll("\n +", " ")).contains(sentence);
        assertThat(md).containsPattern("\nvirtual +\\d+ +9\\.876 ");
        String html = HtmlReport.render(a, dir);
        assertThat(html).contains(HtmlReport.escape(sentence)).contains(HtmlReport.escape(md));
        assertThat(SweepReport.analyse(a)).filteredOn(x -> x.arm().equals("dynamic-call")).singleElement()
                .satisfies(x -> assertThat(x.ratio()).isCloseTo(1.234, within(1e-12)));
        assertThat(SummaryTable.lines(a)).anySatisfy(l -> assertThat(l).matches("virtual +\\d+ +9\\.876 .*"));
        // the façades analyse the run itself, and say what it says
        assertThat(MarkdownReport.render(r, 0.01, 0.01)).isEqualTo(MarkdownReport.render(real)).doesNotContain(sentence);
    }

    @Test
    void aPartialRunIsAnalysedWhereItCanBe() {
        // planted has no fork yet, devirtualized one, the others two blocks' worth
        List<SyntheticRuns.Fork> forks = new ArrayList<>();
        for (int b = 0; b < 2; b++) {
            for (String arm : List.of("virtual", "aa", "dynamic-call", "promoted")) {
                forks.add(new SyntheticRuns.Fork(b, arm, new double[] {400 + 10 * b + arm.length(), 402 + 10 * b, 398 + arm.length()}));
            }
        }
        forks.add(new SyntheticRuns.Fork(0, "devirtualized", new double[] {380, 381, 379}));
        RunResults r = SyntheticRuns.run(SyntheticRuns.SUITE, "virtual", RunResults.Settings.INTERLEAVED, forks);
        RunAnalysis a = RunAnalysis.of(r, 0.01, 0.01);
        RunAnalysis.ArmAnalysis none = a.arm("planted");
        assertThat(none.forks().n()).isZero();
        assertThat(none.forks().stats()).isNull();
        assertThat(none.forks().mpps()).isNaN();
        assertThat(none.primary()).isNull();
        assertThat(none.welch()).isNull();
        assertThat(none.welchForksNeeded()).isEqualTo(-1);
        assertThat(none.components().estimated()).isFalse();
        assertThat(none.components().missing()).contains("0 forks").contains("at least 2");
        RunAnalysis.ArmAnalysis one = a.arm("devirtualized");
        assertThat(one.forks().n()).isEqualTo(1);
        assertThat(one.forks().cv()).isNaN();
        assertThat(one.primary()).isNull();
        assertThat(a.arm("promoted").primary().method()).isEqualTo(Stats.Method.PAIRED);
        assertThat(a.diagnostics().noise()).isNull();
        // every renderer copes: the summary shows what it can, the report says who has too few forks
        assertThat(SummaryTable.lines(a)).anySatisfy(l -> assertThat(l).matches("planted +0 +NaN +0\\.0% +NaN .*"))
                .anySatisfy(l -> assertThat(l).matches("devirtualized +1 +2\\.632 +0\\.0% +380\\.0 .*"));
        assertThat(SummaryTable.noiseLine(a)).isNull();
        assertThat(MarkdownReport.render(a)).contains("\nplanted               0\n").contains("noise: not recorded");
        assertThat(SweepReport.analyse(a)).extracting(SweepReport.ArmResult::arm, SweepReport.ArmResult::estimated).containsExactly(
                org.assertj.core.groups.Tuple.tuple("virtual", false), org.assertj.core.groups.Tuple.tuple("aa", true),
                org.assertj.core.groups.Tuple.tuple("planted", false), org.assertj.core.groups.Tuple.tuple("dynamic-call", true),
                org.assertj.core.groups.Tuple.tuple("promoted", true), org.assertj.core.groups.Tuple.tuple("devirtualized", false));
    }

    @Test
    void badArgumentsSayWhatWasExpected() throws Exception {
        RunResults r = SyntheticRuns.suite(1, 2, 1, Map.of(), 0.05, 0, null);
        assertThatThrownBy(() -> RunAnalysis.of(r, 1.5, 0.01)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("margin 1.5")
                .hasMessageContaining("expected relative changes in (0, 1)");
        assertThatThrownBy(() -> RunAnalysis.of(r, 0.01, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plan effect 0.0");
        RunAnalysis a = RunAnalysis.of(r, 0.01, 0.01);
        assertThatThrownBy(() -> a.arm("nope")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("arm nope")
                .hasMessageContaining("[virtual, aa, planted, dynamic-call, promoted, devirtualized]");
        assertThat(a.baselineArm().name()).isEqualTo("virtual");
        Map<String, RunAnalysis> runs = Map.of("run-1", a);
        assertThatThrownBy(() -> Calibration.ofAnalyses(runs, 0.02)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("run-1 was analysed with margin 0.01, expected 0.02");
        assertThat(Calibration.ofAnalyses(runs, 0.01)).isEqualTo(Calibration.of(Map.of("run-1", r), 0.01));
    }
}
