package io.icpbench.analysis;

import io.icpbench.results.RunResults;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code icpbench run} prints when a run ends, before the traffic's site mix: the run in four
 * lines ({@link #heading}), the per-arm table with the patch accounting and its notes
 * ({@link #lines}), and the noise of the run in one line ({@link #noiseLine}). Each line without
 * its line separator.
 *
 * <p>The table's Mpps and CV are those of report.md's arm table (the mean of the forks' packets
 * per second, and their CV), so a ratio read off this column is the report's; with fewer than 2
 * forks the CV shows as 0.0%.
 */
public final class SummaryTable {
    private SummaryTable() {
    }

    /** "icpbench run: host vm, JDK 25, ...", the design, the traffic, the phases and the arms not named after their spec. */
    public static List<String> heading(RunAnalysis a) {
        RunResults.Settings s = a.run().settings();
        RunResults.Provenance p = a.run().provenance();
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "icpbench run: %sJDK %s, %d cores (%s), %s, commit %s", p.host() == null ? "" : "host " + p.host() + ", ",
                p.jdk(), p.cores(), p.cpuModel(), p.kernel(), p.gitCommit()));
        out.add(String.format(Locale.ROOT, "design: %s, %d arms x %d forks in randomized blocks (seed %d), %d x %.2f s warmup, %d x %.2f s "
                + "measurement; baseline %s", s.design(), s.arms().size(), s.forksPerArm(), s.seed(), s.warmupIterations(), s.iterationSeconds(),
                s.iterations(), s.iterationSeconds(), s.baseline()));
        if (!s.levers().isEmpty()) {
            out.add(MarkdownReport.levers(s));
        }
        out.add(String.format(Locale.ROOT, "profile %s, work %s ns/handler, %d RX worker%s, sites converted: %s", s.profile(), s.workNs(),
                s.workers(), s.workers() == 1 ? "" : "s", s.sites()));
        if (!s.phases().isEmpty()) {
            out.add(MarkdownReport.phasesLine(s));
        }
        for (RunResults.Arm arm : s.arms()) {
            if (!arm.spec().equals(arm.name())) {
                out.add(String.format(Locale.ROOT, "arm %s = %s", arm.name(), arm.spec()));
            }
        }
        return out;
    }

    /**
     * The per-arm table: its header, one line per arm (forks, Mpps, CV, ns/packet and the patch
     * accounting's columns, see {@link PatchCosts#columns}), then the notes: what the columns mean,
     * each arm's learn-once twin, and the kernel's price of a patch.
     */
    public static List<String> lines(RunAnalysis a) {
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "%-18s %3s %8s %7s %10s %s", "arm", "n", "Mpps", "CV", "ns/packet", PatchCosts.header()));
        for (RunAnalysis.ArmAnalysis arm : a.arms()) {
            RunAnalysis.ForkSummary f = arm.forks();
            out.add(String.format(Locale.ROOT, "%-18s %3d %8.3f %6.1f%% %10.1f %s", arm.name(), f.n(), f.mpps(), 100 * (f.n() > 1 ? f.cv() : 0),
                    f.nsPerPacket(), PatchCosts.columns(arm.cost())));
        }
        out.add("(" + PatchCosts.COLUMNS_NOTE + ")");
        PatchCosts.twinLines(a.costs()).forEach(l -> out.add("(" + l + ")"));
        out.add("(" + PatchCosts.KERNEL_NOTE + ")");
        return out;
    }

    /**
     * "noise: 18 of 18 forks ran under interference; over the measurement, steal 0.0%, ..." with a
     * warning when more than half were flagged; null when no fork recorded its noise.
     */
    public static String noiseLine(RunAnalysis a) {
        Diagnostics.RunNoise n = a.diagnostics().noise();
        if (n == null) {
            return null;
        }
        return String.format(Locale.ROOT, "noise: %d of %d forks ran under interference; over the measurement, steal %.1f%%, other processes "
                + "%.1f%% of all CPUs' time (mean of forks), load average up to %.2f%s", n.flagged(), n.recorded(), n.stealPercent(),
                n.othersPercent(), n.maxLoadAverage(), n.flagged() > n.recorded() / 2 ? "  <- a weak run: the machine was busy" : "");
    }

    /** Prints the heading, a blank line, the table with its notes and the noise line (if any), as {@code icpbench run} does. */
    public static void print(PrintStream out, RunAnalysis a) {
        heading(a).forEach(out::println);
        out.println();
        lines(a).forEach(out::println);
        String noise = noiseLine(a);
        if (noise != null) {
            out.println(noise);
        }
    }
}
