#!/usr/bin/env bash
# The lever table of issue 20: each lever's effect on the between-fork spread of the controls, on
# the same machine in the same hour, interleaved. ROUNDS rounds; in each, one short `icpbench run`
# of the baseline and its two controls (virtual, aa, planted; BLOCKS blocks of the interleaved
# design) per lever, the levers in a shuffled order. Per lever, over all its rounds:
#   - SD of ln rate between forks, per control arm and the baseline (what a fork lottery inflates);
#   - SD of the paired block differences aa - virtual and planted - virtual (what the primary
#     analysis' standard error is made of), and the MDE that SD gives with 5 blocks;
#   - slow forks: forks 15% or more below the median rate of all forks of the table.
# Runs go to results/levers/<stamp>/<lever>-<round>; the table to results/levers/<stamp>/table.md.
#
#   [ITERATIONS=50] scripts/lever-table.sh [ROUNDS=3] [BLOCKS=3] [LEVER...]   (LEVER: none, or a --lever value)
#   scripts/lever-table.sh 3 3 none pin fixed-heap pin+fixed-heap jvm=-XX:InlineSmallCode=6000
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
blocks=${2:-3}
shift 2 || shift $#
levers=("$@")
[[ ${#levers[@]} -gt 0 ]] || levers=(none pin fixed-heap)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=results/levers/$stamp
mkdir -p "$out"
./icpbench --version >/dev/null
for ((r = 1; r <= rounds; r++)); do
  mapfile -t order < <(printf '%s\n' "${!levers[@]}" | shuf)
  for i in "${order[@]}"; do
    lever=${levers[$i]}
    dir=$out/lever$i-r$r
    args=(run --modes virtual --forks "$blocks" --iterations "${ITERATIONS:-50}" --out "$dir" --no-calibration)
    if [[ $lever != none ]]; then
      IFS=+ read -ra parts <<<"$lever"   # pin+fixed-heap: two levers at once
      for part in "${parts[@]}"; do args+=(--lever "$part"); done
    fi
    echo "lever-table: round $r of $rounds, lever '$lever' -> $dir" >&2
    ./icpbench "${args[@]}" >"$dir.log" 2>&1 || { echo "lever-table: run failed, see $dir.log" >&2; exit 1; }
  done
done
python3 - "$out" "${levers[@]}" <<'PY' | tee "$out/table.md"
import glob, json, math, statistics, sys
out, levers = sys.argv[1], sys.argv[2:]
def rate(f):  # packets over time: the mean of the iteration rates
    return statistics.mean(1e9 / s for s in f["scoresNsPerPacket"])
runs = {i: [json.load(open(p)) for p in sorted(glob.glob(f"{out}/lever{i}-r*/results.json"))] for i in range(len(levers))}
allrates = [rate(f) for rs in runs.values() for r in rs for f in r["forks"]]
med = statistics.median(allrates)
t975 = {2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228, 11: 2.201, 12: 2.179, 14: 2.160, 15: 2.145}
print(f"Lever table: {len(allrates)} forks, median {med / 1e6:.3f} Mpps; SDs on ln rate (0.01 = about 1%)\n")
print("| lever | forks | SD virtual | SD aa | SD planted | SD paired aa-virtual | SD paired planted-virtual | MDE 5 blocks (paired aa) | slow forks |")
print("|---|---|---|---|---|---|---|---|---|")
for i, lever in enumerate(levers):
    forks = [f for r in runs[i] for f in r["forks"]]
    by = lambda arm: [math.log(rate(f)) for f in forks if f["arm"] == arm]
    def paired(arm):
        d = []
        for k, r in enumerate(runs[i]):
            blocks = {}
            for f in r["forks"]:
                blocks.setdefault(f["block"], {})[f["arm"]] = math.log(rate(f))
            d += [b[arm] - b["virtual"] for b in blocks.values() if arm in b and "virtual" in b]
        return d
    sd = lambda x: statistics.stdev(x) if len(x) > 1 else float("nan")
    pa = paired("aa")
    # MDE with 5 blocks, two-sided 5%, 80% power: (t_.975,4 + t_.8,4) * sd / sqrt(5), t_.8,4 = 0.941
    mde = math.expm1((2.776 + 0.941) * sd(pa) / math.sqrt(5)) if len(pa) > 1 else float("nan")
    slow = sum(rate(f) < med / 1.15 for f in forks)
    print(f"| {lever} | {len(forks)} | {sd(by('virtual')):.4f} | {sd(by('aa')):.4f} | {sd(by('planted')):.4f} | {sd(pa):.4f} | "
          f"{sd(paired('planted')):.4f} | {100 * mde:.1f}% | {slow} of {len(forks)} |")
PY
