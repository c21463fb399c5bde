package io.icpbench.harness.cli;

import io.icpbench.analysis.MarkdownReport;
import io.icpbench.results.ResultsFiles;
import io.icpbench.results.RunResults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code icpbench report DIR}: the statistics of a run as report.md. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write report.md and report.html (with plots) for a run: each arm against the baseline, paired by block.",
            "",
            "Per arm, first one sentence: faster or slower when significant (Holm p < 0.05, the 95%% CI), else equivalent "
                + "within --margin (TOST: the 90%% CI inside it), else inconclusive, with both facts, the rate ratio, its 95%% CI "
                + "(paired by block on log rates, Holm over the questions of the whole run and its phases; the A/A and planted "
                + "controls uncorrected) and the minimum detectable effect (non-central t); then the table behind it (power and blocks needed for --effect), "
                + "Welch's t-test on fork means as the secondary analysis, noise, patch accounting and diagnostics."})
public final class ReportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "A run directory.")
    Path dir;

    @Option(names = "--margin", paramLabel = "PERCENT", defaultValue = "1",
            description = "Equivalence margin, percent of the baseline. Default: ${DEFAULT-VALUE}.")
    double marginPercent;

    @Option(names = "--effect", paramLabel = "PERCENT", defaultValue = "1",
            description = "The effect power and the blocks (forks per arm) needed are planned for. Default: ${DEFAULT-VALUE}.")
    double effectPercent;

    @Override
    public Integer call() throws IOException {
        if (!(marginPercent > 0 && marginPercent < 100) || !(effectPercent > 0 && effectPercent < 100)) {
            throw new IllegalArgumentException("--margin=" + marginPercent + ", --effect=" + effectPercent + ": expected 0..100 percent");
        }
        RunResults r = ResultsFiles.read(dir);
        Path runDir = Files.isDirectory(dir) ? dir : dir.getParent();
        io.icpbench.analysis.RunAnalysis a = io.icpbench.analysis.RunAnalysis.of(r, marginPercent / 100, effectPercent / 100,
                io.icpbench.harness.run.RunReport.turns(runDir, System.err));
        String text = MarkdownReport.render(a);
        Path md = runDir.resolve("report.md");
        Files.writeString(md, text);
        Path html = runDir.resolve("report.html");
        Files.writeString(html, io.icpbench.analysis.HtmlReport.render(a, runDir));
        System.out.print(text);
        System.out.println("(written to " + md + " and " + html + ")");
        return 0;
    }
}
