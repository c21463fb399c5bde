package io.icpbench.stack;

import static io.icpbench.stack.Counter.*;
import static io.icpbench.stack.Topology.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.icpbench.stack.udp.SocketOps;
import io.icpbench.stack.udp.UdpSock;
import io.icpbench.stack.wire.FrameBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A frame in, its outcome and the kernel's counters out: for each check of the UDP receive path
 * ({@code ip_rcv_core}, {@code ip_route_input}, {@code __udp4_lib_rcv}, {@code udpv6_rcv},
 * {@code udp_queue_rcv_skb}, {@code vxlan_rcv}, {@code ip_defrag}), one frame (or a fragment train)
 * ends under exactly the stated {@link Outcome}, and the counters move by exactly the stated
 * deltas: every counter the kernel prints in {@code /proc/net/snmp}, {@code snmp6} or
 * {@code netstat} is compared, so a counter bumped twice or bumped by the wrong path fails too.
 *
 * <p>Each case runs for several seeds; a seed draws the flow (source address, source port,
 * payload length and bytes), so the outcome is shown not to depend on the bytes that should not
 * matter. {@link ReceivePathTest} follows frames through the topology's devices;
 * {@link BadFrameTest} checks that each {@link BadFrame} bumps its one named counter.
 */
class ReceiveOutcomeTest {
    private static final byte[] PEER6 = FrameBuilder.ipv6("fd00:1::9"), ETH0_6 = FrameBuilder.ipv6("fd00::1");
    /** A port no topology socket has: the full-queue case binds its own socket here. */
    private static final int PORT_FULL = 5400;
    private static final long SEEDS = 3;
    private static final int MIX_FRAMES = 200;
    private static final Consumer<StackFixture> NO_SETUP = fx -> { };
    /** The cases by name, in the order of the receive path. */
    static final Map<String, Case> CASES = buildCases();

    /** What a seed varies: the bytes of a flow that must not change where its packets end. */
    record Flow(int saddr, int sport, byte[] payload) {
        static Flow draw(long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            byte[] payload = new byte[r.nextInt(0, 600)];
            r.nextBytes(payload);
            // 10.1.0.0/16: a peer prefix that is neither martian nor filtered (10.66/16)
            return new Flow(ip(10, 1, r.nextInt(256), 1 + r.nextInt(254)), r.nextInt(1024, 65536), payload);
        }

        FrameBuilder udp4(int daddr, int dport) {
            return FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(saddr, daddr).udp(sport, dport).payload(payload);
        }

        FrameBuilder udp4(int dport) {
            return udp4(IP_ETH0, dport);
        }

        FrameBuilder udp6(int dport) {
            return FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv6(PEER6, ETH0_6).udp(sport, dport).payload(payload);
        }

        /** Bytes of the IPv4 (or IPv6 payload) length of a plain UDP datagram: headers plus payload. */
        int udpLength() {
            return 8 + payload.length;
        }
    }

    /**
     * One case: the frames a flow builds, all sent on eth0 in one batch after {@code setup}, how
     * each ends, and every counter's delta (kernel counters not named must not move; the model's
     * own counters are compared only where named).
     */
    record Case(Function<Flow, List<byte[]>> frames, List<Outcome> outcomes, Map<Counter, Long> deltas,
            Consumer<StackFixture> setup) {
        static Case of(Function<Flow, byte[]> frame, Outcome outcome, Object... deltas) {
            return new Case(f -> List.of(frame.apply(f)), List.of(outcome), counts(deltas), NO_SETUP);
        }
    }

    static Map<Counter, Long> counts(Object... counterThenDelta) {
        Map<Counter, Long> m = new EnumMap<>(Counter.class);
        for (int i = 0; i < counterThenDelta.length; i += 2) {
            m.put((Counter) counterThenDelta[i], ((Number) counterThenDelta[i + 1]).longValue());
        }
        return m;
    }

    static Stream<Arguments> cases() {
        List<Arguments> args = new ArrayList<>();
        CASES.forEach((name, c) -> LongStream.rangeClosed(1, SEEDS)
                .forEach(seed -> args.add(Arguments.of(Named.of(name + ", seed " + seed, c), seed))));
        return args.stream();
    }

    private static Map<String, Case> buildCases() {
        Map<String, Case> cases = new LinkedHashMap<>();
        // IPv4: ip_rcv_core's checks, then the route, then __udp4_lib_rcv
        cases.put("udp4 to an open socket", Case.of(f -> f.udp4(PORT_APP).build(), Outcome.UDP_QUEUED,
                IP_IN_RECEIVES, 1, IP_IN_DELIVERS, 1, UDP_IN_DATAGRAMS, 1));
        cases.put("udp4 to a closed port", Case.of(f -> f.udp4(PORT_CLOSED).build(), Outcome.NO_SOCKET,
                IP_IN_RECEIVES, 1, IP_IN_DELIVERS, 1, UDP_NO_PORTS, 1));
        cases.put("udp4 to another host's MAC", Case.of(f -> FrameBuilder.ethernet(MAC_PEER, MAC_PEER).ipv4(f.saddr, IP_ETH0)
                .udp(f.sport, PORT_APP).payload(f.payload).build(), Outcome.OTHERHOST));
        cases.put("bad IP header checksum", Case.of(f -> f.udp4(PORT_APP).corruptIpChecksum().build(), Outcome.IP_CSUM,
                IP_IN_RECEIVES, 1, IP_IN_HDR_ERRORS, 1, IP_IN_CSUM_ERRORS, 1));
        for (int version : new int[] {0, 5, 6, 15}) {
            cases.put("IP version " + version, Case.of(f -> f.udp4(PORT_APP).ipVersion(version).build(), Outcome.IP_INHDR,
                    IP_IN_RECEIVES, 1, IP_IN_HDR_ERRORS, 1));
        }
        for (int ihl = 0; ihl < 5; ihl++) {
            int words = ihl;
            cases.put("IHL " + ihl + " (under 5 words)", Case.of(f -> f.udp4(PORT_APP).ihl(words).build(), Outcome.IP_INHDR,
                    IP_IN_RECEIVES, 1, IP_IN_HDR_ERRORS, 1));
        }
        cases.put("IHL 15 past the packet", Case.of(f -> FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(f.saddr, IP_ETH0)
                .ipProtocol(17).payload(new byte[20]).ihl(15).build(), Outcome.IP_INHDR, IP_IN_RECEIVES, 1, IP_IN_HDR_ERRORS, 1));
        cases.put("IP total length past the frame", Case.of(f -> f.udp4(PORT_APP).ipTotalLength(20 + f.udpLength() + 1).build(),
                Outcome.IP_TRUNCATED, IP_IN_RECEIVES, 1, IP_IN_TRUNCATED_PKTS, 1));
        cases.put("IP total length under the header", Case.of(f -> f.udp4(PORT_APP).ipTotalLength(19).build(), Outcome.IP_INHDR,
                IP_IN_RECEIVES, 1, IP_IN_HDR_ERRORS, 1));
        cases.put("not our address", Case.of(f -> f.udp4(IP_UNREACHABLE, PORT_APP).build(), Outcome.IP_INADDRERRORS,
                IP_IN_RECEIVES, 1, IP_IN_ADDR_ERRORS, 1));
        cases.put("UDP length past the IP payload", Case.of(f -> f.udp4(PORT_APP).udpLength(f.udpLength() + 1).build(),
                Outcome.UDP_INHDR, IP_IN_RECEIVES, 1, IP_IN_DELIVERS, 1, UDP_IN_ERRORS, 1));
        cases.put("UDP length under the header", Case.of(f -> f.udp4(PORT_APP).udpLength(7).build(), Outcome.UDP_INHDR,
                IP_IN_RECEIVES, 1, IP_IN_DELIVERS, 1, UDP_IN_ERRORS, 1));
        cases.put("UDP header cut", Case.of(f -> FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(f.saddr, IP_ETH0).ipProtocol(17)
                .payload(new byte[7]).build(), Outcome.UDP_INHDR, IP_IN_RECEIVES, 1, IP_IN_DELIVERS, 1, UDP_IN_ERRORS, 1));
        cases.put("bad UDP checksum", Case.of(f -> f.udp4(PORT_APP).corruptL4Checksum().build(), Outcome.UDP_CSUM,
                IP_IN_RECEIVES, 1, IP_IN_DELIVERS, 1, UDP_IN_CSUM_ERRORS, 1, UDP_IN_ERRORS, 1));
        cases.put("zero UDP checksum over IPv4", Case.of(f -> f.udp4(PORT_APP).zeroUdpChecksum().build(), Outcome.UDP_QUEUED,
                IP_IN_RECEIVES, 1, IP_IN_DELIVERS, 1, UDP_IN_DATAGRAMS, 1));
        // IPv6: ipv6_rcv, ip6_input, udpv6_rcv
        cases.put("udp6 to an open socket", Case.of(f -> f.udp6(PORT_APP).build(), Outcome.UDP_QUEUED,
                IP6_IN_RECEIVES, 1, IP6_IN_DELIVERS, 1, UDP6_IN_DATAGRAMS, 1));
        cases.put("udp6 to a closed port", Case.of(f -> f.udp6(PORT_CLOSED).build(), Outcome.NO_SOCKET,
                IP6_IN_RECEIVES, 1, IP6_IN_DELIVERS, 1, UDP6_NO_PORTS, 1));
        cases.put("udp6 not our address", Case.of(f -> FrameBuilder.ethernet(MAC_ETH0, MAC_PEER)
                .ipv6(PEER6, FrameBuilder.ipv6("2001:db8::1")).udp(f.sport, PORT_APP).payload(f.payload).build(), Outcome.IP6_NOROUTE,
                IP6_IN_RECEIVES, 1, IP6_IN_NO_ROUTES, 1));
        cases.put("zero UDP checksum over IPv6", Case.of(f -> f.udp6(PORT_APP).zeroUdpChecksum().build(), Outcome.UDP_CSUM,
                IP6_IN_RECEIVES, 1, IP6_IN_DELIVERS, 1, UDP6_IN_CSUM_ERRORS, 1, UDP6_IN_ERRORS, 1));
        cases.put("bad UDP checksum over IPv6", Case.of(f -> f.udp6(PORT_APP).corruptL4Checksum().build(), Outcome.UDP_CSUM,
                IP6_IN_RECEIVES, 1, IP6_IN_DELIVERS, 1, UDP6_IN_CSUM_ERRORS, 1, UDP6_IN_ERRORS, 1));
        // VXLAN: the outer datagram is taken by vxlan_rcv (counted by the socket), the inner frame
        // re-enters through vxlan0's GRO cell and is delivered
        cases.put("VXLAN whose inner datagram is delivered", Case.of(ReceiveOutcomeTest::vxlan, Outcome.UDP_QUEUED,
                IP_IN_RECEIVES, 2, IP_IN_DELIVERS, 2, UDP_IN_DATAGRAMS, 2, VXLAN_DECAPS, 1));
        cases.put("Geneve whose inner datagram is delivered", Case.of(ReceiveOutcomeTest::geneve, Outcome.UDP_QUEUED,
                IP_IN_RECEIVES, 2, IP_IN_DELIVERS, 2, UDP_IN_DATAGRAMS, 2, GENEVE_DECAPS, 1));
        // multicast and broadcast
        cases.put("udp4 to a joined group", Case.of(f -> FrameBuilder.ethernet(FrameBuilder.mac("01:00:5e:00:00:01"), MAC_PEER)
                .ipv4(f.saddr, ip(224, 0, 0, 1)).udp(f.sport, PORT_APP).payload(f.payload).build(), Outcome.UDP_QUEUED,
                IP_IN_RECEIVES, 1, IP_IN_MCAST_PKTS, 1, IP_IN_DELIVERS, 1, UDP_IN_DATAGRAMS, 1));
        cases.put("udp4 to a group not joined", Case.of(f -> FrameBuilder.ethernet(FrameBuilder.mac("01:00:5e:00:00:fb"), MAC_PEER)
                .ipv4(f.saddr, ip(224, 0, 0, 251)).udp(f.sport, PORT_APP).payload(f.payload).build(), Outcome.MC_NOT_JOINED,
                IP_IN_RECEIVES, 1));
        cases.put("udp4 broadcast to an open socket", Case.of(f -> FrameBuilder.ethernet(Eth.BROADCAST, MAC_PEER)
                .ipv4(f.saddr, 0xFFFF_FFFF).udp(f.sport, PORT_APP).payload(f.payload).build(), Outcome.UDP_QUEUED,
                IP_IN_RECEIVES, 1, IP_IN_BCAST_PKTS, 1, IP_IN_DELIVERS, 1, UDP_IN_DATAGRAMS, 1));
        cases.put("udp4 broadcast to a closed port", Case.of(f -> FrameBuilder.ethernet(Eth.BROADCAST, MAC_PEER)
                .ipv4(f.saddr, 0xFFFF_FFFF).udp(f.sport, PORT_CLOSED).payload(f.payload).build(), Outcome.NO_SOCKET,
                IP_IN_RECEIVES, 1, IP_IN_BCAST_PKTS, 1, IP_IN_DELIVERS, 1, UDP_IGNORED_MULTI, 1));
        cases.put("udp6 to all nodes", Case.of(f -> FrameBuilder.ethernet(FrameBuilder.mac("33:33:00:00:00:01"), MAC_PEER)
                .ipv6(PEER6, FrameBuilder.ipv6("ff02::1")).udp(f.sport, PORT_APP).payload(f.payload).build(), Outcome.UDP_QUEUED,
                IP6_IN_RECEIVES, 1, IP6_IN_MCAST_PKTS, 1, IP6_IN_DELIVERS, 1, UDP6_IN_DATAGRAMS, 1));
        // a full receive queue: a socket of one datagram whose reader never reads, filled before the case
        cases.put("socket receive queue full", new Case(f -> List.of(f.udp4(PORT_FULL).build()), List.of(Outcome.SOCKET_RCVBUFF),
                counts(IP_IN_RECEIVES, 1, IP_IN_DELIVERS, 1, UDP_RCVBUF_ERRORS, 1, UDP_IN_ERRORS, 1),
                ReceiveOutcomeTest::bindFullSocket));
        // fragments: ip_defrag queues the first, the last completes the datagram, which is delivered once
        cases.put("udp4 in two fragments", new Case(f -> inTwo(f.udp4(PORT_APP), f), List.of(Outcome.IP_FRAG_QUEUED, Outcome.UDP_QUEUED),
                counts(IP_IN_RECEIVES, 2, IP_REASM_REQDS, 2, IP_REASM_OKS, 1, IP_IN_DELIVERS, 1, UDP_IN_DATAGRAMS, 1), NO_SETUP));
        cases.put("udp6 in two fragments", new Case(f -> inTwo(f.udp6(PORT_APP), f), List.of(Outcome.IP_FRAG_QUEUED, Outcome.UDP_QUEUED),
                counts(IP6_IN_RECEIVES, 2, IP6_REASM_REQDS, 2, IP6_REASM_OKS, 1, IP6_IN_DELIVERS, 1, UDP6_IN_DATAGRAMS, 1), NO_SETUP));
        return cases;
    }

    /**
     * The datagram {@code udp} builds, its payload 16 bytes longer than the flow's, cut into two
     * fragments: the first carries half the datagram (rounded up to 8 bytes), the second the rest.
     */
    static List<byte[]> inTwo(FrameBuilder udp, Flow f) {
        int datagram = f.udpLength() + 16;
        int firstBytes = 8 * ((datagram + 15) / 16);
        List<byte[]> fragments = FrameBuilder.fragments(udp.payload(Arrays.copyOf(f.payload, f.payload.length + 16)).build(),
                firstBytes, f.sport);
        assertThat(fragments).as("fragments of a %d-byte datagram", datagram).hasSize(2);
        return fragments;
    }

    static byte[] vxlan(Flow f) {
        byte[] inner = FrameBuilder.ethernet(MAC_VXLAN0, MAC_PEER).ipv4(f.saddr, IP_VXLAN_INNER).udp(f.sport, PORT_APP)
                .payload(f.payload).build();
        return f.udp4(PORT_VXLAN).vxlan(VXLAN_VNI, inner).build();
    }

    static byte[] geneve(Flow f) {
        byte[] inner = FrameBuilder.ethernet(MAC_GENEVE0, MAC_PEER).ipv4(f.saddr, IP_GENEVE_INNER).udp(f.sport, PORT_APP)
                .payload(f.payload).build();
        return f.udp4(PORT_GENEVE).geneve(GENEVE_VNI, inner).build();
    }

    /** Binds a one-datagram socket at {@link #PORT_FULL} whose reader never reads, and fills it. */
    static void bindFullSocket(StackFixture fx) {
        UdpSock full = UdpSock.builder("full", 4, PORT_FULL).rcvbuf(1).build();
        full.readBudget = 0;
        Topology.bind(fx.stack, full, new SocketOps.UdpRecvmsg(fx.stack), new SocketOps.SockDefReadable(fx.stack));
        Outcome first = fx.sendOne("eth0", Flow.draw(0).udp4(PORT_FULL).build());
        assertThat(first).as("the datagram that fills the queue").isEqualTo(Outcome.UDP_QUEUED);
        assertThat(full.queued()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aFrameEndsUnderOneOutcomeAndMovesExactlyItsCounters(Case c, long seed) {
        StackFixture fx = new StackFixture();
        c.setup().accept(fx);
        Counters before = copy(fx.counters());
        List<byte[]> frames = c.frames().apply(Flow.draw(seed));
        assertThat(frames).as("frames").hasSameSizeAs(c.outcomes());

        List<Outcome> outcomes = fx.send("eth0", frames.toArray(byte[][]::new));

        assertThat(outcomes).as("each frame's outcome").containsExactlyElementsOf(c.outcomes());
        Counters delta = copy(fx.counters());
        delta.subtract(before);
        Map<Outcome, Long> expectedOutcomes = new TreeMap<>();
        c.outcomes().forEach(o -> expectedOutcomes.merge(o, 1L, Long::sum));
        assertThat(delta.outcomeSnapshot()).as("outcome counts: each packet ends once").isEqualTo(expectedOutcomes);
        assertThat(delta.received()).as("received").isEqualTo(frames.size());
        assertThat(delta.delivered() + delta.dropped()).as("delivered + dropped").isEqualTo(delta.received());
        assertThat(fx.counters().inFlight()).as("in flight").isZero();
        assertThat(counterDeltas(delta, c.deltas())).as("counter deltas").isEqualTo(named(c.deltas()));
    }

    /**
     * Cases mixed in one batch do not disturb each other: a seeded draw of one-frame cases (those
     * with no setup), each with its own flow, ends frame by frame as each case says, and the
     * counters move by the sum of the cases' deltas.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("mixSeeds")
    void aMixOfCasesMovesTheSumOfTheirCounters(long seed) {
        List<Case> alone = CASES.values().stream().filter(c -> c.outcomes().size() == 1 && c.setup() == NO_SETUP).toList();
        SplittableRandom r = new SplittableRandom(seed);
        List<byte[]> frames = new ArrayList<>();
        List<Outcome> expected = new ArrayList<>();
        Map<Counter, Long> sum = new EnumMap<>(Counter.class);
        for (int i = 0; i < MIX_FRAMES; i++) {
            Case c = alone.get(r.nextInt(alone.size()));
            frames.addAll(c.frames().apply(Flow.draw(r.nextLong())));
            expected.addAll(c.outcomes());
            c.deltas().forEach((k, v) -> sum.merge(k, v, Long::sum));
        }
        StackFixture fx = new StackFixture();

        List<Outcome> outcomes = fx.send("eth0", frames.toArray(byte[][]::new));

        assertThat(outcomes).as("each frame's outcome").containsExactlyElementsOf(expected);
        Counters c = fx.counters();
        assertThat(c.received()).isEqualTo(MIX_FRAMES);
        assertThat(c.delivered() + c.dropped()).as("delivered + dropped").isEqualTo(c.received());
        assertThat(c.inFlight()).as("in flight").isZero();
        assertThat(counterDeltas(c, sum)).as("counters: the sum of the cases'").isEqualTo(named(sum));
    }

    static LongStream mixSeeds() {
        return LongStream.rangeClosed(1, 4);
    }

    static Counters copy(Counters c) {
        Counters copy = new Counters();
        copy.add(c);
        return copy;
    }

    /** The non-zero deltas of every kernel counter and of the model's counters named in {@code expected}, by kernel name. */
    static Map<String, Long> counterDeltas(Counters delta, Map<Counter, Long> expected) {
        Map<String, Long> m = new TreeMap<>();
        for (Counter k : Counter.values()) {
            if ((k.kernel() || expected.containsKey(k)) && delta.get(k) != 0) {
                m.put(k.snmpName(), delta.get(k));
            }
        }
        return m;
    }

    static Map<String, Long> named(Map<Counter, Long> deltas) {
        Map<String, Long> m = new TreeMap<>();
        deltas.forEach((k, v) -> m.put(k.snmpName(), v));
        return m;
    }
}
