package io.icpbench.harness.traffic;

import static io.icpbench.stack.Outcome.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.icpbench.stack.BadFrame;
import io.icpbench.stack.Counter;
import io.icpbench.stack.Counters;
import io.icpbench.stack.FrameRing;
import io.icpbench.stack.NetStack;
import io.icpbench.stack.Outcome;
import io.icpbench.stack.StackOptions;
import io.icpbench.stack.Topology;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every traffic class ends the way its description says: a one-class profile of 64 frames is
 * replayed once, in one batch, through a default stack, and every packet must end under one of
 * the outcomes the class is meant to have.
 */
class TrafficClassOutcomeTest {
    /** How each class is meant to end. Every class but MALFORMED must be here (a new class needs an entry). */
    static final Map<TrafficClass, Set<Outcome>> EXPECTED = new EnumMap<>(TrafficClass.class);

    static {
        for (TrafficClass c : List.of(TrafficClass.UDP4, TrafficClass.UDP4_VLAN, TrafficClass.UDP4_BOND, TrafficClass.UDP4_MACVLAN,
                TrafficClass.UDP4_LOWER, TrafficClass.UDP4_BRIDGE, TrafficClass.UDP4_VETH, TrafficClass.UDP4_CONNECTED,
                TrafficClass.UDP4_RPC, TrafficClass.UDP4_PSOCK, TrafficClass.UDP6, TrafficClass.UDPLITE, TrafficClass.VXLAN,
                TrafficClass.GENEVE, TrafficClass.IKE, TrafficClass.GUE)) {
            EXPECTED.put(c, EnumSet.of(UDP_QUEUED));
        }
        EXPECTED.put(TrafficClass.BRIDGED, EnumSet.of(BRIDGE_FORWARDED));
        EXPECTED.put(TrafficClass.ESP_IN_UDP, EnumSet.of(XFRM_NOSTATES));
        EXPECTED.put(TrafficClass.WIREGUARD, EnumSet.of(ENCAP_CONSUMED));
        EXPECTED.put(TrafficClass.L2TP, EnumSet.of(ENCAP_CONSUMED));
        EXPECTED.put(TrafficClass.ICMP, EnumSet.of(ICMP_CONSUMED));
        EXPECTED.put(TrafficClass.ICMP6, EnumSet.of(ICMP_CONSUMED));
        EXPECTED.put(TrafficClass.TCP, EnumSet.of(TCP_CONSUMED));
        EXPECTED.put(TrafficClass.TCP6, EnumSet.of(TCP_CONSUMED));
        EXPECTED.put(TrafficClass.GRE, EnumSet.of(GRE_CONSUMED));
        EXPECTED.put(TrafficClass.ARP, EnumSet.of(ARP_CONSUMED));
        EXPECTED.put(TrafficClass.FORWARD, EnumSet.of(IP_FORWARDED));
        EXPECTED.put(TrafficClass.FORWARD6, EnumSet.of(IP_FORWARDED));
        EXPECTED.put(TrafficClass.UNREACHABLE, EnumSet.of(IP_INADDRERRORS));
        EXPECTED.put(TrafficClass.NOPORT, EnumSet.of(NO_SOCKET));
        EXPECTED.put(TrafficClass.FILTERED, EnumSet.of(NETFILTER_DROP));
        EXPECTED.put(TrafficClass.BLOCKED, EnumSet.of(NETFILTER_DROP));
        // the slow socket queues what fits and drops the rest; both must happen
        EXPECTED.put(TrafficClass.OVERFLOW, EnumSet.of(UDP_QUEUED, SOCKET_RCVBUFF));
        EXPECTED.put(TrafficClass.OTHERHOST, EnumSet.of(OTHERHOST));
        EXPECTED.put(TrafficClass.UNKNOWN_ETHERTYPE, EnumSet.of(UNHANDLED_PROTO));
        // a queue takes each flow's first fragment; the repeats are duplicates of what it holds
        EXPECTED.put(TrafficClass.FRAGMENT, EnumSet.of(IP_FRAG_QUEUED, IP_FRAG_DUP));
    }

    private static final int FRAMES = 64;

    @Test
    void everyClassButMalformedHasAnExpectation() {
        assertThat(EXPECTED.keySet()).isEqualTo(EnumSet.complementOf(EnumSet.of(TrafficClass.MALFORMED)));
        assertThat(EXPECTED.values()).allSatisfy(s -> assertThat(s).isNotEmpty());
    }

    @ParameterizedTest
    @EnumSource(value = TrafficClass.class, names = "MALFORMED", mode = EnumSource.Mode.EXCLUDE)
    void everyPacketOfAClassEndsAsItsDescriptionSays(TrafficClass c) {
        Set<Outcome> expected = EXPECTED.get(c);
        assertThat(expected).as("expectation for %s", c).isNotNull();
        Replayed r = replayOneClass(c, FRAMES, 8, 1);

        assertThat(r.outcomes).as("%s (%s): outcome per slot", c, c.description()).doesNotContainNull();
        Map<Outcome, Integer> histogram = histogram(r.outcomes);
        assertThat(histogram.keySet()).as("%s (%s) ended as %s", c, c.description(), histogram).isSubsetOf(expected);
        if (expected.size() > 1) {
            assertThat(histogram.keySet()).as("%s: both outcomes happen, got %s", c, histogram).isEqualTo(expected);
        }
        assertConserved(r.counters, FRAMES);
        for (Outcome o : Outcome.values()) {
            assertThat(r.counters.get(o)).as("Counters.get(%s)", o).isEqualTo((long) histogram.getOrDefault(o, 0));
        }
    }

    /** The SNMP counter each class is known by, bumped once per packet (64 in all; 56 overflows past 8 queued). */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "UDP4, UDP_IN_DATAGRAMS, 64", "UDP4_VLAN, UDP_IN_DATAGRAMS, 64", "UDP4_BOND, UDP_IN_DATAGRAMS, 64",
        "UDP4_MACVLAN, UDP_IN_DATAGRAMS, 64", "UDP4_LOWER, UDP_IN_DATAGRAMS, 64", "UDP4_BRIDGE, UDP_IN_DATAGRAMS, 64",
        "UDP4_VETH, UDP_IN_DATAGRAMS, 64", "UDP4_CONNECTED, UDP_IN_DATAGRAMS, 64", "UDP4_RPC, UDP_IN_DATAGRAMS, 64",
        "UDP4_PSOCK, UDP_IN_DATAGRAMS, 64", "IKE, UDP_IN_DATAGRAMS, 64", "VXLAN, UDP_IN_DATAGRAMS, 128",
        "UDP6, UDP6_IN_DATAGRAMS, 64", "UDPLITE, UDPLITE_IN_DATAGRAMS, 64",
        "NOPORT, UDP_NO_PORTS, 64", "OVERFLOW, UDP_RCVBUF_ERRORS, 56", "FRAGMENT, IP_REASM_REQDS, 64",
        "UNREACHABLE, IP_IN_ADDR_ERRORS, 64", "FORWARD, IP_FORW_DATAGRAMS, 64", "FORWARD6, IP6_OUT_FORW_DATAGRAMS, 64",
        "ICMP, ICMP_IN_ECHOS, 64", "ICMP6, ICMP6_IN_ECHOS, 64", "TCP, TCP_OUT_RSTS, 64", "TCP6, TCP_OUT_RSTS, 64",
        "ARP, ARP_IN, 64", "GRE, GRE_IN, 64", "VXLAN, VXLAN_DECAPS, 64", "GENEVE, GENEVE_DECAPS, 64",
        "WIREGUARD, WG_RX, 64", "L2TP, L2TP_RX, 64", "ESP_IN_UDP, XFRM_IN_NO_STATES, 64", "GUE, GRO_TUNNEL, 64"})
    void eachClassBumpsItsCounter(TrafficClass c, Counter counter, long expected) {
        Replayed r = replayOneClass(c, FRAMES, 8, 1);
        assertThat(r.counters.get(counter)).as("%s after %d %s packets", counter.snmpName(), FRAMES, c).isEqualTo(expected);
    }

    /**
     * The first fragments of FRAGMENT never complete: one queue per flow (8), the other 56 frames
     * are duplicates, and when the replay settles (the clock moved past ipfrag_time) every queue
     * has timed out, as nstat would show well after the traffic.
     */
    @Test
    void fragmentQueuesHoldOneFirstFragmentPerFlowAndTimeOut() {
        TrafficProfile p = profile(TrafficClass.FRAGMENT, FRAMES, 8, 1);
        NetStack stack = Topology.build(StackOptions.DEFAULT);
        try (FrameRing ring = TrafficGenerator.ring(p, stack, UnpooledByteBufAllocator.DEFAULT)) {
            ring.replay(stack, FRAMES, FRAMES);
            Counters c = stack.counters;
            assertThat(c.get(IP_FRAG_QUEUED)).isEqualTo(8);
            assertThat(c.get(IP_FRAG_DUP)).isEqualTo(FRAMES - 8);
            assertThat(c.get(Counter.IP_REASM_FAILS)).isZero();
            ring.settle(stack);
            assertThat(c.get(Counter.IP_REASM_FAILS)).isEqualTo(8);
            assertThat(c.get(Counter.IP_REASM_TIMEOUT)).isEqualTo(8);
            assertThat(c.get(Counter.IP_REASM_OKS)).isZero();
            assertThat(stack.frags().queues()).isZero();
            assertConserved(c, FRAMES);
        }
    }

    /** In one batch the slow socket queues exactly its receive buffer and drops the rest. */
    @Test
    void anOverflowBatchQueuesWhatTheSlowSocketHolds() {
        Replayed r = replayOneClass(TrafficClass.OVERFLOW, FRAMES, 8, 1);
        assertThat(r.counters.get(UDP_QUEUED)).isEqualTo(Topology.SLOW_RCVBUF);
        assertThat(r.counters.get(SOCKET_RCVBUFF)).isEqualTo(FRAMES - Topology.SLOW_RCVBUF);
    }

    /**
     * Each malformed frame is one of the stack's {@link BadFrame}s, found again by its bytes, and
     * ends under that BadFrame's drop reason. The exception is SOCKET_QUEUE_FULL: it is a valid
     * datagram to the slow socket, queued while the queue has room and dropped when it is full.
     */
    @ParameterizedTest
    @CsvSource({"64, 1", "64, 2", "1024, 3"})
    void everyMalformedFrameEndsUnderItsBadFramesDropReason(int frames, long seed) {
        Replayed r = replayOneClass(TrafficClass.MALFORMED, frames, 64, seed);
        List<TrafficClass.Frame> built = TrafficGenerator.frames(profile(TrafficClass.MALFORMED, frames, 64, seed));
        Set<BadFrame> seen = EnumSet.noneOf(BadFrame.class);
        for (int i = 0; i < frames; i++) {
            TrafficClass.Frame f = built.get(i);
            assertThat(f.device()).isEqualTo("eth0");
            Set<BadFrame> kinds = identify(f.bytes(), 64);
            assertThat(kinds).as("slot %d is a BadFrame", i).isNotEmpty();
            seen.addAll(kinds);
            Set<Outcome> allowed = EnumSet.noneOf(Outcome.class);
            for (BadFrame k : kinds) {
                allowed.add(k.outcome());
                if (k == BadFrame.SOCKET_QUEUE_FULL) {
                    allowed.add(UDP_QUEUED);
                }
            }
            assertThat(r.outcomes.get(i)).as("slot %d (%s)", i, kinds).isIn(allowed);
            if (!kinds.contains(BadFrame.SOCKET_QUEUE_FULL)) {
                assertThat(r.outcomes.get(i).delivered()).as("slot %d (%s) delivered", i, kinds).isFalse();
            }
        }
        assertThat(seen).as("kinds of broken frames drawn").hasSizeGreaterThan(frames >= 1024 ? BadFrame.values().length / 2 : 10);
        assertConserved(r.counters, frames);
        long queued = r.counters.get(UDP_QUEUED);
        assertThat(r.counters.delivered()).as("only slow-socket datagrams are delivered").isEqualTo(queued);
    }

    @Test
    void malformedFramesAreMostlyDropped() {
        Replayed r = replayOneClass(TrafficClass.MALFORMED, 1024, 64, 5);
        assertConserved(r.counters, 1024);
        assertThat(r.counters.dropped()).isGreaterThan(r.counters.delivered() * 10);
        assertThat(r.counters.get(UDP_QUEUED)).isLessThanOrEqualTo(Topology.SLOW_RCVBUF);
    }

    // ------------------------------------------------------------------------------- helpers

    record Replayed(List<Outcome> outcomes, Counters counters) {
    }

    static TrafficProfile profile(TrafficClass c, int frames, int flows, long seed) {
        return TrafficProfile.parse("test", "frames = " + frames + "\nflows = " + flows + "\nseed = " + seed + "\nmix."
                + c.profileName() + " = 1\n");
    }

    /** Replays every frame of a one-class profile once, in one batch (at most a NIC ring). */
    static Replayed replayOneClass(TrafficClass c, int frames, int flows, long seed) {
        TrafficProfile p = profile(c, frames, flows, seed);
        NetStack stack = Topology.build(StackOptions.DEFAULT);
        try (FrameRing ring = TrafficGenerator.ring(p, stack, UnpooledByteBufAllocator.DEFAULT)) {
            ring.replay(stack, frames, Math.min(frames, Topology.RING_SIZE));
            List<Outcome> outcomes = new ArrayList<>();
            for (int i = 0; i < ring.size(); i++) {
                outcomes.add(ring.lastOutcome(i));
            }
            return new Replayed(outcomes, stack.counters);
        }
    }

    static void assertConserved(Counters c, long packets) {
        assertThat(c.received()).as("received").isEqualTo(packets);
        assertThat(c.delivered() + c.dropped()).as("delivered + dropped").isEqualTo(c.received());
        assertThat(c.inFlight()).as("in flight").isZero();
    }

    static Map<Outcome, Integer> histogram(List<Outcome> outcomes) {
        Map<Outcome, Integer> h = new TreeMap<>();
        for (Outcome o : outcomes) {
            h.merge(o, 1, Integer::sum);
        }
        return h;
    }

    /** The BadFrames (for some flow below {@code flows}) whose bytes are {@code frame}. */
    static Set<BadFrame> identify(byte[] frame, int flows) {
        Set<BadFrame> kinds = EnumSet.noneOf(BadFrame.class);
        for (BadFrame k : BadFrame.values()) {
            for (int flow = 0; flow < flows; flow++) {
                if (Arrays.equals(k.build(flow), frame)) {
                    kinds.add(k);
                    break;
                }
            }
        }
        return kinds;
    }
}
