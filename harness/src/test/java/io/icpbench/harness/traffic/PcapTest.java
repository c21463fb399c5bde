package io.icpbench.harness.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icpbench.stack.FrameRing;
import io.icpbench.stack.NetDevice;
import io.icpbench.stack.NetStack;
import io.icpbench.stack.StackOptions;
import io.icpbench.stack.Topology;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapTest {
    static NetStack run(List<byte[]> frames, List<String> devices) {
        NetStack stack = Topology.build(StackOptions.DEFAULT);
        List<NetDevice> ingress = devices.stream().map(stack::device).toList();
        try (FrameRing ring = new FrameRing(frames, ingress, UnpooledByteBufAllocator.DEFAULT)) {
            ring.replay(stack, frames.size(), Math.min(256, frames.size()));
        }
        return stack;
    }

    @Test
    void aWrittenCaptureReplaysWithIdenticalCounters(@TempDir Path dir) throws Exception {
        List<TrafficClass.Frame> frames = TrafficGenerator.frames(TrafficProfile.load("uniform"));
        List<Pcap.Packet> packets = frames.stream().map(f -> new Pcap.Packet(f.bytes(), f.device())).toList();
        Path file = dir.resolve("uniform.pcapng");
        Pcap.writePcapng(file, packets);
        Pcap.Capture back = Pcap.read(file);
        assertThat(back.error()).isNull();
        assertThat(back.packets()).hasSize(frames.size());
        for (int i = 0; i < frames.size(); i++) {
            assertThat(back.packets().get(i).frame()).isEqualTo(frames.get(i).bytes());
            assertThat(back.packets().get(i).device()).isEqualTo(frames.get(i).device());
        }
        NetStack direct = run(frames.stream().map(TrafficClass.Frame::bytes).toList(), frames.stream().map(TrafficClass.Frame::device).toList());
        NetStack replayed = run(back.packets().stream().map(Pcap.Packet::frame).toList(), back.packets().stream().map(Pcap.Packet::device).toList());
        assertThat(replayed.counters.snmpSnapshot()).isEqualTo(direct.counters.snmpSnapshot());
        assertThat(replayed.counters.outcomeSnapshot()).isEqualTo(direct.counters.outcomeSnapshot());
        assertThat(replayed.counters.outcomeSnapshot().size()).as("uniform reaches many outcomes").isGreaterThan(20);
    }

    @Test
    void classicPcapInBothByteOrdersReads(@TempDir Path dir) throws Exception {
        byte[] frame = TrafficClass.UDP4.build(new FrameFactory(1, 64, 64), 3).bytes();
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            ByteBuffer b = ByteBuffer.allocate(24 + 2 * (16 + frame.length)).order(order);
            b.putInt(0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
            for (int i = 0; i < 2; i++) {
                b.putInt(1).putInt(i).putInt(frame.length).putInt(frame.length).put(frame);
            }
            Path f = dir.resolve(order + ".pcap");
            Files.write(f, b.array());
            Pcap.Capture c = Pcap.read(f);
            assertThat(c.error()).isNull();
            assertThat(c.packets()).hasSize(2).allSatisfy(p -> assertThat(p.frame()).isEqualTo(frame));
        }
    }

    @Test
    void truncatedFilesKeepThePacketsBeforeTheCutAndNameTheOffset(@TempDir Path dir) throws Exception {
        List<Pcap.Packet> packets = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            packets.add(new Pcap.Packet(TrafficClass.UDP4.build(new FrameFactory(i, 64, 64), i).bytes(), "eth0"));
        }
        Path whole = dir.resolve("whole.pcapng");
        Pcap.writePcapng(whole, packets);
        byte[] all = Files.readAllBytes(whole);
        Path cut = dir.resolve("cut.pcapng");
        Files.write(cut, Arrays.copyOf(all, all.length - 30));
        Pcap.Capture c = Pcap.read(cut);
        assertThat(c.packets()).hasSize(4);
        assertThat(c.error()).contains("offset");
    }

    @Test
    void otherFilesAndLinkTypesAreRejectedClearly(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "this is no capture");
        assertThatThrownBy(() -> Pcap.read(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("magic")
                .hasMessageContaining("offset 0");
        ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(113);
        Path sll = dir.resolve("sll.pcap");
        Files.write(sll, b.array());
        assertThatThrownBy(() -> Pcap.read(sll)).hasMessageContaining("link type 113").hasMessageContaining("only Ethernet");
    }

    /**
     * Captures made with tshark (pcapng) and tcpdump (pcap) on this machine's loopback: 4 datagrams to
     * 127.0.0.1:5000 (an application socket here) and 2 to port 7777 (none), sent by a Python
     * socket. Loopback leaves transport checksums partial, as the kernel's lo does, so the frames
     * must arrive on the modeled lo to be delivered, just as they were on the real one.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"lo-udp.pcapng", "lo-udp.pcap"})
    void aLoopbackCaptureFromTcpdumpAndTsharkReplaysAsTheKernelDeliveredIt(String name) throws Exception {
        Path file = Path.of(PcapTest.class.getResource("/captures/" + name).toURI());
        Pcap.Capture c = Pcap.read(file);
        assertThat(c.error()).isNull();
        assertThat(c.packets()).hasSize(6);
        NetStack stack = run(c.packets().stream().map(Pcap.Packet::frame).toList(), java.util.Collections.nCopies(6, "lo"));
        assertThat(stack.counters.get(io.icpbench.stack.Outcome.UDP_QUEUED)).isEqualTo(4);
        assertThat(stack.counters.get(io.icpbench.stack.Counter.UDP_IN_DATAGRAMS)).isEqualTo(4);
        assertThat(stack.counters.get(io.icpbench.stack.Counter.UDP_NO_PORTS)).isEqualTo(2);
        // The same frames on a NIC: not for this host's MAC.
        NetStack onEth0 = run(c.packets().stream().map(Pcap.Packet::frame).toList(), java.util.Collections.nCopies(6, "eth0"));
        assertThat(onEth0.counters.get(io.icpbench.stack.Outcome.OTHERHOST)).isEqualTo(6);
    }
}
