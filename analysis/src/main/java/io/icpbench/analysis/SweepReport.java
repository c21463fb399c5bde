package io.icpbench.analysis;

import io.icpbench.results.RunResults;
import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A sweep's results: {@code sweep.json} (the model below), {@code sweep.md} (one table row per
 * point, machine and arm: the arm against the baseline as a rate ratio with its 95% CI, or
 * "inconclusive (MDE x%)") and {@code sweep.html} (heat maps of the question arms' log ratio over
 * two of the sweep's axes, inconclusive cells hatched and labelled with their MDE, then the table).
 *
 * <p>Every number is the primary analysis of one point's run ({@link Stats#vsBaseline}): paired by
 * block, Holm over the arms of that point. The machine is a blocking factor: a point that ran on
 * several machines is analysed per machine; the combined row merges the machines' runs so that every
 * block stays one machine's (pairs never span machines).
 */
public final class SweepReport {
    /** The version of sweep.json's format. */
    public static final int SCHEMA = 1;

    private SweepReport() {
    }

    /**
     * The whole sweep.
     *
     * @param dir       the sweep directory (as given)
     * @param collected ISO-8601 time of this collection
     * @param seed      the sweep's seed (point i runs with seed + i)
     * @param baseline  the arm every other arm is compared with
     * @param arms      the arms, {@code NAME=SPEC}, in report order (controls included)
     * @param axes      the axes, each with its values (an axis with one value is fixed)
     * @param machines  every machine that ran a point (provenance host names)
     * @param points    the points in order
     */
    public record Sweep(int schema, String dir, String collected, long seed, String baseline, List<String> arms, List<Axis> axes,
            List<String> machines, List<Point> points) {
        public Sweep {
            arms = List.copyOf(arms);
            axes = List.copyOf(axes);
            machines = List.copyOf(machines);
            points = List.copyOf(points);
        }

        /** The axes with more than one value, in order. */
        public List<Axis> varying() {
            return axes.stream().filter(a -> a.values().size() > 1).toList();
        }

        /** The question arms: neither the baseline nor a control, in order (from the points' results). */
        public List<String> questions() {
            List<String> out = new ArrayList<>();
            for (Point p : points) {
                for (Machine m : p.machines()) {
                    for (ArmResult a : m.arms()) {
                        if ("question".equals(a.role()) && !out.contains(a.arm())) {
                            out.add(a.arm());
                        }
                    }
                }
            }
            return out;
        }
    }

    /**
     * An axis of the sweep.
     *
     * @param name   work, skew, profile, sites or workers (the point's settings key)
     * @param title  what it is, in words, with its unit
     * @param values the values as {@code icpbench run} takes them
     * @param labels the values as tables show them
     */
    public record Axis(String name, String title, List<String> values, List<String> labels) {
        public Axis {
            values = List.copyOf(values);
            labels = List.copyOf(labels);
        }

        /** The label of {@code value}. */
        public String label(String value) {
            int i = values.indexOf(value);
            return i < 0 ? String.valueOf(value) : labels.get(i);
        }
    }

    /**
     * One point: one {@code icpbench run} per machine that ran it.
     *
     * @param index       from 0
     * @param name        its run directory's name (point-NNN)
     * @param settings    axis name to value
     * @param forksPerArm the forks (blocks) planned per arm
     * @param status      done, partial or not run
     * @param machines    per machine, its own analysis (blocks paired within the machine)
     * @param combined    with several machines, all their blocks in one analysis (each block still one machine's); else null
     */
    public record Point(int index, String name, Map<String, String> settings, int forksPerArm, String status, List<Machine> machines,
            Machine combined) {
        public Point {
            settings = new LinkedHashMap<>(settings);
            machines = List.copyOf(machines);
        }

        /** Every analysis of the point: each machine's, then the combined one if there is one. */
        public List<Machine> analyses() {
            List<Machine> all = new ArrayList<>(machines);
            if (combined != null) {
                all.add(combined);
            }
            return all;
        }
    }

    /**
     * A point's runs on one machine (or, as a point's {@code combined}, on all of them).
     *
     * @param host         the machine's host name ("all (2 machines)" for the combined analysis)
     * @param cpu          its CPU model
     * @param runs         the run directories, relative to the sweep directory where they lie in it
     * @param forks        forks finished
     * @param plannedForks forks planned in these runs
     * @param blocks       blocks with a finished fork
     * @param arms         every arm against the baseline, in arm order
     */
    public record Machine(String host, String cpu, List<String> runs, int forks, int plannedForks, int blocks, List<ArmResult> arms) {
        public Machine {
            runs = List.copyOf(runs);
            arms = List.copyOf(arms);
        }

        /** The result of {@code arm}, or null. */
        public ArmResult arm(String arm) {
            return arms.stream().filter(a -> a.arm().equals(arm)).findFirst().orElse(null);
        }
    }

    /**
     * One arm against the baseline at one point on one machine (the primary analysis). Numbers are
     * null where the arm has too few forks to compare.
     *
     * @param role      baseline, question, aa or planted
     * @param forks     its finished forks
     * @param method    paired (over blocks) or welch-log (fewer than 2 blocks held both)
     * @param n         blocks (paired) or the arm's forks (Welch)
     * @param ratio     rate ratio arm / baseline; ciLow, ciHigh its 95% interval
     * @param p         two-sided p; pAdjusted after Holm over the point's questions (a control's own p)
     * @param verdict   faster, slower, equivalent, inconclusive; "baseline"; "too few forks"
     * @param mde       the smallest change in rate detected at 80% power (relative: 0.05 = 5%)
     */
    public record ArmResult(String arm, String spec, String role, int forks, String method, Integer n, Double ratio, Double ciLow,
            Double ciHigh, Double p, Double pAdjusted, String verdict, Double mde) {
        /** Whether it has an estimate. */
        public boolean estimated() {
            return ratio != null;
        }

        /** Whether the verdict is a finding (faster, slower or equivalent), not inconclusive. */
        public boolean conclusive() {
            return "faster".equals(verdict) || "slower".equals(verdict) || "equivalent".equals(verdict);
        }
    }

    /** Verdict of the baseline's own row. */
    public static final String BASELINE = "baseline";
    /** Verdict of an arm that cannot be compared yet. */
    public static final String TOO_FEW = "too few forks";

    /**
     * Every arm of {@code r} against its baseline: the primary analysis ({@link Stats#vsBaseline}),
     * in arm order, the baseline and arms too few to compare included.
     */
    public static List<ArmResult> analyse(RunResults r, double margin, double effect) {
        List<Stats.LogRatio> primary = Stats.vsBaseline(r, margin, effect);
        List<ArmResult> out = new ArrayList<>();
        for (RunResults.Arm a : r.settings().arms()) {
            int forks = (int) r.forks().stream().filter(f -> f.arm().equals(a.name())).count();
            if (a.name().equals(r.settings().baseline())) {
                out.add(new ArmResult(a.name(), a.spec(), BASELINE, forks, null, null, null, null, null, null, null, BASELINE, null));
                continue;
            }
            Stats.LogRatio x = primary.stream().filter(l -> l.arm().equals(a.name())).findFirst().orElse(null);
            String role = switch (Stats.role(r.settings(), a.name()).role()) {
                case QUESTION -> "question";
                case AA -> "aa";
                case PLANTED -> "planted";
            };
            if (x == null) {
                out.add(new ArmResult(a.name(), a.spec(), role, forks, null, null, null, null, null, null, null, TOO_FEW, null));
                continue;
            }
            out.add(new ArmResult(a.name(), a.spec(), role, forks, x.method() == Stats.Method.PAIRED ? "paired" : "welch-log", x.n(),
                    finite(x.ratio()), finite(x.ratioLow()), finite(x.ratioHigh()), finite(x.p()), finite(x.pAdjusted()), x.verdict().word(),
                    finite(x.mde())));
        }
        return out;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    // ---------------------------------------------------------------- sweep.md

    /** The gain of an arm as the table shows it: "1.043 [1.029, 1.057] (+4.3%)", or "inconclusive (MDE 4.8%)". */
    public static String gain(ArmResult a) {
        if (a == null) {
            return "not run";
        }
        if (BASELINE.equals(a.verdict())) {
            return "baseline";
        }
        if (!a.estimated()) {
            return TOO_FEW + " (" + a.forks() + ")";
        }
        if (!a.conclusive()) {
            return a.mde() == null ? "inconclusive" : "inconclusive (MDE " + pct(a.mde()) + ")";
        }
        return String.format(Locale.ROOT, "%.3f [%s, %s] (%s)", a.ratio(), num(a.ciLow()), num(a.ciHigh()), signedPct(a.ratio() - 1));
    }

    private static String num(Double v) {
        return v == null ? "?" : String.format(Locale.ROOT, "%.3f", v);
    }

    static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    static String signedPct(double v) {
        return String.format(Locale.ROOT, "%+.1f%%", 100 * v);
    }

    /** The arm as a table names it: "aa (A/A control)", "planted (planted control)". */
    static String armLabel(ArmResult a) {
        return switch (a.role()) {
            case "aa" -> a.arm() + " (A/A control)";
            case "planted" -> a.arm() + " (planted control)";
            default -> a.arm();
        };
    }

    /** {@code sweep.md}: what was swept, then one row per point, machine and arm. */
    public static String markdown(Sweep s) {
        StringBuilder b = new StringBuilder("# icpbench sweep\n\n");
        header(s).forEach(l -> b.append(l).append("  \n"));
        b.append('\n');
        List<Axis> cols = s.varying();
        boolean manyMachines = s.machines().size() > 1;
        b.append("| point |");
        cols.forEach(a -> b.append(' ').append(a.title()).append(" |"));
        if (manyMachines) {
            b.append(" machine |");
        }
        b.append(" arm | vs ").append(s.baseline()).append(": rate ratio [95% CI] | verdict | blocks | MDE |\n|---|");
        cols.forEach(a -> b.append("---|"));
        if (manyMachines) {
            b.append("---|");
        }
        b.append("---|---|---|---|---|\n");
        for (Point p : s.points()) {
            List<Machine> ms = p.analyses();
            if (ms.isEmpty()) {
                b.append("| ").append(p.name()).append(" |");
                cols.forEach(a -> b.append(' ').append(a.label(p.settings().get(a.name()))).append(" |"));
                if (manyMachines) {
                    b.append(" - |");
                }
                b.append(" - | not run | - | - | - |\n");
                continue;
            }
            for (Machine m : ms) {
                for (ArmResult a : m.arms()) {
                    b.append("| ").append(p.name()).append(p.status().equals("done") ? "" : " (" + p.status() + ")").append(" |");
                    cols.forEach(ax -> b.append(' ').append(ax.label(p.settings().get(ax.name()))).append(" |"));
                    if (manyMachines) {
                        b.append(' ').append(m.host()).append(" |");
                    }
                    b.append(' ').append(armLabel(a)).append(" | ").append(gain(a)).append(" | ")
                            .append(BASELINE.equals(a.verdict()) ? "-" : a.verdict()).append(" | ")
                            .append(a.n() == null ? "-" : a.n() + ("welch-log".equals(a.method()) ? " forks (Welch)" : "")).append(" | ")
                            .append(a.mde() == null ? "-" : pct(a.mde())).append(" |\n");
                }
            }
        }
        b.append('\n').append(NOTES).append('\n');
        return b.toString();
    }

    static final String NOTES = "Each point is one `icpbench run`: every arm against the baseline, paired by block on log rates (its "
            + "report.md says more), Holm over that point's questions only. Across many points about 5% of the calls of a point "
            + "with no true effect are false: read a pattern over the grid, not one cell. MDE: the smallest change in rate the point's "
            + "run would detect at 80% power. Machines are a blocking factor: a point run on several machines is analysed per "
            + "machine, and its `all` row pairs only within each machine's blocks.";

    /** The lines above the table: the sweep's arms, axes, fixed settings and machines. */
    static List<String> header(Sweep s) {
        List<String> out = new ArrayList<>();
        long done = s.points().stream().filter(p -> p.status().equals("done")).count();
        out.add(String.format(Locale.ROOT, "sweep %s: %d points (%d done), collected %s", s.dir(), s.points().size(), done, s.collected()));
        out.add("arms: " + String.join(", ", s.arms()) + "; baseline " + s.baseline());
        List<String> varying = s.varying().stream().map(a -> a.title() + " " + String.join(", ", a.labels())).toList();
        out.add("axes: " + (varying.isEmpty() ? "none (one point)" : String.join("; ", varying)));
        List<String> fixed = s.axes().stream().filter(a -> a.values().size() == 1).map(a -> a.title() + " " + a.labels().get(0)).toList();
        if (!fixed.isEmpty()) {
            out.add("fixed: " + String.join("; ", fixed));
        }
        out.add("machines: " + (s.machines().isEmpty() ? "none yet" : String.join(", ", s.machines()))
                + (s.machines().size() > 1 ? " (analysed apart; blocks pair within a machine)" : ""));
        return out;
    }

    // ---------------------------------------------------------------- sweep.html

    /** Faster (blue) and slower (vermillion): the report's first two arm colours. */
    static final Color FASTER = HtmlReport.PALETTE[0];
    static final Color SLOWER = HtmlReport.PALETTE[1];
    private static final Color NEUTRAL = new Color(0xF7F7F7);

    /** {@code sweep.html}: heat maps of every question arm against the baseline, per machine, then the table. */
    public static String html(Sweep s) {
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
            tip = p.name() + (p.status().equals("done") ? "" : " (" + p.status() + ")") + ": " + gain(a) + ", " + a.verdict()
                    + (a.mde() == null ? "" : ", MDE " + pct(a.mde())) + ", " + a.n() + " blocks";
            if (a.conclusive()) {
                Color c = colour(Math.log(a.ratio()), limit);
                fill = hex(c);
                double lum = 0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue();
                ink = lum < 140 ? "#ffffff" : "#222";
                lines = new String[] {signedPct(a.ratio() - 1) + ("equivalent".equals(a.verdict()) ? " (equiv.)" : ""),
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
                            .append("</td><td>").append(BASELINE.equals(a.verdict()) ? "" : HtmlReport.escape(a.verdict())).append("</td><td class=\"num\">")
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
