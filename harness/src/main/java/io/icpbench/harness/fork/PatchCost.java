package io.icpbench.harness.fork;

import java.util.Arrays;

/**
 * The in-fork estimate of what one patch costs an RX worker: its extra time after a patch until
 * its rate recovers, in µs.
 *
 * <p>The worker's measured packets are timed in chunks of {@link #CHUNK_PACKETS}; at the end of each
 * chunk the JVM's patch count ({@code DynamicSite.totalPatches()}, one atomic read) is recorded.
 * A chunk in which the count grew holds a patch; it and every chunk that starts less than
 * {@link #HORIZON_NANOS} after its end are <i>affected</i>. The others are <i>quiet</i>: their median
 * time is the recovered rate. The estimate is the summed excess of the affected chunks over that
 * median (unclamped, so noise averages out rather than adding up), divided by the patches:
 * <pre>
 *   µs per patch = sum over affected chunks (t_chunk - median quiet t_chunk) / patches / 1000
 * </pre>
 * It is defined only when the window saw at least one patch and at least {@link #MIN_QUIET} quiet
 * chunks; a site that patches more often than the horizon leaves no quiet chunk, and then only the
 * differential estimate of the report (against the arm's learn-once twin) prices a patch.
 *
 * <p>IMPLEMENTATION NOTES. Recording allocates nothing: the arrays are sized when the recorder is
 * made, and chunks past their end are dropped (the estimate is then undefined). A chunk that spans
 * an iteration boundary is not recorded (the caller starts a new chunk at each iteration). The
 * horizon, 250 ms, covers what a patch sets off here: the stub back in the interpreter, C1 and
 * then C2 compiling it again (tens of ms on a busy 2-core machine), the new code climbing the
 * compile thresholds. Slowness that outlasts it counts as the recovered rate, so the estimate is
 * low rather than high for very slow recoveries.
 */
public final class PatchCost {
    /** Packets per chunk (16 batches of 256). */
    public static final int CHUNK_PACKETS = 4096;
    /** How long after a patch a chunk counts as affected by it. */
    public static final long HORIZON_NANOS = 250_000_000L;
    /** Quiet chunks needed for a recovered rate. */
    public static final int MIN_QUIET = 8;
    /** Chunks a recorder holds (4096 packets each: 1 G packets). */
    static final int CAPACITY = 1 << 18;

    /**
     * An estimate.
     *
     * @param patches      patches during the window
     * @param chunks       chunks recorded
     * @param quiet        quiet chunks (more than the horizon after any patch)
     * @param excessNanos  the affected chunks' summed excess over the median quiet chunk, ns (NaN when undefined)
     * @param usPerPatch   excessNanos / patches / 1000, null when undefined
     */
    public record Estimate(long patches, int chunks, int quiet, double excessNanos, Double usPerPatch) {
        static Estimate none() {
            return new Estimate(0, 0, 0, Double.NaN, null);
        }
    }

    private final long[] start;
    private final long[] end;
    private final long[] patchesAtEnd;
    private final long patchesBefore;
    private int n;
    private boolean overflow;

    /** @param patchesBefore the JVM's patch count when the window opens */
    public PatchCost(long patchesBefore) {
        this(patchesBefore, CAPACITY);
    }

    PatchCost(long patchesBefore, int capacity) {
        this.patchesBefore = patchesBefore;
        this.start = new long[capacity];
        this.end = new long[capacity];
        this.patchesAtEnd = new long[capacity];
    }

    /** Records one chunk of {@link #CHUNK_PACKETS} packets: its start and end ({@code System.nanoTime}), the patch count at its end. */
    public void record(long startNanos, long endNanos, long patches) {
        if (n == start.length) {
            overflow = true;
            return;
        }
        start[n] = startNanos;
        end[n] = endNanos;
        patchesAtEnd[n] = patches;
        n++;
    }

    /** The estimate over the chunks recorded so far. */
    public Estimate estimate() {
        if (overflow) {
            return new Estimate(n == 0 ? 0 : patchesAtEnd[n - 1] - patchesBefore, n, 0, Double.NaN, null);
        }
        return estimate(start, end, patchesAtEnd, n, patchesBefore, HORIZON_NANOS, MIN_QUIET);
    }

    /** The estimate of chunks {@code 0..n-1} (see the class comment). */
    static Estimate estimate(long[] start, long[] end, long[] patchesAtEnd, int n, long patchesBefore, long horizonNanos, int minQuiet) {
        if (n == 0) {
            return Estimate.none();
        }
        long patches = patchesAtEnd[n - 1] - patchesBefore;
        boolean[] affected = new boolean[n];
        long affectedUntil = Long.MIN_VALUE;
        long previous = patchesBefore;
        for (int i = 0; i < n; i++) {
            if (patchesAtEnd[i] > previous) {
                affected[i] = true;
                affectedUntil = end[i] + horizonNanos;
            } else if (start[i] < affectedUntil) {
                affected[i] = true;
            }
            previous = patchesAtEnd[i];
        }
        long[] quietTimes = new long[n];
        int quiet = 0;
        for (int i = 0; i < n; i++) {
            if (!affected[i]) {
                quietTimes[quiet++] = end[i] - start[i];
            }
        }
        if (patches <= 0 || quiet < minQuiet) {
            return new Estimate(Math.max(0, patches), n, quiet, Double.NaN, null);
        }
        double median = median(Arrays.copyOf(quietTimes, quiet));
        double excess = 0;
        for (int i = 0; i < n; i++) {
            if (affected[i]) {
                excess += (end[i] - start[i]) - median;
            }
        }
        return new Estimate(patches, n, quiet, excess, excess / patches / 1e3);
    }

    private static double median(long[] x) {
        Arrays.sort(x);
        int m = x.length / 2;
        return x.length % 2 == 1 ? x[m] : (x[m - 1] + x[m]) / 2.0;
    }

    /** The mean of the defined estimates (one per RX worker), null if none is defined. */
    public static Double meanUsPerPatch(java.util.List<Estimate> estimates) {
        return estimates.stream().filter(e -> e.usPerPatch() != null).mapToDouble(Estimate::usPerPatch).boxed()
                .reduce(Double::sum).map(sum -> sum / estimates.stream().filter(e -> e.usPerPatch() != null).count()).orElse(null);
    }
}
