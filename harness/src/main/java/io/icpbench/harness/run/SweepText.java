package io.icpbench.harness.run;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** How a sweep's plan and settings read to a person: numbers, axis labels, the plan table, shell-quoted arguments. */
public final class SweepText {
    private SweepText() {
    }

    /** A number without a trailing ".0": 100.0 → "100", 0.5 → "0.5". */
    public static String number(double v) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("not a finite number: " + v);
        }
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    /** An axis value as tables show it. */
    public static String label(String axis, String value) {
        if (value == null) {
            return "-";
        }
        return switch (axis) {
            case "skew" -> SweepPlan.UNIFORM.equals(value) ? "uniform" : value + "%";
            case "profile" -> value.contains("/") ? Path.of(value).getFileName().toString() : value;
            default -> value;
        };
    }

    /** An axis' title in tables, with its unit. */
    public static String title(String axis) {
        return switch (axis) {
            case "work" -> "work (ns/call)";
            case "skew" -> "skew (udp4 share)";
            case "profile" -> "profile";
            case "sites" -> "sites converted";
            case "workers" -> "RX workers";
            default -> axis;
        };
    }

    /** The plan as a table: each point's settings, design and estimated time; the total; the first point's run command. */
    public static void printPlan(PrintStream out, SweepPlan plan, Path dir) {
        List<String> varying = plan.axes().entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::getKey).toList();
        out.printf(Locale.ROOT, "icpbench sweep: %d point%s, each an 'icpbench run' of %d arms (%s; baseline %s), seed %d%n", plan.points().size(),
                plan.points().size() == 1 ? "" : "s", plan.arms().size(), String.join(", ", plan.arms()), plan.baseline(), plan.seed());
        List<String> fixed = plan.axes().entrySet().stream().filter(e -> e.getValue().size() == 1)
                .map(e -> title(e.getKey()) + " " + label(e.getKey(), e.getValue().get(0))).toList();
        if (!fixed.isEmpty()) {
            out.println("fixed: " + String.join(", ", fixed));
        }
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-10s", "point"));
        varying.forEach(a -> head.append(String.format(Locale.ROOT, " %-" + width(plan, a) + "s", title(a))));
        head.append(String.format(Locale.ROOT, " %9s %-22s %9s", "forks/arm", "iterations (warmup+)", "time"));
        out.println(head);
        double total = 0;
        for (SweepPlan.Point p : plan.points()) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-10s", p.name()));
            varying.forEach(a -> line.append(String.format(Locale.ROOT, " %-" + width(plan, a) + "s", label(a, p.settings().get(a)))));
            line.append(String.format(Locale.ROOT, " %9d %-22s %9s", p.forks(), String.format(Locale.ROOT, "%d+%d x %s s", p.warmupIterations(),
                    p.iterations(), SweepPlan.seconds(p.iterationSeconds())), Progress.duration(p.estimatedSeconds())));
            out.println(line);
            total += p.estimatedSeconds();
        }
        out.printf(Locale.ROOT, "total: about %s for %d points (each run's own estimate: its blocks' JVM starts and turns; the machine's pace "
                + "can differ; no calibration suite at points)%n", longDuration(total), plan.points().size());
        if (!plan.points().isEmpty()) {
            SweepPlan.Point p = plan.points().get(0);
            List<String> args = p.runArgs(plan.common(), dir, p.forks(), p.seed());
            out.println("point-000 runs: icpbench run " + String.join(" ", args.stream().map(SweepText::quote).toList()) + " --out "
                    + quote(dir.resolve(p.name()).toString()));
        }
    }

    private static int width(SweepPlan plan, String axis) {
        int w = title(axis).length();
        for (String v : plan.axes().get(axis)) {
            w = Math.max(w, label(axis, v).length());
        }
        return w;
    }

    /** "1h20m" or "5m03s". */
    public static String longDuration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60) : Progress.duration(seconds);
    }

    /** An argument as a POSIX shell reads it back. */
    public static String quote(String s) {
        return s.matches("[A-Za-z0-9_./,:=+@%-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

}
