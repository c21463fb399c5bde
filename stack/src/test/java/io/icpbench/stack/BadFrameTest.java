package io.icpbench.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every check of the receive path: the broken frame ends under its drop reason and bumps its counter. */
class BadFrameTest {
    @ParameterizedTest
    @EnumSource(BadFrame.class)
    void eachBrokenFrameIsACountedDrop(BadFrame bad) {
        StackFixture f = new StackFixture();
        Outcome outcome;
        if (bad == BadFrame.SOCKET_QUEUE_FULL) {
            // The slow socket's reader takes one datagram per drain; a batch one larger than its
            // queue overflows it by exactly one.
            byte[][] frames = new byte[Topology.SLOW_RCVBUF + 1][];
            Arrays.setAll(frames, bad::build);
            var outcomes = f.send("eth0", frames);
            assertThat(outcomes.subList(0, Topology.SLOW_RCVBUF)).containsOnly(Outcome.UDP_QUEUED);
            outcome = outcomes.get(Topology.SLOW_RCVBUF);
        } else {
            outcome = f.sendOne("eth0", bad.build(3));
            assertThat(f.counters().received()).isEqualTo(1);
        }
        assertThat(outcome).as(bad.name()).isEqualTo(bad.outcome());
        assertThat(outcome.delivered()).isFalse();
        assertThat(f.counters().get(bad.outcome())).isEqualTo(1);
        if (bad.counter() != null) {
            assertThat(f.counters().get(bad.counter())).as(bad.counter().snmpName()).isEqualTo(1);
        }
        assertThat(f.counters().inFlight()).isZero();
    }

    @ParameterizedTest
    @EnumSource(value = BadFrame.class, names = {"UDP_BAD_CHECKSUM", "UDP6_ZERO_CHECKSUM", "UDP6_BAD_CHECKSUM"})
    void checksumErrorsAlsoCountAsInErrors(BadFrame bad) {
        StackFixture f = new StackFixture();
        f.sendOne("eth0", bad.build(1));
        Counter inErrors = bad == BadFrame.UDP_BAD_CHECKSUM ? Counter.UDP_IN_ERRORS : Counter.UDP6_IN_ERRORS;
        assertThat(f.counters().get(inErrors)).isEqualTo(1);
    }
}
