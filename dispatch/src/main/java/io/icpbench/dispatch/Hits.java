package io.icpbench.dispatch;

/**
 * Counting a fast-path hit of a learned site: the one statistics call a generated guard chain
 * makes when a guard matches. {@code c} is the site's counter array and {@code offset} the
 * counter's place within a stripe; both are constants of the chain, so the JIT folds them.
 *
 * <p>Every variant first reads the site's skip-stats word ({@link DynamicSite#SKIP}): while an
 * update merges and resets the counters, the fast path counts nothing, as the miss path does not
 * (Cree's {@code skip_stats}). The word is written with a volatile store by the updater and read
 * plainly here, as the kernel reads its flag.
 */
public final class Hits {
    private Hits() {
    }

    /** The calling thread's own stripe ({@link Stripes}): the percpu analog. */
    public static void striped(long[] c, int offset) {
        if (c[DynamicSite.SKIP] == 0) {
            c[(Stripes.current() << DynamicSite.STRIDE_SHIFT) + offset]++;
        }
    }

    /** A stripe per thread through a ThreadLocal (the cost of the JDK's own per-thread storage). */
    public static void threadLocal(long[] c, int offset) {
        if (c[DynamicSite.SKIP] == 0) {
            c[(DynamicSite.threadLocalStripe() << DynamicSite.STRIDE_SHIFT) + offset]++;
        }
    }

    /** One stripe for every thread: racy increments, false sharing between workers. */
    public static void shared(long[] c, int offset) {
        if (c[DynamicSite.SKIP] == 0) {
            c[offset]++;
        }
    }

    /** The calling thread's stripe, one hit in {@link DynamicSite#SAMPLE_PERIOD} counted, weighted by the period. */
    public static void sampled(long[] c, int offset) {
        if (c[DynamicSite.SKIP] == 0) {
            int base = Stripes.current() << DynamicSite.STRIDE_SHIFT;
            if (--c[base + DynamicSite.SAMPLE] <= 0) {
                c[base + DynamicSite.SAMPLE] = DynamicSite.SAMPLE_PERIOD;
                c[base + offset] += DynamicSite.SAMPLE_PERIOD;
            }
        }
    }
}
