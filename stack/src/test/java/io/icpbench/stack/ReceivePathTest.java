package io.icpbench.stack;

import static io.icpbench.stack.Topology.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.icpbench.stack.udp.UdpSock;
import io.icpbench.stack.wire.FrameBuilder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Valid frames end where the kernel would deliver them, through the devices and sockets of the
 * topology. {@link ReceiveOutcomeTest} checks each receive-path check's outcome and exact counter
 * deltas, for eth0.
 */
class ReceivePathTest {
    private final StackFixture f = new StackFixture();

    private static FrameBuilder udp4(long dstMac, int daddr, int dport) {
        return FrameBuilder.ethernet(dstMac, MAC_PEER).ipv4(IP_PEER, daddr).udp(12345, dport).payload(64);
    }

    private UdpSock socket(String name) {
        return Arrays.stream(f.stack.udp.sockets()).filter(s -> s.name.equals(name)).findFirst().orElseThrow();
    }

    @Test
    void udp4ToAnApplicationSocketIsQueuedThenRead() {
        assertThat(f.sendOne("eth0", udp4(MAC_ETH0, IP_ETH0, PORT_APP + 1).build())).isEqualTo(Outcome.UDP_QUEUED);
        assertThat(f.counters().get(Counter.IP_IN_RECEIVES)).isEqualTo(1);
        assertThat(f.counters().get(Counter.IP_IN_DELIVERS)).isEqualTo(1);
        assertThat(f.counters().get(Counter.UDP_IN_DATAGRAMS)).as("read by recvmsg").isEqualTo(1);
        assertThat(socket("app1").dataReadyCalls).isEqualTo(1);
        assertThat(socket("app1").queued()).isZero();
    }

    @Test
    void ipv4OptionsThatAreWellFormedAreAccepted() {
        byte[] routerAlert = {(byte) 148, 4, 0, 0};
        assertThat(f.sendOne("eth0", udp4(MAC_ETH0, IP_ETH0, PORT_APP).ipOptions(routerAlert).build())).isEqualTo(Outcome.UDP_QUEUED);
    }

    @Test
    void ethernetPaddingIsTrimmedByTheIpTotalLength() {
        byte[] frame = FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(IP_PEER, IP_ETH0).udp(1, PORT_APP).payload(2).padTo(60).build();
        assertThat(f.sendOne("eth0", frame)).isEqualTo(Outcome.UDP_QUEUED);
    }

    @Test
    void vlanTaggedFramesMoveToTheVlanDevice() {
        byte[] frame = FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).vlan(VLAN_ID).ipv4(IP_PEER, IP_VLAN100).udp(1, PORT_APP).payload(8).build();
        assertThat(f.sendOne("eth0", frame)).isEqualTo(Outcome.UDP_QUEUED);
        assertThat(f.stack.device("eth0.100").rxPackets).isEqualTo(1);
    }

    @Test
    void bondSlaveFramesGoUpOnTheBond() {
        assertThat(f.sendOne("eth1", udp4(MAC_ETH1, IP_BOND0, PORT_APP).build())).isEqualTo(Outcome.UDP_QUEUED);
        assertThat(f.stack.device("bond0").rxPackets).isEqualTo(1);
    }

    @Test
    void macvlanTakesItsMacAndPassesTheRest() {
        assertThat(f.sendOne("eth2", udp4(MAC_MACVLAN, IP_MACVLAN, PORT_APP).build())).isEqualTo(Outcome.UDP_QUEUED);
        assertThat(f.stack.device("mv0").rxPackets).isEqualTo(1);
        assertThat(f.sendOne("eth2", udp4(MAC_ETH2, IP_ETH2, PORT_APP).build())).isEqualTo(Outcome.UDP_QUEUED);
        assertThat(f.stack.device("mv0").rxPackets).isEqualTo(1);
    }

    @Test
    void bridgeDeliversItsOwnMacAndForwardsOthers() {
        assertThat(f.sendOne("eth3", udp4(MAC_BRIDGE, IP_BRIDGE, PORT_APP).build())).isEqualTo(Outcome.UDP_QUEUED);
        assertThat(f.sendOne("eth3", udp4(0x02_00_00_00_77_77L, IP_BRIDGE, PORT_APP).build())).isEqualTo(Outcome.BRIDGE_FORWARDED);
    }

    @Test
    void vethFramesGoThroughTheBacklog() {
        assertThat(f.sendOne("veth0", udp4(MAC_VETH0, IP_VETH0, PORT_APP).build())).isEqualTo(Outcome.UDP_QUEUED);
        assertThat(f.counters().get(Counter.GRO_RECEIVED)).as("the backlog skips GRO").isZero();
    }

    @Test
    void connectedSocketWinsOverTheWildcardForItsPeerOnly() {
        f.sendOne("eth0", FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(IP_PEER, IP_ETH0).udp(PORT_CONNECTED_PEER, PORT_CONNECTED)
                .payload(8).build());
        assertThat(socket("connected").dataReadyCalls).isEqualTo(1);
        f.sendOne("eth0", FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(IP_PEER, IP_ETH0).udp(PORT_CONNECTED_PEER + 1, PORT_CONNECTED)
                .payload(8).build());
        assertThat(socket("connected").dataReadyCalls).isEqualTo(1);
        assertThat(socket("unconnected").dataReadyCalls).isEqualTo(1);
    }

    @Test
    void ipv6ExtensionHeadersAreSkipped() {
        byte[] frame = FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv6(FrameBuilder.ipv6("fd00:1::9"), FrameBuilder.ipv6("fd00::1"))
                .ipv6ExtensionHeader(0, 8).ipv6ExtensionHeader(60, 16).ipv6ExtensionHeader(43, 8).udp(1, PORT_APP).payload(16).build();
        assertThat(f.sendOne("eth0", frame)).isEqualTo(Outcome.UDP_QUEUED);
    }

    @Test
    void udpLiteWithPartialCoverageIsDelivered() {
        byte[] frame = FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(IP_PEER, IP_ETH0).udpLite(1, PORT_LITE, 8).payload(40).build();
        assertThat(f.sendOne("eth0", frame)).isEqualTo(Outcome.UDP_QUEUED);
        assertThat(f.counters().get(Counter.UDPLITE_IN_DATAGRAMS)).isEqualTo(1);
    }

    @Test
    void vxlanDecapsulatesAndTheInnerFrameReEnters() {
        assertThat(f.sendOne("eth0", BadFrame.nestedVxlan(1, 1))).isEqualTo(Outcome.UDP_QUEUED);
        assertThat(f.counters().get(Counter.VXLAN_DECAPS)).isEqualTo(1);
        assertThat(f.stack.device("vxlan0").rxPackets).isEqualTo(1);
        assertThat(f.counters().get(Counter.GRO_TUNNEL)).isEqualTo(1);
        assertThat(f.counters().get(Counter.IP_IN_RECEIVES)).as("outer and inner").isEqualTo(2);
    }

    @Test
    void vxlanNestingUpToTheLimitIsDeliveredOneMoreIsDropped() {
        int limit = StackOptions.DEFAULT.maxEncapDepth();
        assertThat(f.sendOne("eth0", BadFrame.nestedVxlan(1, limit))).isEqualTo(Outcome.UDP_QUEUED);
        assertThat(f.counters().get(Counter.VXLAN_DECAPS)).isEqualTo(limit);
        assertThat(f.sendOne("eth0", BadFrame.nestedVxlan(1, limit + 1))).isEqualTo(Outcome.ENCAP_TOO_DEEP);
        StackFixture shallow = new StackFixture(StackOptions.DEFAULT.withMaxEncapDepth(1));
        assertThat(shallow.sendOne("eth0", BadFrame.nestedVxlan(1, 2))).isEqualTo(Outcome.ENCAP_TOO_DEEP);
        assertThat(shallow.sendOne("eth0", BadFrame.nestedVxlan(1, 1))).isEqualTo(Outcome.UDP_QUEUED);
    }

    @Test
    void geneveDecapsulates() {
        byte[] inner = FrameBuilder.ethernet(MAC_GENEVE0, MAC_PEER).ipv4(IP_PEER, IP_GENEVE_INNER).udp(1, PORT_APP).payload(8).build();
        byte[] frame = FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(IP_PEER, IP_ETH0).udp(1, PORT_GENEVE).geneve(GENEVE_VNI, inner).build();
        assertThat(f.sendOne("eth0", frame)).isEqualTo(Outcome.UDP_QUEUED);
        assertThat(f.counters().get(Counter.GENEVE_DECAPS)).isEqualTo(1);
    }

    @Test
    void encapsulationSocketsConsumeOrPassBack() {
        byte[] ike = new byte[16];
        assertThat(f.sendOne("eth0", udp4(MAC_ETH0, IP_ETH0, PORT_IKE).payload(ike).build())).as("IKE: non-ESP marker").isEqualTo(Outcome.UDP_QUEUED);
        assertThat(f.sendOne("eth0", udp4(MAC_ETH0, IP_ETH0, PORT_IKE).payload(new byte[] {(byte) 0xFF}).build()))
                .as("NAT keepalive").isEqualTo(Outcome.ENCAP_CONSUMED);
        byte[] wg = new byte[32];
        wg[0] = 4;
        assertThat(f.sendOne("eth0", udp4(MAC_ETH0, IP_ETH0, PORT_WIREGUARD).payload(wg).build())).isEqualTo(Outcome.ENCAP_CONSUMED);
        byte[] l2tp = {0, 2, 0, 0, 0, 0, 0, 0};
        assertThat(f.sendOne("eth0", udp4(MAC_ETH0, IP_ETH0, PORT_L2TP).payload(l2tp).build())).isEqualTo(Outcome.ENCAP_CONSUMED);
        assertThat(f.counters().get(Counter.WG_RX)).isEqualTo(1);
        assertThat(f.counters().get(Counter.L2TP_RX)).isEqualTo(1);
    }

    @Test
    void icmpTcpGreAndArpAreConsumedAndCounted() {
        assertThat(f.sendOne("eth0", FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(IP_PEER, IP_ETH0).icmpEcho(1, 1).payload(8).build()))
                .isEqualTo(Outcome.ICMP_CONSUMED);
        assertThat(f.sendOne("eth0", FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv6(FrameBuilder.ipv6("fd00:1::9"), FrameBuilder.ipv6("fd00::1"))
                .icmpEcho(1, 1).payload(8).build())).isEqualTo(Outcome.ICMP_CONSUMED);
        assertThat(f.sendOne("eth0", FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(IP_PEER, IP_ETH0).tcp(1, 80).build()))
                .isEqualTo(Outcome.TCP_CONSUMED);
        assertThat(f.sendOne("eth0", FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(IP_PEER, IP_ETH0).gre(0x0800).payload(8).build()))
                .isEqualTo(Outcome.GRE_CONSUMED);
        assertThat(f.sendOne("eth0", FrameBuilder.ethernet(Eth.BROADCAST, MAC_PEER).arpRequest(MAC_PEER, IP_PEER, IP_ETH0).build()))
                .isEqualTo(Outcome.ARP_CONSUMED);
        assertThat(f.counters().get(Counter.ICMP_IN_ECHOS)).isEqualTo(1);
        assertThat(f.counters().get(Counter.ICMP6_IN_ECHOS)).isEqualTo(1);
        assertThat(f.counters().get(Counter.TCP_IN_SEGS)).isEqualTo(1);
        assertThat(f.counters().get(Counter.ARP_IN)).isEqualTo(1);
    }

    @Test
    void forwardedPrefixesAreForwardedUnlessForwardingIsOff() {
        assertThat(f.sendOne("eth0", udp4(MAC_ETH0, IP_FORWARDED_HOST, 53).build())).isEqualTo(Outcome.IP_FORWARDED);
        assertThat(f.counters().get(Counter.IP_FORW_DATAGRAMS)).isEqualTo(1);
        StackFixture noForward = new StackFixture(StackOptions.DEFAULT.withForwarding(false));
        assertThat(noForward.sendOne("eth0", udp4(MAC_ETH0, IP_FORWARDED_HOST, 53).build())).isEqualTo(Outcome.IP_INADDRERRORS);
    }

    @Test
    void filterDropsTheBlockedSourcePrefixAndNothingWithoutNetfilter() {
        byte[] blocked = FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(IP_BLOCKED_NET | 5, IP_ETH0).udp(1, PORT_APP).payload(8).build();
        assertThat(f.sendOne("eth0", blocked)).isEqualTo(Outcome.NETFILTER_DROP);
        StackFixture open = new StackFixture(StackOptions.DEFAULT.withNetfilter(false));
        assertThat(open.sendOne("eth0", blocked)).isEqualTo(Outcome.UDP_QUEUED);
        assertThat(open.sendOne("eth0", BadFrame.UDP_FILTERED.build(1))).as("no filter: port 9 has no socket").isEqualTo(Outcome.NO_SOCKET);
    }

    @Test
    void conntrackSeesNewFlowsOnceAndConfirmsThem() {
        byte[] frame = udp4(MAC_ETH0, IP_ETH0, PORT_APP).build();
        f.send("eth0", frame, frame, frame);
        assertThat(f.counters().get(Counter.NF_CT_NEW)).isEqualTo(1);
        assertThat(f.counters().get(Counter.NF_CT_FOUND)).isEqualTo(2);
        assertThat(f.counters().get(Counter.NF_CT_CONFIRMED)).isEqualTo(1);
        assertThat(f.counters().get(Counter.NF_MANGLE_MARKED)).isEqualTo(3);
    }

    @Test
    void tapsSeeEveryPacketWithoutChangingItsFate() {
        StackFixture tapped = new StackFixture(StackOptions.DEFAULT.withTaps(2));
        assertThat(tapped.sendOne("eth0", udp4(MAC_ETH0, IP_ETH0, PORT_APP).build())).isEqualTo(Outcome.UDP_QUEUED);
        assertThat(tapped.counters().get(Counter.PACKET_TAP_RCVD)).isEqualTo(2);
    }

    @Test
    void handlerWorkDoesNotChangeOutcomes() {
        StackFixture busy = new StackFixture(StackOptions.DEFAULT.withWork(HandlerWork.iterations(50)));
        assertThat(busy.sendOne("eth0", BadFrame.nestedVxlan(2, 2))).isEqualTo(Outcome.UDP_QUEUED);
        assertThat(busy.sendOne("eth0", BadFrame.IP_BAD_CHECKSUM.build(2))).isEqualTo(Outcome.IP_CSUM);
    }

    @Test
    void aSlowReaderOverflowsItsSocketAndCatchesUpLater() {
        byte[] frame = udp4(MAC_ETH0, IP_ETH0, PORT_SLOW).build();
        byte[][] burst = new byte[SLOW_RCVBUF + 3][];
        Arrays.fill(burst, frame);
        var outcomes = f.send("eth0", burst);
        assertThat(outcomes.stream().filter(o -> o == Outcome.SOCKET_RCVBUFF).count()).isEqualTo(3);
        assertThat(f.counters().get(Counter.UDP_RCVBUF_ERRORS)).isEqualTo(3);
        assertThat(f.counters().get(Counter.UDP_IN_ERRORS)).isEqualTo(3);
        assertThat(f.counters().received()).isEqualTo(f.counters().delivered() + f.counters().dropped());
    }
}
