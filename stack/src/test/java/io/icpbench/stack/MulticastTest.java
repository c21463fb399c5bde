package io.icpbench.stack;

import static io.icpbench.stack.Topology.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.icpbench.stack.wire.FrameBuilder;
import org.junit.jupiter.api.Test;

/** Multicast and broadcast input: joined groups are delivered, others freed without a drop counter, as the kernel does. */
class MulticastTest {
    private final StackFixture f = new StackFixture();
    private static final long MCAST4_MAC = FrameBuilder.mac("01:00:5e:00:00:01"), MCAST6_MAC = FrameBuilder.mac("33:33:00:00:00:01");

    @Test
    void ipv4AllHostsIsJoinedAndCounted() {
        byte[] frame = FrameBuilder.ethernet(MCAST4_MAC, MAC_PEER).ipv4(IP_PEER, ip(224, 0, 0, 1)).icmpEcho(1, 1).build();
        assertThat(f.sendOne("eth0", frame)).isEqualTo(Outcome.ICMP_CONSUMED);
        assertThat(f.counters().get(Counter.IP_IN_MCAST_PKTS)).isEqualTo(1);
        assertThat(f.counters().get(Counter.IP_IN_DELIVERS)).isEqualTo(1);
    }

    @Test
    void ipv4GroupNotJoinedIsFreedWithoutADropCounter() {
        byte[] frame = FrameBuilder.ethernet(FrameBuilder.mac("01:00:5e:00:00:fb"), MAC_PEER).ipv4(IP_PEER, ip(224, 0, 0, 251))
                .udp(5353, 5353).payload(20).build();
        assertThat(f.sendOne("eth0", frame)).isEqualTo(Outcome.MC_NOT_JOINED);
        assertThat(f.counters().get(Counter.IP_IN_RECEIVES)).isEqualTo(1);
        assertThat(f.counters().get(Counter.IP_IN_ADDR_ERRORS)).isZero();
        assertThat(f.counters().get(Counter.IP_IN_MCAST_PKTS)).isZero();
    }

    @Test
    void aBroadcastDatagramNoSocketWantsIsIgnoredNotRefused() {
        byte[] frame = FrameBuilder.ethernet(Eth.BROADCAST, MAC_PEER).ipv4(IP_PEER, 0xFFFF_FFFF).udp(68, 67).payload(20).build();
        assertThat(f.sendOne("eth0", frame)).isEqualTo(Outcome.NO_SOCKET);
        assertThat(f.counters().get(Counter.IP_IN_BCAST_PKTS)).isEqualTo(1);
        assertThat(f.counters().get(Counter.UDP_IGNORED_MULTI)).isEqualTo(1);
        assertThat(f.counters().get(Counter.UDP_NO_PORTS)).isZero();
    }

    @Test
    void ipv6AllNodesAndSolicitedNodeGroupsAreJoined() {
        byte[] allNodes = FrameBuilder.ethernet(MCAST6_MAC, MAC_PEER).ipv6(FrameBuilder.ipv6("fe80::1"), FrameBuilder.ipv6("ff02::1"))
                .udp(1, PORT_APP).payload(8).build();
        byte[] solicited = FrameBuilder.ethernet(FrameBuilder.mac("33:33:ff:00:00:01"), MAC_PEER)
                .ipv6(FrameBuilder.ipv6("fe80::1"), FrameBuilder.ipv6("ff02::1:ff00:1")).udp(1, PORT_APP).payload(8).build();
        assertThat(f.send("eth0", allNodes, solicited)).containsExactly(Outcome.UDP_QUEUED, Outcome.UDP_QUEUED);
        assertThat(f.counters().get(Counter.IP6_IN_MCAST_PKTS)).isEqualTo(2);
        assertThat(f.counters().get(Counter.IP6_IN_DELIVERS)).isEqualTo(2);
    }

    @Test
    void ipv6GroupNotJoinedIsCountedAsMulticastThenFreed() {
        byte[] frame = FrameBuilder.ethernet(FrameBuilder.mac("33:33:00:00:00:16"), MAC_PEER)
                .ipv6(FrameBuilder.ipv6("fe80::1"), FrameBuilder.ipv6("ff02::16")).udp(1, PORT_APP).payload(8).build();
        assertThat(f.sendOne("eth0", frame)).isEqualTo(Outcome.MC_NOT_JOINED);
        assertThat(f.counters().get(Counter.IP6_IN_MCAST_PKTS)).isEqualTo(1);
        assertThat(f.counters().get(Counter.IP6_IN_NO_ROUTES)).isZero();
        assertThat(f.counters().get(Counter.IP6_IN_DELIVERS)).isZero();
    }
}
