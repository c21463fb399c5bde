package io.icpbench.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.icpbench.results.RunResults;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
    @Test
    void theReportHoldsTheTextAndOnePlotPerSection(@TempDir Path dir) throws Exception {
        double[][] it = {{150, 151}, {140, 141}, {152, 150}, {139, 140}, {151, 149}, {141, 139}};
        String[] modes = {"virtual", "devirtualized", "virtual", "devirtualized", "virtual", "devirtualized"};
        RunResults r = DiagnosticsTest.run(List.of("virtual", "devirtualized"), it, modes);
        String html = HtmlReport.render(r, dir, 0.01, 0.015);
        assertThat(html).startsWith("<!doctype html>").contains("devirtualized vs virtual: +").contains("Welch t-test p=");
        // strip plot, drift, forest plot, power curve (no .hlog files here, so no latency plot)
        assertThat(html.split("data:image/png;base64,", -1)).hasSize(5);
        assertThat(MarkdownReport.render(r, 0.01, 0.015)).contains("devirtualized vs virtual").contains(": faster");
    }
}
