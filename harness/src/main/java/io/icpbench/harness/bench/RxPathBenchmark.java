package io.icpbench.harness.bench;

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
 * <p>Score: ns per packet. With {@code -prof gc}, {@code gc.alloc.rate.norm} is the allocation
 * per packet; it must be 0 in steady state. With {@code latency=true} (the default) each batch's
 * receive time goes into an HdrHistogram (two clock reads per {@link #BATCH} packets); set
 * {@code -p latency=false} to measure what that costs.
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

    /** A built-in profile name, a profile file, or pcap:FILE (a capture). */
    @Param("default")
    public String profile;

    /** Work per handler call, ns. */
    @Param("0")
    public double workNs;

    /** Whether each invocation's receive time goes into the latency histogram. */
    @Param("true")
    public boolean latency;

    /**
     * What the last trial of this JVM left for the fork runner ({@code icpbench run} forks run JMH in
     * their own JVM without forking again, so they read it after the run).
     */
    public record Trial(io.icpbench.stack.Counters counters, long deopts, long compilations) {
    }

    /** One entry per trial and thread (RX worker), added at the end of each. */
    public static final java.util.List<Trial> TRIALS = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    /** The system property that turns on counting JIT events (JFR) over the measurement. */
    public static final String JFR_PROPERTY = "icpbench.jfr";

    /** The system property naming where the trial writes its latency log (.hlog); none if unset. */
    public static final String HLOG_PROPERTY = "icpbench.hlog";

    private NetStack stack;
    private FrameRing ring;
    private org.HdrHistogram.Histogram histogram;
    private io.icpbench.harness.JitEvents jit;
    private boolean measuring;

    @Setup(Level.Trial)
    public void setUp() {
        StackOptions options = StackOptions.DEFAULT.withWork(HandlerWork.calibrated(workNs));
        stack = Topology.build(options);
        ring = io.icpbench.harness.traffic.TrafficSource.ring(profile, stack, PooledByteBufAllocator.DEFAULT);
        // 1 ns to 10 s per batch, 3 significant digits: recordValue never allocates in that range.
        histogram = new org.HdrHistogram.Histogram(10_000_000_000L, 3);
    }

    /** Counts packets and the JIT only over the measurement iterations. */
    @Setup(Level.Iteration)
    public void iterationStart(org.openjdk.jmh.infra.IterationParams params) {
        if (params.getType() == org.openjdk.jmh.runner.IterationType.MEASUREMENT && !measuring) {
            measuring = true;
            stack.counters.reset();
            histogram.reset();
            // JFR's event stream allocates on its own thread, which -prof gc would charge to the
            // packets: only the forks of 'icpbench run' (-Dicpbench.jfr=true) count JIT events.
            if (Boolean.getBoolean(JFR_PROPERTY)) {
                jit = io.icpbench.harness.JitEvents.start();
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws java.io.IOException {
        long inFlight = stack.counters.inFlight();
        long deopts = -1;
        long compilations = -1;
        if (jit != null) {
            jit.close();
            deopts = jit.deoptimizations();
            compilations = jit.compilations();
        }
        TRIALS.add(new Trial(stack.counters, deopts, compilations));
        String hlog = System.getProperty(HLOG_PROPERTY);
        if (hlog != null && latency) {
            writeLatencyLog(java.nio.file.Path.of(hlog), "receive time of one batch of " + BATCH + " packets, ns; profile " + profile, histogram);
        }
        ring.close();
        if (inFlight != 0) {
            throw new IllegalStateException(inFlight + " packets never ended: the conservation law is broken");
        }
    }

    /** Writes {@code histogram} as an HdrHistogram log (one interval) with a comment saying what it holds. */
    public static void writeLatencyLog(java.nio.file.Path file, String what, org.HdrHistogram.Histogram histogram) throws java.io.IOException {
        try (java.io.PrintStream out = new java.io.PrintStream(java.nio.file.Files.newOutputStream(file))) {
            org.HdrHistogram.HistogramLogWriter w = new org.HdrHistogram.HistogramLogWriter(out);
            w.outputComment("icpbench: " + what);
            w.outputLogFormatVersion();
            w.outputLegend();
            w.outputIntervalHistogram(histogram);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long receive() {
        if (latency) {
            long t0 = System.nanoTime();
            ring.replay(stack, BATCH, BATCH);
            histogram.recordValue(System.nanoTime() - t0);
        } else {
            ring.replay(stack, BATCH, BATCH);
        }
        return stack.counters.received();
    }
}
