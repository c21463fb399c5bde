package io.icpbench.harness.run;

import io.icpbench.analysis.HtmlReport;
import io.icpbench.analysis.MarkdownReport;
import io.icpbench.analysis.RunAnalysis;
import io.icpbench.analysis.SummaryTable;
import io.icpbench.analysis.Turns;
import io.icpbench.harness.fork.SiteReport;
import io.icpbench.results.ResultsFiles;
import io.icpbench.results.RunResults;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What a finished run prints and writes: its summary table, the noise line, the site mix and report.md/report.html. */
public final class RunReport {
    private RunReport() {
    }

    /**
     * Writes report.md and report.html (each arm against the baseline, paired by block; 1% margin;
     * power planned for 1%) and prints the report's first sentence per arm.
     */
    public static void report(PrintStream out, RunAnalysis a, Path dir) throws IOException {
        RunResults r = a.run();
        if (r.forks().stream().map(RunResults.ForkResult::arm).distinct().count() < 2
                || r.settings().armNames().stream().anyMatch(m -> r.forks().stream().filter(f -> f.arm().equals(m)).count() < 2)) {
            out.println("\n(no report: every arm needs at least 2 finished forks)");
            return;
        }
        Files.writeString(dir.resolve("report.md"), MarkdownReport.render(a));
        Files.writeString(dir.resolve("report.html"), HtmlReport.render(a, dir));
        out.println();
        out.println("each arm against " + r.settings().baseline() + " (paired by block):");
        MarkdownReport.headlines(a).forEach(l -> out.println("  " + l));
        out.println("(report: " + dir.resolve("report.md") + " and report.html)");
    }

    /** The equivalence margin of the report: ±1%. */
    public static final double MARGIN = 0.01;
    /** The change the report's power, MDE and blocks-needed columns plan for: 1%, the question's size. */
    public static final double PLAN_EFFECT = 0.01;

    /** The analysis of a run as the run's summary and report read it (margin and planned effect 1%). */
    public static RunAnalysis analyse(RunResults r) {
        return RunAnalysis.of(r, MARGIN, PLAN_EFFECT);
    }

    /** {@link #analyse(RunResults)} of the run in {@code dir}, with its turns.csv when it has one (drift against time). */
    public static RunAnalysis analyse(RunResults r, Path dir) {
        return RunAnalysis.of(r, MARGIN, PLAN_EFFECT, turns(dir, System.err));
    }

    /**
     * The turns of the run in {@code dir} ({@link Turns#read}), or null when it has none or they
     * cannot be read: then the error is printed on {@code err} and the report goes on without them
     * (its drift against fork order). A turns.csv torn by a killed run must not cost the run its report.
     */
    public static Turns turns(Path dir, PrintStream err) {
        try {
            return Turns.read(dir);
        } catch (java.io.UncheckedIOException | io.icpbench.results.ResultsException e) {
            err.println("icpbench: " + e.getMessage() + "; the report's drift is against fork order instead of time");
            return null;
        }
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

    /** The summary of a finished run: the run, the per-arm table with the patch accounting, the noise, the site mix, the files. */
    public static void summary(PrintStream out, RunAnalysis a, Path dir) {
        SummaryTable.print(out, a);
        RunResults r = a.run();
        siteMix(out, r, dir);
        out.println();
        boolean live = RunSpec.of(r.settings()).traffic() instanceof TrafficSpec.Live;
        out.println("results: " + dir.resolve(ResultsFiles.RESULTS) + " (and " + ResultsFiles.CSV + (live ? "" : ", fork-NNN/jmh.json")
                + ", fork-NNN/latency.hlog, fork-NNN/jit.log" + (live ? ", fork-NNN/fork.log with each fork's live accounting" : "") + ")");
    }
}
