package io.icpbench.harness.bench;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The eight receiver classes of {@link Op} and the receiver arrays the call-site benchmarks walk.
 *
 * <p>Each class does a tiny computation of its own, {@code x * (k + 3) + k} for class {@code Rk}, so the
 * JIT cannot fold two targets into one and a wrong dispatch would change the result.
 *
 * <p>{@link #skewed(int)} holds {@link #LENGTH} receivers, one shared instance per class (as an ops
 * struct is shared in the kernel), in the proportions of {@link #percent(int)}, shuffled with a fixed
 * seed. The tail R2..R7 is fixed at 1/1/1/1/0.5/0.5 percent; R0 (the dominant target) takes a chosen
 * share and R1 the rest of 95%, so the top two always make 95% of the calls. Counts are the shares of
 * {@link #LENGTH} rounded to the nearest integer, and R0 takes what is left: with R0 at 89%,
 * R0 3646, R1 246, R2..R5 41 each, R6 and R7 20 each.
 *
 * <p>WHY R0 IS 89% BY DEFAULT, NOT 90: C2 inlines the top receiver of a call site that saw many
 * classes when it makes at least {@code TypeProfileMajorReceiverPercent} (90) percent of the profiled
 * calls. At 90% (3687 of 4096 is 90.01%) the profiled share lands within a few hundredths of a
 * percent of that threshold, on either side depending on where the profile window starts and stops,
 * so a plain call site would be inlined in some forks and megamorphic in others. At 89% it is
 * megamorphic in every fork; choose 91 or more to measure C2's own major-receiver inlining instead.
 */
public final class Receivers {
    /** Receivers in an array (a power of two: the benchmarks wrap the index with {@link #MASK}). */
    public static final int LENGTH = 4096;
    public static final int MASK = LENGTH - 1;
    /** R0's share by default, percent: just below C2's major-receiver threshold (see the class comment). */
    public static final int DEFAULT_R0_PERCENT = 89;
    /** The top two's share, percent: R1 makes {@code TOP_TWO_PERCENT - r0Percent}. */
    public static final int TOP_TWO_PERCENT = 95;
    /** The shares of R2..R7, percent. */
    private static final double[] TAIL_PERCENT = {1, 1, 1, 1, 0.5, 0.5};
    /** The shuffle's seed: every fork walks the same sequence. */
    public static final long SEED = 0x1CB_2019L;

    public static final class R0 implements Op {
        @Override
        public int apply(int x) {
            return x * 3;
        }
    }

    public static final class R1 implements Op {
        @Override
        public int apply(int x) {
            return x * 4 + 1;
        }
    }

    public static final class R2 implements Op {
        @Override
        public int apply(int x) {
            return x * 5 + 2;
        }
    }

    public static final class R3 implements Op {
        @Override
        public int apply(int x) {
            return x * 6 + 3;
        }
    }

    public static final class R4 implements Op {
        @Override
        public int apply(int x) {
            return x * 7 + 4;
        }
    }

    public static final class R5 implements Op {
        @Override
        public int apply(int x) {
            return x * 8 + 5;
        }
    }

    public static final class R6 implements Op {
        @Override
        public int apply(int x) {
            return x * 9 + 6;
        }
    }

    public static final class R7 implements Op {
        @Override
        public int apply(int x) {
            return x * 10 + 7;
        }
    }

    private Receivers() {
    }

    /** One instance of each class, R0 first. Creating them loads all eight classes. */
    public static Op[] all() {
        return new Op[] {new R0(), new R1(), new R2(), new R3(), new R4(), new R5(), new R6(), new R7()};
    }

    /** The share of each class Rk, percent, R0 first, with R0 at {@code r0Percent} (1..95). */
    public static double[] percent(int r0Percent) {
        if (r0Percent < 1 || r0Percent > TOP_TWO_PERCENT) {
            throw new IllegalArgumentException("R0 share " + r0Percent + "%, expected 1.." + TOP_TWO_PERCENT);
        }
        double[] p = new double[2 + TAIL_PERCENT.length];
        p[0] = r0Percent;
        p[1] = TOP_TWO_PERCENT - r0Percent;
        System.arraycopy(TAIL_PERCENT, 0, p, 2, TAIL_PERCENT.length);
        return p;
    }

    /** How many of the {@link #LENGTH} receivers are of class Rk, with R0 at {@code r0Percent}. */
    public static int[] counts(int r0Percent) {
        double[] p = percent(r0Percent);
        int[] n = new int[p.length];
        int rest = LENGTH;
        for (int k = 1; k < n.length; k++) {
            n[k] = (int) Math.round(p[k] * LENGTH / 100);
            rest -= n[k];
        }
        n[0] = rest;
        return n;
    }

    /** {@link #LENGTH} receivers of two classes only, R0 at {@code r0Percent} (1..99) and R1, shuffled with {@link #SEED}. */
    public static Op[] bimorphic(int r0Percent) {
        if (r0Percent < 1 || r0Percent > 99) {
            throw new IllegalArgumentException("r0Percent=" + r0Percent + ", expected 1..99 for two classes");
        }
        Op[] all = all();
        Op[] out = new Op[LENGTH];
        int r0 = (int) Math.round(LENGTH * r0Percent / 100.0);
        for (int i = 0; i < LENGTH; i++) {
            out[i] = i < r0 ? all[0] : all[1];
        }
        java.util.SplittableRandom random = new java.util.SplittableRandom(SEED);
        for (int i = LENGTH - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Op t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
        return out;
    }

    /** {@link #skewed(int)} with R0 at {@link #DEFAULT_R0_PERCENT}. */
    public static Op[] skewed() {
        return skewed(DEFAULT_R0_PERCENT);
    }

    /** {@link #LENGTH} receivers in the proportions of {@link #percent(int)}, shuffled with {@link #SEED}. */
    public static Op[] skewed(int r0Percent) {
        Op[] kinds = all();
        int[] n = counts(r0Percent);
        Op[] out = new Op[LENGTH];
        int at = 0;
        for (int k = 0; k < n.length; k++) {
            Arrays.fill(out, at, at + n[k], kinds[k]);
            at += n[k];
        }
        SplittableRandom random = new SplittableRandom(SEED);
        for (int i = out.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Op t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
        return out;
    }

    /** {@link #LENGTH} receivers, all R0; the other seven classes are loaded too, as in {@link #skewed()}. */
    public static Op[] monomorphic() {
        Op[] out = new Op[LENGTH];
        Arrays.fill(out, all()[0]);
        return out;
    }
}
