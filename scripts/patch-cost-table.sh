#!/usr/bin/env bash
# The patch-cost table of docs/learned-dispatch.md ("What a patch costs, measured"): one `icpbench run` of
# virtual, virtual-megamorphic and devirtualized, and dynamic-call and promoted under every
# placement (inline, stub, mh-field, adaptive), each with Cree's exact rule and with learn-once.
# Extra arguments go to `icpbench run` (for example --forks 6 or --out DIR).
#
#   scripts/patch-cost-table.sh [icpbench run options]
set -euo pipefail
cd "$(dirname "$0")/.."
args=(--modes virtual,virtual-megamorphic,devirtualized)
for mode in dynamic-call promoted; do
  short=$([[ $mode == dynamic-call ]] && echo dc || echo pr)
  for placement in inline stub mh-field adaptive; do
    args+=(--arm "$short-$placement=$mode;placement=$placement")
    args+=(--arm "$short-$placement-once=$mode;placement=$placement;policy=cree,learn-once")
  done
done
exec ./icpbench run "${args[@]}" --forks 4 --warmup-iterations 3 --iterations 6 --iteration-time 0.5 --no-calibration "$@"
