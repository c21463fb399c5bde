package io.icpbench.harness.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.icpbench.dispatch.Mode;
import io.icpbench.dispatch.Placement;
import io.icpbench.harness.fork.SiteReport;
import io.icpbench.stack.Site;
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
 * deliveries must be identical. Only timing may differ. The learned modes run once per
 * {@link Placement} of their guard chains; one AF_PACKET tap makes the taps site (13) run too.
 */
class DifferentialModesTest {
    /** Every mode. */
    static final List<Mode> MODES = List.of(Mode.values());
    static final long PACKETS = 100_000;

    /** One fork: a mode, and for the learned modes a placement (null: the default, no property). */
    record Case(Mode mode, Placement placement) {
        String name() {
            return mode.cliName() + (placement == null ? "" : "-" + placement.cliName());
        }
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (Mode mode : MODES) {
            cases.add(new Case(mode, null));
            if (mode == Mode.DYNAMIC_CALL || mode == Mode.PROMOTED) {
                for (Placement p : Placement.values()) {
                    cases.add(new Case(mode, p));
                }
            }
        }
        return cases;
    }

    @Test
    void everyModeGivesIdenticalOutcomes(@TempDir Path dir) throws IOException {
        Map<Case, JsonNode> results = new LinkedHashMap<>();
        for (Case c : cases()) {
            Mode mode = c.mode();
            String name = c.name();
            Path json = dir.resolve(name + ".json");
            // Low thresholds make the learned sites patch often during the run: outcomes must not care.
            io.icpbench.dispatch.Learning learning = io.icpbench.dispatch.Learning.parse("thresholds=50,50,5"
                    + (c.placement() != null ? ";placement=" + c.placement().cliName() : ""));
            List<String> cmd = Forks.command(mode, learning, Map.of(), List.of("-Xmx512m"), List.of("stack", "--mode", mode.cliName(), "--profile", "uniform",
                    "--taps", "1", "--packets", Long.toString(PACKETS), "--warmup", "20000", "--json", json.toString(), "--out",
                    dir.resolve(name).toString()));
            JsonNode node = runFork(cmd, dir.resolve(name + ".log"), json);
            assertThat(node.get("mode").asText()).isEqualTo(mode.cliName());
            results.put(c, node);
        }
        JsonNode reference = strip(results.get(new Case(Mode.VIRTUAL, null)));
        assertThat(reference.get("received").asLong()).isEqualTo(PACKETS);
        assertThat(reference.get("outcomes").size()).as("the uniform profile ends packets in many ways").isGreaterThan(20);
        List<String> diffs = new ArrayList<>();
        for (Entry<Case, JsonNode> e : results.entrySet()) {
            JsonNode n = strip(e.getValue());
            if (!n.equals(reference)) {
                diffs.add(e.getKey().name() + ": " + n + "\n   vs virtual: " + reference);
            }
        }
        assertThat(diffs).as("cases whose results differ from virtual").isEmpty();
        // The learned modes did learn (else the comparison would prove little), at every site of the
        // table, and both name the sites by their kernel names.
        List<String> siteNames = java.util.Arrays.stream(Site.values()).map(s -> s.kernelName).toList();
        for (Case c : results.keySet()) {
            if (c.mode() != Mode.DYNAMIC_CALL && c.mode() != Mode.PROMOTED) {
                continue;
            }
            SiteReport sites = SiteReport.read(dir.resolve(c.name()));
            List<String> names = sites.sites().stream().map(SiteReport.Site::name).toList();
            if (c.mode() == Mode.DYNAMIC_CALL) {
                assertThat(names).as("%s: one learned site per site of the table", c.name()).containsExactlyInAnyOrderElementsOf(siteNames);
            } else {
                assertThat(names).as("%s: the promoted sites that ran include every site of the table, by kernel name", c.name())
                        .containsAll(siteNames);
                assertThat(Files.readString(dir.resolve(c.name() + ".log"))).contains("promoted: ").contains("0 classes failed");
            }
            assertThat(sites.sites().stream().mapToLong(SiteReport.Site::patches).sum()).as("%s: patches", c.name())
                    .isGreaterThan(Site.COUNT);
        }
        // The stack's class files are the same bytes in every mode (stackClassesSha256 is compared above).
        assertThat(reference.get("stackClassesSha256").asText()).startsWith("sha256:");
    }

    /**
     * A real capture (VXLAN over IPv4 and IPv6, fragments inside the tunnels, ICMP, NDP: see
     * captures/README.md) on its inferred host, looped, through every mode: outcomes identical too,
     * reassembly and multicast input included.
     */
    @Test
    void everyModeAgreesOnARealCaptureOnItsOwnHost(@TempDir Path dir) throws IOException {
        Path capture = Path.of("..", "captures", "vxlan.pcap").toAbsolutePath().normalize();
        assertThat(capture).as("the committed capture").isRegularFile();
        Map<Mode, JsonNode> results = new LinkedHashMap<>();
        for (Mode mode : MODES) {
            Path json = dir.resolve(mode.cliName() + ".json");
            List<String> cmd = Forks.command(mode, io.icpbench.dispatch.Learning.parse("thresholds=50,50,5"), Map.of(), List.of("-Xmx512m"), List.of("stack", "--mode",
                    mode.cliName(), "--profile", "pcap:" + capture, "--host", "auto", "--packets", "19400", "--warmup", "9700", "--json",
                    json.toString(), "--out", dir.resolve(mode.cliName()).toString()));
            results.put(mode, runFork(cmd, dir.resolve(mode.cliName() + ".log"), json));
        }
        JsonNode reference = strip(results.get(Mode.VIRTUAL));
        // 97 received frames a pass, 200 passes.
        assertThat(reference.get("received").asLong()).isEqualTo(19_400);
        assertThat(reference.get("counters").get("IpReasmOKs").asLong()).isEqualTo(400);
        assertThat(reference.get("counters").get("VxlanDecaps").asLong()).isPositive();
        for (Entry<Mode, JsonNode> e : results.entrySet()) {
            assertThat(strip(e.getValue())).as("%s against virtual", e.getKey().cliName()).isEqualTo(reference);
        }
    }

    /** Runs a fork's command line, its output to {@code log}; it must exit 0; returns the JSON it wrote. */
    private static JsonNode runFork(List<String> cmd, Path log, Path json) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(p.waitFor()).as("exit code of the fork; log %s:%n%s", log.getFileName(), Files.readString(log)).isZero();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return new ObjectMapper().readTree(json.toFile());
    }

    /** The result without what may differ between modes: the mode name and timing. */
    private static JsonNode strip(JsonNode node) {
        ObjectNode copy = node.deepCopy();
        copy.remove(List.of("mode", "nanos", "packetsPerSecond"));
        return copy;
    }
}
