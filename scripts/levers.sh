#!/usr/bin/env bash
# The fork lottery's levers, screened with plain JMH forks of the receive path (no orchestrator):
# ROUNDS rounds, each one JMH fork per lever in a shuffled order, so that every lever sees the same
# hour of the host. Per fork: the median of its measurement iterations (ns/packet). Per lever: the
# forks' between-fork SD of ln rate, their CV, and how many forks ran 15% or more slower than the
# median fork of all levers (the slow mode of the lottery).
#
#   scripts/levers.sh [ROUNDS] [LEVER...]      # default: 8 rounds, every lever
#   LEVERS: base pin heap inline xbatch warm
#   OUT=/tmp/levers scripts/levers.sh 10 base pin
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-8}
shift || true
levers=("$@")
[[ ${#levers[@]} -gt 0 ]] || levers=(base pin heap inline xbatch warm)
out=${OUT:-results/levers/jmh-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"
./icpbench --version >/dev/null
cpus=$(nproc)
last=$((cpus - 1))
rest=$([[ $last -gt 0 ]] && echo "0-$((last - 1))" || echo 0)
csv=$out/forks.csv
echo "round,lever,fork_median_ns,fork_mean_rate_pps" >"$csv"
for ((r = 1; r <= rounds; r++)); do
  for lever in $(printf '%s\n' "${levers[@]}" | shuf); do
    wi=20 prefix=() jvm=""
    case $lever in
      base) ;;
      pin) prefix=(taskset -c "$rest"); jvm="-Dicpbench.workerCpu=$last" ;;
      heap) jvm="-Xms2g -Xmx2g -XX:+AlwaysPreTouch" ;;
      inline) jvm="-XX:InlineSmallCode=6000" ;;
      xbatch) jvm="-XX:-BackgroundCompilation" ;;
      warm) wi=60 ;;
      *) echo "levers.sh: unknown lever '$lever' (expected base pin heap inline xbatch warm)" >&2; exit 2 ;;
    esac
    json=$out/r$r-$lever.json
    args=('RxPathBenchmark.receive$' -f 1 -wi "$wi" -w 100ms -i 30 -r 100ms -rf json -rff "$json")
    [[ -n $jvm ]] && args+=(-jvmArgsAppend "$jvm")
    "${prefix[@]}" ./icpbench jmh "${args[@]}" >"$out/r$r-$lever.log" 2>&1 || { echo "round $r $lever failed: $out/r$r-$lever.log" >&2; exit 1; }
    python3 - "$json" "$r" "$lever" >>"$csv" <<'PY'
import json, statistics, sys
raw = json.load(open(sys.argv[1]))[0]["primaryMetric"]["rawData"][0]
print(f"{sys.argv[2]},{sys.argv[3]},{statistics.median(raw):.2f},{statistics.mean(1e9 / x for x in raw):.0f}")
PY
    echo "round $r/$rounds $lever: $(tail -1 "$csv" | cut -d, -f3) ns/packet" >&2
  done
done
python3 - "$csv" <<'PY'
import csv, math, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
allmed = statistics.median(float(r["fork_median_ns"]) for r in rows)
print(f"{'lever':8} {'forks':>5} {'median ns':>9} {'SD ln rate':>10} {'slow forks':>10}   (slow: 15%+ above the median of all forks, {allmed:.0f} ns)")
for lever in dict.fromkeys(r["lever"] for r in rows):
    x = [float(r["fork_median_ns"]) for r in rows if r["lever"] == lever]
    lr = [math.log(float(r["fork_mean_rate_pps"])) for r in rows if r["lever"] == lever]
    sd = statistics.stdev(lr) if len(lr) > 1 else float("nan")
    slow = sum(v > 1.15 * allmed for v in x)
    print(f"{lever:8} {len(x):5d} {statistics.median(x):9.1f} {sd:10.4f} {slow:6d} of {len(x)}")
PY
