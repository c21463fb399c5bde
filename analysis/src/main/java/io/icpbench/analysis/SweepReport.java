package io.icpbench.analysis;

import io.icpbench.results.RunResults;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A sweep's results: {@code sweep.json} (the model below), {@code sweep.md} (one table row per
 * point, machine and arm: the arm against the baseline as a rate ratio with its 95% CI, or
 * "inconclusive (MDE x%)") and {@code sweep.html} (heat maps of the question arms' log ratio over
 * two of the sweep's axes, inconclusive cells hatched and labelled with their MDE, then the table).
 *
 * <p>Every number is the primary analysis of one point's run ({@link Stats#vsBaseline}), read from
 * its {@link RunAnalysis}: paired by block, Holm over that point's one family. The machine is a
 * blocking factor: a point that ran on several machines is analysed per machine; the combined row
 * merges the machines' runs so that every block stays one machine's (pairs never span machines).
 * sweep.html is drawn by {@link SweepHtml}.
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
     * @param p         two-sided p; pAdjusted after Holm over the point's family (a control's own p); significant: pAdjusted
     *                  below α (the 95% CI's test)
     * @param margin    the equivalence margin (relative: 0.01 = ±1%); tostP TOST's p for it; equivalent: tostP below α (the 90% CI
     *                  inside the margin)
     * @param verdict   faster, slower (significant), equivalent (not significant, equivalent), inconclusive; "baseline"; "too few forks"
     * @param mde       the smallest change in rate detected at 80% power (relative: 0.05 = 5%)
     */
    public record ArmResult(String arm, String spec, String role, int forks, String method, Integer n, Double ratio, Double ciLow,
            Double ciHigh, Double p, Double pAdjusted, Boolean significant, Double margin, Double tostP, Boolean equivalent, String verdict,
            Double mde) {
        /** Whether it has an estimate. */
        public boolean estimated() {
            return ratio != null;
        }

        /** Whether the verdict is a finding (faster, slower or equivalent), not inconclusive. */
        public boolean conclusive() {
            return "faster".equals(verdict) || "slower".equals(verdict) || "equivalent".equals(verdict);
        }

        /**
         * The verdict as the tables show it: the word, and for a significant difference that is also
         * shown within the margin, that too ("slower; within ±1%"); "-" for the baseline.
         */
        public String verdictCell() {
            if (BASELINE.equals(verdict)) {
                return "-";
            }
            boolean both = Boolean.TRUE.equals(significant) && Boolean.TRUE.equals(equivalent);
            return both ? verdict + "; within ±" + MarkdownReport.percent(margin) : verdict;
        }
    }

    /** Verdict of the baseline's own row. */
    public static final String BASELINE = "baseline";
    /** Verdict of an arm that cannot be compared yet. */
    public static final String TOO_FEW = "too few forks";

    /**
     * Every arm of {@code r} against its baseline: the primary analysis ({@link Stats#vsBaseline}),
     * in arm order, the baseline and arms too few to compare included. A façade for {@link #analyse(RunAnalysis)}.
     */
    public static List<ArmResult> analyse(RunResults r, double margin, double effect) {
        return analyse(RunAnalysis.of(r, margin, effect));
    }

    /** Every arm of an analysed run against its baseline, in arm order, the baseline and arms too few to compare included. */
    public static List<ArmResult> analyse(RunAnalysis analysis) {
        List<ArmResult> out = new ArrayList<>();
        for (RunAnalysis.ArmAnalysis a : analysis.arms()) {
            int forks = a.forks().n();
            if (a.baseline()) {
                out.add(new ArmResult(a.name(), a.spec(), BASELINE, forks, null, null, null, null, null, null, null, null, null, null, null,
                        BASELINE, null));
                continue;
            }
            Stats.LogRatio x = a.primary();
            String role = switch (a.role().role()) {
                case QUESTION -> "question";
                case AA -> "aa";
                case PLANTED -> "planted";
            };
            if (x == null) {
                out.add(new ArmResult(a.name(), a.spec(), role, forks, null, null, null, null, null, null, null, null, null, null, null, TOO_FEW,
                        null));
                continue;
            }
            out.add(new ArmResult(a.name(), a.spec(), role, forks, x.method() == Stats.Method.PAIRED ? "paired" : "welch-log", x.n(),
                    finite(x.ratio()), finite(x.ratioLow()), finite(x.ratioHigh()), finite(x.p()), finite(x.pAdjusted()), x.significant(),
                    x.margin(), finite(x.tostP()), x.equivalent(), x.verdict().word(), finite(x.mde())));
        }
        return out;
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /**
     * A point's runs on one machine (or all machines' runs as its combined analysis), from their analysis.
     *
     * @param host     the machine's host name, or "all (N machines)"
     * @param cpu      its CPU model(s)
     * @param runs     the run directories, relative to the sweep directory where they lie in it
     * @param analysis the analysis of those runs merged into one (each block one machine's)
     */
    public static Machine machine(String host, String cpu, List<String> runs, RunAnalysis analysis) {
        RunResults r = analysis.run();
        int blocks = (int) r.forks().stream().mapToInt(RunResults.ForkResult::block).distinct().count();
        return new Machine(host, cpu, runs, r.forks().size(), r.plan().size(), blocks, analyse(analysis));
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
                            .append(a.verdictCell()).append(" | ")
                            .append(a.n() == null ? "-" : a.n() + ("welch-log".equals(a.method()) ? " forks (Welch)" : "")).append(" | ")
                            .append(a.mde() == null ? "-" : pct(a.mde())).append(" |\n");
                }
            }
        }
        b.append('\n').append(NOTES).append('\n');
        return b.toString();
    }

    static final String NOTES = "Each point is one `icpbench run`: every arm against the baseline, paired by block on log rates (its "
            + "report.md says more), Holm over that point's own family of questions. Verdict: faster or slower when significant (the 95% CI), "
            + "else equivalent when TOST puts the 90% CI inside the margin, else inconclusive; \"slower; within ±1%\" is a significant "
            + "difference smaller than the margin. Across many points about 5% of the calls of a point with no true effect are "
            + "false: read a pattern over the grid, not one cell. MDE: the smallest change in rate the point's run would detect at 80% "
            + "power. Machines are a blocking factor: a point run on several machines is analysed per "
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

    /** {@code sweep.html}: heat maps of every question arm against the baseline, per machine, then the table ({@link SweepHtml}). */
    public static String html(Sweep s) {
        return SweepHtml.render(s);
    }
}
