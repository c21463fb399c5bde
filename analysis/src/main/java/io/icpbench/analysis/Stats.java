package io.icpbench.analysis;

import java.util.Arrays;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.inference.TTest;

/**
 * The statistics of a comparison of dispatch modes. The unit of replication is the fork: every
 * input array holds one value per fork (its mean), never pooled iterations.
 *
 * <p>IMPLEMENTATION NOTES. The Welch test is Commons Math 3.6.1's {@code TTest.tTest(double[],
 * double[])} (two-sided, unequal variances); its degrees of freedom (Welch–Satterthwaite) are
 * computed here the same way. Intervals use the t distribution with those degrees of freedom. The
 * ratio's interval is Fieller's (the set of ratios ρ for which mean A − ρ·mean B is not
 * significantly different from 0, both means' uncertainty included), so it is asymmetric and never
 * below −100% while B's mean is clearly positive; when B's mean is not (g ≥ 1) it is unbounded and
 * reported as NaN. The Mann–Whitney check is exact without ties (Commons Statistics), the normal
 * approximation with continuity correction with them. A comparison whose difference lies within
 * the equivalence margin (TOST) is "equivalent" even when it is also significant: a difference
 * smaller than the margin is no finding. Power uses the central t approximation:
 * MDE = (t(1-α/2, df) + t(power, df)) · SE.
 */
public final class Stats {
    public static final double ALPHA = 0.05;
    public static final double POWER = 0.80;

    private Stats() {
    }

    /** Per-mode description of fork means. */
    public record Summary(String mode, int n, double mean, double median, double sd, double cv, double ciLow, double ciHigh) {
    }

    public static Summary summarize(String mode, double[] x) {
        int n = x.length;
        double mean = mean(x);
        double sd = sd(x);
        double half = n > 1 ? tQuantile(1 - ALPHA / 2, n - 1) * sd / Math.sqrt(n) : Double.NaN;
        return new Summary(mode, n, mean, median(x), sd, sd / mean, mean - half, mean + half);
    }

    /** The verdict of a comparison. */
    public enum Verdict {
        FASTER, SLOWER, EQUIVALENT, INCONCLUSIVE;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * A vs B on a higher-is-better metric (packets per second per fork).
     *
     * @param diff      mean A − mean B; diffLow/diffHigh its 95% interval
     * @param ratio     mean A / mean B − 1 (relative change); ratioLow/ratioHigh its 95% interval (Fieller's; NaN if unbounded)
     * @param t         Welch's t; df its Welch–Satterthwaite degrees of freedom; p two-sided
     * @param pHolm     p after Holm's correction over the family of comparisons (set by {@link #holm})
     * @param hedgesG   standardized difference with the small-sample correction
     * @param mannWhitneyP the Mann–Whitney U test's p (a check that needs no normality)
     * @param margin    equivalence margin, relative to B's mean; tostP the TOST p for it
     * @param mde       minimum detectable relative effect at 80% power for these n and variances
     * @param powerAtMargin power of the Welch test against a true effect of the margin
     */
    public record Comparison(String a, String b, int nA, int nB, double meanA, double meanB, double diff, double diffLow,
            double diffHigh, double ratio, double ratioLow, double ratioHigh, double t, double df, double p, double pHolm,
            double hedgesG, double mannWhitneyP, double margin, double tostP, double mde, double powerAtMargin, Verdict verdict) {
        Comparison withHolm(double adjusted) {
            Verdict v;
            if (tostP < ALPHA) {
                v = Verdict.EQUIVALENT;
            } else if (adjusted < ALPHA) {
                v = diff > 0 ? Verdict.FASTER : Verdict.SLOWER;
            } else {
                v = Verdict.INCONCLUSIVE;
            }
            return new Comparison(a, b, nA, nB, meanA, meanB, diff, diffLow, diffHigh, ratio, ratioLow, ratioHigh, t, df, p, adjusted,
                    hedgesG, mannWhitneyP, margin, tostP, mde, powerAtMargin, v);
        }
    }

    /**
     * Compares A with B (both at least 2 forks). The verdict is provisional until {@link #holm}.
     *
     * @param margin equivalence margin relative to B's mean (0.01 = 1%)
     */
    public static Comparison compare(String a, double[] xa, String b, double[] xb, double margin) {
        if (xa.length < 2 || xb.length < 2) {
            throw new IllegalArgumentException(a + " vs " + b + ": " + xa.length + " and " + xb.length + " forks, at least 2 each needed");
        }
        double ma = mean(xa);
        double mb = mean(xb);
        double va = variance(xa) / xa.length;
        double vb = variance(xb) / xb.length;
        double se = Math.sqrt(va + vb);
        double df = welchDf(xa, xb);
        TTest tt = new TTest();
        double t = tt.t(xa, xb);
        double p = tt.tTest(xa, xb);
        double diff = ma - mb;
        double q = tQuantile(1 - ALPHA / 2, df);
        double lo = diff - q * se;
        double hi = diff + q * se;
        double pooled = Math.sqrt(((xa.length - 1) * variance(xa) + (xb.length - 1) * variance(xb)) / (xa.length + xb.length - 2));
        double d = diff / pooled;
        double g = d * (1 - 3.0 / (4.0 * (xa.length + xb.length) - 9));
        double mw = mannWhitneyP(xa, xb);
        double delta = margin * mb;
        TDistribution dist = new TDistribution(df);
        double tost = Math.max(1 - dist.cumulativeProbability((diff + delta) / se), dist.cumulativeProbability((diff - delta) / se));
        double mde = (q + tQuantile(POWER, df)) * se / mb;
        double powerAtMargin = 1 - dist.cumulativeProbability(q - delta / se);
        double[] fieller = fieller(ma, va, mb, vb, q);
        return new Comparison(a, b, xa.length, xb.length, ma, mb, diff, lo, hi, diff / mb, fieller[0] - 1, fieller[1] - 1, t, df, p, p, g,
                mw, margin, tost, mde, powerAtMargin, null).withHolm(p);
    }

    /**
     * Fieller's interval for the ratio of two independent means: the ρ with
     * (mA − ρ·mB)² ≤ q²·(vA + ρ²·vB), where vA, vB are the variances of the means and q the t
     * quantile, cut at 0 below (a ratio of rates). Returns {low, high}, or NaNs when B's mean is not
     * clearly away from 0 (g ≥ 1).
     */
    static double[] fieller(double ma, double va, double mb, double vb, double q) {
        double a = mb * mb - q * q * vb;
        if (!(a > 0)) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double b = ma * mb;
        double c = ma * ma - q * q * va;
        double disc = b * b - a * c;
        double root = Math.sqrt(Math.max(0, disc));
        // Rates are never negative, so neither is their ratio: when A's mean is itself not clearly
        // above 0 (few forks, wide spread) the interval reaches below 0, and is cut there (-100%).
        return new double[] {Math.max(0, (b - root) / a), (b + root) / a};
    }

    /** The two-sided Mann–Whitney U test's p: exact without ties, the normal approximation (continuity corrected) with them. */
    static double mannWhitneyP(double[] xa, double[] xb) {
        double[] all = new double[xa.length + xb.length];
        System.arraycopy(xa, 0, all, 0, xa.length);
        System.arraycopy(xb, 0, all, xa.length, xb.length);
        Arrays.sort(all);
        boolean ties = false;
        for (int i = 1; i < all.length; i++) {
            ties |= all[i] == all[i - 1];
        }
        org.apache.commons.statistics.inference.MannWhitneyUTest test = org.apache.commons.statistics.inference.MannWhitneyUTest.withDefaults()
                .with(ties ? org.apache.commons.statistics.inference.PValueMethod.ASYMPTOTIC : org.apache.commons.statistics.inference.PValueMethod.EXACT);
        return test.test(xa, xb).getPValue();
    }

    /** Holm's step-down correction of the comparisons' p values; returns them with adjusted p and final verdicts. */
    public static Comparison[] holm(Comparison[] cs) {
        int m = cs.length;
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (i, j) -> Double.compare(cs[i].p(), cs[j].p()));
        double[] adjusted = new double[m];
        double running = 0;
        for (int k = 0; k < m; k++) {
            int i = order[k];
            running = Math.max(running, Math.min(1, (m - k) * cs[i].p()));
            adjusted[i] = running;
        }
        Comparison[] out = new Comparison[m];
        for (int i = 0; i < m; i++) {
            out[i] = cs[i].withHolm(adjusted[i]);
        }
        return out;
    }

    /**
     * Forks per mode needed to detect a relative effect {@code effect} at 80% power and α = 0.05 with
     * these two samples' variances (equal n for both, Welch-style df 2n − 2), at most 10,000.
     */
    public static int forksNeeded(double[] xa, double[] xb, double effect) {
        double sd2 = (variance(xa) + variance(xb)) / 2;
        double target = effect * mean(xb);
        for (int n = 2; n <= 10_000; n++) {
            double df = 2.0 * n - 2;
            double se = Math.sqrt(2 * sd2 / n);
            if ((tQuantile(1 - ALPHA / 2, df) + tQuantile(POWER, df)) * se <= target) {
                return n;
            }
        }
        return 10_000;
    }

    /** Welch–Satterthwaite degrees of freedom. */
    public static double welchDf(double[] xa, double[] xb) {
        double va = variance(xa) / xa.length;
        double vb = variance(xb) / xb.length;
        return (va + vb) * (va + vb) / (va * va / (xa.length - 1) + vb * vb / (xb.length - 1));
    }

    public static double tQuantile(double p, double df) {
        return new TDistribution(df).inverseCumulativeProbability(p);
    }

    public static double mean(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s / x.length;
    }

    /** Sample variance (n − 1). */
    public static double variance(double[] x) {
        double m = mean(x);
        double s = 0;
        for (double v : x) {
            s += (v - m) * (v - m);
        }
        return x.length > 1 ? s / (x.length - 1) : Double.NaN;
    }

    public static double sd(double[] x) {
        return Math.sqrt(variance(x));
    }

    public static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
