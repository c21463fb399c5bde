package io.icpbench.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Concurrent callers on one site while it relearns all the time: small thresholds, the real
 * background updater, and one more thread forcing updates in a loop. Patching must never make a call
 * reach another class's method: a stale guard may miss, nothing else. Bounded by call counts.
 */
class DynamicSiteStressTest {
    private static final int THREADS = 4;
    private static final int CALLS = 300_000;
    /** Calls per phase: each worker's mix changes every PHASE calls. */
    private static final int PHASE = 15_000;
    private static final LearningConfig RESTLESS = new LearningConfig(50, 50, 5);

    @AfterEach
    void clearRegistry() {
        SiteRegistry.clear();
    }

    /** Receiver class for worker t's i-th call: two dominant classes per (worker, phase), the rest spread over all 8. */
    private static int receiver(SplittableRandom rnd, int t, int i) {
        int phase = i / PHASE;
        int a = (t + 3 * phase) & 7;
        int b = (a + 1 + ((t + phase) % 7)) & 7; // never a
        int r = rnd.nextInt(100);
        return r < 55 ? a : r < 85 ? b : rnd.nextInt(8);
    }

    /** What a stress run saw. */
    private record Outcome(long calls, long[] perClass, long forcedUpdates) {
    }

    /** Runs THREADS workers of CALLS calls each plus a forcing thread, each worker's body per call given. */
    private static Outcome stress(DynamicSite site, WorkerCall body) throws Exception {
        CyclicBarrier start = new CyclicBarrier(THREADS + 1);
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        AtomicLongArray perClass = new AtomicLongArray(8);
        AtomicLong calls = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int id = t;
            workers.add(new Thread(() -> {
                long[] mine = new long[8];
                long made = 0;
                try {
                    Receivers.resetThisThread();
                    SplittableRandom rnd = new SplittableRandom(0x5EED + id);
                    start.await(2, java.util.concurrent.TimeUnit.MINUTES); // a hang guard, not a timing check
                    for (int i = 0; i < CALLS; i++) {
                        int k = receiver(rnd, id, i);
                        body.call(site, id, k, rnd);
                        mine[k]++;
                        made++;
                    }
                } catch (Throwable e) {
                    errors.add(e);
                } finally {
                    calls.addAndGet(made);
                    for (int k = 0; k < 8; k++) {
                        perClass.addAndGet(k, mine[k]);
                    }
                }
            }, "stress-" + t));
        }
        AtomicLong forced = new AtomicLong();
        Thread forcer = new Thread(() -> {
            try {
                start.await(2, java.util.concurrent.TimeUnit.MINUTES); // a hang guard, not a timing check
                while (workers.stream().anyMatch(Thread::isAlive)) {
                    site.update();
                    forced.incrementAndGet();
                    Thread.yield();
                }
            } catch (Throwable e) {
                errors.add(e);
            }
        }, "stress-forcer");
        workers.forEach(Thread::start);
        forcer.start();
        for (Thread w : workers) {
            w.join();
        }
        forcer.join();
        assertThat(errors).as("errors in workers").isEmpty();
        long[] pc = new long[8];
        for (int k = 0; k < 8; k++) {
            pc[k] = perClass.get(k);
        }
        return new Outcome(calls.get(), pc, forced.get());
    }

    @FunctionalInterface
    private interface WorkerCall {
        void call(DynamicSite site, int worker, int k, SplittableRandom rnd) throws Throwable;
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(Placement.class)
    void concurrentCallersWhileTheSiteRelearnsAlwaysReachTheirOwnClass(Placement placement) throws Exception {
        DynamicSite site = new DynamicSite("stress", MethodHandles.lookup(), Receivers.Op.class, "apply", Receivers.TYPE,
                LearningPolicy.cree(), RESTLESS, StatsStrategy.STRIPED, placement, Updater.background());
        Outcome o = stress(site, (s, worker, k, rnd) -> {
            int x = rnd.nextInt(1 << 20);
            long before = Receivers.runs(k);
            int r = (int) s.invoker().invokeExact(Receivers.OPS[k], x);
            if (r != Receivers.STRIDE * k + x) {
                throw new AssertionError("T" + k + ", x=" + x + " returned " + r + " (class "
                        + Math.floorDiv(r - x, Receivers.STRIDE) + "'s value)");
            }
            if (Receivers.lastRan() != k || Receivers.runs(k) != before + 1) {
                throw new AssertionError("T" + k + ": the method of T" + Receivers.lastRan() + " ran");
            }
        });
        assertThat(o.calls()).isEqualTo((long) THREADS * CALLS);
        for (int k = 0; k < 8; k++) {
            assertThat(o.perClass()[k]).as("calls of T%d", k).isPositive();
        }
        assertThat(site.patches()).as("patches (relearns that changed the targets)").isGreaterThan(10);
        assertThat(site.updates()).isGreaterThanOrEqualTo(o.forcedUpdates());
        assertThat(site.installed().size()).isLessThanOrEqualTo(2);
        assertThat(site.fastHits()).isPositive();
        assertThat(site.misses()).isPositive();
        // Flipping between target sets reuses their generated chains.
        assertThat(site.chainsBuilt()).isLessThanOrEqualTo(1 + site.patches());
        assertThat(site.placement()).isEqualTo(placement);
    }

    // ------------------------------------------------------------------ several arguments

    /** A probe the callee fills in: which class's method ran, with which arguments. */
    static final class Probe {
        int ran = -1;
        long a;
        int b;
    }

    /** An ops interface with several arguments of several kinds, so a wrong target or argument shows. */
    public interface Wide {
        long call(long a, Probe p, int b);
    }

    static long wide(int k, long a, Probe p, int b) {
        p.ran = k;
        p.a = a;
        p.b = b;
        return ((long) k << 56) | ((a * 31 + b) & 0x00FF_FFFF_FFFF_FFFFL);
    }

    public static final class W0 implements Wide {
        @Override
        public long call(long a, Probe p, int b) {
            return wide(0, a, p, b);
        }
    }

    public static final class W1 implements Wide {
        @Override
        public long call(long a, Probe p, int b) {
            return wide(1, a, p, b);
        }
    }

    public static final class W2 implements Wide {
        @Override
        public long call(long a, Probe p, int b) {
            return wide(2, a, p, b);
        }
    }

    public static final class W3 implements Wide {
        @Override
        public long call(long a, Probe p, int b) {
            return wide(3, a, p, b);
        }
    }

    public static final class W4 implements Wide {
        @Override
        public long call(long a, Probe p, int b) {
            return wide(4, a, p, b);
        }
    }

    public static final class W5 implements Wide {
        @Override
        public long call(long a, Probe p, int b) {
            return wide(5, a, p, b);
        }
    }

    public static final class W6 implements Wide {
        @Override
        public long call(long a, Probe p, int b) {
            return wide(6, a, p, b);
        }
    }

    public static final class W7 implements Wide {
        @Override
        public long call(long a, Probe p, int b) {
            return wide(7, a, p, b);
        }
    }

    private static final Wide[] WIDE = {new W0(), new W1(), new W2(), new W3(), new W4(), new W5(), new W6(), new W7()};

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(Placement.class)
    void concurrentCallersWithSeveralArgumentsGetTheirOwnClassAndTheirOwnArguments(Placement placement) throws Exception {
        // Top-4 (longer guard chains) and thread-local statistics, so this is another chain shape.
        DynamicSite site = new DynamicSite("stress-wide", MethodHandles.lookup(), Wide.class, "call",
                MethodType.methodType(long.class, Wide.class, long.class, Probe.class, int.class), LearningPolicy.topN(4),
                RESTLESS, StatsStrategy.THREAD_LOCAL, placement, Updater.background());
        ThreadLocal<Probe> probes = ThreadLocal.withInitial(Probe::new);
        Outcome o = stress(site, (s, worker, k, rnd) -> {
            long a = rnd.nextLong();
            int b = rnd.nextInt();
            Probe p = probes.get();
            p.ran = -1;
            long r = (long) s.invoker().invokeExact(WIDE[k], a, p, b);
            long expected = ((long) k << 56) | ((a * 31 + b) & 0x00FF_FFFF_FFFF_FFFFL);
            if (r != expected || p.ran != k || p.a != a || p.b != b) {
                throw new AssertionError("W" + k + "(a=" + a + ", b=" + b + ") returned " + Long.toHexString(r)
                        + " (class " + (r >>> 56) + "), expected " + Long.toHexString(expected) + "; the probe says W"
                        + p.ran + " ran with a=" + p.a + ", b=" + p.b);
            }
        });
        assertThat(o.calls()).isEqualTo((long) THREADS * CALLS);
        assertThat(site.patches()).isGreaterThan(10);
        assertThat(site.installed().size()).isLessThanOrEqualTo(4);
    }
}
