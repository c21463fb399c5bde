package io.icpbench.harness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.icpbench.harness.run.ForkPlan;
import io.icpbench.harness.run.RunReport;
import io.icpbench.results.ResultsFiles;
import io.icpbench.results.RunResults;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A recorded run (icpbench run --quick --forks 3 --seed 7 on this project's machine, commit
 * e687c07, 6 arms x 3 forks) read back: its report.md and its summary must come out as they did
 * when it was recorded. Refactoring the harness or the analysis must not change what a run says.
 *
 * <p>A deliberate change of what a run says (a new verdict rule, a new figure) re-records the
 * expected report.md and summary.txt from the recorded results.json: run this class with
 * {@code -Dicpbench.golden.record=true} (the tests then write the files and are skipped, not
 * passed), then read the diff and keep only what was meant. The results.json input is never rewritten.
 */
class GoldenRunTest {
    // One copy of the recording, in the analysis module (its GoldenAnalysisTest reads it too).
    static final Path RUN = Path.of("../analysis/src/test/resources/golden/quick-seed7");
    /** Re-record the expected outputs instead of comparing with them (see the class comment). */
    static final boolean RECORD = Boolean.getBoolean("icpbench.golden.record");

    /** Compares {@code text} with the recorded {@code file}; or, when re-recording, writes it there and skips. */
    static void recorded(String text, String file) throws java.io.IOException {
        if (RECORD) {
            Files.writeString(RUN.resolve(file), text);
            org.junit.jupiter.api.Assumptions.abort(file + " re-recorded: read its diff");
        }
        assertThat(text).isEqualTo(Files.readString(RUN.resolve(file)));
    }

    @Test
    void theReportIsTheRecordedOne() throws Exception {
        RunResults r = ResultsFiles.read(RUN);
        recorded(io.icpbench.analysis.MarkdownReport.render(RunReport.analyse(r)), "report.md");
    }

    @Test
    void theSummaryAndHeadlinesAreTheRecordedOnes() throws Exception {
        RunResults r = ResultsFiles.read(RUN);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            RunReport.summary(out, RunReport.analyse(r), RUN);
            out.println();
            io.icpbench.analysis.MarkdownReport.headlines(RunReport.analyse(r)).forEach(out::println);
        }
        String text = bytes.toString(StandardCharsets.UTF_8).replace(RUN.toString(), "RUN");
        recorded(text, "summary.txt");
    }

    @Test
    void theSameSeedGivesTheSamePlan() {
        RunResults r = ResultsFiles.read(RUN);
        assertThat(ForkPlan.plan(r.settings().arms(), r.settings().forksPerArm(), r.settings().seed(), r.settings().baseline(), 1))
                .isEqualTo(r.plan());
    }
}
