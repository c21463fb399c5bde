package io.icpbench.stack;

/**
 * The per-handler work knob: a calibrated amount of real work (integer arithmetic in a dependency
 * chain the JIT cannot fold) that every handler does once per call.
 *
 * <p>It lets a user move the share of dispatch in the cost per packet from "everything" (0 ns,
 * the default) to a few percent, and find where promotion stops paying.
 */
public final class HandlerWork {
    /** No work: handlers only do what their protocol needs. */
    public static final HandlerWork NONE = new HandlerWork(0, 0);

    private final int iterations;
    private final double nanos;

    private HandlerWork(int iterations, double nanos) {
        this.iterations = iterations;
        this.nanos = nanos;
    }

    /**
     * Work of about {@code nanos} ns per handler call, calibrated on this machine now.
     *
     * @param nanos 0..1,000,000 ns
     */
    public static HandlerWork calibrated(double nanos) {
        if (!(nanos >= 0 && nanos <= 1_000_000)) {
            throw new IllegalArgumentException("work=" + nanos + " ns, expected 0..1000000");
        }
        if (nanos == 0) {
            return NONE;
        }
        double perNs = iterationsPerNanosecond();
        return new HandlerWork(Math.max(1, (int) Math.round(nanos * perNs)), nanos);
    }

    /** Work of exactly {@code iterations} loop iterations (tests). */
    public static HandlerWork iterations(int iterations) {
        return new HandlerWork(iterations, Double.NaN);
    }

    /** Does the work and folds its result into the packet. */
    public void apply(SkBuff skb) {
        int n = iterations;
        if (n == 0) {
            return;
        }
        skb.workSink = spin(skb.workSink, n);
    }

    /** Does the work for a handler that has no packet at hand (socket callbacks); returns the new sink value. */
    public long apply(long sink) {
        int n = iterations;
        return n == 0 ? sink : spin(sink, n);
    }

    public int iterations() {
        return iterations;
    }

    /** The nanoseconds asked for, NaN if set by iterations. */
    public double nanos() {
        return nanos;
    }

    private static long spin(long x, int n) {
        for (int i = 0; i < n; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            x ^= x >>> 29;
        }
        return x;
    }

    /*
     * IMPLEMENTATION NOTES: warm the loop up until C2 has compiled it, then take the best of
     * several timed rounds (the least disturbed by the other tenants of a noisy machine).
     */
    private static double iterationsPerNanosecond() {
        long sink = 0;
        for (int i = 0; i < 200; i++) {
            sink += spin(i, 100_000);
        }
        double best = 0;
        int n = 5_000_000;
        for (int round = 0; round < 7; round++) {
            long t0 = System.nanoTime();
            sink += spin(round, n);
            long dt = System.nanoTime() - t0;
            best = Math.max(best, n / (double) Math.max(1, dt));
        }
        if (sink == 42) {
            System.err.print("");
        }
        return best;
    }

    @Override
    public String toString() {
        return iterations == 0 ? "0 ns" : String.format("%.0f ns (%d iterations)", nanos, iterations);
    }
}
