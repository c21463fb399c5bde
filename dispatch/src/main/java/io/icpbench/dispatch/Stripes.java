package io.icpbench.dispatch;

import java.lang.ref.WeakReference;

/**
 * Each calling thread's own statistics stripe: the percpu analog of Cree's per-CPU counters.
 *
 * <p>A thread owns one of {@link #COUNT} stripes for as long as it lives; two live threads never
 * share one while fewer than {@code COUNT - 1} threads have called learned sites (the last stripe
 * is the overflow, shared and racy, and {@link #overflows()} counts the threads sent there). RX
 * workers are few, so each has its own.
 *
 * <p>IMPLEMENTATION NOTES. The fast path is one load of the current thread's id, a mask and one
 * compare with the owner table: the home stripe of thread id {@code t} is {@code t & (COUNT-1)}.
 * A thread whose home stripe is taken by another live thread finds another free stripe once
 * (under the lock) and keeps it in a {@link ThreadLocal}, the slow path. Stripes of threads that
 * died are handed out again; their counts stay until the next update folds them in.
 */
public final class Stripes {
    /** Stripes (a power of two). */
    public static final int COUNT = 64;
    /** The shared overflow stripe. */
    public static final int OVERFLOW = COUNT - 1;

    /** Owner thread id + 1 per stripe (0: free); written under the lock, read racily (a stale read only takes the slow path). */
    private static final long[] OWNER = new long[COUNT];
    private static final WeakReference<?>[] THREADS = new WeakReference<?>[COUNT];
    private static final ThreadLocal<int[]> AWAY = ThreadLocal.withInitial(() -> new int[] {-1});
    private static long overflows;

    private Stripes() {
    }

    /** The calling thread's stripe, 0..COUNT-1. */
    public static int current() {
        Thread t = Thread.currentThread();
        long id = t.threadId();
        int home = (int) id & (COUNT - 1);
        return OWNER[home] == id + 1 ? home : slow(t, id, home);
    }

    private static int slow(Thread t, long id, int home) {
        int[] away = AWAY.get();
        if (away[0] >= 0) {
            return away[0];
        }
        synchronized (OWNER) {
            if (OWNER[home] == id + 1) {
                return home;
            }
            if (home != OVERFLOW && claimable(home)) {
                claim(home, t, id);
                return home;
            }
            for (int i = 0; i < OVERFLOW; i++) {
                if (claimable(i)) {
                    claim(i, t, id);
                    away[0] = i;
                    return i;
                }
            }
            overflows++;
            away[0] = OVERFLOW;
            return OVERFLOW;
        }
    }

    private static boolean claimable(int s) {
        if (OWNER[s] == 0) {
            return true;
        }
        Thread owner = (Thread) THREADS[s].get();
        return owner == null || !owner.isAlive();
    }

    private static void claim(int s, Thread t, long id) {
        OWNER[s] = id + 1;
        THREADS[s] = new WeakReference<>(t);
    }

    /** Threads that found no free stripe and share the overflow stripe. */
    public static long overflows() {
        synchronized (OWNER) {
            return overflows;
        }
    }
}
