package io.icpbench.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.icpbench.results.RunResults;
import java.awt.Color;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
    @Test
    void theReportAnswersFirstAndHoldsTheTextAndItsPlots(@TempDir Path dir) throws Exception {
        RunResults r = SyntheticRuns.suite(7, 6, 1, Map.of(), 0.08, 0, dir);
        String html = HtmlReport.render(r, dir, 0.01, 0.01);
        assertThat(html).startsWith("<!doctype html>").contains("Welch t-test p=").contains("dynamic-call is ").contains("% slower than virtual");
        // the answer (sentences, forest plot) comes before the full text
        assertThat(html.indexOf("<h2>Answer</h2>")).isLessThan(html.indexOf("<pre>"));
        // the text block wraps instead of being cut at the right edge
        assertThat(html).contains("white-space:pre-wrap").doesNotContain("overflow-x:auto");
        // forest, strip, drift, latency CDF and tail, power
        assertThat(html.split("data:image/png;base64,", -1)).hasSize(7);
        assertThat(html).contains("<th>p99.9 µs</th>");
        assertThat(html).doesNotContain("Warning:");
    }

    @Test
    void aMostlyFlaggedRunSaysItIsWeakAtTheTop(@TempDir Path dir) throws Exception {
        RunResults r = SyntheticRuns.suite(7, 3, 1, Map.of(), 0.08, 0.9, null);
        String html = HtmlReport.render(r, dir, 0.01, 0.01);
        assertThat(html.indexOf("<b>Warning:</b> weak run:")).isPositive().isLessThan(html.indexOf("<h2>Answer</h2>"));
        // no latency logs: no latency section
        assertThat(html).doesNotContain("<h2>Latency</h2>");
    }

    @Test
    void everyArmHasOneColourInEveryPlot(@TempDir Path dir) throws Exception {
        RunResults r = SyntheticRuns.suite(7, 4, 1, Map.of(), 0.08, 0, dir);
        List<Stats.LogRatio> primary = Stats.vsBaseline(r, 0.01, 0.01);
        Map<String, org.HdrHistogram.Histogram> latency = HtmlReport.latency(r, dir);
        List<XYChart> charts = List.of(HtmlReport.forest(r, primary, 0.01), HtmlReport.strip(RunAnalysis.of(r, 0.01, 0.01)), HtmlReport.drift(r),
                HtmlReport.latencyCdf(r.settings(), latency, false), HtmlReport.latencyTail(r.settings(), latency, false),
                HtmlReport.power(r, primary, 0.01));
        for (String arm : r.settings().armNames()) {
            Color expected = HtmlReport.PALETTE[r.settings().armNames().indexOf(arm)];
            assertThat(HtmlReport.colour(r.settings(), arm)).isEqualTo(expected);
            int seen = 0;
            for (XYChart c : charts) {
                for (XYSeries s : c.getSeriesMap().values()) {
                    if (s.getName().equals(arm) || s.getName().startsWith(arm + " ") || s.getName().startsWith(arm + ":")) {
                        assertThat(s.getMarkerColor()).as(arm + " in " + c.getTitle() + ": " + s.getName()).isEqualTo(expected);
                        assertThat(s.getLineColor()).isEqualTo(expected);
                        seen++;
                    }
                }
            }
            // every arm is in the strip, drift and latency plots; the others also in the forest and power plots
            assertThat(seen).as(arm).isGreaterThanOrEqualTo(arm.equals("virtual") ? 4 : 6);
        }
    }

    @Test
    void theForestPlotIsOnALogRatioAxisWithTheMarginAndTheControlsTruth() throws Exception {
        RunResults r = SyntheticRuns.suite(7, 6, 1, Map.of(), 0.08, 0, null);
        List<Stats.LogRatio> primary = Stats.vsBaseline(r, 0.01, 0.01);
        XYChart c = HtmlReport.forest(r, primary, 0.01);
        Stats.LogRatio dc = primary.stream().filter(x -> x.arm().equals("dynamic-call")).findFirst().orElseThrow();
        XYSeries ci = c.getSeriesMap().get("dynamic-call CI");
        assertThat(ci.getXData()).containsExactly(dc.ciLow(), dc.ciHigh());
        assertThat(dc.ciLow()).isLessThan(-0.4);
        XYSeries band = c.getSeriesMap().values().stream().filter(s -> s.getName().contains("margin")).findFirst().orElseThrow();
        assertThat(band.getXData()).contains(Math.log1p(-0.01), Math.log1p(0.01));
        XYSeries truth = c.getSeriesMap().get("true value (controls)");
        assertThat(truth.getXData()).containsExactlyInAnyOrder(0.0, Math.log(1 / (1 + 2 / 100.0)));
        // gridlines at round percent changes, placed at their logs
        XYSeries grid = c.getSeriesMap().get("grid -0.4");
        assertThat(grid.getXData()[0]).isCloseTo(Math.log(0.6), org.assertj.core.api.Assertions.within(1e-12));
        assertThat(HtmlReport.tickLabel(-0.5)).isEqualTo("-50%");
        assertThat(HtmlReport.tickLabel(0.0125)).isEqualTo("+1.25%");
        assertThat(HtmlReport.tickLabel(-1e-17)).isEqualTo("0%");
    }

    @Test
    void logRatioTicksAreRoundPercentChanges() {
        // narrow: evenly stepped changes
        assertThat(HtmlReport.changeTicks(Math.log(0.97), Math.log(1.04))).containsExactly(-0.03, -0.02, -0.01, 0.0, 0.01, 0.02, 0.03, 0.04);
        // wide (dynamic-call at -92%, an arm at +1331%): ratios 1, 2, 5, 10 and their reciprocals first
        assertThat(HtmlReport.changeTicks(Math.log(0.07), Math.log(14.3))).containsExactly(-0.9, -0.8, -0.5, 0.0, 1.0, 4.0, 9.0);
        // wide, most arms near 0: the round changes near 0 fill in where the ratios leave room
        assertThat(HtmlReport.changeTicks(Math.log(0.09), Math.log(1.25))).containsExactly(-0.9, -0.8, -0.5, -0.2, 0.0, 0.2);
    }

    @Test
    void latencyCdfsAreDrawnAtFullResolution(@TempDir Path dir) throws Exception {
        RunResults r = SyntheticRuns.suite(7, 2, 1, Map.of(), 0.08, 0, dir);
        Map<String, org.HdrHistogram.Histogram> latency = HtmlReport.latency(r, dir);
        assertThat(latency.keySet()).containsExactlyElementsOf(r.settings().armNames());
        // 3 intervals of 20,000 batches per fork, every fork of the arm merged
        assertThat(latency.get("aa").getTotalCount()).isEqualTo(2 * 60_000);
        XYChart cdf = HtmlReport.latencyCdf(r.settings(), latency, false);
        XYSeries aa = cdf.getSeriesMap().values().stream().filter(s -> s.getName().startsWith("aa ")).findFirst().orElseThrow();
        assertThat(aa.getXData().length).isGreaterThan(300);
        assertThat(aa.getYData()[aa.getYData().length - 1]).isEqualTo(100.0);
        XYChart tail = HtmlReport.latencyTail(r.settings(), latency, false);
        XYSeries aaTail = tail.getSeriesMap().get("aa");
        // the tail reaches past 99.99% (x = 4)
        assertThat(aaTail.getXData()[aaTail.getXData().length - 1]).isGreaterThan(4);
    }
}
