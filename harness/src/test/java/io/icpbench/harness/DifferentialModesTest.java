package io.icpbench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.icpbench.dispatch.Mode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same traffic through every dispatch mode, each in its own JVM: counters, outcomes and
 * deliveries must be identical. Only timing may differ.
 */
class DifferentialModesTest {
    /** Every mode. */
    static final List<Mode> MODES = List.of(Mode.values());

    @Test
    void everyModeGivesIdenticalOutcomes(@TempDir Path dir) throws IOException {
        Map<Mode, JsonNode> results = new LinkedHashMap<>();
        for (Mode mode : MODES) {
            Path json = dir.resolve(mode.cliName() + ".json");
            // Low thresholds make the learned sites patch often during the run: outcomes must not care.
            Map<String, String> props = Map.of("icpbench.thresholds", "50,50,5");
            List<String> cmd = Forks.command(mode, props, List.of("-Xmx512m"), List.of("stack", "--mode", mode.cliName(), "--profile", "uniform",
                    "--packets", "150000", "--warmup", "20000", "--json", json.toString(), "--out", dir.resolve(mode.cliName()).toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(mode.cliName() + ".log").toFile()).start();
            try {
                assertThat(p.waitFor()).as("exit code of the %s fork; log:%n%s", mode, Files.readString(dir.resolve(mode.cliName() + ".log")))
                        .isZero();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            JsonNode node = new ObjectMapper().readTree(json.toFile());
            assertThat(node.get("mode").asText()).isEqualTo(mode.cliName());
            results.put(mode, node);
        }
        JsonNode reference = strip(results.get(Mode.VIRTUAL));
        assertThat(reference.get("received").asLong()).isEqualTo(150000);
        assertThat(reference.get("outcomes").size()).as("the uniform profile ends packets in many ways").isGreaterThan(20);
        List<String> diffs = new ArrayList<>();
        for (Entry<Mode, JsonNode> e : results.entrySet()) {
            JsonNode n = strip(e.getValue());
            if (!n.equals(reference)) {
                diffs.add(e.getKey() + ": " + n + "\n   vs virtual: " + reference);
            }
        }
        assertThat(diffs).as("modes whose results differ from virtual").isEmpty();
        // The learned modes did learn (else the comparison would prove little).
        SiteReport sites = SiteReport.read(dir.resolve("dynamic-call"));
        assertThat(sites.sites()).hasSize(12);
        assertThat(sites.sites().stream().mapToLong(SiteReport.Site::patches).sum()).isGreaterThan(12);
        SiteReport promoted = SiteReport.read(dir.resolve("promoted"));
        assertThat(promoted.sites()).as("promoted sites that ran").hasSizeGreaterThanOrEqualTo(12);
        assertThat(promoted.sites().stream().mapToLong(SiteReport.Site::patches).sum()).isGreaterThan(12);
        assertThat(Files.readString(dir.resolve("promoted.log"))).contains("promoted: ").contains("0 classes failed");
        // The stack's class files are the same bytes in every mode (stackClassesSha256 is compared above).
        assertThat(reference.get("stackClassesSha256").asText()).startsWith("sha256:");
    }

    /** The result without what may differ between modes: the mode name and timing. */
    private static JsonNode strip(JsonNode node) {
        ObjectNode copy = node.deepCopy();
        copy.remove(List.of("mode", "nanos", "packetsPerSecond"));
        return copy;
    }
}
