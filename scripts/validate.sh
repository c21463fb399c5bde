#!/usr/bin/env bash
# Issue 12's validation: N default runs (`icpbench run`, each with its A/A arm and its planted
# 2% arm), then `icpbench calibrate` over all of them: how often the planted arm is significantly
# slower, how often its CI covers its true ratio (1/1.02), how often the A/A arm is significant
# (p < 0.05: false alarms), and the MDEs. Runs go to results/runs/validate-<stamp>-<i>; extra arguments go to every `icpbench
# run` (for example --budget 5 for shorter runs, or --design sequential to validate the old design).
#
#   scripts/validate.sh [N=5] [icpbench run options]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-5}
shift || true
stamp=$(date -u +%Y%m%d-%H%M%S)
dirs=()
for i in $(seq 1 "$n"); do
  dir=results/runs/validate-$stamp-$i
  echo "validate: run $i of $n -> $dir" >&2
  ./icpbench run --out "$dir" "$@" > "$dir.log" 2>&1 || { echo "validate: run $i failed, see $dir.log" >&2; exit 1; }
  dirs+=("$dir")
done
./icpbench calibrate "${dirs[@]}" | tee "results/runs/validate-$stamp.txt"
