package io.icpbench.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.icpbench.results.ResultsFiles;
import io.icpbench.results.RunResults;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The recorded run of the harness' GoldenRunTest (icpbench run --quick --forks 3 --seed 7, commit
 * e687c07, 6 arms x 3 forks; a copy of its results.json, report.md and summary.txt), analysed once:
 * report.md, the headlines and the summary's table must come out as they were recorded. A deliberate
 * change of what a run says is re-recorded with the harness' GoldenRunTest ({@code -Dicpbench.golden.record=true}).
 */
class GoldenAnalysisTest {
    static final Path RUN = Path.of("src/test/resources/golden/quick-seed7");

    static RunAnalysis analysis() {
        return RunAnalysis.of(ResultsFiles.read(RUN), 0.01, 0.01);
    }

    @Test
    void theReportIsTheRecordedOne() throws Exception {
        assertThat(MarkdownReport.render(analysis())).isEqualTo(Files.readString(RUN.resolve("report.md")));
    }

    @Test
    void theSummaryTableIsTheRecordedOne() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            SummaryTable.print(out, analysis());
        }
        // the summary as recorded, up to the site mix (which the harness prints from the forks' sites.json)
        String recorded = Files.readString(RUN.resolve("summary.txt"));
        String upToTheMix = recorded.substring(0, recorded.indexOf("\n\n(from fork-000") + 1);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(upToTheMix);
    }

    @Test
    void theHeadlinesAreTheRecordedOnes() throws Exception {
        List<String> recorded = Files.readString(RUN.resolve("summary.txt")).lines().toList();
        RunAnalysis a = analysis();
        List<String> headlines = MarkdownReport.headlines(a);
        assertThat(recorded.subList(recorded.size() - headlines.size(), recorded.size())).isEqualTo(headlines);
        // the façade, which plans power for the margin, says the same
        assertThat(MarkdownReport.headlines(a.run(), 0.01)).isEqualTo(headlines);
    }

    @Test
    void theTablesMppsIsTheReportsOwn() {
        // One number, computed once: the summary's Mpps column and report.md's arm table print the same figure.
        RunAnalysis a = analysis();
        String md = MarkdownReport.render(a);
        List<String> mdRows = new ArrayList<>();
        List<String> tableRows = new ArrayList<>();
        for (RunResults.Arm arm : a.run().settings().arms()) {
            String mpps = String.format(java.util.Locale.ROOT, "%.3f", a.arm(arm.name()).forks().mpps());
            mdRows.add(md.lines().filter(l -> l.matches(arm.name() + " +3 +" + java.util.regex.Pattern.quote(mpps) + " .*")).findFirst().orElse(null));
            tableRows.add(SummaryTable.lines(a).stream().filter(l -> l.matches(arm.name() + " +3 +" + java.util.regex.Pattern.quote(mpps) + " .*"))
                    .findFirst().orElse(null));
        }
        assertThat(mdRows).doesNotContainNull();
        assertThat(tableRows).doesNotContainNull();
    }
}
