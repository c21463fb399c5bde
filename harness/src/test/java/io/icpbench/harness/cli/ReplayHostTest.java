package io.icpbench.harness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.icpbench.harness.traffic.HostInferenceTest;
import io.icpbench.harness.traffic.Pcap;
import io.icpbench.stack.host.HostSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code icpbench replay --host}, {@code --write-host} and {@code --nstat} as a user runs them. */
class ReplayHostTest {
    @Test
    void autoInfersWritesTheHostAndComparesWithNstat(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("c.pcapng");
        Pcap.writePcapng(pcap, HostInferenceTest.capture());
        Path nstat = dir.resolve("c.nstat");
        Files.writeString(nstat, """
                #kernel
                UdpInDatagrams                  7                  0.0
                UdpNoPorts                      1                  0.0
                Udp6NoPorts                     2                  0.0
                UdpOutDatagrams                 1                  0.0
                Icmp6InNeighborSolicits         3                  0.0
                """);
        Path host = dir.resolve("host.txt");
        MainTest.Run r = MainTest.run("replay", pcap.toString(), "--host", "auto", "--write-host", host.toString(), "--nstat",
                nstat.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("5 sent by the host left out: 11 replayed")
                .containsPattern("UdpInDatagrams +7 +7  equal")
                .containsPattern("Udp6NoPorts +2 +1  differs")
                .contains("not modeled: Icmp6InNeighborSolicits=3").contains("1 transmit-side counters not compared");
        // The model's own counters (conntrack, GRO) are not compared with the kernel's.
        assertThat(r.out().substring(r.out().indexOf("kernel ("))).doesNotContain("NfConntrack").doesNotContain("GroReceived");
        HostSpec written = io.icpbench.harness.traffic.TrafficSource.readHost(host);
        assertThat(written.mac()).isEqualTo(HostInferenceTest.H);
        assertThat(Files.readString(host)).contains("# icpbench host description").contains("closed (1 of 1 datagram(s)");

        // The written file, edited by hand, is read back as the host.
        Files.writeString(host, Files.readString(host).replace("udp4       5201\n", ""));
        MainTest.Run edited = MainTest.run("replay", pcap.toString(), "--host", host.toString());
        assertThat(edited.exit()).as(edited.err()).isZero();
        assertThat(edited.out()).containsPattern("udp_queued +3").containsPattern("UdpNoPorts +5");
    }

    /**
     * The committed captures (captures/README.md: made on this machine's kernel with network
     * namespaces, veth, its VXLAN devices, nstat around each) replayed on their inferred hosts:
     * every receive-side counter the model keeps equals the kernel's.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"udp-mixed", "vxlan", "frag"})
    void theCommittedCapturesGiveTheKernelsCounters(String name) {
        Path dir = Path.of("..", "captures").toAbsolutePath().normalize();
        MainTest.Run r = MainTest.run("replay", dir.resolve(name + ".pcap").toString(), "--host", "auto", "--nstat",
                dir.resolve(name + ".nstat").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("\\d+ equal, 0 differ").doesNotContain("differs");
    }

    @Test
    void stackLoopsACaptureOnItsHost(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("c.pcapng");
        Pcap.writePcapng(pcap, HostInferenceTest.capture());
        Path host = dir.resolve("h.txt");
        MainTest.Run r = MainTest.run("stack", "--profile", "pcap:" + pcap, "--host", "auto", "--write-host", host.toString(), "--packets",
                "1100", "--warmup", "0", "--out", dir.resolve("out").toString());
        assertThat(r.exit()).as(r.err()).isZero();
        // 11 received frames a pass, 100 passes: every count is 100 times the replay's.
        assertThat(r.out()).contains("profile c.pcapng (11 frames)").containsPattern("UdpInDatagrams +700\\b")
                .containsPattern("VxlanDecaps +100\\b");
        assertThat(Files.readString(host)).contains("vxlan      4789 vni 42");
        MainTest.Run noPcap = MainTest.run("stack", "--host", "auto", "--packets", "10", "--warmup", "0");
        assertThat(noPcap.exit()).isEqualTo(2);
        assertThat(noPcap.err()).contains("--host describes the receiving host of a capture");
        MainTest.Run runNoPcap = MainTest.run("run", "--host", "auto", "--quick", "--out", dir.resolve("run").toString());
        assertThat(runNoPcap.exit()).isEqualTo(2);
        assertThat(runNoPcap.err()).contains("--host describes the receiving host of a capture");
        assertThat(dir.resolve("run")).doesNotExist();
    }

    @Test
    void aBadHostFileIsExitCode2WithItsLine(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("c.pcapng");
        Pcap.writePcapng(pcap, HostInferenceTest.capture());
        Path host = dir.resolve("bad-host.txt");
        Files.writeString(host, "mac 02:5a:00:00:00:02\n\nudp4 53\nvxlan 53 vni 1 mac 02:00:00:00:00:09\n");
        MainTest.Run r = MainTest.run("replay", pcap.toString(), "--host", host.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("icpbench replay: error: " + host + ":4: ").contains("also listed as udp4")
                .doesNotContain("\n").doesNotContain("Exception");
        MainTest.Run missing = MainTest.run("replay", pcap.toString(), "--host", dir.resolve("none.txt").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("no such host file");
        MainTest.Run badNstat = MainTest.run("replay", pcap.toString(), "--nstat", host.toString());
        assertThat(badNstat.exit()).isEqualTo(2);
        assertThat(badNstat.err()).contains(host + ":1: value '02:5a:00:00:00:02' of mac is not a whole number");
    }
}
