package io.icpbench.harness.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icpbench.harness.traffic.TrafficProfile;
import io.icpbench.stack.Counter;
import io.icpbench.stack.NetStack;
import io.icpbench.stack.Outcome;
import io.icpbench.stack.StackOptions;
import io.icpbench.stack.Topology;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The live datagram format, its file for the C sender, and the model's VXLAN socket entry. */
class LiveDatagramsTest {
    @Test
    void aDatagramIsAVxlanHeaderTheFrameAndAZeroTrailer() {
        byte[] frame = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
        byte[] d = LiveDatagrams.encapsulate(frame);
        assertThat(d).hasSize(8 + 14 + 8);
        assertThat(Arrays.copyOfRange(d, 0, 8)).containsExactly(0x08, 0, 0, 0, 0, 0, 42, 0);
        assertThat(Arrays.copyOfRange(d, 8, 22)).isEqualTo(frame);
        assertThat(Arrays.copyOfRange(d, 22, 30)).containsOnly(0);
    }

    @Test
    void framesForTheHostAreAddressedToVxlan0AndOthersAreLeftAlone() {
        byte[] toEth0 = {0x02, 0, 0, 0, 0, 0x01, 9, 9, 9, 9, 9, 9, 8, 0};
        byte[] broadcast = {-1, -1, -1, -1, -1, -1, 9, 9, 9, 9, 9, 9, 8, 6};
        byte[] other = {0x02, 0, 0, 0, 0x07, 0, 9, 9, 9, 9, 9, 9, 8, 0};
        Set<Long> host = Set.of(Topology.MAC_ETH0);
        assertThat(Arrays.copyOfRange(LiveDatagrams.retarget(toEth0, host), 0, 6)).containsExactly(0x02, 0, 0, 0, 0, 0x20);
        assertThat(Arrays.copyOfRange(LiveDatagrams.retarget(toEth0, host), 6, 14)).isEqualTo(Arrays.copyOfRange(toEth0, 6, 14));
        assertThat(LiveDatagrams.retarget(broadcast, host)).isEqualTo(broadcast);
        assertThat(LiveDatagrams.retarget(other, host)).isEqualTo(other);
        assertThat(toEth0[5]).as("the input is not changed").isEqualTo((byte) 1);
    }

    @Test
    void theDatagramFileRoundTrips() throws IOException {
        List<byte[]> ds = LiveDatagrams.of(TrafficProfile.load("uniform"));
        List<byte[]> back = LiveDatagrams.read(new ByteArrayInputStream(LiveDatagrams.toBytes(ds)));
        assertThat(back).hasSameSizeAs(ds);
        for (int i = 0; i < ds.size(); i++) {
            assertThat(back.get(i)).isEqualTo(ds.get(i));
        }
    }

    @Test
    void aBadDatagramFileIsRefusedWithTheDatagramNamed() {
        byte[] good = LiveDatagrams.toBytes(List.of(new byte[20], new byte[30]));
        assertThatThrownBy(() -> LiveDatagrams.read(new ByteArrayInputStream("NOTMAGIC".getBytes())))
                .isInstanceOf(IOException.class).hasMessageContaining("ICPDGRM1");
        assertThatThrownBy(() -> LiveDatagrams.read(new ByteArrayInputStream(Arrays.copyOf(good, good.length - 5))))
                .isInstanceOf(IOException.class).hasMessageContaining("datagram 1 is truncated");
        byte[] tooShort = LiveDatagrams.toBytes(List.of(new byte[3]));
        assertThatThrownBy(() -> LiveDatagrams.read(new ByteArrayInputStream(tooShort)))
                .isInstanceOf(IOException.class).hasMessageContaining("datagram 0 has length 3");
    }

    /** What the receiver does with each datagram, without a socket: every udp-only frame is delivered through vxlan0. */
    @Test
    void udpOnlyDatagramsAreAllDeliveredThroughVxlan0() {
        NetStack stack = Topology.build(StackOptions.DEFAULT);
        List<byte[]> ds = LiveDatagrams.of(TrafficProfile.load("udp-only"));
        feed(stack, ds);
        assertThat(stack.counters.received()).isEqualTo(ds.size());
        assertThat(stack.counters.get(Outcome.UDP_QUEUED)).isEqualTo(ds.size());
        assertThat(stack.counters.get(Counter.VXLAN_DECAPS)).isEqualTo(ds.size());
        assertThat(stack.device("vxlan0").rxPackets).isEqualTo(ds.size());
    }

    @Test
    void badVxlanHeadersAndUnknownVnisAreCountedDrops() {
        NetStack stack = Topology.build(StackOptions.DEFAULT);
        byte[] good = LiveDatagrams.of(TrafficProfile.load("udp-only")).get(0);
        byte[] flags = good.clone();
        flags[0] = 0x0C; // a reserved bit
        byte[] vni = good.clone();
        vni[6] = 43;
        byte[] runt = Arrays.copyOf(good, 8 + 5 + 8); // a VXLAN header and 5 bytes of frame
        feed(stack, List.of(flags, vni, runt, good));
        assertThat(stack.counters.get(Outcome.VXLAN_INVALID_HDR)).isEqualTo(1);
        assertThat(stack.counters.get(Outcome.VXLAN_VNI_NOT_FOUND)).isEqualTo(1);
        assertThat(stack.counters.get(Outcome.PKT_TOO_SMALL)).isEqualTo(1);
        assertThat(stack.counters.get(Outcome.UDP_QUEUED)).isEqualTo(1);
        assertThat(stack.counters.inFlight()).isZero();
    }

    /** Feeds datagrams through a {@link LiveFeed}, as {@link LiveReceiver} does (their send times are 0). */
    static void feed(NetStack stack, List<byte[]> datagrams) {
        try (LiveFeed feed = new LiveFeed(stack)) {
            for (byte[] d : datagrams) {
                feed.datagram(Unpooled.wrappedBuffer(d));
            }
            feed.runBatch();
            assertThat(feed.datagrams()).isEqualTo(datagrams.size());
        }
    }
}
