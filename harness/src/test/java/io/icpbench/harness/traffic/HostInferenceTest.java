package io.icpbench.harness.traffic;

import static io.icpbench.stack.wire.FrameBuilder.ipv4;
import static io.icpbench.stack.wire.FrameBuilder.ipv6;
import static io.icpbench.stack.wire.FrameBuilder.mac;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icpbench.stack.Counter;
import io.icpbench.stack.FrameRing;
import io.icpbench.stack.NetStack;
import io.icpbench.stack.Outcome;
import io.icpbench.stack.StackOptions;
import io.icpbench.stack.host.HostSpec;
import io.icpbench.stack.wire.FrameBuilder;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code --host auto}: a capture of one interface of a host H, talking to a peer P, built here
 * frame by frame with what the inference must find in it (and what it must not be fooled by).
 */
public class HostInferenceTest {
    public static final long H = mac("02:5a:00:00:00:02"), P = mac("02:5a:00:00:00:01"), T = mac("02:5a:00:00:00:42"),
            TP = mac("02:5a:00:00:00:41"), Q = mac("02:5a:00:00:00:77"), R = mac("02:5a:00:00:00:78");
    static final int H4 = ipv4("10.10.0.2"), P4 = ipv4("10.10.0.1"), T4 = ipv4("192.168.42.2"), TP4 = ipv4("192.168.42.1"),
            V4 = ipv4("10.10.100.2");
    static final byte[] H6 = ipv6("fd10::2"), P6 = ipv6("fd10::1");

    /** The capture, both directions, in order; {@code answers}: whether H's answers are in it. */
    public static List<Pcap.Packet> capture() {
        List<byte[]> f = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            f.add(FrameBuilder.ethernet(H, P).ipv4(P4, H4).udp(40000 + i, 5201).payload(100).build());
        }
        // A DNS query and its answer: port 53 answers.
        f.add(FrameBuilder.ethernet(H, P).ipv4(P4, H4).udp(41000, 53).payload(30).build());
        f.add(FrameBuilder.ethernet(P, H).ipv4(H4, P4).udp(53, 41000).payload(46).build());
        // A closed port: ICMP port unreachable quotes the datagram.
        byte[] toClosed = FrameBuilder.ethernet(H, P).ipv4(P4, H4).udp(42000, 7777).payload(20).build();
        f.add(toClosed);
        f.add(FrameBuilder.ethernet(P, H).ipv4(H4, P4).ipProtocol(1).payload(icmpUnreachable(3, 3, toClosed, 14, 28)).build());
        // IPv6: an open port, and a closed one (ICMPv6 type 1 code 4).
        f.add(FrameBuilder.ethernet(H, P).ipv6(P6, H6).udp(43000, 5201).payload(60).build());
        byte[] toClosed6 = FrameBuilder.ethernet(H, P).ipv6(P6, H6).udp(43001, 9999).payload(20).build();
        f.add(toClosed6);
        f.add(FrameBuilder.ethernet(P, H).ipv6(H6, P6).ipProtocol(58).payload(icmpUnreachable(1, 4, toClosed6, 14, 48)).build());
        // VXLAN: inner frames to the tunnel device T, and T's answer inside H's own VXLAN packet.
        byte[] inner = FrameBuilder.ethernet(T, TP).ipv4(TP4, T4).udp(44000, 6000).payload(40).build();
        f.add(FrameBuilder.ethernet(H, P).ipv4(P4, H4).udp(45000, 4789).vxlan(42, inner).build());
        byte[] innerAnswer = FrameBuilder.ethernet(TP, T).ipv4(T4, TP4).udp(6000, 44000).payload(40).build();
        f.add(FrameBuilder.ethernet(P, H).ipv4(H4, P4).udp(45001, 4789).vxlan(42, innerAnswer).build());
        // VLAN 100.
        f.add(FrameBuilder.ethernet(H, P).vlan(100).ipv4(P4, V4).udp(46000, 5201).payload(10).build());
        // H joins ff02::fb (an MLDv2 report), then mDNS arrives for it.
        f.add(FrameBuilder.ethernet(mac("33:33:00:00:00:16"), H).ipv6(ipv6("fe80::5a:ff:fe00:2"), ipv6("ff02::16")).ipProtocol(58)
                .payload(mld2Report(ipv6("ff02::fb"))).build());
        f.add(FrameBuilder.ethernet(mac("33:33:00:00:00:fb"), P).ipv6(ipv6("fe80::5a:ff:fe00:1"), ipv6("ff02::fb")).udp(5353, 5353)
                .payload(20).build());
        // Third parties: neither H nor P; H must not take their addresses.
        f.add(FrameBuilder.ethernet(R, Q).ipv4(ipv4("10.77.0.1"), ipv4("10.77.0.2")).udp(1, 2).payload(10).build());
        List<Pcap.Packet> packets = new ArrayList<>();
        long ts = 1_700_000_000_000_000_000L;
        for (byte[] b : f) {
            packets.add(new Pcap.Packet(b, "", ts += 1_000_000));
        }
        return packets;
    }

    /** An ICMP(v6) error of {@code type}/{@code code} quoting {@code quotedBytes} of {@code frame}'s IP packet from {@code ipStart}. */
    static byte[] icmpUnreachable(int type, int code, byte[] frame, int ipStart, int quotedBytes) {
        ByteBuffer b = ByteBuffer.allocate(8 + quotedBytes);
        b.put((byte) type).put((byte) code).putShort((short) 0).putInt(0);
        b.put(frame, ipStart, quotedBytes);
        return b.array();
    }

    /** An MLDv2 report with one CHANGE_TO_EXCLUDE record (no sources): {@code group} joined. */
    static byte[] mld2Report(byte[] group) {
        ByteBuffer b = ByteBuffer.allocate(8 + 20);
        b.put((byte) 143).put((byte) 0).putShort((short) 0).putShort((short) 0).putShort((short) 1);
        b.put((byte) 4).put((byte) 0).putShort((short) 0).put(group);
        return b.array();
    }

    @Test
    void findsTheHostItsAddressesSocketsTunnelsVlansAndGroups() {
        HostInference.Inferred inferred = HostInference.infer(capture());
        HostSpec h = inferred.host();
        assertThat(h.mac()).isEqualTo(H);
        assertThat(h.ipv4()).containsExactlyInAnyOrder(H4, V4, T4);
        assertThat(h.ipv4()).doesNotContain(ipv4("10.77.0.2"), P4);
        assertThat(h.ipv6()).containsExactlyInAnyOrder(HostSpec.Ip6.of(H6), HostSpec.Ip6.parse("fe80::5a:ff:fe00:2"));
        assertThat(h.udp4()).containsExactly(53, 5201, 6000).doesNotContain(7777, 4789);
        assertThat(h.udp6()).containsExactly(5201).doesNotContain(9999);
        assertThat(h.vlans()).containsExactly(100);
        assertThat(h.tunnels()).containsExactly(new HostSpec.Tunnel("vxlan", 4789, 42, T, false));
        assertThat(h.ipv6Groups()).containsExactly(HostSpec.Ip6.parse("ff02::fb"));
        assertThat(inferred.notes()).anyMatch(n -> n.contains("udp4 port 7777: closed"))
                .anyMatch(n -> n.contains("udp6 port 9999: closed")).anyMatch(n -> n.startsWith("host MAC 02:5a:00:00:00:02"));
    }

    @Test
    void theInferredHostReceivesTheCaptureAsTheRealOneDid() {
        TrafficSource.Traffic t = TrafficSource.capture("test.pcap", capture(), TrafficSource.AUTO);
        assertThat(t.sentByHost()).isEqualTo(5);
        NetStack stack = t.newStack(StackOptions.DEFAULT);
        try (FrameRing ring = t.ring(stack, UnpooledByteBufAllocator.DEFAULT)) {
            ring.replay(stack, t.frames(), t.frames());
        }
        var c = stack.counters;
        assertThat(c.inFlight()).isZero();
        // 3 + 1 (5201, 53) + the VLAN one and the inner VXLAN one: delivered; 7777 and 9999: no socket. The outer VXLAN
        // datagram counts too, when the tunnel takes it (udp_queue_rcv_one_skb).
        assertThat(c.get(Counter.UDP_IN_DATAGRAMS)).isEqualTo(7);
        assertThat(c.get(Counter.UDP_NO_PORTS)).isEqualTo(1);
        assertThat(c.get(Counter.UDP6_IN_DATAGRAMS)).isEqualTo(1);
        assertThat(c.get(Counter.UDP6_NO_PORTS)).isEqualTo(1);
        assertThat(c.get(Counter.VXLAN_DECAPS)).isEqualTo(1);
        // mDNS to the joined group got through ip6_mc_input; no socket on 5353 (the host never answered): ignored, not NoPorts.
        assertThat(c.get(Counter.IP6_IN_MCAST_PKTS)).isEqualTo(1);
        assertThat(c.get(Counter.UDP6_IGNORED_MULTI)).isEqualTo(1);
        assertThat(c.get(Outcome.OTHERHOST)).isEqualTo(1);
    }

    @Test
    void aTextRoundTripKeepsTheHost() {
        HostSpec h = HostInference.infer(capture()).host();
        assertThat(HostSpec.parse("h.txt", h.format(List.of("a comment")))).isEqualTo(h);
    }

    @Test
    void aCaptureWithoutUnicastSourcesIsAClearError() {
        byte[] arp = FrameBuilder.ethernet(FrameBuilder.mac("ff:ff:ff:ff:ff:ff"), FrameBuilder.mac("01:00:5e:00:00:01")).etherType(0x0806)
                .payload(28).build();
        assertThatThrownBy(() -> HostInference.infer(List.of(new Pcap.Packet(arp, "")))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--host FILE");
    }
}
