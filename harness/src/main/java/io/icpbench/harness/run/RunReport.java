package io.icpbench.harness.run;

import io.icpbench.analysis.HtmlReport;
import io.icpbench.analysis.MarkdownReport;
import io.icpbench.analysis.PatchCosts;
import io.icpbench.analysis.Stats;
import io.icpbench.harness.fork.SiteReport;
import io.icpbench.results.ResultsFiles;
import io.icpbench.results.RunResults;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** What a finished run prints and writes: its summary table, the noise line, the site mix and report.md/report.html. */
public final class RunReport {
    private RunReport() {
    }

    /**
     * Writes report.md and report.html (each arm against the baseline, paired by block; 1% margin;
     * power planned for 1%) and prints the report's first sentence per arm.
     */
    public static void report(PrintStream out, RunResults r, Path dir) throws IOException {
        if (r.forks().stream().map(RunResults.ForkResult::arm).distinct().count() < 2
                || r.settings().armNames().stream().anyMatch(m -> r.forks().stream().filter(f -> f.arm().equals(m)).count() < 2)) {
            out.println("\n(no report: every arm needs at least 2 finished forks)");
            return;
        }
        String text = MarkdownReport.render(r, MARGIN, PLAN_EFFECT);
        Files.writeString(dir.resolve("report.md"), text);
        Files.writeString(dir.resolve("report.html"), HtmlReport.render(r, dir, MARGIN, PLAN_EFFECT));
        out.println();
        out.println("each arm against " + r.settings().baseline() + " (paired by block):");
        MarkdownReport.headlines(r, MARGIN).forEach(l -> out.println("  " + l));
        out.println("(report: " + dir.resolve("report.md") + " and report.html)");
    }

    /** The equivalence margin of the report: ±1%. */
    public static final double MARGIN = 0.01;
    /** The change the report's power, MDE and blocks-needed columns plan for: 1%, the question's size. */
    public static final double PLAN_EFFECT = 0.01;

    /** One line on what else the machine did while the forks measured (their noise records), if they have any. */
    public static void noiseLine(PrintStream out, RunResults r) {
        List<RunResults.Noise> n = r.forks().stream().map(RunResults.ForkResult::noise).filter(java.util.Objects::nonNull).toList();
        if (n.isEmpty()) {
            return;
        }
        long flagged = n.stream().filter(RunResults.Noise::interfered).count();
        out.printf(Locale.ROOT, "noise: %d of %d forks ran under interference; over the measurement, steal %.1f%%, other processes %.1f%% "
                + "of all CPUs' time (mean of forks), load average up to %.2f%s%n", flagged, n.size(),
                n.stream().mapToDouble(RunResults.Noise::stealPercent).average().orElse(0),
                n.stream().mapToDouble(RunResults.Noise::othersPercent).average().orElse(0),
                n.stream().mapToDouble(RunResults.Noise::loadAverage).max().orElse(0), flagged > n.size() / 2 ? "  <- a weak run: the machine was busy" : "");
    }

    /**
     * The target mix of each learned site, from the first fork that learned (its sites.json): the
     * traffic's skew at every call site, the same for every arm of the run.
     */
    static void siteMix(PrintStream out, RunResults r, Path dir) {
        for (RunResults.ForkResult f : r.forks()) {
            Path forkDir = f.jmhJson() == null ? null : dir.resolve(f.jmhJson()).getParent();
            if (forkDir == null || !Files.isRegularFile(forkDir.resolve(SiteReport.FILE))) {
                continue;
            }
            try {
                SiteReport sites = SiteReport.read(forkDir);
                out.println();
                out.printf(Locale.ROOT, "(from %s, arm %s; every learned fork's: icpbench sites %s/fork-NNN)%n", dir.relativize(forkDir),
                        f.arm(), dir);
                sites.printMix(out);
                sites.printPhases(out);
            } catch (IllegalArgumentException e) {
                out.println("(" + e.getMessage() + ")");
            }
            return;
        }
    }

    /** The per-arm table with the patch accounting (the statistics issue turns this into the report). */
    public static void summary(PrintStream out, RunResults r, Path dir) {
        RunResults.Settings s = r.settings();
        RunResults.Provenance p = r.provenance();
        out.printf(Locale.ROOT, "icpbench run: %sJDK %s, %d cores (%s), %s, commit %s%n", p.host() == null ? "" : "host " + p.host() + ", ",
                p.jdk(), p.cores(), p.cpuModel(), p.kernel(), p.gitCommit());
        out.printf(Locale.ROOT, "design: %s, %d arms x %d forks in randomized blocks (seed %d), %d x %.2f s warmup, %d x %.2f s measurement; "
                + "baseline %s%n", s.design(), s.arms().size(), s.forksPerArm(), s.seed(), s.warmupIterations(), s.iterationSeconds(),
                s.iterations(), s.iterationSeconds(), s.baseline());
        out.printf(Locale.ROOT, "profile %s, work %s ns/handler, %d RX worker%s, sites converted: %s%n", s.profile(), s.workNs(),
                s.workers(), s.workers() == 1 ? "" : "s", s.sites());
        if (!s.phases().isEmpty()) {
            out.println(MarkdownReport.phasesLine(s));
        }
        for (RunResults.Arm a : s.arms()) {
            if (!a.spec().equals(a.name())) {
                out.printf(Locale.ROOT, "arm %s = %s%n", a.name(), a.spec());
            }
        }
        out.println();
        java.util.Map<String, PatchCosts.ArmCost> costs = PatchCosts.perArm(r);
        out.printf(Locale.ROOT, "%-18s %3s %8s %7s %10s %s%n", "arm", "n", "Mpps", "CV", "ns/packet", PatchCosts.header());
        for (String arm : s.armNames()) {
            // Mpps and its CV on the scale the report compares (the mean of the forks' packets/s), so a ratio
            // read off this column is the report's; ns/packet is the mean of the forks' ns/packet.
            double[] m = r.forks().stream().filter(f -> f.arm().equals(arm)).mapToDouble(RunResults.ForkResult::meanNsPerPacket).toArray();
            double[] rates = java.util.Arrays.stream(m).map(ns -> 1e3 / ns).toArray();
            double mpps = m.length == 0 ? Double.NaN : Stats.mean(rates);
            double cv = m.length > 1 ? Stats.sd(rates) / mpps : 0;
            out.printf(Locale.ROOT, "%-18s %3d %8.3f %6.1f%% %10.1f %s%n", arm, m.length, mpps, 100 * cv,
                    m.length == 0 ? Double.NaN : Stats.mean(m), PatchCosts.columns(costs.get(arm)));
        }
        out.println("(" + PatchCosts.COLUMNS_NOTE + ")");
        PatchCosts.twinLines(costs).forEach(l -> out.println("(" + l + ")"));
        out.println("(" + PatchCosts.KERNEL_NOTE + ")");
        noiseLine(out, r);
        siteMix(out, r, dir);
        out.println();
        boolean live = r.settings().profile().startsWith(io.icpbench.harness.traffic.TrafficSource.LIVE_PREFIX);
        out.println("results: " + dir.resolve(ResultsFiles.RESULTS) + " (and " + ResultsFiles.CSV + (live ? "" : ", fork-NNN/jmh.json")
                + ", fork-NNN/latency.hlog, fork-NNN/jit.log" + (live ? ", fork-NNN/fork.log with each fork's live accounting" : "") + ")");
    }
}
