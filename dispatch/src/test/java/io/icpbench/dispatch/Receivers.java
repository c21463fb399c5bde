package io.icpbench.dispatch;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Test receivers for learned sites: an ops interface and 8 final implementations T0..T7.
 * {@code Tk.apply(x)} returns {@code 1000 * k + x} (so {@code result - x} names the class whose
 * method ran) and records, per thread, that class k's method ran. {@link T0} throws {@link Boom}
 * for the argument {@link #BOOM}.
 */
final class Receivers {
    /** The class-identifying stride of the results. */
    static final int STRIDE = 1000;
    /** The argument for which T0 throws {@link Boom}. */
    static final int BOOM = Integer.MIN_VALUE + 7;
    static final int CLASSES = 8;

    /** What ran on this thread: [0] the index of the last class whose method ran (-1: none), [1 + k] runs of class k. */
    private static final ThreadLocal<long[]> RAN = ThreadLocal.withInitial(() -> {
        long[] a = new long[1 + CLASSES];
        a[0] = -1;
        return a;
    });
    /** The last Boom thrown on this thread. */
    private static final ThreadLocal<Boom> LAST_BOOM = new ThreadLocal<>();

    private Receivers() {
    }

    /** The ops interface of the tests. */
    public interface Op {
        int apply(int x);
    }

    /** The custom exception T0 throws for {@link #BOOM}. */
    static final class Boom extends RuntimeException {
        Boom() {
            super("boom from T0");
        }
    }

    static int ran(int k, int x) {
        long[] a = RAN.get();
        a[0] = k;
        a[1 + k]++;
        return STRIDE * k + x;
    }

    public static final class T0 implements Op {
        @Override
        public int apply(int x) {
            if (x == BOOM) {
                RAN.get()[0] = 0;
                Boom b = new Boom();
                LAST_BOOM.set(b);
                throw b;
            }
            return ran(0, x);
        }
    }

    public static final class T1 implements Op {
        @Override
        public int apply(int x) {
            return ran(1, x);
        }
    }

    public static final class T2 implements Op {
        @Override
        public int apply(int x) {
            return ran(2, x);
        }
    }

    public static final class T3 implements Op {
        @Override
        public int apply(int x) {
            return ran(3, x);
        }
    }

    public static final class T4 implements Op {
        @Override
        public int apply(int x) {
            return ran(4, x);
        }
    }

    public static final class T5 implements Op {
        @Override
        public int apply(int x) {
            return ran(5, x);
        }
    }

    public static final class T6 implements Op {
        @Override
        public int apply(int x) {
            return ran(6, x);
        }
    }

    public static final class T7 implements Op {
        @Override
        public int apply(int x) {
            return ran(7, x);
        }
    }

    /** One receiver per class, indexed by k. */
    static final Op[] OPS = {new T0(), new T1(), new T2(), new T3(), new T4(), new T5(), new T6(), new T7()};
    /** The classes, indexed by k. */
    static final List<Class<?>> CLASS = List.of(T0.class, T1.class, T2.class, T3.class, T4.class, T5.class, T6.class,
            T7.class);

    static final MethodType TYPE = MethodType.methodType(int.class, Op.class, int.class);

    static DynamicSite site(LearningPolicy policy, LearningConfig config, StatsStrategy stats) {
        return new DynamicSite("test", MethodHandles.lookup(), Op.class, "apply", TYPE, policy, config, stats,
                Runnable::run);
    }

    static DynamicSite creeSite() {
        return site(LearningPolicy.cree(), LearningConfig.CREE, StatsStrategy.STRIPED);
    }

    static int index(Op op) {
        return CLASS.indexOf(op.getClass());
    }

    static Class<?> cls(int k) {
        return CLASS.get(k);
    }

    static long lastRan() {
        return RAN.get()[0];
    }

    /** Runs of class k's method on this thread so far. */
    static long runs(int k) {
        return RAN.get()[1 + k];
    }

    static Boom lastBoom() {
        return LAST_BOOM.get();
    }

    static void resetThisThread() {
        long[] a = RAN.get();
        java.util.Arrays.fill(a, 0);
        a[0] = -1;
        LAST_BOOM.remove();
    }

    /**
     * Calls the site with receiver class k and argument x, and fails unless the call returned class
     * k's value and class k's method (and only it) ran.
     */
    static int call(DynamicSite site, int k, int x) throws Throwable {
        Op op = OPS[k];
        long[] a = RAN.get();
        a[0] = -1;
        long before = a[1 + k];
        int r = (int) site.invoker().invokeExact(op, x);
        if (r != STRIDE * k + x) {
            throw new AssertionError("receiver T" + k + ", x=" + x + ": got " + r + " (class "
                    + Math.floorDiv(r - x, STRIDE) + "'s value), installed " + site.installed());
        }
        if (a[0] != k || a[1 + k] != before + 1) {
            throw new AssertionError("receiver T" + k + ": the method of T" + a[0] + " ran");
        }
        return r;
    }

    static int call(DynamicSite site, int k) throws Throwable {
        return call(site, k, k * 7 + 3);
    }

    /** Class indices in a seeded shuffled order with exactly these per-block weights (percent). */
    static final class Mix {
        private final int[] weights;
        private final Random random;
        private final List<Integer> block = new ArrayList<>();
        private int pos;

        /** weights[k]: calls of class k in each block of sum(weights) calls. */
        Mix(long seed, int... weights) {
            this.weights = weights;
            this.random = new Random(seed);
        }

        int next() {
            if (pos == block.size()) {
                block.clear();
                for (int k = 0; k < weights.length; k++) {
                    for (int i = 0; i < weights[k]; i++) {
                        block.add(k);
                    }
                }
                Collections.shuffle(block, random);
                pos = 0;
            }
            return block.get(pos++);
        }
    }
}
