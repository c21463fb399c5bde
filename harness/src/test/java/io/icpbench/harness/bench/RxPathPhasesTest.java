package io.icpbench.harness.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.icpbench.harness.fork.PhaseSites;
import io.icpbench.stack.Counter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The receive-path benchmark on traffic with phases, driven as JMH drives it (trial setup, then
 * per iteration its setup, invocations and teardown): the warmup replays phase 1, and the ring
 * switches at the measured iteration the phase's length gives; without phases nothing switches.
 */
class RxPathPhasesTest {
    static final int WARMUP = 3;

    /** One benchmark instance as JMH would set it up. */
    static RxPathBenchmark benchmark(String profile) {
        RxPathBenchmark b = new RxPathBenchmark();
        b.profile = profile;
        b.workNs = 0;
        b.latency = false;
        b.setUp();
        return b;
    }

    /**
     * Runs the warmup and {@code measured} measurement iterations (two invocations each) and returns,
     * per measured iteration, the phase replayed and the IPv4 and IPv6 packets it received.
     */
    static List<long[]> drive(RxPathBenchmark b, int measured) throws Exception {
        IterationParams warm = new IterationParams(IterationType.WARMUP, WARMUP, TimeValue.milliseconds(1), 1);
        for (int i = 0; i < WARMUP; i++) {
            b.iterationStart(warm);
            assertThat(b.phase()).as("the warmup replays phase 1").isZero();
            assertThat(b.ring()).isSameAs(b.rings().get(0));
            b.receive();
            b.iterationEnd(null, warm);
        }
        IterationParams meas = new IterationParams(IterationType.MEASUREMENT, measured, TimeValue.milliseconds(1), 1);
        List<long[]> out = new ArrayList<>();
        for (int m = 0; m < measured; m++) {
            b.iterationStart(meas);
            assertThat(b.ring()).isSameAs(b.rings().get(b.phase()));
            long v4 = b.stack().counters.get(Counter.IP_IN_RECEIVES);
            long v6 = b.stack().counters.get(Counter.IP6_IN_RECEIVES);
            b.receive();
            b.receive();
            out.add(new long[] {b.phase(), b.stack().counters.get(Counter.IP_IN_RECEIVES) - v4, b.stack().counters.get(Counter.IP6_IN_RECEIVES) - v6});
            b.iterationEnd(null, meas);
        }
        int trials = RxPathBenchmark.TRIALS.size();
        b.tearDown();
        // The trial's record is for fork runners; this test is not one.
        RxPathBenchmark.TRIALS.remove(trials);
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 7, 10, 41})
    void phaseShiftSwitchesAtTheMeasuredIterationItsLengthGives(int measured) throws Exception {
        RxPathBenchmark b = benchmark("phase-shift");
        assertThat(b.rings()).hasSize(2);
        List<long[]> its = drive(b, measured);
        // 50%: phase 2 starts at round(measured / 2), half up.
        int switchAt = (measured + 1) / 2;
        for (int m = 0; m < measured; m++) {
            long[] it = its.get(m);
            assertThat(it[0]).as("phase of measured iteration %d of %d", m, measured).isEqualTo(m < switchAt ? 0 : 1);
            // What the iteration replayed is its phase's traffic: mostly IPv4, then mostly IPv6.
            if (m < switchAt) {
                assertThat(it[1]).as("IPv4 in iteration %d", m).isGreaterThan(it[2]);
            } else {
                assertThat(it[2]).as("IPv6 in iteration %d", m).isGreaterThan(it[1]);
            }
        }
        // Both phases ended for the site report (no learned sites in this JVM's mode, so their lists are empty).
        assertThat(PhaseSites.ended()).hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "udp-only"})
    void aProfileWithoutPhasesNeverSwitches(String profile) throws Exception {
        RxPathBenchmark b = benchmark(profile);
        assertThat(b.rings()).hasSize(1);
        for (long[] it : drive(b, 6)) {
            assertThat(it[0]).isZero();
        }
    }
}
