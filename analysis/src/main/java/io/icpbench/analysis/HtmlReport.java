package io.icpbench.analysis;

import io.icpbench.results.RunResults;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code report.html}: the text of report.md and its plots (XChart, embedded as PNG): per-fork
 * strip plot with each mode's mean and 95% CI, run-order drift, latency CDFs from the forks'
 * {@code .hlog} files, a forest plot of the pairwise changes, and a power curve.
 */
public final class HtmlReport {
    private static final int W = 900;
    private static final int H = 420;

    private HtmlReport() {
    }

    public static String render(RunResults r, Path runDir, double margin, double planEffect) throws IOException {
        String text = MarkdownReport.render(r, margin, planEffect);
        StringBuilder b = new StringBuilder("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>icpbench report</title>\n"
                + "<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;color:#222}pre{background:#f6f6f6;padding:1em;"
                + "overflow-x:auto;font-size:12px}img{display:block;margin:1em 0;border:1px solid #ddd}h2{margin-top:2em}</style></head><body>\n");
        b.append("<h1>icpbench report</h1>\n<pre>").append(escape(text)).append("</pre>\n");
        b.append("<h2>Packets per second of every fork</h2>\n<p>Each dot is one fork (its mean over its measurement iterations); "
                + "the bar is the arm's mean with its 95% confidence interval.</p>\n").append(img(strip(r)));
        b.append("<h2>Run-order drift</h2>\n<p>Fork mean against the fork's position in the run: a slope means the machine changed "
                + "during the run.</p>\n").append(img(drift(r)));
        XYChart lat = latency(r, runDir);
        if (lat != null) {
            b.append("<h2>Latency</h2>\n<p>Receive time of one batch of 256 packets, all forks of an arm merged (HdrHistogram).</p>\n")
                    .append(img(lat));
        }
        List<Stats.Comparison> cs = MarkdownReport.comparisons(r, margin);
        if (!cs.isEmpty()) {
            b.append("<h2>Pairwise changes</h2>\n<p>Change in packets per second with its 95% confidence interval, per pair; "
                    + "the band is the equivalence margin.</p>\n").append(img(forest(cs, margin)));
            b.append("<h2>Power</h2>\n<p>Minimum detectable change at 80% power against forks per arm, with each pair's "
                    + "observed between-fork variance.</p>\n").append(img(power(r)));
        }
        b.append("</body></html>\n");
        return b.toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String img(XYChart chart) throws IOException {
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        return "<img alt=\"" + escape(chart.getTitle()) + "\" src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png) + "\">\n";
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(W).height(H).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        return c;
    }

    static XYChart strip(RunResults r) {
        XYChart c = chart("Fork means by arm", "arm (1 = " + r.settings().armNames().get(0) + ")", "Mpps");
        Map<String, double[]> rates = MarkdownReport.forkRates(r);
        int k = 1;
        for (Map.Entry<String, double[]> e : rates.entrySet()) {
            double[] v = e.getValue();
            if (v.length == 0) {
                k++;
                continue;
            }
            double[] xs = new double[v.length];
            double[] ys = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                xs[i] = k - 0.15 + 0.3 * i / Math.max(1, v.length - 1);
                ys[i] = v[i] / 1e6;
            }
            c.addSeries(k + " " + e.getKey(), xs, ys);
            if (v.length > 1) {
                Stats.Summary s = Stats.summarize(e.getKey(), v);
                XYSeries m = c.addSeries(e.getKey() + " mean, 95% CI", new double[] {k + 0.25}, new double[] {s.mean() / 1e6},
                        new double[] {(s.ciHigh() - s.mean()) / 1e6});
                m.setMarker(SeriesMarkers.DIAMOND);
            }
            k++;
        }
        return c;
    }

    static XYChart drift(RunResults r) {
        XYChart c = chart("Fork means in run order", "fork index (run order)", "Mpps");
        for (String mode : r.settings().armNames()) {
            List<RunResults.ForkResult> fs = r.forks().stream().filter(f -> f.arm().equals(mode)).toList();
            if (fs.isEmpty()) {
                continue;
            }
            c.addSeries(mode, fs.stream().mapToDouble(RunResults.ForkResult::index).toArray(),
                    fs.stream().mapToDouble(f -> f.packetsPerSecond() / 1e6).toArray());
        }
        return c;
    }

    static XYChart latency(RunResults r, Path runDir) throws IOException {
        boolean live = r.settings().profile().startsWith("live:");
        XYChart c = live ? chart("Latency CDF per arm (one-way, live datagrams)", "send to end of the model's batch, µs (log scale)", "percentile")
                : chart("Latency CDF per arm (batch of 256 packets)", "batch receive time, µs (log scale)", "percentile");
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        c.getStyler().setXAxisLogarithmic(true);
        boolean any = false;
        for (String mode : r.settings().armNames()) {
            Histogram merged = new Histogram(10_000_000_000L, 3);
            for (RunResults.ForkResult f : r.forks()) {
                if (f.arm().equals(mode) && f.hlog() != null) {
                    Path file = runDir.resolve(f.hlog());
                    if (!Files.exists(file)) {
                        continue;
                    }
                    try (InputStream in = Files.newInputStream(file)) {
                        HistogramLogReader reader = new HistogramLogReader(in);
                        org.HdrHistogram.EncodableHistogram h;
                        while ((h = reader.nextIntervalHistogram()) != null) {
                            merged.add((Histogram) h);
                        }
                    }
                }
            }
            if (merged.getTotalCount() == 0) {
                continue;
            }
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (double pct : new double[] {1, 5, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100}) {
                xs.add(merged.getValueAtPercentile(pct) / 1000.0);
                ys.add(pct);
            }
            c.addSeries(String.format(Locale.ROOT, "%s (p50 %.0f µs, p99 %.0f µs)", mode, merged.getValueAtPercentile(50) / 1000.0,
                    merged.getValueAtPercentile(99) / 1000.0), xs, ys);
            any = true;
        }
        return any ? c : null;
    }

    static XYChart forest(List<Stats.Comparison> cs, double margin) {
        XYChart c = chart("Change in packets/s per pair (95% CI)", "pair", "change, %");
        for (int i = 0; i < cs.size(); i++) {
            Stats.Comparison s = cs.get(i);
            // Fieller's interval is asymmetric: drawn as a vertical segment from its low to its high end through the ratio.
            String name = (i + 1) + " " + s.a() + " vs " + s.b() + ": " + s.verdict().word();
            if (Double.isNaN(s.ratioLow())) {
                c.addSeries(name + " (CI unbounded)", new double[] {i + 1}, new double[] {100 * s.ratio()});
            } else {
                XYSeries ci = c.addSeries(name, new double[] {i + 1, i + 1, i + 1},
                        new double[] {100 * s.ratioLow(), 100 * s.ratio(), 100 * s.ratioHigh()});
                ci.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            }
        }
        XYSeries lo = c.addSeries("-margin", new double[] {0.5, cs.size() + 0.5}, new double[] {-100 * margin, -100 * margin});
        lo.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        lo.setMarker(SeriesMarkers.NONE);
        XYSeries hi = c.addSeries("+margin", new double[] {0.5, cs.size() + 0.5}, new double[] {100 * margin, 100 * margin});
        hi.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        hi.setMarker(SeriesMarkers.NONE);
        return c;
    }

    static XYChart power(RunResults r) {
        XYChart c = chart("Minimum detectable change at 80% power", "forks per arm", "MDE, % (log scale)");
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        c.getStyler().setYAxisLogarithmic(true);
        Map<String, double[]> rates = MarkdownReport.forkRates(r);
        String base = r.settings().armNames().get(0);
        double[] xb = rates.get(base);
        for (Map.Entry<String, double[]> e : rates.entrySet()) {
            if (e.getKey().equals(base) || e.getValue().length < 2 || xb.length < 2) {
                continue;
            }
            double sd2 = (Stats.variance(e.getValue()) + Stats.variance(xb)) / 2;
            double mean = Stats.mean(xb);
            List<Double> ns = new ArrayList<>();
            List<Double> mdes = new ArrayList<>();
            for (int n = 2; n <= 100; n++) {
                double df = 2.0 * n - 2;
                ns.add((double) n);
                mdes.add(100 * (Stats.tQuantile(1 - Stats.ALPHA / 2, df) + Stats.tQuantile(Stats.POWER, df)) * Math.sqrt(2 * sd2 / n) / mean);
            }
            c.addSeries(e.getKey() + " vs " + base, ns, mdes).setMarker(SeriesMarkers.NONE);
        }
        c.getStyler().setXAxisTickMarkSpacingHint(60);
        return c;
    }
}
