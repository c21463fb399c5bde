package io.icpbench.harness.bench;

import io.icpbench.harness.host.JvmFlags;
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
 *
 * <p>A profile with phases ({@link io.icpbench.harness.traffic.TrafficProfile}) changes its mix
 * during the trial: one ring per phase is built in the trial's setup, the warmup replays phase 1
 * (C2 compiles on its type profile), and the measurement iterations are split by the phases'
 * lengths ({@link io.icpbench.harness.traffic.TrafficProfile#spans}); at a phase's first measured
 * iteration the iteration setup makes that phase's ring the one replayed, which is all a switch
 * does. Every arm with the same iterations switches at the same iterations. At each phase's end
 * {@link io.icpbench.harness.fork.PhaseSites} records what the learned sites did in it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.NATIVE_ACCESS, JvmFlags.UNSAFE_MEMORY_ACCESS})
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
     *
     * @param counters the worker's counters over the measurement
     * @param patchCost the worker's in-fork estimate of a patch's cost (none without accounting)
     */
    public record Trial(io.icpbench.stack.Counters counters, io.icpbench.harness.fork.PatchCost.Estimate patchCost) {
    }

    /** One entry per trial and thread (RX worker), added at the end of each. */
    public static final java.util.List<Trial> TRIALS = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    /**
     * The system property that turns on patch accounting over the measurement ({@link
     * io.icpbench.harness.fork.PatchAccounting}: JFR, the JIT log, CPU time, chunk timing): the directory
     * that keeps the window's JIT log ({@code jit.log}). Only the forks of {@code icpbench run} set
     * it: JFR's event stream allocates on its own thread, which {@code -prof gc} would charge to the
     * packets.
     */
    public static final String ACCOUNTING_PROPERTY = "icpbench.accounting";

    /** The system property naming the sites setting, for the promoted check ({@code --sites}). */
    public static final String SITES_PROPERTY = io.icpbench.stack.SiteSelection.PROPERTY;

    /*
     * The JVM's one accounting window: opened by the first RX worker to reach the measurement,
     * closed by the first to tear down (JMH ends every worker's last iteration together).
     */
    private static io.icpbench.harness.fork.PatchAccounting window;
    private static io.icpbench.harness.fork.PatchAccounting.Window windowResult;

    /** The accounting window of the last trial, or null if accounting was off. */
    public static synchronized io.icpbench.harness.fork.PatchAccounting.Window window() {
        return windowResult;
    }

    /** The system property naming where the trial writes its latency log (.hlog); none if unset. */
    public static final String HLOG_PROPERTY = "icpbench.hlog";

    private NetStack stack;
    /** The ring replayed now: the current phase's. */
    private FrameRing ring;
    /** One ring per phase (one without phases), built in the trial's setup. */
    private java.util.List<FrameRing> rings;
    /** Each phase's first measured iteration (from 0), known at the first measured iteration; null before. */
    private long[] phaseStarts;
    /** The phase whose ring is replayed now (from 0). */
    private int phase;
    /** The arm's planted effect (-Dicpbench.planted): whole operations performed but not credited. */
    private final PlantedEffect planted = PlantedEffect.fromSystemProperty();
    /** The net_rx_action round of one operation: a batch, or the ring's size when that is smaller. */
    private int round;
    private org.HdrHistogram.Histogram histogram;
    private boolean measuring;
    // Chunk timing of the measured packets for the in-fork patch cost (null: accounting off).
    private io.icpbench.harness.fork.PatchCost chunks;
    private int chunkBatches;
    private long chunkStart;
    private static final int CHUNK_BATCHES = io.icpbench.harness.fork.PatchCost.CHUNK_PACKETS / BATCH;
    /** The interleaved design's turn-taking (null: the fork runs alone). */
    private final Gate gate = Gate.fromSystemProperty();
    /** This worker's iterations so far, warmup included (the gate's turn number). */
    private int iteration;
    private int measuredIterations;
    /** The traffic, when it has phases (null: one mix, no switch). */
    private io.icpbench.harness.traffic.TrafficSource.Traffic phased;

    @Setup(Level.Trial)
    public void setUp() {
        // The pin lever (run --pin): this RX worker alone on its CPU, the rest of the JVM (started under taskset) on the others.
        io.icpbench.harness.host.Affinity.pinWorkerFromProperty();
        StackOptions options = StackOptions.DEFAULT.withWork(HandlerWork.calibrated(workNs));
        io.icpbench.harness.traffic.TrafficSource.Traffic traffic = io.icpbench.harness.traffic.TrafficSource.load(profile);
        stack = traffic.newStack(options);
        rings = traffic.rings(stack, PooledByteBufAllocator.DEFAULT);
        ring = rings.get(0);
        phase = 0;
        phaseStarts = null;
        phased = traffic.phased() ? traffic : null;
        if (phased != null) {
            io.icpbench.harness.fork.PhaseSites.reset();
        }
        round = Math.min(BATCH, Math.min(ring.size(), io.icpbench.stack.Topology.RING_SIZE));
        // 1 ns to 10 s per batch, 3 significant digits: recordValue never allocates in that range.
        histogram = new org.HdrHistogram.Histogram(10_000_000_000L, 3);
    }

    /** Counts packets, and with accounting on the JIT, CPU and patches, only over the measurement iterations. */
    @Setup(Level.Iteration)
    public void iterationStart(org.openjdk.jmh.infra.IterationParams params) {
        iteration++;
        if (gate != null) {
            gate.awaitTurn(iteration);
        }
        chunkBatches = 0;
        if (params.getType() == org.openjdk.jmh.runner.IterationType.MEASUREMENT && !measuring) {
            measuring = true;
            String accounting = System.getProperty(ACCOUNTING_PROPERTY);
            if (accounting != null) {
                // After the warmup every site of the path has run: a promoted JVM must have its sites now.
                io.icpbench.harness.fork.PromotedCheck.verify(System.getProperty(SITES_PROPERTY, "all"));
                openWindow();
                // The in-fork patch cost times the chunks within 250 ms after a patch; in the interleaved design other
                // forks' turns fall inside that wall-clock window, so it is not defined there (the differential estimate is).
                chunks = gate == null ? new io.icpbench.harness.fork.PatchCost(io.icpbench.dispatch.DynamicSite.totalPatches()) : null;
            }
            stack.counters.reset();
            histogram.reset();
            histogram.setStartTimeStamp(System.currentTimeMillis());
        }
        if (phased != null && params.getType() == org.openjdk.jmh.runner.IterationType.MEASUREMENT) {
            if (phaseStarts == null) {
                phaseStarts = phased.profile().phaseStarts(params.getCount(), "measured iteration");
            }
            switchPhase(measuredIterations, phaseStarts);
        }
    }

    /**
     * Makes the ring of the phase that measured iteration {@code measured} (from 0) belongs to the
     * one replayed, and when that starts a phase, ends the phase before it for the site report.
     * Returns the phase now replayed.
     */
    int switchPhase(int measured, long[] starts) {
        while (phase + 1 < starts.length && measured >= starts[phase + 1]) {
            io.icpbench.harness.fork.PhaseSites.endPhase(phase);
            phase++;
            ring = rings.get(phase);
        }
        return phase;
    }

    /** The phase whose ring is replayed now (from 0): tests. */
    int phase() {
        return phase;
    }

    /** The ring replayed now: tests. */
    FrameRing ring() {
        return ring;
    }

    /** The stack: tests. */
    NetStack stack() {
        return stack;
    }

    /** The rings, one per phase: tests. */
    java.util.List<FrameRing> rings() {
        return rings;
    }

    private static synchronized void openWindow() {
        if (window == null) {
            windowResult = null;
            window = io.icpbench.harness.fork.PatchAccounting.start(true);
        }
    }

    private static synchronized void closeWindow() {
        if (window != null) {
            String dir = System.getProperty(ACCOUNTING_PROPERTY);
            windowResult = window.stop(dir == null || dir.isEmpty() ? null : java.nio.file.Path.of(dir, "jit.log"));
            window = null;
        }
    }

    /** In the interleaved design, hands the turn back to the orchestrator. */
    @TearDown(Level.Iteration)
    public void iterationEnd(org.openjdk.jmh.infra.ThreadParams threads, org.openjdk.jmh.infra.IterationParams params) {
        if (params.getType() == org.openjdk.jmh.runner.IterationType.MEASUREMENT) {
            measuredIterations++;
        }
        if (gate != null) {
            gate.turnDone(iteration, threads.getThreadCount(), params.getType() == org.openjdk.jmh.runner.IterationType.MEASUREMENT
                    && measuredIterations == params.getCount());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws java.io.IOException {
        if (phased != null && phaseStarts != null) {
            io.icpbench.harness.fork.PhaseSites.endPhase(phaseStarts.length - 1);
        }
        closeWindow();
        long inFlight = stack.counters.inFlight();
        TRIALS.add(new Trial(stack.counters, chunks != null ? chunks.estimate() : null));
        String hlog = System.getProperty(HLOG_PROPERTY);
        if (hlog != null && latency) {
            writeLatencyLog(java.nio.file.Path.of(hlog), "receive time of one batch of " + BATCH + " packets, ns; profile " + profile, histogram);
        }
        for (FrameRing r : rings) {
            r.close();
        }
        if (inFlight != 0) {
            throw new IllegalStateException(inFlight + " packets never ended: the conservation law is broken");
        }
    }

    /**
     * Writes {@code histogram} as an HdrHistogram log (one interval) with a comment saying what it
     * holds. The interval runs from the histogram's start time stamp (set when recording began; now
     * if it never was) to now, and the log's StartTime and BaseTime are that start, so
     * {@code HistogramLogProcessor} reads real times.
     */
    public static void writeLatencyLog(java.nio.file.Path file, String what, org.HdrHistogram.Histogram histogram) throws java.io.IOException {
        long end = System.currentTimeMillis();
        if (histogram.getStartTimeStamp() == Long.MAX_VALUE || histogram.getStartTimeStamp() > end) {
            histogram.setStartTimeStamp(end);
        }
        histogram.setEndTimeStamp(end);
        long start = histogram.getStartTimeStamp();
        try (java.io.PrintStream out = new java.io.PrintStream(java.nio.file.Files.newOutputStream(file))) {
            org.HdrHistogram.HistogramLogWriter w = new org.HdrHistogram.HistogramLogWriter(out);
            w.outputComment("icpbench: " + what);
            w.outputLogFormatVersion();
            w.outputStartTime(start);
            w.outputBaseTime(start);
            w.setBaseTime(start);
            w.outputLegend();
            w.outputIntervalHistogram(histogram);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long receive() {
        batch();
        if (planted.active()) {
            // The planted effect: whole extra operations, the very call the credited one makes, that JMH does not count.
            for (int k = planted.extraOperations(); k > 0; k--) {
                batch();
            }
        }
        return stack.counters.received();
    }

    /** One operation: the ring's next {@link #BATCH} packets through the stack, timed for the latency log and the patch cost when they are on. */
    private void batch() {
        if (latency || chunks != null) {
            long t0 = System.nanoTime();
            ring.replay(stack, BATCH, round);
            long t1 = System.nanoTime();
            if (latency) {
                histogram.recordValue(t1 - t0);
            }
            if (chunks != null) {
                chunk(t0, t1);
            }
        } else {
            ring.replay(stack, BATCH, round);
        }
    }

    /** Adds one batch to the current chunk of the patch-cost timing; a full chunk is recorded with the JVM's patch count. */
    private void chunk(long t0, long t1) {
        if (chunkBatches == 0) {
            chunkStart = t0;
        }
        if (++chunkBatches == CHUNK_BATCHES) {
            chunks.record(chunkStart, t1, io.icpbench.dispatch.DynamicSite.totalPatches());
            chunkBatches = 0;
        }
    }
}
