package io.icpbench.analysis;

import static io.icpbench.analysis.SweepReport.BASELINE;
import static io.icpbench.analysis.SweepReport.NOTES;
import static io.icpbench.analysis.SweepReport.TOO_FEW;
import static io.icpbench.analysis.SweepReport.armLabel;
import static io.icpbench.analysis.SweepReport.gain;
import static io.icpbench.analysis.SweepReport.header;
import static io.icpbench.analysis.SweepReport.pct;
import static io.icpbench.analysis.SweepReport.signedPct;

import io.icpbench.analysis.SweepReport.ArmResult;
import io.icpbench.analysis.SweepReport.Axis;
import io.icpbench.analysis.SweepReport.Machine;
import io.icpbench.analysis.SweepReport.Point;
import io.icpbench.analysis.SweepReport.Sweep;
import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * {@code sweep.html}: heat maps of the question arms' log ratio over two of the sweep's axes (small
 * multiples over the others), one set per machine and one for all machines together, inconclusive
 * cells hatched and labelled with their MDE, then the table of every point and arm. It reads the
 * {@link Sweep} model only.
 */
final class SweepHtml {
    private SweepHtml() {
    }

    /** Faster (blue) and slower (vermillion): the report's first two arm colours. */
    static final Color FASTER = HtmlReport.PALETTE[0];
    static final Color SLOWER = HtmlReport.PALETTE[1];
    private static final Color NEUTRAL = new Color(0xF7F7F7);

    /** {@code sweep.html}: heat maps of every question arm against the baseline, per machine, then the table. */
    static String render(Sweep s) {
        StringBuilder b = new StringBuilder("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>icpbench sweep</title>\n"
                + "<style>body{font-family:sans-serif;max-width:1400px;margin:2em auto;padding:0 1em;color:#222}.meta{color:#555}"
                + "h2{margin-top:2em}svg{display:block;margin:1em 0}svg text{font-family:sans-serif}"
                + "table{border-collapse:collapse;font-size:13px}td,th{padding:.2em .7em;text-align:left;border-bottom:1px solid #ddd}"
                + "td.num{text-align:right}p.note{color:#555;max-width:60em}</style></head><body>\n<h1>icpbench sweep</h1>\n");
        for (String l : header(s)) {
            b.append("<p class=\"meta\">").append(HtmlReport.escape(l)).append("</p>\n");
        }
        List<String> questions = s.questions();
        int[] ids = {0};
        if (questions.isEmpty()) {
            b.append("<p>No question arm has a result yet.</p>\n");
        }
        if (!questions.isEmpty()) {
            b.append("<p class=\"note\">Each cell is one point: the arm's rate against ").append(HtmlReport.escape(s.baseline()))
                    .append(" there, paired by block (the change, its 95% CI, the verdict and the MDE); colour only where the verdict is a "
                    + "finding.</p>\n").append(legend(s, ids));
        }
        List<String> hosts = new ArrayList<>(s.machines());
        if (hosts.size() > 1) {
            hosts.add(null); // the combined analysis
        }
        for (String arm : questions) {
            for (String host : hosts.isEmpty() ? java.util.Collections.<String>singletonList(null) : hosts) {
                b.append("<h2>").append(HtmlReport.escape(arm)).append(" vs ").append(HtmlReport.escape(s.baseline()));
                if (s.machines().size() > 1) {
                    b.append(host == null ? ", all machines (blocks paired within each)" : ", machine " + HtmlReport.escape(host));
                }
                b.append("</h2>\n");
                b.append(heatMaps(s, arm, host, ids));
            }
        }
        b.append("<h2>Every point and arm</h2>\n").append(table(s));
        b.append("<p class=\"note\">").append(HtmlReport.escape(NOTES.replace("`", ""))).append("</p>\n</body></html>\n");
        return b.toString();
    }

    /** The x and y axes of the heat maps, and the others (small multiples): x prefers work, y skew. */
    static Axis[] layout(Sweep s) {
        List<Axis> v = s.varying();
        Axis x = pick(v, List.of("work", "workers", "sites", "profile", "skew"), null);
        Axis y = pick(v, List.of("skew", "profile", "sites", "workers", "work"), x);
        return new Axis[] {x, y};
    }

    private static Axis pick(List<Axis> axes, List<String> order, Axis not) {
        for (String name : order) {
            for (Axis a : axes) {
                if (a.name().equals(name) && a != not) {
                    return a;
                }
            }
        }
        return null;
    }

    /** The result a cell shows: the arm at a point on a machine (null: the combined analysis, or the only machine). */
    static ArmResult cell(Point p, String arm, String host) {
        Machine m;
        if (host == null) {
            m = p.combined() != null ? p.combined() : p.machines().isEmpty() ? null : p.machines().get(0);
        } else {
            m = p.machines().stream().filter(x -> x.host().equals(host)).findFirst().orElse(null);
        }
        return m == null ? null : m.arm(arm);
    }

    /** The largest |ln ratio| of any estimated cell of the sweep (at least ln 1.02): the colour scale's end. */
    static double scale(Sweep s) {
        double max = Math.log(1.02);
        for (Point p : s.points()) {
            List<Machine> ms = p.analyses();
            for (Machine m : ms) {
                for (ArmResult a : m.arms()) {
                    if ("question".equals(a.role()) && a.estimated() && a.ratio() > 0) {
                        max = Math.max(max, Math.abs(Math.log(a.ratio())));
                    }
                }
            }
        }
        return max;
    }

    /** The colour of a log ratio on a scale that ends at ±{@code limit}: white at 0, blue faster, vermillion slower. */
    static Color colour(double logRatio, double limit) {
        double t = Math.min(1, Math.abs(logRatio) / limit);
        Color to = logRatio >= 0 ? FASTER : SLOWER;
        return new Color(mix(NEUTRAL.getRed(), to.getRed(), t), mix(NEUTRAL.getGreen(), to.getGreen(), t), mix(NEUTRAL.getBlue(), to.getBlue(), t));
    }

    private static int mix(int a, int b, double t) {
        return (int) Math.round(a + (b - a) * t);
    }

    static String hex(Color c) {
        return String.format(Locale.ROOT, "#%06x", c.getRGB() & 0xFFFFFF);
    }

    private static final int CELL_W = 150;
    private static final int CELL_H = 66;
    private static final int BOTTOM = 58;

    /** One heat map per combination of the axes other than x and y (one map when at most two axes vary). */
    static String heatMaps(Sweep s, String arm, String host, int[] ids) {
        Axis[] xy = layout(s);
        Axis x = xy[0];
        Axis y = xy[1];
        List<Axis> others = s.varying().stream().filter(a -> a != x && a != y).toList();
        // the combinations of the other axes' values, in point order
        Map<String, List<Point>> groups = new LinkedHashMap<>();
        for (Point p : s.points()) {
            String key = String.join("; ", others.stream().map(a -> a.title() + " " + a.label(p.settings().get(a.name()))).toList());
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
        }
        double limit = scale(s);
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, List<Point>> g : groups.entrySet()) {
            b.append(heatMap(g.getKey(), g.getValue(), x, y, arm, host, limit, ids[0]++));
        }
        return b.toString();
    }

    static String heatMap(String subtitle, List<Point> points, Axis x, Axis y, String arm, String host, double limit, int id) {
        List<String> xs = x == null ? List.of("") : x.values();
        List<String> ys = y == null ? List.of("") : y.values();
        int longest = ys.stream().mapToInt(v -> y == null ? 0 : y.label(v).length()).max().orElse(0);
        int left = 40 + 8 * longest + 12;
        int top = subtitle.isEmpty() ? 6 : 30;
        int w = Math.max(left + xs.size() * CELL_W + 20, x == null ? 0 : 8 * x.title().length() + left);
        int h = top + ys.size() * CELL_H + BOTTOM;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                + "role=\"img\" aria-label=\"heat map of %s\">%n", w, h, w, h, HtmlReport.escape(arm)));
        b.append(String.format(Locale.ROOT, "<defs><pattern id=\"hatch%d\" width=\"7\" height=\"7\" patternUnits=\"userSpaceOnUse\" "
                + "patternTransform=\"rotate(45)\"><rect width=\"7\" height=\"7\" fill=\"#eeeeee\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"7\" "
                + "stroke=\"#c8c8c8\" stroke-width=\"3\"/></pattern></defs>%n", id));
        if (!subtitle.isEmpty()) {
            b.append(text(left, 18, "start", 13, "#333", "bold", subtitle));
        }
        for (int j = 0; j < ys.size(); j++) {
            for (int i = 0; i < xs.size(); i++) {
                String xv = xs.get(i);
                String yv = ys.get(j);
                Point p = points.stream().filter(q -> (x == null || Objects.equals(q.settings().get(x.name()), xv))
                        && (y == null || Objects.equals(q.settings().get(y.name()), yv))).findFirst().orElse(null);
                b.append(cellSvg(left + i * CELL_W, top + j * CELL_H, p, p == null ? null : cell(p, arm, host), limit, id));
                if (p != null && !p.status().equals("done") && cell(p, arm, host) != null) {
                    b.append(text(left + i * CELL_W + 5, top + j * CELL_H + 11, "start", 9, "#555", "normal", p.status()));
                }
            }
        }
        // axis labels
        for (int i = 0; i < xs.size(); i++) {
            b.append(text(left + i * CELL_W + CELL_W / 2, top + ys.size() * CELL_H + 18, "middle", 13, "#222", "normal",
                    x == null ? "" : x.label(xs.get(i))));
        }
        for (int j = 0; j < ys.size(); j++) {
            b.append(text(left - 10, top + j * CELL_H + CELL_H / 2 + 5, "end", 13, "#222", "normal", y == null ? "" : y.label(ys.get(j))));
        }
        if (x != null) {
            b.append(text(left + xs.size() * CELL_W / 2, top + ys.size() * CELL_H + 44, "middle", 13, "#555", "normal", x.title()));
        }
        if (y != null) {
            int cy = top + ys.size() * CELL_H / 2;
            b.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" text-anchor=\"middle\" font-size=\"13\" fill=\"#555\" "
                    + "transform=\"rotate(-90 16 %d)\">%s</text>%n", cy, cy, HtmlReport.escape(y.title())));
        }
        b.append("</svg>\n");
        return b.toString();
    }

    /** One cell: the colour of the ratio and its lines of text, or hatched for an inconclusive result. */
    static String cellSvg(int x, int y, Point p, ArmResult a, double limit, int id) {
        StringBuilder b = new StringBuilder("<g>");
        String[] lines;
        String fill;
        String ink = "#222";
        String tip;
        if (p == null || a == null || !a.estimated()) {
            fill = "#ffffff";
            lines = new String[] {p == null ? "no point" : a == null ? "not run" : TOO_FEW, p == null ? "" : p.name(), ""};
            tip = p == null ? "no point" : p.name() + ": " + lines[0];
            b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#ffffff\" stroke=\"#bbbbbb\" "
                    + "stroke-dasharray=\"4 3\"/>", x + 1, y + 1, CELL_W - 2, CELL_H - 2));
            ink = "#888";
        } else {
            tip = p.name() + (p.status().equals("done") ? "" : " (" + p.status() + ")") + ": " + gain(a) + ", " + a.verdictCell()
                    + (a.mde() == null ? "" : ", MDE " + pct(a.mde())) + ", " + a.n() + " blocks";
            if (a.conclusive()) {
                Color c = colour(Math.log(a.ratio()), limit);
                fill = hex(c);
                double lum = 0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue();
                ink = lum < 140 ? "#ffffff" : "#222";
                lines = new String[] {signedPct(a.ratio() - 1) + (Boolean.TRUE.equals(a.equivalent()) ? " (equiv.)" : ""),
                    String.format(Locale.ROOT, "[%s, %s]", a.ciLow() == null ? "?" : signedPct(a.ciLow() - 1),
                            a.ciHigh() == null ? "?" : signedPct(a.ciHigh() - 1)), a.verdict() + (a.mde() == null ? "" : ", MDE " + pct(a.mde()))};
            } else {
                fill = "url(#hatch" + id + ")";
                lines = new String[] {"inconclusive", a.mde() == null ? "" : "MDE " + pct(a.mde()), "(" + signedPct(a.ratio() - 1) + ")"};
                ink = "#333";
            }
            b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\" stroke=\"#ffffff\" "
                    + "stroke-width=\"2\"/>", x, y, CELL_W, CELL_H, fill));
        }
        b.append("<title>").append(HtmlReport.escape(tip)).append("</title>");
        b.append(text(x + CELL_W / 2, y + 22, "middle", 14, ink, "bold", lines[0]));
        b.append(text(x + CELL_W / 2, y + 39, "middle", 11, ink, "normal", lines[1]));
        b.append(text(x + CELL_W / 2, y + 55, "middle", 11, ink, "normal", lines[2]));
        b.append("</g>\n");
        return b.toString();
    }

    private static String text(int x, int y, String anchor, int size, String fill, String weight, String s) {
        return String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\" font-size=\"%d\" fill=\"%s\" font-weight=\"%s\">%s</text>",
                x, y, anchor, size, fill, weight, HtmlReport.escape(s));
    }

    /** The colour scale and the hatched swatch, explained. */
    static String legend(Sweep s, int[] ids) {
        double limit = scale(s);
        int id = ids[0]++;
        double lo = Math.expm1(-limit);
        double hi = Math.expm1(limit);
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"760\" height=\"70\" viewBox=\"0 0 760 70\">%n"
                + "<defs><linearGradient id=\"scale%d\" x1=\"0\" x2=\"1\" y1=\"0\" y2=\"0\"><stop offset=\"0\" stop-color=\"%s\"/>"
                + "<stop offset=\"0.5\" stop-color=\"%s\"/><stop offset=\"1\" stop-color=\"%s\"/></linearGradient>"
                + "<pattern id=\"hatch%d\" width=\"7\" height=\"7\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
                + "<rect width=\"7\" height=\"7\" fill=\"#eeeeee\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"7\" stroke=\"#c8c8c8\" stroke-width=\"3\"/>"
                + "</pattern></defs>%n", id, hex(SLOWER), hex(NEUTRAL), hex(FASTER), id));
        b.append(String.format(Locale.ROOT, "<rect x=\"10\" y=\"10\" width=\"300\" height=\"18\" fill=\"url(#scale%d)\" stroke=\"#999\"/>%n", id));
        b.append(text(10, 46, "start", 12, "#333", "normal", signedPct(lo) + " (slower)"));
        b.append(text(160, 46, "middle", 12, "#333", "normal", "0"));
        b.append(text(310, 46, "end", 12, "#333", "normal", signedPct(hi) + " (faster)"));
        b.append(text(160, 63, "middle", 11, "#555", "normal", "colour: ln(rate ratio) vs " + s.baseline()));
        b.append(String.format(Locale.ROOT, "<rect x=\"350\" y=\"10\" width=\"40\" height=\"18\" fill=\"url(#hatch%d)\" stroke=\"#999\"/>%n", id));
        b.append(text(398, 24, "start", 12, "#333", "normal", "inconclusive: no colour; MDE = the smallest change it could detect"));
        b.append(String.format(Locale.ROOT, "<rect x=\"350\" y=\"36\" width=\"40\" height=\"18\" fill=\"#ffffff\" stroke=\"#bbbbbb\" "
                + "stroke-dasharray=\"4 3\"/>%n"));
        b.append(text(398, 50, "start", 12, "#333", "normal", "not run yet, or too few forks"));
        b.append("</svg>\n");
        return b.toString();
    }

    static String table(Sweep s) {
        List<Axis> cols = s.varying();
        boolean many = s.machines().size() > 1;
        StringBuilder b = new StringBuilder("<table><tr><th>point</th>");
        cols.forEach(a -> b.append("<th>").append(HtmlReport.escape(a.title())).append("</th>"));
        if (many) {
            b.append("<th>machine</th>");
        }
        b.append("<th>arm</th><th>vs ").append(HtmlReport.escape(s.baseline()))
                .append(": rate ratio [95% CI]</th><th>verdict</th><th>blocks</th><th>MDE</th><th>report</th></tr>\n");
        for (Point p : s.points()) {
            List<Machine> ms = p.analyses();
            for (Machine m : ms) {
                for (ArmResult a : m.arms()) {
                    b.append("<tr><td>").append(HtmlReport.escape(p.name() + (p.status().equals("done") ? "" : " (" + p.status() + ")"))).append("</td>");
                    cols.forEach(ax -> b.append("<td>").append(HtmlReport.escape(ax.label(p.settings().get(ax.name())))).append("</td>"));
                    if (many) {
                        b.append("<td>").append(HtmlReport.escape(m.host())).append("</td>");
                    }
                    b.append("<td>").append(HtmlReport.escape(armLabel(a))).append("</td><td class=\"num\">").append(HtmlReport.escape(gain(a)))
                            .append("</td><td>").append(BASELINE.equals(a.verdict()) ? "" : HtmlReport.escape(a.verdictCell())).append("</td><td class=\"num\">")
                            .append(a.n() == null ? "" : a.n()).append("</td><td class=\"num\">").append(a.mde() == null ? "" : pct(a.mde()))
                            .append("</td><td>");
                    if (m.runs().size() == 1 && a.role().equals(BASELINE)) {
                        String href = m.runs().get(0) + "/report.html";
                        b.append("<a href=\"").append(HtmlReport.escape(href)).append("\">report</a>");
                    }
                    b.append("</td></tr>\n");
                }
            }
            if (ms.isEmpty()) {
                b.append("<tr><td>").append(HtmlReport.escape(p.name())).append("</td>");
                cols.forEach(ax -> b.append("<td>").append(HtmlReport.escape(ax.label(p.settings().get(ax.name())))).append("</td>"));
                if (many) {
                    b.append("<td></td>");
                }
                b.append("<td></td><td>not run</td><td></td><td></td><td></td><td></td></tr>\n");
            }
        }
        return b.append("</table>\n").toString();
    }
}
