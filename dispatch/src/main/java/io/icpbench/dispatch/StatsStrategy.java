package io.icpbench.dispatch;

/**
 * Where a learned site keeps its per-worker statistics, and whether fast-path hits are counted on
 * every call. The choice is measured ({@code DispatchStatsBenchmark}), not assumed.
 */
public enum StatsStrategy {
    /** Padded stripes indexed by the calling thread's id: the percpu analog. Every fast-path hit counted. */
    STRIPED,
    /**
     * A stripe per thread through a ThreadLocal, handed out in turn: the first 16 threads to call a
     * site get their own, later ones share (as with STRIPED collisions). Every fast-path hit counted.
     */
    THREAD_LOCAL,
    /** One stripe shared by all threads (racy increments, false sharing between workers). */
    SHARED,
    /** Striped, but a fast-path hit is counted 1 in {@link DynamicSite#SAMPLE_PERIOD}, weighted by the period. */
    SAMPLED,
    /**
     * Fast-path hits not counted at all: the floor of the cost, for measurement. Not usable for
     * learning: merges then see only the classes that missed, so every update installs the pair not
     * installed and the site flaps (measured: a patch per update).
     */
    MISSES_ONLY;

    /** Parses a name in any case, '-' or '_' ("thread-local"); the error lists the valid ones. */
    public static StatsStrategy parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("stats=" + s + ", expected striped, thread_local, shared, sampled or misses_only", e);
        }
    }
}
