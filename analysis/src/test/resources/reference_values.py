"""Reference values for icpbench's statistics, computed independently with SciPy.

Run once: python3 reference_values.py > reference_values.json (SciPy 1.17.1 here).
StatsTest compares the Java implementation (Commons Math 3.6.1) with these values.
"""
import json
import numpy as np
from scipy import stats

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
    mde = (q + stats.t.ppf(POWER, df)) * se / b.mean()
    power_margin = 1 - stats.t.cdf(q - delta / se, df)
    sd2 = (a.var(ddof=1) + b.var(ddof=1)) / 2
    need = next((n for n in range(2, 10001)
                 if (stats.t.ppf(1 - ALPHA / 2, 2 * n - 2) + stats.t.ppf(POWER, 2 * n - 2)) * np.sqrt(2 * sd2 / n) <= EFFECT * b.mean()), 10000)
    # Fieller's interval for mean(a)/mean(b), found independently of the closed form the Java code
    # uses: the roots of the pivot f(rho) = (ma - rho*mb)^2 - q^2 (va + rho^2 vb) around the ratio.
    ma, mb = a.mean(), b.mean()
    f = lambda rho: (ma - rho * mb) ** 2 - q ** 2 * (va + rho ** 2 * vb)
    from scipy.optimize import brentq
    r0 = ma / mb
    lo_r = brentq(f, r0 - 100 * abs(r0) - 10, r0)
    hi_r = brentq(f, r0, r0 + 100 * abs(r0) + 10)
    out[name] = {"ratioLow": lo_r - 1, "ratioHigh": hi_r - 1, "a": a.tolist(), "b": b.tolist(), "t": res.statistic, "df": df, "p": res.pvalue, "diff": diff,
                 "diffLow": diff - q * se, "diffHigh": diff + q * se, "hedgesG": g, "mannWhitneyP": mw, "tostP": tost,
                 "mde": mde, "powerAtMargin": power_margin, "forksNeeded": need,
                 "ciLowA": a.mean() - stats.t.ppf(1 - ALPHA / 2, na - 1) * a.std(ddof=1) / np.sqrt(na),
                 "medianA": float(np.median(a))}
ps = [out[k]["p"] for k in SAMPLES]
# Holm over the four comparisons, as statsmodels' multipletests(method="holm") would give.
order = np.argsort(ps)
adj, running = [0.0] * len(ps), 0.0
for k, i in enumerate(order):
    running = max(running, min(1.0, (len(ps) - k) * ps[i]))
    adj[i] = running
for k, name in enumerate(SAMPLES):
    out[name]["pHolm"] = adj[k]
print(json.dumps(out, indent=2))
