"""Reference values for icpbench's statistics, computed independently with SciPy.

Run once: python3 reference_values.py > reference_values.json (SciPy 1.17.1 here).
StatsTest compares the Java implementation (Commons Math 3.6.1) with these values.

Sections of the output:
  nct         the non-central t's CDF and upper tail (NoncentralT), and the non-centrality at which the
              two-sided t test has 80% power, by scipy.stats.nct (Boost) and brentq
  welch       Welch's test on fork means and its companions (Stats.compare), per pair of samples
  primary     the paired analysis of runs (Stats.vsBaseline): the runs' forks, and per arm against
              the baseline its paired t on per-block log ratios, TOST, Holm over the questions, MDE,
              power and blocks needed; an unblocked run for the fallback (Welch on log rates)
  betweenRuns two runs' ratios to their own baselines, differenced (Stats.betweenRuns)
  components  variance components and optimal iterations (Stats.varianceComponents and friends)
  proportions exact (Clopper-Pearson) 95% intervals of k of n (Stats.proportionCi)
statsmodels is not needed: Holm is computed here by hand.

Power is the two-sided t test's, exactly: P(T' > q) + P(T' < -q), T' ~ scipy.stats.nct(df, delta/SE),
q = t(1 - alpha/2, df); the MDE is the delta whose power is 0.80 (brentq), the units needed the first n
whose power against the effect reaches 0.80 (one vectorized scipy.stats.nct call over every n). None of
it repeats the Java code's integral or its search.

A fork's rate is its packets over its measured time: the mean of its iterations' rates, 1e9/ns.
"""
import json
import numpy as np
from scipy import stats
from scipy.optimize import brentq

ALPHA, POWER = 0.05, 0.80
SAMPLES = {
    # name: (A, B) fork means, higher is better (packets/s); no ties (the Mann-Whitney check uses no tie correction)
    "cree_like": ([4.12, 4.09, 4.15, 4.11, 4.13, 4.10], [4.16, 4.08, 4.17, 4.14, 4.125, 4.155]),
    "clear_gain": ([4.71, 4.67, 4.75, 4.70, 4.73, 4.69, 4.72, 4.74], [4.12, 4.10, 4.15, 4.09, 4.13, 4.11, 4.14, 4.16]),
    "unequal_n_var": ([6.45, 6.17, 6.74, 6.30, 6.61], [6.91, 6.39, 7.44, 6.88, 7.02, 6.55, 7.20]),
    "equivalent": ([5.001, 5.003, 4.998, 5.002, 4.999, 5.0005, 5.0015, 4.9995, 5.0025, 4.9985],
                   [5.0002, 5.0012, 4.9992, 5.0022, 4.9982, 5.0007, 5.0017, 4.9997, 5.0027, 4.9987]),
    # far from a ratio of 1, as dynamic-call vs virtual once was (-92%): the ratio CI must stay above -100%
    "far_below": ([0.52, 0.61, 0.47, 0.58], [6.31, 6.70, 6.12, 6.55]),
    # a significant difference inside the 1% margin: equivalent, not faster
    "small_but_significant": ([5.0150, 5.0160, 5.0155, 5.0145, 5.0165, 5.0151, 5.0158, 5.0152],
                              [5.0000, 5.0010, 4.9995, 5.0005, 5.0002, 4.9998, 5.0008, 4.9992]),
}
MARGIN, EFFECT = 0.01, 0.015


def power(ncp, df, alpha):
    """Power of the two-sided t test at level alpha against a true effect of ncp standard errors."""
    q = stats.t.ppf(1 - alpha / 2, df)
    # P(T' < -q) as P(-T' > q), -T' ~ nct(df, -ncp): scipy's nct.cdf gives NaN for some tiny lower tails
    return stats.nct.sf(q, df, ncp) + stats.nct.sf(q, df, -ncp)


def noncentrality(df, alpha, target=POWER):
    """The ncp at which the two-sided t test has power `target`, by brentq on scipy.stats.nct."""
    hi = 1.0
    while power(hi, df, alpha) < target:   # a bracket: scipy's nct gives NaN far out, so grow it from below
        hi *= 1.5
    return brentq(lambda d: power(d, df, alpha) - target, 0.0, hi, xtol=1e-13, rtol=1e-14)


def first_powered(se_at, df_at, delta, alpha):
    """The fewest units n in 2..10000 whose two-sided t test has at least 80% power against delta; 10000 when none."""
    n = np.arange(2, 10001)
    ok = np.nonzero(power(delta / se_at(n), df_at(n), alpha) >= POWER)[0]
    return int(n[ok[0]]) if len(ok) else 10000


def nct():
    """Reference values of the non-central t, over the range the analysis asks for: df from 1 (two blocks)
    to thousands (Welch with many forks), non-integer df (Welch-Satterthwaite), ncp from negative to
    beyond 38 (where the AS 243 series underflows), t of both signs."""
    points = [(1.5, 2, 1.0), (2.0, 1, 3.0), (-1.0, 5, 0.5), (7.6, 2, 11.0), (63.7, 1, 80.0), (2.0, 20000, 2.8),
              (40.0, 10, 38.5), (0.3, 3, -2.0), (3.0, 4.7, 0.0), (2.7764, 4, 3.2), (-2.7764, 4, 3.2), (4.3027, 2, 6.5),
              (12.706, 1, 16.0), (2.1604, 13.3, 2.9), (0.0, 7, 1.0), (-5.0, 3, -4.0)]
    cdf = [{"t": t, "df": df, "ncp": d, "cdf": stats.nct.cdf(t, df, d), "sf": stats.nct.sf(t, df, d)} for t, df, d in points]
    levels = [{"df": df, "alpha": a, "ncp": noncentrality(df, a), "centralShortcut": stats.t.ppf(1 - a / 2, df) + stats.t.ppf(POWER, df)}
              for df in (1, 2, 3, 4, 5, 9, 30, 200) for a in (0.05, 0.05 / 3)]
    for x in levels:
        # what the central shortcut's MDE really has: 72-76% with 3 to 5 blocks at alpha = 0.05
        x["powerAtShortcut"] = power(x["centralShortcut"], x["df"], x["alpha"])
    return {"cdf": cdf, "noncentrality": levels}


def holm(ps):
    """Holm's step-down adjusted p values, as statsmodels' multipletests(method="holm") gives them."""
    order = np.argsort(ps, kind="stable")
    adj, running = [0.0] * len(ps), 0.0
    for k, i in enumerate(order):
        running = max(running, min(1.0, (len(ps) - k) * ps[i]))
        adj[i] = running
    return adj


def welch():
    out = {}
    for name, (a, b) in SAMPLES.items():
        a, b = np.array(a), np.array(b)
        na, nb = len(a), len(b)
        va, vb = a.var(ddof=1) / na, b.var(ddof=1) / nb
        se = np.sqrt(va + vb)
        df = (va + vb) ** 2 / (va ** 2 / (na - 1) + vb ** 2 / (nb - 1))
        res = stats.ttest_ind(a, b, equal_var=False)
        diff = a.mean() - b.mean()
        q = stats.t.ppf(1 - ALPHA / 2, df)
        pooled = np.sqrt(((na - 1) * a.var(ddof=1) + (nb - 1) * b.var(ddof=1)) / (na + nb - 2))
        g = diff / pooled * (1 - 3 / (4 * (na + nb) - 9))
        # exact (no sample here has ties)
        mw = stats.mannwhitneyu(a, b, alternative="two-sided", method="exact").pvalue
        delta = MARGIN * b.mean()
        tost = max(1 - stats.t.cdf((diff + delta) / se, df), stats.t.cdf((diff - delta) / se, df))
        mde = noncentrality(df, ALPHA) * se / b.mean()
        power_margin = power(delta / se, df, ALPHA)
        sd2 = (a.var(ddof=1) + b.var(ddof=1)) / 2
        need = first_powered(lambda n: np.sqrt(2 * sd2 / n), lambda n: 2 * n - 2, EFFECT * b.mean(), ALPHA)
        # Fieller's interval for mean(a)/mean(b), found independently of the closed form the Java code
        # uses: the roots of the pivot f(rho) = (ma - rho*mb)^2 - q^2 (va + rho^2 vb) around the ratio.
        ma, mb = a.mean(), b.mean()
        f = lambda rho: (ma - rho * mb) ** 2 - q ** 2 * (va + rho ** 2 * vb)
        r0 = ma / mb
        lo_r = brentq(f, r0 - 100 * abs(r0) - 10, r0)
        hi_r = brentq(f, r0, r0 + 100 * abs(r0) + 10)
        out[name] = {"ratioLow": lo_r - 1, "ratioHigh": hi_r - 1, "a": a.tolist(), "b": b.tolist(), "t": res.statistic, "df": df, "p": res.pvalue, "diff": diff,
                     "diffLow": diff - q * se, "diffHigh": diff + q * se, "hedgesG": g, "mannWhitneyP": mw, "tostP": tost,
                     "mde": mde, "powerAtMargin": power_margin, "forksNeeded": need,
                     "significant": None, "equivalent": bool(tost < ALPHA),
                     "ciLowA": a.mean() - stats.t.ppf(1 - ALPHA / 2, na - 1) * a.std(ddof=1) / np.sqrt(na),
                     "medianA": float(np.median(a))}
    names = list(SAMPLES)
    for name, p in zip(names, holm([out[k]["p"] for k in names])):
        out[name]["pHolm"] = p
        out[name]["significant"] = bool(p < ALPHA)
        out[name]["verdict"] = verdict(p, out[name]["tostP"], out[name]["diff"])
    return out


# ---------------------------------------------------------------- runs for the primary analysis

# The default suite's arms: the baseline, an A/A arm (the baseline's spec again), a planted arm
# (the baseline with planted=2: true rate ratio 1/1.02) and three questions.
ARMS = [{"name": "virtual", "mode": "virtual"}, {"name": "aa", "mode": "virtual"},
        {"name": "planted", "mode": "virtual", "planted": "2"}, {"name": "dynamic-call", "mode": "dynamic-call"},
        {"name": "promoted", "mode": "promoted"}, {"name": "devirtualized", "mode": "devirtualized"}]
TRUE = {"virtual": 1.0, "aa": 1.0, "planted": 1 / 1.02, "dynamic-call": 0.62, "promoted": 0.80, "devirtualized": 1.04}


def synthesize(seed, blocks, scale=1.0, shift=None, iterations=5):
    """Forks of a blocked run: per block one fork of every arm (block 1 two of the baseline; the
    last block without promoted, as an interrupted run leaves it), each fork's log rate the arm's
    truth plus a block effect the arms share, a fork effect and iteration noise; ns/packet per
    iteration rounded to 0.001 ns."""
    rng = np.random.default_rng(seed)
    shift = shift or {}
    forks = []
    for b in range(blocks):
        shared = rng.normal(0, 0.08)
        arms = [a["name"] for a in ARMS] + (["virtual"] if b == 1 else [])
        if b == blocks - 1:
            arms.remove("promoted")
        for arm in arms:
            log_rate = np.log(2.2e6 * scale * TRUE[arm] * shift.get(arm, 1.0)) + shared + rng.normal(0, 0.01)
            ns = 1e9 / np.exp(log_rate) * np.exp(rng.normal(0, 0.04, iterations))
            forks.append({"block": b, "arm": arm, "ns": [round(float(x), 3) for x in ns]})
    return forks


def log_rate(f):
    """ln of the fork's packets over its measured time: its iterations are fixed-time, so the mean of their rates."""
    return np.log(np.mean(1e9 / np.array(f["ns"])))


def roles():
    """Independently of the Java code: an arm equal to the baseline but its name is A/A, an arm with
    planted=P on the baseline has the true ratio 1/(1 + P/100); the rest are questions."""
    out = {}
    for a in ARMS[1:]:
        if "planted" in a:
            out[a["name"]] = ("PLANTED", 1 / (1 + float(a["planted"]) / 100))
        elif a["mode"] == ARMS[0]["mode"]:
            out[a["name"]] = ("AA", 1.0)
        else:
            out[a["name"]] = ("QUESTION", None)
    return out


def log_ratio(mean, se, df, margin, effect, alpha_plan, size=None):
    """What Stats.estimate reports, from a mean log ratio, its SE and df, by SciPy."""
    t = mean / se
    p = 2 * stats.t.sf(abs(t), df)
    q = stats.t.ppf(1 - ALPHA / 2, df)
    lo, hi = np.log(1 - margin), np.log(1 + margin)
    # TOST as two one-sided one-sample tests against the bounds, by their own definition
    p_lower = stats.t.sf((mean - lo) / se, df)
    p_upper = stats.t.cdf((mean - hi) / se, df)
    q90 = stats.t.ppf(1 - ALPHA, df)
    out = {"mean": mean, "se": se, "df": df, "t": t, "p": p, "ciLow": mean - q * se, "ciHigh": mean + q * se,
           "ratio": np.exp(mean), "ratioLow": np.exp(mean - q * se), "ratioHigh": np.exp(mean + q * se),
           "tostP": max(p_lower, p_upper), "ci90Low": mean - q90 * se, "ci90High": mean + q90 * se, "planAlpha": alpha_plan,
           "mde": np.expm1(noncentrality(df, alpha_plan) * se),
           "power": power(np.log(1 + effect) / se, df, alpha_plan)}
    # TOST rejects both bounds exactly when the 90% CI lies inside them
    assert (out["tostP"] < ALPHA) == (lo < out["ci90Low"] and out["ci90High"] < hi)
    if size is not None:
        out["needed"] = first_powered(size[0], size[1], np.log(1 + effect), alpha_plan)
    return out


def verdict(p_adj, tost_p, mean):
    """Significance first (the 95% CI's test), then equivalence (TOST: the 90% CI inside the margin)."""
    if p_adj < ALPHA:
        return "FASTER" if mean > 0 else "SLOWER"
    if tost_p < ALPHA:
        return "EQUIVALENT"
    return "INCONCLUSIVE"


def finish(arms, margin):
    """Holm over the questions, controls at their own p; verdicts."""
    questions = [a for a in arms if arms[a]["role"] == "QUESTION"]
    for a, p in zip(questions, holm([arms[a]["p"] for a in questions])):
        arms[a]["pAdjusted"] = p
    for a in arms:
        arms[a].setdefault("pAdjusted", arms[a]["p"])
        arms[a]["significant"] = bool(arms[a]["pAdjusted"] < ALPHA)
        arms[a]["equivalent"] = bool(arms[a]["tostP"] < ALPHA)
        arms[a]["verdict"] = verdict(arms[a]["pAdjusted"], arms[a]["tostP"], arms[a]["mean"])
        if arms[a]["trueRatio"] is not None:
            arms[a]["coversTruth"] = bool(arms[a]["ciLow"] <= np.log(arms[a]["trueRatio"]) <= arms[a]["ciHigh"])
    return arms


def paired_run(forks, margin, effect):
    rs = roles()
    family = sum(1 for r in rs.values() if r[0] == "QUESTION")
    out = {}
    for arm, (role, truth) in rs.items():
        blocks = sorted({f["block"] for f in forks})
        d = []
        for b in blocks:
            mine = [log_rate(f) for f in forks if f["block"] == b and f["arm"] == arm]
            base = [log_rate(f) for f in forks if f["block"] == b and f["arm"] == "virtual"]
            if mine and base:
                d.append(np.mean(mine) - np.mean(base))
        d = np.array(d)
        n = len(d)
        alpha = ALPHA if role != "QUESTION" else ALPHA / family
        res = stats.ttest_1samp(d, 0.0)
        sd = d.std(ddof=1)
        x = log_ratio(d.mean(), sd / np.sqrt(n), n - 1, margin, effect, alpha, (lambda k: sd / np.sqrt(k), lambda k: k - 1))
        assert abs(x["p"] - res.pvalue) < 1e-12 and abs(x["t"] - res.statistic) < 1e-9   # the paired t is SciPy's own
        x.update({"method": "PAIRED", "n": n, "role": role, "trueRatio": truth, "sdPaired": sd})
        out[arm] = x
    return finish(out, margin)


def unblocked_run():
    """A sequential run without shared blocks (every fork its own block): the paired analysis has no
    block holding both arms, so it falls back to Welch's test on log rates."""
    rng = np.random.default_rng(3)
    forks = []
    for i in range(12):
        arm = ["virtual", "dynamic-call"][i % 2]
        ns = 1e9 / (2.2e6 * TRUE[arm]) * np.exp(rng.normal(0, 0.05) + rng.normal(0, 0.03, 4))
        forks.append({"block": i, "arm": arm, "ns": [round(float(x), 3) for x in ns]})
    xa = np.array([log_rate(f) for f in forks if f["arm"] == "dynamic-call"])
    xb = np.array([log_rate(f) for f in forks if f["arm"] == "virtual"])
    res = stats.ttest_ind(xa, xb, equal_var=False)
    va, vb = xa.var(ddof=1) / len(xa), xb.var(ddof=1) / len(xb)
    df = (va + vb) ** 2 / (va ** 2 / (len(xa) - 1) + vb ** 2 / (len(xb) - 1))
    sd = np.sqrt((xa.var(ddof=1) + xb.var(ddof=1)) / 2)
    x = log_ratio(xa.mean() - xb.mean(), np.sqrt(va + vb), df, 0.01, 0.01, ALPHA,
                  (lambda k: sd * np.sqrt(2 / k), lambda k: 2 * k - 2))
    assert abs(x["p"] - res.pvalue) < 1e-12
    x.update({"method": "WELCH_LOG", "n": len(xa), "role": "QUESTION", "trueRatio": None})
    return {"arms": [ARMS[0], ARMS[3]], "forks": forks, "margin": 0.01, "effect": 0.01,
            "expected": finish({"dynamic-call": x}, 0.01)}


def between_runs(a, b, margin, effect):
    """Each arm's paired log ratio to its own run's baseline, B minus A; SE sqrt(seA^2 + seB^2) and
    Welch-Satterthwaite df; Holm over the questions; a control's truth is no change."""
    rs = roles()
    family = sum(1 for r in rs.values() if r[0] == "QUESTION")
    out = {}
    for arm, (role, _) in rs.items():
        x, y = a[arm], b[arm]
        va, vb = x["se"] ** 2, y["se"] ** 2
        df = (va + vb) ** 2 / (va ** 2 / x["df"] + vb ** 2 / y["df"])
        alpha = ALPHA if role != "QUESTION" else ALPHA / family
        z = log_ratio(y["mean"] - x["mean"], np.sqrt(va + vb), df, margin, effect, alpha)
        z.update({"role": role, "trueRatio": 1.0 if role != "QUESTION" else None})
        out[arm] = z
    return finish(out, margin)


def components(forks, arm, reference=None):
    """One-way random-effects variance components on the ln rate (1e9/ns) of each iteration, by hand with
    numpy: S_w^2 pooled within forks, S_b^2 = var(fork means) - S_w^2 * mean(1/r), floored at 0.
    Paired: per block d = mean of the arm's fork means - mean of the reference's, and
    S_b^2 = var(d) / mean(1/k_a + 1/k_r) - S_w^2 * mean(1/r) over both arms' forks."""
    def fork_stats(f):
        y = np.log(1e9 / np.array(f["ns"]))
        return y.mean(), ((y - y.mean()) ** 2).sum(), len(y)
    if reference is None:
        fs = [fork_stats(f) for f in forks if f["arm"] == arm]
        within = sum(s for _, s, _ in fs) / sum(r - 1 for _, _, r in fs)
        h = np.mean([1 / r for _, _, r in fs])
        between = max(0.0, np.var([m for m, _, _ in fs], ddof=1) - within * h)
        return {"forks": len(fs), "iterations": 1 / h, "within": within, "between": between}
    d, c, fs = [], [], []
    for b in sorted({f["block"] for f in forks}):
        mine = [fork_stats(f) for f in forks if f["block"] == b and f["arm"] == arm]
        base = [fork_stats(f) for f in forks if f["block"] == b and f["arm"] == reference]
        if mine and base:
            d.append(np.mean([m for m, _, _ in mine]) - np.mean([m for m, _, _ in base]))
            c.append(1 / len(mine) + 1 / len(base))
            fs += mine + base
    within = sum(s for _, s, _ in fs) / sum(r - 1 for _, _, r in fs)
    h = np.mean([1 / r for _, _, r in fs])
    between = max(0.0, np.var(d, ddof=1) / np.mean(c) - within * h)
    return {"forks": len(d), "iterations": 1 / h, "within": within, "between": between}


def optimal(comp, fork_seconds, iteration_seconds, most):
    if comp["between"] <= 0:
        return most
    return int(min(most, max(1, np.ceil(np.sqrt(fork_seconds / iteration_seconds * comp["within"] / comp["between"])))))


def primary():
    run_a = synthesize(1, 7)
    # run B: another draw of the same machine, 15% slower overall (drift between runs), promoted 5% faster relative to the baseline
    run_b = synthesize(2, 7, scale=0.85, shift={"promoted": 1.05})
    pa, pb = paired_run(run_a, MARGIN, 0.01), paired_run(run_b, MARGIN, 0.01)
    comps = {arm["name"]: components(run_a, arm["name"]) for arm in ARMS}
    paired_comps = {arm["name"]: components(run_a, arm["name"], "virtual") for arm in ARMS[1:]}
    for c in list(comps.values()) + list(paired_comps.values()):
        c["optimal"] = optimal(c, 9.2, 1.0, 100)
    return ({"blocked": {"arms": ARMS, "forks": run_a, "margin": MARGIN, "effect": 0.01, "expected": pa},
             "blockedB": {"arms": ARMS, "forks": run_b, "margin": MARGIN, "effect": 0.01, "expected": pb},
             "unblocked": unblocked_run()},
            {"margin": MARGIN, "effect": 0.01, "expected": between_runs(pa, pb, MARGIN, 0.01)},
            {"run": "blocked", "forkSeconds": 9.2, "iterationSeconds": 1.0, "max": 100, "perArm": comps, "paired": paired_comps})


def proportions():
    out = []
    for k, n in [(0, 5), (1, 5), (4, 5), (5, 5), (3, 20), (19, 20)]:
        ci = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="exact")
        out.append({"k": k, "n": n, "low": ci.low, "high": ci.high})
    return out


def plain(x):
    """numpy scalars to JSON numbers."""
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    if isinstance(x, list):
        return [plain(v) for v in x]
    if isinstance(x, (np.floating, np.integer, np.bool_)):
        return x.item()
    return x


runs, between, comps = primary()
print(json.dumps(plain({"nct": nct(), "welch": welch(), "primary": runs, "betweenRuns": between, "components": comps,
                        "proportions": proportions()}), indent=1))
