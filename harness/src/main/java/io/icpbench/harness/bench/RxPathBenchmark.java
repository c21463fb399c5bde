package io.icpbench.harness.bench;

import io.icpbench.harness.traffic.TrafficGenerator;
import io.icpbench.harness.traffic.TrafficProfile;
import io.icpbench.stack.FrameRing;
import io.icpbench.stack.HandlerWork;
import io.icpbench.stack.NetStack;
import io.icpbench.stack.StackOptions;
import io.icpbench.stack.Topology;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The modeled receive path: one operation is one packet (a batch of {@link #BATCH} frames per
 * invocation: post to the devices, net_rx_action until idle, readers drain their sockets).
 *
 * <p>Score: ns per packet. With {@code -prof gc}, {@code gc.alloc.rate.norm} divided by
 * {@link #BATCH} is the allocation per packet; it must be 0 in steady state.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class RxPathBenchmark {
    /** Frames per invocation. */
    public static final int BATCH = 256;

    /** A built-in profile name or a profile file. */
    @Param("default")
    public String profile;

    /** Work per handler call, ns. */
    @Param("0")
    public double workNs;

    private NetStack stack;
    private FrameRing ring;

    @Setup(Level.Trial)
    public void setUp() {
        StackOptions options = StackOptions.DEFAULT.withWork(HandlerWork.calibrated(workNs));
        stack = Topology.build(options);
        ring = TrafficGenerator.ring(TrafficProfile.load(profile), stack, PooledByteBufAllocator.DEFAULT);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        long inFlight = stack.counters.inFlight();
        ring.close();
        if (inFlight != 0) {
            throw new IllegalStateException(inFlight + " packets never ended: the conservation law is broken");
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long receive() {
        ring.replay(stack, BATCH, BATCH);
        return stack.counters.received();
    }
}
