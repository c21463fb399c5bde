package io.icpbench.harness.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.icpbench.harness.live.KernelUdp;
import io.icpbench.harness.live.LiveDatagrams;
import io.icpbench.stack.FrameRing;
import io.icpbench.stack.NetStack;
import io.icpbench.stack.StackOptions;
import io.icpbench.stack.Topology;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fuzz targets for the inputs users and machines hand icpbench: capture files, datagram files and
 * the kernel's /proc text. Each either reads its input or refuses it with the documented
 * exception and a message; a capture's packets then go through the modeled stack, where every one
 * ends. With the tests the committed inputs run (regression mode, in
 * {@code src/test/resources/io/icpbench/harness/traffic/CaptureFuzzTestInputs/}); {@code JAZZER_FUZZ=1
 * ./run-tests -pl harness -Dtest=CaptureFuzzTest} fuzzes.
 */
class CaptureFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void aCaptureIsReadOrRefusedAndItsPacketsAllEnd(byte[] data) {
        checkCapture(data);
    }

    /** A capture is read (its packets then all end in the stack) or refused with a message naming it. */
    static void checkCapture(byte[] data) {
        Pcap.Capture c;
        try {
            c = Pcap.read("fuzz.pcap", data);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).startsWith("fuzz.pcap: ");
            return;
        }
        assertThat(c.error() == null || !c.error().isBlank()).isTrue();
        if (c.packets().isEmpty()) {
            return;
        }
        NetStack stack = Topology.build(StackOptions.DEFAULT);
        int frames = c.packets().size();
        try (FrameRing ring = TrafficSource.ring(c, stack, stack.device("eth0"), UnpooledByteBufAllocator.DEFAULT)) {
            ring.replay(stack, frames, Math.min(64, frames));
        }
        assertThat(stack.counters.received()).isEqualTo(frames);
        assertThat(stack.counters.inFlight()).isZero();
    }

    @FuzzTest(maxDuration = "30s")
    void aDatagramFileIsReadOrRefusedWithAnIoException(byte[] data) {
        try {
            List<byte[]> ds = LiveDatagrams.read(new ByteArrayInputStream(data));
            assertThat(LiveDatagrams.read(new ByteArrayInputStream(LiveDatagrams.toBytes(ds)))).hasSameSizeAs(ds);
        } catch (IOException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @FuzzTest(maxDuration = "30s")
    void procTextIsParsedOrRefusedWithAMessage(byte[] data) {
        String text = new String(data, StandardCharsets.ISO_8859_1);
        try {
            KernelUdp.parseSnmp(text);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).startsWith("/proc/net/snmp");
        }
        try {
            KernelUdp.findSocket(text, 208953);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).startsWith("/proc/net/udp");
        }
        try {
            KernelUdp.parseSoftnetDrops(text);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).startsWith("/proc/net/softnet_stat");
        }
    }
}
