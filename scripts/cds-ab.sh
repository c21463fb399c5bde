#!/usr/bin/env bash
# What the class data sharing archive saves a fork: one fork of a finished run started again from
# its own command line (the first line of its fork.log), with and without the archive's flags,
# alternated N times; prints "on|off CPU_seconds wall_seconds" per start and the medians.
#
#   ./icpbench run --modes virtual --no-controls --forks 1 --warmup-iterations 1 --iterations 1 \
#       --iteration-time 0.1 --design sequential --no-calibration --out /tmp/cds-run
#   scripts/cds-ab.sh /tmp/cds-run/fork-000/fork.log 10
#
# The fork rewrites its own result files in the run directory each time; nothing else is written.
# fork.log's line is split at blanks, as the harness joined it (no argument of a fork holds a blank).
set -euo pipefail
log=${1:?usage: cds-ab.sh FORK_LOG [N]}
n=${2:-10}
on=$(head -1 "$log")
[[ $on == *-XX:SharedArchiveFile=* ]] || { echo "cds-ab.sh: $log: the fork ran without an archive" >&2; exit 2; }
off=$(sed 's/ -XX:SharedArchiveFile=[^ ]*//; s/ -Xlog:cds\*=off,aot\*=off//' <<<"$on")
out=$(mktemp)
trap 'rm -f "$out" "$out.t"' EXIT
read -r -a on_argv <<<"$on"
read -r -a off_argv <<<"$off"
for ((i = 0; i < n; i++)); do
  for w in on off; do
    if [[ $w == on ]]; then argv=("${on_argv[@]}"); else argv=("${off_argv[@]}"); fi
    /usr/bin/time -o "$out.t" -f "$w %U %S %e" "${argv[@]}" >/dev/null 2>&1 || { echo "cds-ab.sh: the fork failed ($w)" >&2; exit 1; }
    awk '{ printf "%s %.2f %.2f\n", $1, $2 + $3, $4 }' "$out.t" | tee -a "$out"
  done
done
median() { sort -n | awk '{ v[NR] = $1 } END { m = int((NR + 1) / 2); printf "%.2f", (NR % 2 ? v[m] : (v[m] + v[m + 1]) / 2) }'; }
for w in on off; do
  printf '%s: median CPU %s s, wall %s s over %d starts\n' "$w" "$(awk -v w="$w" '$1 == w { print $2 }' "$out" | median)" \
    "$(awk -v w="$w" '$1 == w { print $3 }' "$out" | median)" "$n"
done
