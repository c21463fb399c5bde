package io.icpbench.analysis;

import static io.icpbench.analysis.Charts.chart;
import static io.icpbench.analysis.Charts.img;
import static io.icpbench.analysis.Charts.label;
import static io.icpbench.analysis.Charts.line;
import static io.icpbench.analysis.Charts.paint;
import static io.icpbench.analysis.Charts.segment;

import io.icpbench.results.RunResults;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.HistogramLogReader;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code report.html}: the answer first (one sentence per arm, as in report.md, and a forest plot
 * of every arm against the baseline on a log-ratio axis with the equivalence margin and the
 * controls' true values), then the text of report.md (wrapped, never cut at the right edge) and
 * the plots behind it: per-fork strip plot with each arm's mean and 95% CI, run-order drift,
 * latency CDFs at full resolution from the forks' {@code .hlog} files (every recorded value of
 * HdrHistogram, and the tail by percentile), and the paired design's MDE against blocks.
 *
 * <p>Plots are XChart, embedded as PNG. An arm has one colour in every plot: a fixed palette
 * indexed by its position in the run's arms ({@link #colour}). The numbers are a {@link RunAnalysis}'s,
 * read, not computed here; only the latency logs are read from the run's directory.
 */
public final class HtmlReport {
    private static final int H = 440;

    /**
     * The arms' colours, in arm order (Okabe and Ito's colour-blind-safe set, yellow replaced by
     * brown and grey added, as it washes out on white); the 11th arm takes the first again.
     */
    static final Color[] PALETTE = {new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7), new Color(0xE69F00),
        new Color(0x56B4E9), new Color(0x8C564B), new Color(0x000000), new Color(0x999999), new Color(0xB8A400)};

    private HtmlReport() {
    }

    /** The colour of {@code arm}: the palette's entry at its position in the run's arms. */
    public static Color colour(RunResults.Settings s, String arm) {
        int i = s.armNames().indexOf(arm);
        return PALETTE[Math.max(0, i) % PALETTE.length];
    }

    /** report.html of {@code r}, its latency logs read from {@code runDir}: a façade for {@link #render(RunAnalysis, Path)}. */
    public static String render(RunResults r, Path runDir, double margin, double planEffect) throws IOException {
        return render(RunAnalysis.of(r, margin, planEffect), runDir);
    }

    /**
     * report.html of an analysed run; its forks' latency logs are read from {@code runDir} (null: none).
     *
     * @throws IOException when a latency log cannot be read
     */
    public static String render(RunAnalysis a, Path runDir) throws IOException {
        RunResults r = a.run();
        String text = MarkdownReport.render(a);
        List<Stats.LogRatio> primary = a.primary();
        RunResults.Provenance p = r.provenance();
        StringBuilder b = new StringBuilder("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>icpbench report</title>\n"
                + "<style>body{font-family:sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}"
                // pre-wrap: the text block wraps at the window's edge instead of being cut there
                + "pre{background:#f6f6f6;padding:1em;font-size:12px;white-space:pre-wrap;overflow-wrap:anywhere}"
                + "img{display:block;margin:1em 0;border:1px solid #ddd;max-width:100%;height:auto}h2{margin-top:2em}"
                + ".warn{background:#fff3cd;border:1px solid #e0b800;padding:.6em 1em}.meta{color:#555}"
                + "ul.answer{padding-left:1.2em}ul.answer li{margin:.4em 0;list-style:none}"
                + ".swatch{display:inline-block;width:.8em;height:.8em;margin-right:.5em;border-radius:2px;vertical-align:baseline}"
                + "table{border-collapse:collapse;font-size:13px}td,th{padding:.2em .7em;text-align:right;border-bottom:1px solid #ddd}"
                + "td:first-child,th:first-child{text-align:left}</style></head><body>\n");
        b.append("<h1>icpbench report</h1>\n").append(String.format(Locale.ROOT, "<p class=\"meta\">run %s, JDK %s, %d cores (%s), %s, commit %s</p>%n",
                escape(p.started()), escape(p.jdk()), p.cores(), escape(p.cpuModel()), escape(p.kernel()), escape(p.gitCommit())));
        String weak = a.diagnostics().weakRun();
        if (weak != null) {
            b.append("<p class=\"warn\"><b>Warning:</b> ").append(escape(weak)).append(".</p>\n");
        }
        b.append("<h2>Answer</h2>\n<p>Each arm against ").append(escape(r.settings().baseline()))
                .append(", paired by block on log rates (the primary analysis; why, and Welch's test beside it, in the report below).</p>\n");
        if (primary.isEmpty()) {
            b.append("<p>No arm has enough forks to compare.</p>\n");
        } else {
            b.append("<ul class=\"answer\">\n");
            for (Stats.LogRatio x : primary) {
                b.append("<li>").append(swatch(r.settings(), x.arm())).append(escape(MarkdownReport.headline(x))).append("</li>\n");
            }
            b.append("</ul>\n").append(img(forest(r, primary, a.margin())));
        }
        b.append("<h2>Report</h2>\n<pre>").append(escape(text)).append("</pre>\n");
        b.append("<h2>Packets per second of every fork</h2>\n<p>Each dot is one fork (its packets over its measured time: the mean of its iterations' rates); "
                + "the bar beside it is the arm's mean with its 95% confidence interval.</p>\n").append(img(strip(a)));
        b.append("<h2>Run-order drift</h2>\n<p>Each fork's rate against its position in the run: a slope means the machine changed "
                + "during the run; arms that move together are what pairing by block removes.</p>\n").append(img(drift(r)));
        Map<String, Histogram> latency = latency(r, runDir);
        if (!latency.isEmpty()) {
            boolean live = r.settings().profile().startsWith("live:");
            b.append("<h2>Latency</h2>\n<p>").append(live ? "One-way latency of live datagrams (send to the end of the model's batch)"
                    : "Receive time of one batch of 256 packets").append(", every fork of an arm merged (HdrHistogram, 3 significant digits); "
                    + "the CDF is drawn through every recorded value, the tail by percentile.</p>\n");
            b.append(latencyTable(r.settings(), latency)).append(img(latencyCdf(r.settings(), latency, live)))
                    .append(img(latencyTail(r.settings(), latency, live)));
        }
        List<Stats.LogRatio> planned = primary.stream().filter(x -> x.sampleSize() != null && x.sampleSize().paired()).toList();
        if (!planned.isEmpty()) {
            b.append("<h2>Power</h2>\n<p>Minimum detectable change at 80% power against blocks, for each arm's paired design with the "
                    + "SD of its block differences measured in this run, at the level its test uses (questions: α/m, Holm's first step; "
                    + "controls: α); the power of the two-sided t test, from the non-central t.</p>\n").append(img(power(r, planned, a.planEffect())));
        }
        b.append(a.jit().html());
        b.append("</body></html>\n");
        return b.toString();
    }

    private static String swatch(RunResults.Settings s, String arm) {
        return String.format(Locale.ROOT, "<span class=\"swatch\" style=\"background:#%06x\"></span>", colour(s, arm).getRGB() & 0xFFFFFF);
    }

    static String escape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /**
     * Ticks for a log-ratio axis from {@code lo} to {@code hi} (ln of the rate ratio), at round
     * percent changes. Over a narrow range (up to a factor of 3), evenly stepped changes (1, 2, 2.5
     * or 5 times a power of ten). Over a wide one, round ticks by priority, each kept when it is at
     * least 1/16 of the axis from every tick kept before it: no change; the ratios 2, 5, 10, 100, ...
     * and their reciprocals (+100%, +400%, ..., -50%, -80%, -90%, -99%); then changes of ±50%,
     * ±20%, ±10%, ±5%, ±2%, ±1%. Returned as changes (ratio − 1), ascending.
     */
    static List<Double> changeTicks(double lo, double hi) {
        List<Double> candidates = new ArrayList<>();
        if (hi - lo > Math.log(3)) {
            candidates.add(0.0);
            for (int e = 0; e <= 3; e++) {
                for (double m : new double[] {2, 5, 10}) {
                    double ratio = m * Math.pow(10, e);
                    candidates.add(ratio - 1);
                    candidates.add(1 / ratio - 1);
                }
            }
            for (double c : new double[] {0.5, 0.2, 0.1, 0.05, 0.02, 0.01}) {
                candidates.add(c);
                candidates.add(-c);
            }
        } else {
            double a = Math.expm1(lo);
            double b = Math.expm1(hi);
            double raw = (b - a) / 8;
            double decade = Math.pow(10, Math.floor(Math.log10(raw)));
            double step = 10 * decade;
            for (double m : new double[] {1, 2, 2.5, 5}) {
                if (m * decade >= raw) {
                    step = m * decade;
                    break;
                }
            }
            for (long k = (long) Math.ceil(a / step); k * step <= b; k++) {
                candidates.add(k * step);
            }
        }
        java.util.TreeSet<Double> kept = new java.util.TreeSet<>();
        double gap = (hi - lo) / 16;
        for (double c : candidates) {
            double x = Math.log1p(c);
            if (c > -1 && x >= lo && x <= hi && kept.stream().allMatch(k -> Math.abs(Math.log1p(k) - x) >= gap)) {
                kept.add(c);
            }
        }
        return new ArrayList<>(kept);
    }

    /** A relative change as a tick label: "+5%", "-2.5%", "0%". */
    static String tickLabel(double change) {
        java.math.BigDecimal p = java.math.BigDecimal.valueOf(100 * change).setScale(3, java.math.RoundingMode.HALF_UP).stripTrailingZeros();
        return p.signum() == 0 ? "0%" : (p.signum() > 0 ? "+" : "") + p.toPlainString() + "%";
    }

    /**
     * The forest plot: one row per arm (first arm on top), its rate ratio against the baseline and
     * 95% CI on a log-ratio axis (x = ln(ratio), gridlines and labels at round percent changes, see
     * {@link #changeTicks}), the arm's name above it, the equivalence margin as a grey band, no
     * change as a dark line, and the controls' true values as crosses. XChart's own ticks are
     * hidden: on a log axis they fall at round logs, which read as odd percentages.
     */
    static XYChart forest(RunResults r, List<Stats.LogRatio> xs, double margin) {
        int k = xs.size();
        XYChart c = chart("Each arm against " + r.settings().baseline() + ": change in packets/s, 95% CI", "change in packets/s "
                + "(log-ratio axis: equal distances are equal ratios)", "", 170 + 48 * k);
        double lo = Math.log1p(-margin);
        double hi = Math.log1p(margin);
        double min = lo;
        double max = hi;
        for (Stats.LogRatio x : xs) {
            min = Math.min(min, Math.min(x.ciLow(), x.role().control() && x.role().trueRatio() > 0 ? Math.log(x.role().trueRatio()) : 0));
            max = Math.max(max, x.ciHigh());
        }
        double pad = 0.08 * (max - min);
        min -= pad;
        max += pad;
        // rows at y = 1..k; below them, from 0 to 0.4, the strip that holds the tick labels
        double top = k + 0.6;
        for (double tick : changeTicks(min, max)) {
            double x = Math.log1p(tick);
            segment(c, "grid " + tick, new double[] {x, x}, new double[] {0.4, top}, tick == 0 ? new Color(0x444444) : new Color(0xDDDDDD),
                    tick == 0 ? 1.5f : 1f);
            label(c, tickLabel(tick), x, 0.2);
        }
        XYSeries band = c.addSeries("±" + MarkdownReport.percent(margin) + " margin (equivalent: the 90% CI inside it)", new double[] {lo, hi, hi, lo},
                new double[] {0.4, 0.4, top, top});
        band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.PolygonArea);
        band.setFillColor(new Color(0, 0, 0, 40));
        band.setLineColor(new Color(0, 0, 0, 0));
        band.setMarker(SeriesMarkers.NONE);
        List<Double> truthX = new ArrayList<>();
        List<Double> truthY = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            Stats.LogRatio x = xs.get(i);
            double y = k - i;
            Color colour = colour(r.settings(), x.arm());
            label(c, x.arm(), x.mean(), y + 0.3);
            segment(c, x.arm() + " CI", new double[] {x.ciLow(), x.ciHigh()}, new double[] {y, y}, colour, 3f);
            XYSeries point = paint(c.addSeries(String.format(Locale.ROOT, "%s: %s, %+.1f%%", x.arm(), x.verdict().word(), 100 * x.change()),
                    new double[] {x.mean()}, new double[] {y}), colour);
            point.setMarker(SeriesMarkers.DIAMOND);
            if (x.role().control() && x.role().trueRatio() > 0) {
                truthX.add(Math.log(x.role().trueRatio()));
                truthY.add(y);
            }
        }
        if (!truthX.isEmpty()) {
            XYSeries truth = paint(c.addSeries("true value (controls)", truthX, truthY), Color.BLACK);
            truth.setMarker(SeriesMarkers.CROSS);
        }
        c.getStyler().setXAxisMin(min);
        c.getStyler().setXAxisMax(max);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(top);
        c.getStyler().setAxisTicksVisible(false);
        c.getStyler().setPlotGridLinesVisible(false);
        return c;
    }

    /** Every fork's rate by arm, in the arm's colour, with the arm's mean and 95% CI beside its forks and its name above them. */
    static XYChart strip(RunAnalysis a) {
        XYChart c = chart("Fork rates by arm", "", "Mpps", H);
        List<RunAnalysis.ArmAnalysis> arms = a.arms();
        double top = arms.stream().flatMapToDouble(x -> java.util.Arrays.stream(x.forks().rates())).max().orElse(0) / 1e6;
        double bottom = arms.stream().flatMapToDouble(x -> java.util.Arrays.stream(x.forks().rates())).min().orElse(0) / 1e6;
        double room = 0.08 * Math.max(top - bottom, 0.01 * top);
        int k = 1;
        for (RunAnalysis.ArmAnalysis arm : arms) {
            double[] v = arm.forks().rates();
            String name = arm.name();
            Color colour = colour(a.run().settings(), name);
            label(c, name, k, top + room / 2);
            if (v.length > 0) {
                double[] xs = new double[v.length];
                double[] ys = new double[v.length];
                for (int i = 0; i < v.length; i++) {
                    xs[i] = k - 0.2 + 0.3 * i / Math.max(1, v.length - 1);
                    ys[i] = v[i] / 1e6;
                }
                paint(c.addSeries(name, xs, ys), colour).setMarker(SeriesMarkers.CIRCLE);
            }
            if (v.length > 1) {
                Stats.Summary s = arm.forks().stats();
                segment(c, name + " 95% CI", new double[] {k + 0.25, k + 0.25}, new double[] {s.ciLow() / 1e6, s.ciHigh() / 1e6}, colour, 2f);
                XYSeries m = paint(c.addSeries(name + " mean", new double[] {k + 0.25}, new double[] {s.mean() / 1e6}), colour);
                m.setMarker(SeriesMarkers.DIAMOND);
                m.setShowInLegend(false);
            }
            k++;
        }
        c.getStyler().setXAxisMin(0.5);
        c.getStyler().setXAxisMax(arms.size() + 0.5);
        c.getStyler().setYAxisMax(top + room);
        c.getStyler().setXAxisTicksVisible(false);
        c.getStyler().setPlotGridVerticalLinesVisible(false);
        c.getStyler().setYAxisDecimalPattern("0.00");
        return c;
    }

    static XYChart drift(RunResults r) {
        XYChart c = chart("Fork rates in run order", "fork index (run order)", "Mpps", H);
        c.getStyler().setYAxisDecimalPattern("0.00");
        for (String arm : r.settings().armNames()) {
            List<RunResults.ForkResult> fs = r.forks().stream().filter(f -> f.arm().equals(arm)).toList();
            if (fs.isEmpty()) {
                continue;
            }
            paint(c.addSeries(arm, fs.stream().mapToDouble(RunResults.ForkResult::index).toArray(),
                    fs.stream().mapToDouble(f -> f.rate() / 1e6).toArray()), colour(r.settings(), arm)).setMarker(SeriesMarkers.CIRCLE);
        }
        return c;
    }

    /**
     * Every arm's latency: the intervals of all its forks' {@code .hlog} files merged, in arm order;
     * arms without a readable log are left out. A missing file is skipped (a run copied without them).
     */
    static Map<String, Histogram> latency(RunResults r, Path runDir) throws IOException {
        Map<String, Histogram> out = new LinkedHashMap<>();
        for (String arm : r.settings().armNames()) {
            Histogram merged = new Histogram(3);
            for (RunResults.ForkResult f : r.forks()) {
                if (!f.arm().equals(arm) || f.hlog() == null || runDir == null || !Files.isRegularFile(runDir.resolve(f.hlog()))) {
                    continue;
                }
                try (InputStream in = Files.newInputStream(runDir.resolve(f.hlog()))) {
                    HistogramLogReader reader = new HistogramLogReader(in);
                    EncodableHistogram h;
                    while ((h = reader.nextIntervalHistogram()) != null) {
                        if (h instanceof Histogram hist) {
                            merged.add(hist);
                        }
                    }
                }
            }
            if (merged.getTotalCount() > 0) {
                out.put(arm, merged);
            }
        }
        return out;
    }

    /** Percentiles per arm, µs, as an HTML table. */
    static String latencyTable(RunResults.Settings s, Map<String, Histogram> latency) {
        double[] ps = {50, 90, 99, 99.9, 99.99};
        StringBuilder b = new StringBuilder("<table><tr><th>arm</th><th>samples</th>");
        for (double p : ps) {
            b.append("<th>p").append(new java.math.BigDecimal(Double.toString(p)).stripTrailingZeros().toPlainString()).append(" µs</th>");
        }
        b.append("<th>max µs</th></tr>\n");
        for (Map.Entry<String, Histogram> e : latency.entrySet()) {
            b.append("<tr><td>").append(swatch(s, e.getKey())).append(escape(e.getKey())).append("</td><td>").append(e.getValue().getTotalCount())
                    .append("</td>");
            for (double p : ps) {
                b.append(String.format(Locale.ROOT, "<td>%.1f</td>", e.getValue().getValueAtPercentile(p) / 1000.0));
            }
            b.append(String.format(Locale.ROOT, "<td>%.1f</td></tr>%n", e.getValue().getMaxValue() / 1000.0));
        }
        return b.append("</table>\n").toString();
    }

    /** The CDF of each arm's latency through every recorded value (HdrHistogram's buckets at 3 significant digits), log µs axis. */
    static XYChart latencyCdf(RunResults.Settings s, Map<String, Histogram> latency, boolean live) {
        XYChart c = chart(live ? "Latency CDF per arm (one-way, live datagrams)" : "Latency CDF per arm (batch of 256 packets)",
                live ? "send to the end of the model's batch, µs (log scale)" : "batch receive time, µs (log scale)", "percentile", H);
        c.getStyler().setXAxisLogarithmic(true);
        for (Map.Entry<String, Histogram> e : latency.entrySet()) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (HistogramIterationValue v : e.getValue().recordedValues()) {
                xs.add(e.getValue().highestEquivalentValue(v.getValueIteratedTo()) / 1000.0);
                ys.add(v.getPercentile());
            }
            line(c, String.format(Locale.ROOT, "%s (p50 %.0f µs, p99 %.0f µs)", e.getKey(), e.getValue().getValueAtPercentile(50) / 1000.0,
                    e.getValue().getValueAtPercentile(99) / 1000.0), xs, ys, colour(s, e.getKey()));
        }
        return c;
    }

    /**
     * The tail: latency against percentile on HdrHistogram's axis, x = -log10(1 - q) (1 = 90%,
     * 2 = 99%, 3 = 99.9%), log µs axis, through the percentile iterator at 5 ticks per halving
     * of the distance to 100%.
     */
    static XYChart latencyTail(RunResults.Settings s, Map<String, Histogram> latency, boolean live) {
        XYChart c = chart(live ? "Latency by percentile (one-way, live datagrams)" : "Latency by percentile (batch of 256 packets)", "percentile",
                "µs (log scale)", H);
        c.getStyler().setYAxisLogarithmic(true);
        for (Map.Entry<String, Histogram> e : latency.entrySet()) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (HistogramIterationValue v : e.getValue().percentiles(5)) {
                double q = v.getPercentileLevelIteratedTo() / 100;
                if (q >= 1) {
                    break;
                }
                xs.add(-Math.log10(1 - q));
                ys.add(v.getValueIteratedTo() / 1000.0);
            }
            line(c, e.getKey(), xs, ys, colour(s, e.getKey()));
        }
        c.setCustomXAxisTickLabelsFormatter(v -> {
            // strictly increasing in v with enough digits to tell ticks apart (XChart needs distinct labels)
            String p = new java.math.BigDecimal(100 * (1 - Math.pow(10, -v))).round(new java.math.MathContext(Math.max(2, (int) Math.ceil(v) + 2)))
                    .stripTrailingZeros().toPlainString();
            return p + "%";
        });
        return c;
    }

    /** Each arm's MDE against blocks under its paired design, with the change planned for as a line. */
    static XYChart power(RunResults r, List<Stats.LogRatio> xs, double planEffect) {
        XYChart c = chart("Minimum detectable change at 80% power, paired design", "blocks (forks per arm)", "MDE, % (log scale)", H);
        c.getStyler().setYAxisLogarithmic(true);
        int most = 100;
        for (Stats.LogRatio x : xs) {
            List<Double> ns = new ArrayList<>();
            List<Double> mdes = new ArrayList<>();
            for (int n = 3; n <= most; n++) {
                ns.add((double) n);
                mdes.add(100 * Math.expm1(x.sampleSize().mde(n, x.planAlpha())));
            }
            line(c, String.format(Locale.ROOT, "%s (%s)", x.arm(), x.needed() >= Stats.MAX_UNITS ? "more than 10,000 blocks for "
                    + MarkdownReport.percent(planEffect) : x.needed() + " blocks for " + MarkdownReport.percent(planEffect)), ns, mdes,
                    colour(r.settings(), x.arm()));
        }
        XYSeries goal = c.addSeries(MarkdownReport.percent(planEffect) + " change", new double[] {3, most},
                new double[] {100 * planEffect, 100 * planEffect});
        goal.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        goal.setMarker(SeriesMarkers.NONE);
        goal.setLineColor(Color.GRAY);
        goal.setLineStyle(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        c.getStyler().setXAxisTickMarkSpacingHint(70);
        return c;
    }
}
