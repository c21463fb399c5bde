package io.icpbench.harness.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.icpbench.harness.Main;
import io.icpbench.harness.fork.PhaseSites;
import io.icpbench.harness.fork.SiteReport;
import io.icpbench.harness.traffic.TrafficProfile;
import io.icpbench.harness.traffic.TrafficSource;
import io.icpbench.stack.Counter;
import io.icpbench.stack.Counters;
import io.icpbench.stack.Outcome;
import io.icpbench.stack.StackOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code icpbench stack} on traffic with phases: the switch at the exact packet, each phase's counters, the printout. */
class StackRunPhasesTest {
    /** Three phases of one class each: IPv4 UDP, IPv6 UDP, ARP, so each counter belongs to one phase alone. */
    static final String THREE = """
            frames = 64
            [phase four]
            length = 33%
            mix.udp4 = 1
            [phase six]
            length = 33%
            mix.udp6 = 1
            [phase arp]
            mix.arp = 1
            """;

    @ParameterizedTest
    @CsvSource({"10001, 64", "3000, 7", "999, 13", "3, 1"})
    void eachPhaseGetsExactlyItsPacketsAndCountsOnlyThem(long packets, int batch, @TempDir Path dir) throws IOException {
        Path file = dir.resolve("three.profile");
        java.nio.file.Files.writeString(file, THREE);
        TrafficSource.Traffic t = TrafficSource.load(file.toString());
        List<TrafficProfile.Span> spans = t.spans(packets, "packet");
        StackRun.Result r = StackRun.run(t, StackOptions.DEFAULT, packets, batch, 0, null);
        assertThat(r.phases()).hasSize(3);
        Counters sum = new Counters();
        for (int k = 0; k < 3; k++) {
            StackRun.PhaseResult ph = r.phases().get(k);
            assertThat(ph.span()).isEqualTo(spans.get(k));
            long n = ph.span().length();
            Counters c = ph.counters();
            assertThat(c.received()).as("packets of phase %d", k + 1).isEqualTo(n);
            // Only this phase's class: the switch happened at the packet the span says, not a batch later.
            assertThat(c.get(Counter.IP_IN_RECEIVES)).as("IPv4 in phase %d", k + 1).isEqualTo(k == 0 ? n : 0);
            assertThat(c.get(Counter.IP6_IN_RECEIVES)).as("IPv6 in phase %d", k + 1).isEqualTo(k == 1 ? n : 0);
            assertThat(c.get(Counter.ARP_IN)).as("ARP in phase %d", k + 1).isEqualTo(k == 2 ? n : 0);
            assertThat(c.inFlight()).isZero();
            sum.add(c);
        }
        // The phases add up to the whole run.
        assertThat(sum.snmpSnapshot()).isEqualTo(r.counters().snmpSnapshot());
        assertThat(sum.outcomeSnapshot()).isEqualTo(r.counters().outcomeSnapshot());
        assertThat(r.counters().received()).isEqualTo(packets);
        assertThat(PhaseSites.ended()).hasSize(3);
    }

    @Test
    void aProfileWithoutPhasesHasNoPhaseResults() {
        StackRun.Result r = StackRun.run(TrafficSource.load("udp-only"), StackOptions.DEFAULT, 5000, 256, 0, null);
        assertThat(r.phases()).isEmpty();
        assertThat(r.counters().get(Outcome.UDP_QUEUED)).isEqualTo(5000);
    }

    /** The command prints every phase's counters side by side and writes them to --json; the warmup replays phase 1. */
    @Test
    void stackPrintsAndWritesCountersPerPhase(@TempDir Path dir) throws IOException {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc;
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            rc = Main.run("stack", "--profile", "phase-shift", "--packets", "20000", "--warmup", "5000", "--out", dir.toString(), "--json",
                    dir.resolve("stack.json").toString());
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(rc).as(out).isZero();
        assertThat(out).contains("per phase (phases ipv4 50%, ipv6 50%").contains("1 ipv4").contains("2 ipv6").contains("0-9999")
                .contains("10000-19999");
        JsonNode json = new ObjectMapper().readTree(dir.resolve("stack.json").toFile());
        JsonNode phases = json.get("phases");
        assertThat(phases).hasSize(2);
        assertThat(phases.get(0).get("name").asText()).isEqualTo("ipv4");
        assertThat(phases.get(1).get("firstPacket").asLong()).isEqualTo(10000);
        assertThat(phases.get(0).get("received").asLong() + phases.get(1).get("received").asLong()).isEqualTo(20000);
        assertThat(phases.get(0).get("counters").get("IpInReceives").asLong()).isGreaterThan(phases.get(1).get("counters").get("IpInReceives").asLong());
        assertThat(phases.get(1).get("counters").get("Ip6InReceives").asLong()).isGreaterThan(phases.get(0).get("counters").get("Ip6InReceives").asLong());
        // sites.json keeps the phases (this JVM's mode learns nothing, so no site in them).
        SiteReport sites = SiteReport.read(dir);
        assertThat(sites.phases()).extracting(SiteReport.Phase::name).containsExactly("ipv4", "ipv6");
        assertThat(sites.phases()).extracting(SiteReport.Phase::unit).containsOnly("packet");
        assertThat(sites.phases().get(1).first()).isEqualTo(10000);
    }
}
