package io.icpbench.harness.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.icpbench.harness.live.NativeTool;
import io.icpbench.results.ResultsFiles;
import io.icpbench.results.RunResults;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code icpbench live}, {@code send} and {@code run --source live} on the command line. */
class LiveCommandTest {
    @Test
    void liveReconcilesPrintsARateAndPercentilesAndWritesJson(@TempDir Path tmp) throws Exception {
        Path json = tmp.resolve("live.json");
        MainTest.Run r = MainTest.run("live", "--seconds", "1", "--rate", "20000", "--json", json.toString());
        assertThat(r.exit()).as("stderr: %s", r.err()).isZero();
        assertThat(r.out()).contains("sender      sent", "kernel      dropped", "netty       read", "model       took",
                "nothing unexplained", "p50", "p99.9", "/s first to last read");
        JsonNode n = new ObjectMapper().readTree(json.toFile());
        long sent = n.path("sent").asLong();
        assertThat(sent).isPositive();
        assertThat(n.path("datagrams").asLong() + n.path("socketDrops").asLong() + n.path("backlogDrops").asLong()).isEqualTo(sent);
        assertThat(n.path("unexplained").asLong()).isZero();
        assertThat(n.path("reconciled").asBoolean()).isTrue();
        assertThat(n.path("modelReceived").asLong()).isEqualTo(n.path("delivered").asLong() + n.path("dropped").asLong());
        assertThat(n.path("latencyUs").path("p99").asDouble()).isPositive();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "live --rate -5           | -5",
        "live --sender perl       | perl",
        "live --payload 2000      | 2000",
        "live --seconds 0         | 0",
        "live --batch 0           | 0",
        "live --senders 0         | 0",
        "live --senders 3 --rate 2 | --rate=2",
        "live --rounds 0          | 0",
        "live --profile nosuch    | nosuch",
        "live --mode fast         | fast",
        "live --baseline --rate 5 | --rate",
        "send                     | --port",
        "send --port 0            | 0",
        "send --port 9 --rate -1  | -1",
        "run --source live --workers 2 --no-calibration | --workers",
        "run --source tcp:x --no-calibration | tcp:x"})
    void badLiveInputIsAOneLineErrorWithExitCode2(String args, String mentions) {
        MainTest.checkOneLineError(MainTest.run(args.trim().split(" +")), mentions.trim());
    }

    @Test
    void sendAloneSendsToAPortAndPrintsItsJson() throws Exception {
        try (java.nio.channels.DatagramChannel rx = java.nio.channels.DatagramChannel.open(java.net.StandardProtocolFamily.INET)) {
            rx.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
            int port = ((java.net.InetSocketAddress) rx.getLocalAddress()).getPort();
            MainTest.Run r = MainTest.run("send", "--port", Integer.toString(port), "--profile", "udp-only", "--seconds", "0.2",
                    "--rate", "1000", "--quiet");
            assertThat(r.exit()).as("stderr: %s", r.err()).isZero();
            JsonNode n = new ObjectMapper().readTree(r.out().strip());
            assertThat(n.path("sent").asLong()).isBetween(100L, 220L);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4096);
            rx.receive(b);
            b.flip();
            assertThat(b.get(0)).as("VXLAN I flag").isEqualTo((byte) 0x08);
            assertThat(b.getLong(b.limit() - 8)).as("a send time of this machine's monotonic clock").isBetween(1L, System.nanoTime());
        }
    }

    @Test
    void runWithTheLiveSourceWritesForksWithScoresLatencyAndTheLiveAccounting(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        int exit = RunCommandTest.run("run", "--out", dir.toString(), "--source", "live", "--profile", "udp-only",
                "--modes", "virtual,devirtualized", "--forks", "2", "--warmup-iterations", "1", "--iterations", "2",
                "--iteration-time", "0.2", "--seed", "3", "--no-calibration", "--no-controls");
        assertThat(exit).isZero();
        RunResults r = ResultsFiles.read(dir);
        assertThat(r.settings().profile()).isEqualTo("live:udp-only");
        for (RunResults.ForkResult f : r.forks()) {
            assertThat(f.scoresNsPerPacket()).hasSize(2).allSatisfy(s -> assertThat(s).isPositive());
            assertThat(f.jmhJson()).isNull();
            assertThat(Files.readString(dir.resolve(f.hlog()))).contains("one-way latency");
            long sent = f.counters().get("LiveSent");
            assertThat(sent).isPositive();
            assertThat(f.counters().get("LiveRead") + f.counters().get("LiveSocketDrops") + f.counters().get("LiveBacklogDrops")).isEqualTo(sent);
            assertThat(f.counters().get("LiveUnexplained")).isZero();
            assertThat(f.outcomes()).containsOnlyKeys("udp_queued");
            assertThat(f.outcomes().get("udp_queued")).isEqualTo(f.counters().get("LiveRead"));
        }
        assertThat(r.forks()).hasSize(4);
        assertThat(Files.readString(dir.resolve("report.md"))).contains("devirtualized vs virtual");
        assertThat(Files.readString(dir.resolve("report.html"))).contains("one-way");
    }

    @Test
    void theBaselineMeasuresTheCReceiverAndTheNettyReceiverSideBySide(@TempDir Path tmp) throws Exception {
        assumeThatCode(NativeTool::udpblast).as("a C compiler to build udpblast").doesNotThrowAnyException();
        Path json = tmp.resolve("baseline.json");
        MainTest.Run r = MainTest.run("live", "--baseline", "--rounds", "1", "--seconds", "1", "--json", json.toString());
        assertThat(r.exit()).as("stderr: %s", r.err()).isZero();
        assertThat(r.out()).contains("C recvmmsg", "Netty + model (virtual)", "Netty at");
        JsonNode n = new ObjectMapper().readTree(json.toFile());
        assertThat(n.path("rounds")).hasSize(2);
        assertThat(n.path("cMedian").asDouble()).isPositive();
        assertThat(n.path("nettyMedian").asDouble()).isPositive();
        assertThat(n.path("cCpuNs").asDouble()).isPositive();
        assertThat(n.path("ratio").asDouble()).isEqualTo(n.path("nettyMedian").asDouble() / n.path("cMedian").asDouble());
    }
}
