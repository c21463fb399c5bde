package io.icpbench.analysis;

import io.icpbench.results.RunResults;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.inference.TTest;

/**
 * The statistics of a comparison of arms. The unit of replication is the fork: every input array
 * holds one value per fork (its mean), never pooled iterations.
 *
 * <p>THE PRIMARY ANALYSIS ({@link #vsBaseline}): each arm against the run's baseline, paired by
 * block on the log scale. The forks run in randomized complete blocks, and a shared machine drifts
 * (measured in issue 12: -14% per 10 forks, the arms correlated at 0.9 across blocks), so the arms
 * drift together. Per block that holds both, d = mean ln(rate) of the arm's forks − mean ln(rate)
 * of the baseline's forks (a block may hold two baseline forks; a fork's rate is its packets over
 * its measured time, {@link RunResults.ForkResult#rate}); a paired t on the d's then removes
 * everything a block's forks share. The log scale makes the effect a ratio of rates, exp(mean d),
 * whose interval exp(bounds) can never reach below 0. The family corrected by Holm is one, stated
 * in the report ({@link Family}): every arm that asks a question, over the whole run and, when the
 * traffic has phases, again in each phase. The two controls (an A/A arm, the baseline again, and a
 * planted arm whose true effect is known, see {@link #role}) are tested at the uncorrected α, since
 * what they measure is the error rate of one comparison. With fewer than 2 blocks holding both arms
 * (a run that was not blocked, or a broken one) the analysis falls back to Welch's test on log rates.
 *
 * <p>THE VERDICT ({@link #decide}) reports two facts, each from its own interval. Significance:
 * the two-sided test at α (Holm-adjusted p &lt; α for a question), whose interval is the 95% CI;
 * significant makes the comparison faster or slower, whatever the size. Equivalence: TOST at α,
 * both one-sided tests against ±margin, which is the 90% CI lying inside the margin. Only a
 * comparison that is not significant is called equivalent; one that is neither is inconclusive.
 * Both facts are kept ({@code significant()}, {@code equivalent()}) and printed: a significant
 * difference smaller than the margin is "slower; within ±1%", never hidden behind "equivalent",
 * and an A/A false alarm inside the margin still counts as one.
 *
 * <p>THE SECONDARY ANALYSIS ({@link #compare}): Welch's t-test on fork means (packets/s), as in the
 * discussion the project started from; kept because the user asked for it, beside the primary.
 *
 * <p>IMPLEMENTATION NOTES. The Welch test is Commons Math 3.6.1's {@code TTest.tTest(double[],
 * double[])} (two-sided, unequal variances); its degrees of freedom (Welch–Satterthwaite) are
 * computed here the same way. Intervals use the t distribution with those degrees of freedom. The
 * ratio's interval is Fieller's (the set of ratios ρ for which mean A − ρ·mean B is not
 * significantly different from 0, both means' uncertainty included), so it is asymmetric and never
 * below −100% while B's mean is clearly positive; when B's mean is not (g ≥ 1) it is unbounded and
 * reported as NaN. The Mann–Whitney check is exact without ties (Commons Statistics), the normal
 * approximation with continuity correction with them. Power is that of the two-sided t test, from
 * the non-central t ({@link NoncentralT}): power(δ) = P(T' &gt; q) + P(T' &lt; −q), T' non-central t
 * with df degrees of freedom and non-centrality δ/SE, q = t(1 − α/2, df); the MDE is the δ whose
 * power is 80%, found by Brent's method. (The central shortcut MDE = (t(1−α/2) + t(0.8))·SE, used
 * before, has 72–76% power with 3 to 5 blocks at α/3.) Every number here is checked against SciPy
 * ({@code src/test/resources/reference_values.py}, the non-central t by {@code scipy.stats.nct}).
 */
public final class Stats {
    public static final double ALPHA = 0.05;
    public static final double POWER = 0.80;
    /** The most units (blocks, forks per arm) a plan asks for; "needed" answers cap here. */
    public static final int MAX_UNITS = 10_000;

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

    /** The verdict of a comparison ({@link #decide}). */
    public enum Verdict {
        FASTER, SLOWER, EQUIVALENT, INCONCLUSIVE;

        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** Whether the comparison called a difference (faster or slower): it was significant. */
        public boolean different() {
            return this == FASTER || this == SLOWER;
        }
    }

    /**
     * The one verdict rule of every comparison here. Significant (the two-sided test's adjusted p
     * &lt; α: its 95% CI) → faster or slower, by the estimate's sign; otherwise equivalent when TOST
     * rejects a difference of the margin (p &lt; α: the 90% CI inside ±margin); otherwise
     * inconclusive. Significance comes first: a real difference smaller than the margin is
     * reported (and its equivalence beside it), an A/A false alarm inside the margin stays one.
     */
    static Verdict decide(double adjustedP, double tostP, double estimate) {
        if (adjustedP < ALPHA) {
            return estimate > 0 ? Verdict.FASTER : Verdict.SLOWER;
        }
        if (tostP < ALPHA) {
            return Verdict.EQUIVALENT;
        }
        return Verdict.INCONCLUSIVE;
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
     * @param margin    equivalence margin, relative to B's mean; tostP the TOST p for it (the 90% CI of the difference inside ±margin)
     * @param mde       minimum detectable relative effect at 80% power for these n and variances (two-sided Welch test at α,
     *                  non-central t)
     * @param powerAtMargin power of the two-sided Welch test at α against a true effect of the margin (non-central t)
     */
    public record Comparison(String a, String b, int nA, int nB, double meanA, double meanB, double diff, double diffLow,
            double diffHigh, double ratio, double ratioLow, double ratioHigh, double t, double df, double p, double pHolm,
            double hedgesG, double mannWhitneyP, double margin, double tostP, double mde, double powerAtMargin, Verdict verdict) {
        Comparison withHolm(double adjusted) {
            return new Comparison(a, b, nA, nB, meanA, meanB, diff, diffLow, diffHigh, ratio, ratioLow, ratioHigh, t, df, p, adjusted,
                    hedgesG, mannWhitneyP, margin, tostP, mde, powerAtMargin, decide(adjusted, tostP, diff));
        }

        /** Significant: Holm's p (a control's own p) below α, two-sided; its interval is the 95% CI. */
        public boolean significant() {
            return pHolm < ALPHA;
        }

        /** Equivalent within ±margin: TOST's p below α, which is the 90% CI of the difference inside ±margin. */
        public boolean equivalent() {
            return tostP < ALPHA;
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
        double mde = NoncentralT.noncentrality(POWER, df, ALPHA) * se / mb;
        double powerAtMargin = NoncentralT.power(delta / se, df, ALPHA);
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
        double[] adjusted = holmAdjust(Arrays.stream(cs).mapToDouble(Comparison::p).toArray());
        Comparison[] out = new Comparison[cs.length];
        for (int i = 0; i < cs.length; i++) {
            out[i] = cs[i].withHolm(adjusted[i]);
        }
        return out;
    }

    /** Holm's step-down adjusted p values, in the order given: the k-th smallest times (m − k + 1), made monotone, at most 1. */
    static double[] holmAdjust(double[] p) {
        int m = p.length;
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (i, j) -> Double.compare(p[i], p[j]));
        double[] adjusted = new double[m];
        double running = 0;
        for (int k = 0; k < m; k++) {
            int i = order[k];
            running = Math.max(running, Math.min(1, (m - k) * p[i]));
            adjusted[i] = running;
        }
        return adjusted;
    }

    /**
     * How a design's standard error shrinks as it grows, for planning. Paired: n blocks, SE = sd/√n,
     * df = n − 1, sd the SD of the per-block differences. Unpaired: n forks in each of two arms,
     * SE = sd·√(2/n), df = 2n − 2, sd² the mean of the two arms' variances. Power is the two-sided
     * t test's, from the non-central t ({@link #mde}).
     */
    public record SampleSize(double sd, boolean paired) {
        public double se(int n) {
            return paired ? sd / Math.sqrt(n) : sd * Math.sqrt(2.0 / n);
        }

        public double df(int n) {
            return paired ? n - 1 : 2.0 * n - 2;
        }

        /**
         * The smallest true difference (in sd's units) this design detects at 80% power with n
         * units, two-sided at level α: SE(n) times the non-centrality at which the t test with
         * df(n) degrees of freedom has 80% power ({@link NoncentralT#noncentrality}).
         */
        public double mde(int n, double alpha) {
            return NoncentralT.noncentrality(POWER, df(n), alpha) * se(n);
        }

        /** The central-t shortcut (t(1−α/2) + t(0.8))·SE: cheap, and within a few units of {@link #mde}; only a start for {@link #needed}. */
        private double centralMde(int n, double alpha) {
            return (tQuantile(1 - alpha / 2, df(n)) + tQuantile(POWER, df(n))) * se(n);
        }

        /**
         * The fewest units (2 to {@link #MAX_UNITS}) whose {@link #mde} is at most {@code target};
         * {@link #MAX_UNITS} when even that is not enough. The MDE falls as n grows (both the SE and
         * the non-centrality do), so the first n that reaches the target is the answer. Each exact
         * MDE is a root-finding, so the search starts where the central shortcut reaches the target
         * (a binary search of it) and steps from there, doubling its step while it falls short.
         */
        public int needed(double target, double alpha) {
            if (!(mde(MAX_UNITS, alpha) <= target)) {
                return MAX_UNITS;
            }
            int lo = 2;
            int hi = MAX_UNITS;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (centralMde(mid, alpha) <= target) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            // the exact answer: the smallest n with mde(n) <= target. Bracket it from the shortcut's n, galloping, then bisect.
            int below;
            int above;
            int step = 1;
            if (mde(lo, alpha) <= target) {
                above = lo;
                while (true) {
                    int probe = above - step;
                    if (probe < 2) {
                        below = 2;
                        break;
                    }
                    if (mde(probe, alpha) <= target) {
                        above = probe;
                        step *= 2;
                    } else {
                        below = probe + 1;
                        break;
                    }
                }
            } else {
                below = lo + 1;
                while (true) {
                    int probe = Math.min(MAX_UNITS, lo + step);
                    if (mde(probe, alpha) <= target) {
                        above = probe;
                        break;
                    }
                    below = probe + 1;
                    step *= 2;
                }
            }
            // every n below 'below' falls short, 'above' reaches the target
            while (below < above) {
                int mid = (below + above) >>> 1;
                if (mde(mid, alpha) <= target) {
                    above = mid;
                } else {
                    below = mid + 1;
                }
            }
            return above;
        }
    }

    /**
     * Forks per mode needed to detect a relative effect {@code effect} at 80% power and α = 0.05 with
     * these two samples' variances (equal n for both, Welch-style df 2n − 2, the two-sided t test's
     * power from the non-central t), at most 10,000.
     */
    public static int forksNeeded(double[] xa, double[] xb, double effect) {
        double sd2 = (variance(xa) + variance(xb)) / 2;
        return new SampleSize(Math.sqrt(sd2), false).needed(effect * mean(xb), ALPHA);
    }

    // ---------------------------------------------------------------- the primary analysis

    /** What an arm is for: a question (in the Holm family) or a control of the instrument, whose true effect is known. */
    public enum Role {
        /** An arm under study. */
        QUESTION,
        /** The baseline again in forks of its own (its spec equals the baseline's): the true ratio is 1. */
        AA,
        /** An arm with a planted effect of known size (its {@code planted} setting). */
        PLANTED;

        public String word() {
            return switch (this) {
                case QUESTION -> "arm";
                case AA -> "A/A";
                case PLANTED -> "planted";
            };
        }
    }

    /**
     * An arm's role and, for a control, its true rate ratio against the baseline.
     *
     * @param trueRatio 1 for an A/A arm; {@link #plantedTruth} for a planted arm that is the baseline
     *                  otherwise; NaN when not known (a question, or a planted arm on another arm)
     */
    public record ArmRole(Role role, double trueRatio) {
        public boolean control() {
            return role != Role.QUESTION;
        }
    }

    /**
     * The true rate ratio of a planted arm against the same arm without it: 1/(1 + percent/100).
     * The planted arm does exactly its arm's operation, plus percent/100 more whole operations of
     * the same kind that are not credited (the harness' {@code PlantedEffect}), so per credited
     * operation it spends 1 + percent/100 times the time; exact up to JMH's per-operation loop
     * overhead, which that Javadoc bounds. The one place the truth is computed.
     */
    public static double plantedTruth(double percent) {
        return 1 / (1 + percent / 100);
    }

    /**
     * The role of {@code arm} in a run. A/A: same spec as the baseline, another name. Planted: a
     * {@code planted} setting, whose true ratio against the baseline ({@link #plantedTruth}) is known
     * when the arm is the baseline but for it.
     */
    public static ArmRole role(RunResults.Settings s, String arm) {
        RunResults.Arm a = s.arm(arm);
        RunResults.Arm base = s.arm(s.baseline());
        if (a.planted() != null) {
            RunResults.Arm unplanted = new RunResults.Arm(a.name(), a.mode(), a.placement(), a.policy(), a.stats(), a.thresholds(), a.sites(),
                    a.jvm(), null);
            double percent;
            try {
                percent = Double.parseDouble(a.planted());
            } catch (NumberFormatException e) {
                percent = Double.NaN;
            }
            boolean onTheBaseline = unplanted.spec().equals(base.spec()) && base.planted() == null;
            return new ArmRole(Role.PLANTED, onTheBaseline ? plantedTruth(percent) : Double.NaN);
        }
        if (!a.name().equals(base.name()) && a.spec().equals(base.spec())) {
            return new ArmRole(Role.AA, 1);
        }
        return new ArmRole(Role.QUESTION, Double.NaN);
    }

    /** How a {@link LogRatio} was estimated. */
    public enum Method {
        /** Paired t on per-block log ratios: n = blocks. */
        PAIRED,
        /** Welch's t on the forks' log rates (fewer than 2 blocks held both arms): n and nReference = forks. */
        WELCH_LOG,
        /** Two runs' paired log ratios against their own baselines, differenced: n and nReference = blocks in A and B. */
        BETWEEN_RUNS
    }

    /**
     * An arm against a reference as a ratio of rates, estimated on the log scale: exp(mean) is the
     * rate ratio, exp(mean) − 1 the relative change.
     *
     * @param method     how it was estimated ({@link Method})
     * @param n          blocks (paired) or the arm's forks (Welch); nReference the same for the reference
     * @param role       the arm's role; the controls' true ratio
     * @param mean       mean log ratio; se its standard error; df its degrees of freedom
     * @param t          mean / se; p its two-sided p
     * @param pAdjusted  p after Holm's correction over the family ({@link Family}: the questions); the controls' own p
     * @param ciLow      95% two-sided interval of the mean log ratio (uncorrected), low and high: significance's interval
     * @param margin     equivalence margin (relative rate change, 0.01 = ±1%); tostP the TOST p for ln(1 ± margin): below α
     *                   exactly when the 90% interval ({@link #ci90Low}, {@link #ci90High}) lies inside the margin
     * @param planAlpha  the level the power figures are planned at: α/m for the family of m questions
     *                   (Bonferroni, Holm's first step), α for a control
     * @param mde        the smallest relative change in rate this design detects at 80% power at planAlpha: exp(δ) − 1,
     *                   δ from the non-central t ({@link NoncentralT#noncentrality})
     * @param effect     the change planned for (relative); power the two-sided test's power against it at planAlpha
     *                   (non-central t); needed the units (blocks, or forks per arm) needed to detect it at 80% power (capped at
     *                   {@link #MAX_UNITS}; -1: not planned)
     * @param sampleSize how this design's SE shrinks with more units (null when not planned)
     */
    public record LogRatio(String arm, String reference, Method method, int n, int nReference, ArmRole role, double mean, double se,
            double df, double t, double p, double pAdjusted, double ciLow, double ciHigh, double margin, double tostP, double planAlpha,
            double mde, double effect, double power, int needed, SampleSize sampleSize, Verdict verdict) {
        /** The rate ratio, arm / reference. */
        public double ratio() {
            return Math.exp(mean);
        }

        public double ratioLow() {
            return Math.exp(ciLow);
        }

        public double ratioHigh() {
            return Math.exp(ciHigh);
        }

        /** The relative change in rate, ratio − 1 (−0.05 = 5% slower). */
        public double change() {
            return Math.expm1(mean);
        }

        public double changeLow() {
            return Math.expm1(ciLow);
        }

        public double changeHigh() {
            return Math.expm1(ciHigh);
        }

        /** Significant: the adjusted p (a control's own p) below α, two-sided; its interval is the 95% CI. */
        public boolean significant() {
            return pAdjusted < ALPHA;
        }

        /** Equivalent within ±margin: TOST's p below α, which is the 90% CI ({@link #ci90Low}) inside ln(1 ± margin). */
        public boolean equivalent() {
            return tostP < ALPHA;
        }

        /** The low end of the 90% two-sided interval of the mean log ratio, mean − t(1 − α, df)·se: TOST's interval. */
        public double ci90Low() {
            return mean - tQuantile(1 - ALPHA, df) * se;
        }

        /** The high end of TOST's 90% interval. */
        public double ci90High() {
            return mean + tQuantile(1 - ALPHA, df) * se;
        }

        /** Whether the 95% interval holds the control's true ratio; false when no truth is known. */
        public boolean coversTruth() {
            double truth = Math.log(role.trueRatio());
            return ciLow <= truth && truth <= ciHigh;
        }

        LogRatio adjusted(double p2) {
            return new LogRatio(arm, reference, method, n, nReference, role, mean, se, df, t, p, p2, ciLow, ciHigh, margin, tostP, planAlpha,
                    mde, effect, power, needed, sampleSize, decide(p2, tostP, mean));
        }
    }

    /**
     * Everything a {@link LogRatio} reports, from an estimate on the log scale: its mean, SE and
     * degrees of freedom. The verdict uses the uncorrected p until {@link #holmFamily}.
     */
    static LogRatio estimate(String arm, String reference, Method method, int n, int nReference, ArmRole role, double mean, double se,
            double df, double margin, double effect, double planAlpha, SampleSize size) {
        TDistribution dist = new TDistribution(df);
        double t = mean / se;
        double p = 2 * dist.cumulativeProbability(-Math.abs(t));
        double q = tQuantile(1 - ALPHA / 2, df);
        double lo = Math.log1p(-margin);
        double hi = Math.log1p(margin);
        // TOST: two one-sided tests, "above ln(1 - m)" and "below ln(1 + m)"; the larger p decides.
        double tost = Math.max(dist.cumulativeProbability(-(mean - lo) / se), dist.cumulativeProbability((mean - hi) / se));
        double mde = Math.expm1(NoncentralT.noncentrality(POWER, df, planAlpha) * se);
        double power = NoncentralT.power(Math.log1p(effect) / se, df, planAlpha);
        int needed = size == null ? -1 : size.needed(Math.log1p(effect), planAlpha);
        return new LogRatio(arm, reference, method, n, nReference, role, mean, se, df, t, p, p, mean - q * se, mean + q * se, margin, tost,
                planAlpha, mde, effect, power, needed, size, decide(p, tost, mean));
    }

    /** Holm over the questions in {@code rs}; the controls keep their own p (they measure the per-comparison error rate). */
    static List<LogRatio> holmFamily(List<LogRatio> rs) {
        List<Integer> family = new ArrayList<>();
        for (int i = 0; i < rs.size(); i++) {
            if (!rs.get(i).role().control()) {
                family.add(i);
            }
        }
        double[] adjusted = holmAdjust(family.stream().mapToDouble(i -> rs.get(i).p()).toArray());
        List<LogRatio> out = new ArrayList<>(rs);
        for (int k = 0; k < family.size(); k++) {
            out.set(family.get(k), rs.get(family.get(k)).adjusted(adjusted[k]));
        }
        return out;
    }

    /** The level power is planned at: α for a control, α/m for a question in a family of m (Bonferroni: Holm's first step). */
    static double planAlpha(ArmRole role, int familySize) {
        return role.control() ? ALPHA : ALPHA / Math.max(1, familySize);
    }

    /** ln(packets per second) of each of the arm's finished forks ({@link RunResults.ForkResult#rate}), in the order they finished. */
    public static double[] logRates(RunResults r, String arm) {
        return r.forks().stream().filter(f -> f.arm().equals(arm)).mapToDouble(f -> Math.log(f.rate())).toArray();
    }

    /**
     * The primary analysis' data: per block that holds forks of both, mean ln(rate) of {@code arm}'s
     * forks minus mean ln(rate) of {@code reference}'s, in block order.
     */
    public static double[] blockDifferences(RunResults r, String arm, String reference) {
        // per block: {sum of the arm's log rates, its forks, the same for the reference}
        TreeMap<Integer, double[]> blocks = new TreeMap<>();
        for (RunResults.ForkResult f : r.forks()) {
            int side = f.arm().equals(arm) ? 0 : f.arm().equals(reference) ? 2 : -1;
            if (side < 0) {
                continue;
            }
            double[] b = blocks.computeIfAbsent(f.block(), k -> new double[4]);
            b[side] += Math.log(f.rate());
            b[side + 1]++;
        }
        return blocks.values().stream().filter(b -> b[1] > 0 && b[3] > 0).mapToDouble(b -> b[0] / b[1] - b[2] / b[3]).toArray();
    }

    /**
     * The family Holm corrects over, and the planning level follows: the questions (arms that are
     * not controls, with enough forks to compare) of the whole run, and, for traffic with phases,
     * those of each phase again. One family, not one per phase: a run that asks 3 questions over
     * the whole run and in each of 2 phases asks 9, and 9 chances of a false alarm are what α must
     * hold for. The controls are outside it (they keep their own p).
     *
     * @param arms     the questions compared over the whole run
     * @param perPhase the questions compared in each phase, in phase order (empty without phases)
     */
    public record Family(int arms, List<Integer> perPhase) {
        public Family {
            perPhase = List.copyOf(perPhase);
        }

        /** The comparisons Holm corrects over: m. */
        public int size() {
            return arms + perPhase.stream().mapToInt(Integer::intValue).sum();
        }

        /**
         * The family in words: "Holm over 9 comparisons: 3 arms × (whole run + 2 phases)", "Holm over
         * 3 comparisons: 3 arms", or, when phases compare other numbers of arms, "Holm over 7
         * comparisons: 3 arms over the whole run + 2 in phase 1 + 2 in phase 2".
         */
        public String describe() {
            String head = "Holm over " + size() + (size() == 1 ? " comparison: " : " comparisons: ");
            String arms = this.arms + (this.arms == 1 ? " arm" : " arms");
            if (perPhase.isEmpty()) {
                return head + arms;
            }
            if (perPhase.stream().allMatch(k -> k == this.arms)) {
                return head + arms + " × (whole run + " + perPhase.size() + (perPhase.size() == 1 ? " phase)" : " phases)");
            }
            StringBuilder b = new StringBuilder(head).append(arms).append(" over the whole run");
            for (int k = 0; k < perPhase.size(); k++) {
                b.append(" + ").append(perPhase.get(k)).append(" in phase ").append(k + 1);
            }
            return b.toString();
        }
    }

    /**
     * The primary analysis of a run: the whole run ({@link #vsBaseline}), each phase
     * ({@link #vsBaselineByPhase}), and the one family Holm corrected them over.
     */
    public record Primary(List<LogRatio> whole, List<PhaseComparison> phases, Family family) {
        public Primary {
            whole = List.copyOf(whole);
            phases = List.copyOf(phases);
        }
    }

    /**
     * The primary analysis of a run: every arm but the baseline against the baseline, in arm order,
     * paired by block (Welch on log rates where fewer than 2 blocks hold both), over the whole run
     * and, for traffic with phases, over each phase's iterations alone ({@link RunResults#inPhase});
     * Holm over all their questions together ({@link Family}), the planning level α over its size.
     * Arms with too few forks for either (fewer than 2 blocks, fewer than 2 forks) are left out.
     *
     * @param margin equivalence margin, a relative change (0.01: ±1%)
     * @param effect the change that power and units needed are planned for (0.01: 1%)
     */
    public static Primary primary(RunResults r, double margin, double effect) {
        List<RunResults.Phase> phases = r.settings().phases();
        List<RunResults> parts = new ArrayList<>(List.of(r));
        phases.forEach(p -> parts.add(r.inPhase(p)));
        // first the arms each part can compare, so that the family's size is known before planning
        List<Map<String, double[]>> comparable = parts.stream().map(Stats::comparable).toList();
        List<Integer> questions = comparable.stream().map(c -> (int) c.keySet().stream().filter(arm -> !role(r.settings(), arm).control())
                .count()).toList();
        Family family = new Family(questions.get(0), questions.subList(1, questions.size()));
        List<List<LogRatio>> estimates = new ArrayList<>();
        for (int k = 0; k < parts.size(); k++) {
            estimates.add(estimates(parts.get(k), comparable.get(k), margin, effect, family.size()));
        }
        // Holm over every question of every part at once
        List<LogRatio> all = estimates.stream().flatMap(List::stream).toList();
        List<LogRatio> adjusted = holmFamily(all);
        List<List<LogRatio>> out = new ArrayList<>();
        int from = 0;
        for (List<LogRatio> e : estimates) {
            out.add(adjusted.subList(from, from + e.size()));
            from += e.size();
        }
        List<PhaseComparison> byPhase = new ArrayList<>();
        for (int k = 0; k < phases.size(); k++) {
            byPhase.add(new PhaseComparison(k + 1, phases.get(k), out.get(k + 1)));
        }
        return new Primary(out.get(0), byPhase, family);
    }

    /** The primary analysis of the whole run ({@link #primary}), Holm over the run's one family. */
    public static List<LogRatio> vsBaseline(RunResults r, double margin, double effect) {
        return primary(r, margin, effect).whole();
    }

    /** Per arm that can be compared with the baseline in {@code r}, in arm order: its block differences (empty: Welch on log rates). */
    private static Map<String, double[]> comparable(RunResults r) {
        String base = r.settings().baseline();
        double[] xb = logRates(r, base);
        Map<String, double[]> blocks = new LinkedHashMap<>();
        for (String arm : r.settings().armNames()) {
            double[] d = arm.equals(base) ? new double[0] : blockDifferences(r, arm, base);
            if (!arm.equals(base) && (d.length >= 2 || (logRates(r, arm).length >= 2 && xb.length >= 2))) {
                blocks.put(arm, d);
            }
        }
        return blocks;
    }

    /** The arms of {@code blocks} against the baseline, unadjusted (p = adjusted p), planned at α over a family of {@code family}. */
    private static List<LogRatio> estimates(RunResults r, Map<String, double[]> blocks, double margin, double effect, int family) {
        String base = r.settings().baseline();
        double[] xb = logRates(r, base);
        List<LogRatio> out = new ArrayList<>();
        for (Map.Entry<String, double[]> e : blocks.entrySet()) {
            String arm = e.getKey();
            ArmRole role = role(r.settings(), arm);
            double alpha = planAlpha(role, family);
            double[] d = e.getValue();
            if (d.length >= 2) {
                double sd = sd(d);
                out.add(estimate(arm, base, Method.PAIRED, d.length, d.length, role, mean(d), sd / Math.sqrt(d.length), d.length - 1, margin,
                        effect, alpha, new SampleSize(sd, true)));
            } else {
                double[] xa = logRates(r, arm);
                double se = Math.sqrt(variance(xa) / xa.length + variance(xb) / xb.length);
                out.add(estimate(arm, base, Method.WELCH_LOG, xa.length, xb.length, role, mean(xa) - mean(xb), se, welchDf(xa, xb), margin,
                        effect, alpha, new SampleSize(Math.sqrt((variance(xa) + variance(xb)) / 2), false)));
            }
        }
        return out;
    }

    /**
     * The primary analysis within one phase of traffic whose mix changed during the run.
     *
     * @param number the phase's number, from 1
     * @param phase  its name and measured iterations
     * @param ratios every arm against the baseline over the phase's iterations only, Holm over the run's one family ({@link #primary})
     */
    public record PhaseComparison(int number, RunResults.Phase phase, List<LogRatio> ratios) {
        public PhaseComparison {
            ratios = List.copyOf(ratios);
        }
    }

    /**
     * The primary analysis per phase (a run whose traffic has phases; an empty list otherwise): for
     * each phase, the arms against the baseline on the forks' means over that phase's measured
     * iterations only ({@link RunResults#inPhase}), paired by block as the whole run is, in the
     * run's one Holm family with the whole run ({@link #primary}).
     */
    public static List<PhaseComparison> vsBaselineByPhase(RunResults r, double margin, double effect) {
        return primary(r, margin, effect).phases();
    }

    /**
     * One arm in two runs: its ratio to its own run's baseline in each, and how that ratio changed
     * from A to B ({@code change}: {@link Method#BETWEEN_RUNS}, its ratio B's ratio / A's ratio).
     */
    public record RunChange(String arm, LogRatio inA, LogRatio inB, LogRatio change) {
    }

    /** What a comparison of two runs cannot know, in one sentence: printed by {@code icpbench compare} and said in its docs. */
    public static final String BETWEEN_RUNS_LIMIT = "The CI of B/A covers the within-run uncertainty of each run only; run-to-run "
            + "variation of the ratio is not in it, and needs repeated runs (for example icpbench calibrate over several runs of each).";

    /**
     * Two runs (another JDK, commit or machine), arm by arm: each arm's log ratio to its own run's
     * baseline, differenced between the runs (SE √(seA² + seB²), Welch–Satterthwaite df), Holm over
     * the questions. Absolute rates are not compared: one run each says nothing about how much a
     * machine's speed varies from run to run, and a ratio to a baseline measured in the same blocks
     * cancels it. A control's true change is 0 (ratio 1): its truth against the baseline is the same in both runs.
     * {@link #BETWEEN_RUNS_LIMIT}: how much an arm's ratio to the baseline itself moves from run to run
     * (a JIT that settles differently, another machine state) one run each cannot measure, so an
     * interval here is narrower than the truth by that much, and a "faster in B" may be that movement.
     *
     * @throws IllegalArgumentException when the runs' baselines differ, or they share no arm to compare
     */
    public static List<RunChange> betweenRuns(RunResults a, RunResults b, double margin, double effect) {
        String base = a.settings().baseline();
        if (!base.equals(b.settings().baseline())) {
            throw new IllegalArgumentException("the runs have different baselines (" + base + " and " + b.settings().baseline()
                    + "): each arm is compared through its ratio to its own run's baseline, so the baselines must be the same arm");
        }
        Map<String, LogRatio> inB = new LinkedHashMap<>();
        vsBaseline(b, margin, effect).forEach(x -> inB.put(x.arm(), x));
        List<LogRatio> inA = vsBaseline(a, margin, effect).stream().filter(x -> inB.containsKey(x.arm())).toList();
        if (inA.isEmpty()) {
            throw new IllegalArgumentException("the runs share no arm besides the baseline " + base + " with enough forks to compare");
        }
        int family = (int) inA.stream().filter(x -> !x.role().control()).count();
        List<LogRatio> changes = new ArrayList<>();
        for (LogRatio x : inA) {
            LogRatio y = inB.get(x.arm());
            double va = x.se() * x.se();
            double vb = y.se() * y.se();
            double df = (va + vb) * (va + vb) / (va * va / x.df() + vb * vb / y.df());
            ArmRole role = x.role().control() ? new ArmRole(x.role().role(), 1) : x.role();
            changes.add(estimate(x.arm(), x.arm() + " in A", Method.BETWEEN_RUNS, x.n(), y.n(), role, y.mean() - x.mean(), Math.sqrt(va + vb),
                    df, margin, effect, planAlpha(role, family), null));
        }
        changes = holmFamily(changes);
        List<RunChange> out = new ArrayList<>();
        for (int i = 0; i < inA.size(); i++) {
            out.add(new RunChange(inA.get(i).arm(), inA.get(i), inB.get(inA.get(i).arm()), changes.get(i)));
        }
        return out;
    }

    // ---------------------------------------------------------------- variance components (Kalibera & Jones 2013)

    /**
     * Where the variance of a fork mean comes from, on the log scale (an SD of 0.01 is about 1%):
     * iterations within a fork, and forks (JVMs) beyond what their iterations explain.
     *
     * @param arm        the arm (for paired components: "arm vs reference")
     * @param forks      forks (or paired blocks) it is estimated from
     * @param iterations iterations per fork (the harmonic mean when forks differ)
     * @param within     S_w²: the variance of one iteration's ln rate (packets/s) about its fork's mean, pooled over forks
     * @param between    S_b²: the variance between forks that the iterations do not explain,
     *                   var(fork means) − S_w²/r, at least 0
     */
    public record VarianceComponents(String arm, int forks, double iterations, double within, double between) {
        public double withinSd() {
            return Math.sqrt(within);
        }

        public double betweenSd() {
            return Math.sqrt(between);
        }
    }

    /**
     * Per fork: the mean and the sum of squares about it of its iterations' ln rates (ln(1e9/ns per
     * packet): an iteration is fixed-time, so its rate is its packets over its time), and their count.
     */
    private static double[] logIterations(RunResults.ForkResult f) {
        double[] y = f.scoresNsPerPacket().stream().mapToDouble(ns -> Math.log(1e9 / ns)).toArray();
        double m = mean(y);
        double ss = 0;
        for (double v : y) {
            ss += (v - m) * (v - m);
        }
        return new double[] {m, ss, y.length};
    }

    /** Pooled within-fork variance and the mean of 1/r over these forks' {mean, ss, r}; NaN without a fork of 2 iterations. */
    private static double[] pooledWithin(List<double[]> forks) {
        double ss = 0;
        double dof = 0;
        double inverse = 0;
        for (double[] f : forks) {
            ss += f[1];
            dof += f[2] - 1;
            inverse += 1 / f[2];
        }
        return new double[] {dof > 0 ? ss / dof : Double.NaN, inverse / forks.size()};
    }

    /**
     * One arm's variance components: S_w² pooled over its forks' iterations, S_b² = var(fork means)
     * − S_w²·mean(1/r) (the one-way random-effects estimate), at least 0.
     *
     * @throws IllegalArgumentException with fewer than 2 forks, or no fork of at least 2 iterations
     */
    public static VarianceComponents varianceComponents(RunResults r, String arm) {
        List<double[]> forks = r.forks().stream().filter(f -> f.arm().equals(arm)).map(Stats::logIterations).toList();
        double[] w = pooledWithin(forks);
        if (forks.size() < 2 || Double.isNaN(w[0])) {
            throw new IllegalArgumentException(arm + ": " + forks.size() + " forks; variance components need at least 2 forks, "
                    + "one of them with at least 2 iterations");
        }
        double[] means = forks.stream().mapToDouble(f -> f[0]).toArray();
        return new VarianceComponents(arm, forks.size(), 1 / w[1], w[0], Math.max(0, variance(means) - w[0] * w[1]));
    }

    /**
     * The components that decide the paired design's precision: what pairing by block does not
     * remove. Per block holding both, d = mean of the arm's fork means − mean of the reference's
     * (ln scale); with k_a and k_r forks of each in a block, var(d) ≈ (S_b² + S_w²·mean(1/r))·(1/k_a + 1/k_r),
     * S_w² pooled over both arms' forks, S_b² the between-fork variance per fork that the blocks do
     * not share (assumed the same for both arms), at least 0. Approximate in the interleaved design,
     * where iterations of one round share some noise too (that shows as a smaller S_b²).
     *
     * @throws IllegalArgumentException with fewer than 2 blocks holding both, or no fork of at least 2 iterations
     */
    public static VarianceComponents pairedVarianceComponents(RunResults r, String arm, String reference) {
        // per block: forks of the arm and of the reference, as {mean, ss, r}
        TreeMap<Integer, List<List<double[]>>> blocks = new TreeMap<>();
        for (RunResults.ForkResult f : r.forks()) {
            int side = f.arm().equals(arm) ? 0 : f.arm().equals(reference) ? 1 : -1;
            if (side >= 0) {
                blocks.computeIfAbsent(f.block(), k -> List.of(new ArrayList<>(), new ArrayList<>())).get(side).add(logIterations(f));
            }
        }
        List<double[]> forks = new ArrayList<>();
        List<Double> d = new ArrayList<>();
        double c = 0;
        for (List<List<double[]>> b : blocks.values()) {
            if (b.get(0).isEmpty() || b.get(1).isEmpty()) {
                continue;
            }
            d.add(b.get(0).stream().mapToDouble(f -> f[0]).average().orElseThrow() - b.get(1).stream().mapToDouble(f -> f[0]).average().orElseThrow());
            c += 1.0 / b.get(0).size() + 1.0 / b.get(1).size();
            forks.addAll(b.get(0));
            forks.addAll(b.get(1));
        }
        double[] w = forks.isEmpty() ? new double[] {Double.NaN, Double.NaN} : pooledWithin(forks);
        if (d.size() < 2 || Double.isNaN(w[0])) {
            throw new IllegalArgumentException(arm + " vs " + reference + ": " + d.size() + " blocks hold both; paired variance components "
                    + "need at least 2, with forks of at least 2 iterations");
        }
        double var = variance(d.stream().mapToDouble(Double::doubleValue).toArray());
        c /= d.size();
        return new VarianceComponents(arm + " vs " + reference, d.size(), 1 / w[1], w[0], Math.max(0, var / c - w[0] * w[1]));
    }

    /**
     * Kalibera and Jones' optimal iterations per fork, r* = √((c_fork/c_iter)·S_w²/S_b²): the split
     * of a time budget between forks and iterations that gives the smallest variance of the mean.
     * Rounded up and kept in [1, max]; {@code max} when S_b² is 0 (all the variation is within
     * forks: longer forks always pay).
     *
     * @param forkSeconds      what a fork costs besides its measurement: JVM start, set-up, warmup (c_fork)
     * @param iterationSeconds one measurement iteration (c_iter)
     * @param max              the most iterations the caller will run
     */
    public static int optimalIterations(VarianceComponents v, double forkSeconds, double iterationSeconds, int max) {
        if (!(forkSeconds > 0) || !(iterationSeconds > 0) || max < 1) {
            throw new IllegalArgumentException("fork seconds " + forkSeconds + ", iteration seconds " + iterationSeconds + ", max " + max
                    + ": expected positive numbers");
        }
        if (!(v.between() > 0)) {
            return max;
        }
        double r = Math.sqrt(forkSeconds / iterationSeconds * v.within() / v.between());
        return (int) Math.max(1, Math.min(max, Math.ceil(r)));
    }

    // ---------------------------------------------------------------- helpers

    /** The exact (Clopper–Pearson) 95% interval of a proportion k/n: {low, high}. */
    public static double[] proportionCi(int k, int n) {
        if (n <= 0 || k < 0 || k > n) {
            throw new IllegalArgumentException(k + " of " + n + ": expected 0 <= k <= n, n > 0");
        }
        double lo = k == 0 ? 0 : new BetaDistribution(k, n - k + 1).inverseCumulativeProbability(ALPHA / 2);
        double hi = k == n ? 1 : new BetaDistribution(k + 1, n - k).inverseCumulativeProbability(1 - ALPHA / 2);
        return new double[] {lo, hi};
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
