"""Reference values for icpbench's statistics, computed independently with SciPy.

Run once: python3 reference_values.py > reference_values.json (SciPy 1.17.1, NumPy 2.4.6 here).
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
    mw = stats.mannwhitneyu(a, b, use_continuity=False, alternative="two-sided", method="asymptotic").pvalue
    delta = MARGIN * b.mean()
    tost = max(1 - stats.t.cdf((diff + delta) / se, df), stats.t.cdf((diff - delta) / se, df))
    mde = (q + stats.t.ppf(POWER, df)) * se / b.mean()
    power_margin = 1 - stats.t.cdf(q - delta / se, df)
    sd2 = (a.var(ddof=1) + b.var(ddof=1)) / 2
    need = next((n for n in range(2, 10001)
                 if (stats.t.ppf(1 - ALPHA / 2, 2 * n - 2) + stats.t.ppf(POWER, 2 * n - 2)) * np.sqrt(2 * sd2 / n) <= EFFECT * b.mean()), 10000)
    out[name] = {"a": a.tolist(), "b": b.tolist(), "t": res.statistic, "df": df, "p": res.pvalue, "diff": diff,
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
