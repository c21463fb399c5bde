package io.icpbench.harness.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import io.icpbench.stack.Counter;
import io.icpbench.stack.Counters;
import io.icpbench.stack.FrameRing;
import io.icpbench.stack.NetStack;
import io.icpbench.stack.Outcome;
import io.icpbench.stack.StackOptions;
import io.icpbench.stack.Topology;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Every built-in profile replayed three times round its ring through one stack: every packet ends. */
class ProfileReplayTest {
    static final List<String> BUILT_IN = TrafficProfile.BUILT_IN;
    private static final int BATCH = 256;
    private static final int LAPS = 3;

    @ParameterizedTest
    @FieldSource("BUILT_IN")
    void threeLapsOfEveryBuiltInProfileConserveEveryPacket(String name) {
        TrafficProfile p = TrafficProfile.load(name);
        Counters c = replay(p, (long) LAPS * p.frames()).counters;
        long packets = (long) LAPS * p.frames();
        assertThat(c.received()).as("received").isEqualTo(packets);
        assertThat(c.delivered() + c.dropped()).as("delivered + dropped").isEqualTo(c.received());
        assertThat(c.inFlight()).as("in flight").isZero();
        long byOutcome = 0;
        for (Outcome o : Outcome.values()) {
            byOutcome += c.get(o);
        }
        assertThat(byOutcome).as("sum over outcomes").isEqualTo(packets);
        assertThat(c.delivered()).as("most packets are delivered").isGreaterThan(c.dropped());
    }

    /** Outcomes are only those the profile's classes can have (see {@link TrafficClassOutcomeTest#EXPECTED}). */
    @ParameterizedTest
    @FieldSource("BUILT_IN")
    void everyOutcomeIsOneThatTheProfilesClassesCanHave(String name) {
        TrafficProfile p = TrafficProfile.load(name);
        Counters c = replay(p, (long) LAPS * p.frames()).counters;
        Set<Outcome> allowed = EnumSet.noneOf(Outcome.class);
        for (TrafficClass k : p.mix().keySet()) {
            if (k == TrafficClass.MALFORMED) {
                for (Outcome o : Outcome.values()) {
                    if (!o.delivered()) {
                        allowed.add(o);
                    }
                }
                allowed.add(Outcome.UDP_QUEUED);
            } else {
                allowed.addAll(TrafficClassOutcomeTest.EXPECTED.get(k));
            }
        }
        for (Outcome o : Outcome.values()) {
            if (!allowed.contains(o)) {
                assertThat(c.get(o)).as("%s packets in profile %s", o, name).isZero();
            }
        }
    }

    @Test
    void udpOnlyQueuesEveryPacketAndTheApplicationReadsIt() {
        TrafficProfile p = TrafficProfile.load("udp-only");
        long packets = (long) LAPS * p.frames();
        Replay r = replay(p, packets);
        Counters c = r.counters;
        assertThat(c.received()).isEqualTo(packets);
        assertThat(c.get(Outcome.UDP_QUEUED)).isEqualTo(packets);
        assertThat(c.delivered()).isEqualTo(packets);
        assertThat(c.dropped()).isZero();
        assertThat(c.inFlight()).isZero();
        assertThat(c.get(Counter.IP_IN_RECEIVES)).isEqualTo(packets);
        assertThat(c.get(Counter.UDP_IN_DATAGRAMS)).as("read by the application").isEqualTo(packets);
        for (Outcome o : r.lastOutcomes) {
            assertThat(o).isEqualTo(Outcome.UDP_QUEUED);
        }
    }

    @Test
    void vxlanHeavyQueuesEveryPacketAfterDecapsulation() {
        TrafficProfile p = TrafficProfile.load("vxlan-heavy");
        long packets = (long) LAPS * p.frames();
        Counters c = replay(p, packets).counters;
        assertThat(c.get(Outcome.UDP_QUEUED)).isEqualTo(packets);
        assertThat(c.get(Counter.VXLAN_DECAPS) + c.get(Counter.GENEVE_DECAPS)).as("decapsulated")
                .isEqualTo(LAPS * (long) (TrafficGenerator.allocation(p).get(TrafficClass.VXLAN)
                        + TrafficGenerator.allocation(p).get(TrafficClass.GENEVE)));
    }

    /** Replaying a lap again ends each slot the same way (the stack keeps no state that changes outcomes here). */
    @Test
    void theDefaultProfileEndsEachSlotTheSameWayEveryLap() {
        TrafficProfile p = TrafficProfile.load("default");
        NetStack stack = Topology.build(StackOptions.DEFAULT);
        try (FrameRing ring = TrafficGenerator.ring(p, stack, UnpooledByteBufAllocator.DEFAULT)) {
            ring.replay(stack, p.frames(), BATCH);
            Outcome[] first = new Outcome[ring.size()];
            for (int i = 0; i < first.length; i++) {
                first[i] = ring.lastOutcome(i);
            }
            ring.replay(stack, p.frames(), BATCH);
            for (int i = 0; i < first.length; i++) {
                assertThat(ring.lastOutcome(i)).as("slot %d", i).isNotNull().isEqualTo(first[i]);
            }
        }
    }

    record Replay(Counters counters, List<Outcome> lastOutcomes) {
    }

    static Replay replay(TrafficProfile p, long packets) {
        NetStack stack = Topology.build(StackOptions.DEFAULT);
        try (FrameRing ring = TrafficGenerator.ring(p, stack, UnpooledByteBufAllocator.DEFAULT)) {
            ring.replay(stack, packets, BATCH);
            Outcome[] last = new Outcome[ring.size()];
            for (int i = 0; i < last.length; i++) {
                last[i] = ring.lastOutcome(i);
            }
            return new Replay(stack.counters, List.of(last));
        }
    }
}
