package io.icpbench.analysis;

import org.apache.commons.math3.analysis.UnivariateFunction;
import org.apache.commons.math3.analysis.integration.IterativeLegendreGaussIntegrator;
import org.apache.commons.math3.analysis.solvers.BrentSolver;
import org.apache.commons.math3.special.Gamma;

/**
 * The non-central t distribution, and the power of the two-sided t test, which is what it is for
 * here. Commons Math 3.6.1 has no non-central t, and the central-t shortcut the analysis used
 * before (MDE = (t(1−α/2) + t(power))·SE) overstates the power at the MDE it reports: with 3 to 5
 * blocks and three questions (α/3) the true power at that "80% MDE" is 72–76%, at α 77–79%.
 *
 * <p>T' = (Z + δ)/S with Z standard normal, S = √(V/df), V ~ χ²(df), independent. Conditioning on
 * S = s gives P(T' ≤ t) = ∫ Φ(t·s − δ) g(s) ds and P(T' &gt; t) = ∫ Φ(δ − t·s) g(s) ds, g the density
 * of S, g(s) = 2 (df/2)^(df/2) / Γ(df/2) · s^(df−1) · e^(−df·s²/2). Both tails are integrated
 * directly, never as 1 minus the other, so a small tail keeps its relative precision; this form
 * holds for every df &gt; 0 and every δ (the AS 243 series, the other usual method, underflows for
 * |δ| above about 38, which the plans of 2-block designs at α/m reach). The integral is taken in
 * x = ln s, where the density is smooth (in s it has a corner at 0 for df near 1, as Welch's df of
 * two forks each is, and Gauss–Legendre crawls there): Commons Math's adaptive Gauss–Legendre over
 * the x where the density is within e^50 of its peak, split where the integrand turns: around the
 * peak at x = 0 (width 1/√(2·df)) and around the step of Φ at s = δ/t. Checked against SciPy's
 * {@code scipy.stats.nct} (Boost's implementation) to 1e-9.
 */
final class NoncentralT {
    /** How far below its peak the density is cut: e^−50 ≈ 2e-22, far below the precision asked. */
    private static final double LOG_CUT = 50;
    private static final double RELATIVE = 1e-12;
    private static final double ABSOLUTE = 1e-16;
    /** Gauss–Legendre points per piece: with the pieces cut at the integrand's turns, few stages reach RELATIVE (StatsTest checks to 1e-9). */
    private static final int POINTS = 16;

    private NoncentralT() {
    }

    /** P(T' ≤ t) for T' non-central t with {@code df} degrees of freedom (df &gt; 0, not necessarily whole) and non-centrality {@code ncp}. */
    static double cdf(double t, double df, double ncp) {
        return tail(t, df, ncp, true);
    }

    /** P(T' &gt; t), integrated on its own (no cancellation in 1 − cdf). */
    static double sf(double t, double df, double ncp) {
        return tail(t, df, ncp, false);
    }

    /**
     * The power of the two-sided t test at level α against a true effect of {@code ncp} standard
     * errors: P(T' &gt; q) + P(T' &lt; −q), q = t(1 − α/2, df).
     */
    static double power(double ncp, double df, double alpha) {
        double q = Stats.tQuantile(1 - alpha / 2, df);
        return sf(q, df, ncp) + cdf(-q, df, ncp);
    }

    /**
     * The non-centrality (a true effect in standard errors) at which the two-sided t test at
     * level α has power {@code target}: the root of {@link #power} − target, by Brent's method
     * between α's own power at 0 and a bound doubled until it holds the root. The power rises
     * with |δ|, so the root is unique. The MDE of a design is this times its SE.
     *
     * @param target the power wanted, in (α, 1)
     */
    static double noncentrality(double target, double df, double alpha) {
        if (!(target > alpha && target < 1) || !(df > 0) || !(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("power " + target + ", df " + df + ", α " + alpha + ": expected df > 0 and 0 < α < power < 1");
        }
        Level key = new Level(target, df, alpha);
        Double known = SOLVED.get(key);
        if (known != null) {
            return known;
        }
        double d = solve(target, df, alpha);
        if (SOLVED.size() < MOST_SOLVED) {
            SOLVED.put(key, d);
        }
        return d;
    }

    /** A question {@link #noncentrality} answers: it depends on nothing else, so its answers are kept. */
    private record Level(double target, double df, double alpha) {
    }

    /**
     * Answers kept: planning asks the same few levels for every n of every arm (a report's power
     * curve asks 98 of them per arm, {@code needed} a dozen), and each is a root-finding over
     * integrals. Bounded: beyond {@link #MOST_SOLVED} answers new ones are computed and not kept.
     */
    private static final java.util.Map<Level, Double> SOLVED = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MOST_SOLVED = 100_000;

    private static double solve(double target, double df, double alpha) {
        double q = Stats.tQuantile(1 - alpha / 2, df);
        // an upper bound: the central-t shortcut (near the root; below it for small df), doubled until its power reaches the target
        double hi = Math.max(1, q + Stats.tQuantile(target, df));
        while (power(hi, df, alpha) < target) {
            hi *= 2;
        }
        UnivariateFunction f = d -> power(d, df, alpha) - target;
        return new BrentSolver(1e-14, 1e-11).solve(1000, f, 0, hi);
    }

    private static double tail(double t, double df, double ncp, boolean lower) {
        if (!(df > 0) || Double.isNaN(t) || Double.isNaN(ncp)) {
            throw new IllegalArgumentException("t " + t + ", df " + df + ", ncp " + ncp + ": expected df > 0 and numbers");
        }
        // In x = ln s the density of S is e^(norm + ψ(x)), ψ(x) = df·x − df·e^(2x)/2: smooth everywhere, with no s^(df−1)
        // corner at s = 0 for df near 1, its peak at x = 0 (width 1/√(2·df)).
        double norm = Math.log(2) + df / 2 * Math.log(df / 2) - Gamma.logGamma(df / 2);
        double top = psi(0, df);
        double lo = edge(df, top, -1);
        double hi = edge(df, top, 1);
        UnivariateFunction f = x -> {
            double s = Math.exp(x);
            return phi(lower ? t * s - ncp : ncp - t * s) * Math.exp(norm + psi(x, df));
        };
        // pieces cut where the integrand turns: the density's peak, and the step of Φ at s = ncp/t (width about 1/|ncp| in x)
        double width = 1 / Math.sqrt(2 * df);
        double step = t != 0 && ncp / t > 0 ? Math.log(ncp / t) : Double.NaN;
        double stepWidth = 6 / Math.max(Math.abs(ncp), 1e-3);
        double[] breaks = {-6 * width, 6 * width, step - stepWidth, step, step + stepWidth, hi};
        java.util.Arrays.sort(breaks);
        double sum = 0;
        double from = lo;
        for (double b : breaks) {
            double to = Math.min(hi, b);
            if (to > from) { // NaN breaks (no step) compare false and are skipped
                IterativeLegendreGaussIntegrator integrator = new IterativeLegendreGaussIntegrator(POINTS, RELATIVE, ABSOLUTE, 2, 64);
                sum += integrator.integrate(Integer.MAX_VALUE, f, from, to);
                from = to;
            }
        }
        return Math.min(1, Math.max(0, sum));
    }

    /** ψ(x) = df·x − df·e^(2x)/2: the log density of ln S but for its constant. */
    private static double psi(double x, double df) {
        return df * x - df * Math.exp(2 * x) / 2;
    }

    /**
     * The x on the given side of the peak (x = 0) where ψ has fallen {@link #LOG_CUT} below it: doubling out from the
     * peak until it has, then bisection.
     */
    private static double edge(double df, double top, int side) {
        double inside = 0;
        double outside = side;
        while (psi(outside, df) > top - LOG_CUT) {
            inside = outside;
            outside *= 2;
        }
        for (int i = 0; i < 200 && Math.abs(outside - inside) > 1e-12 * Math.max(1, Math.abs(inside)); i++) {
            double m = (inside + outside) / 2;
            if (psi(m, df) < top - LOG_CUT) {
                outside = m;
            } else {
                inside = m;
            }
        }
        return outside;
    }

    /** Φ(z), the standard normal CDF, from erfc (no cancellation in either tail). */
    static double phi(double z) {
        return 0.5 * org.apache.commons.numbers.gamma.Erfc.value(-z / Math.sqrt(2));
    }
}
