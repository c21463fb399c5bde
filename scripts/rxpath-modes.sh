#!/usr/bin/env bash
# The receive-path JMH benchmark in every dispatch mode, side by side, with -prof gc: ns/packet and
# allocation per packet per mode. Each mode runs in JMH forks started with that mode's property,
# flags and (for promoted) the promotion agent.
#
#   scripts/rxpath-modes.sh [PROFILE] [extra JMH options...]
#   MODES="dynamic-call promoted" POLICY=cree,learn-once scripts/rxpath-modes.sh
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${1:-default}
shift || true
./icpbench --version >/dev/null   # build if stale
agent=$(ls harness/target/lib/icpbench-dispatch-*.jar)
noprofile="-XX:-UseTypeProfile -XX:TypeProfileWidth=0 -XX:-UseTypeSpeculation -XX:TypeProfileLevel=0 -XX:-UseBimorphicInlining -XX:-UseInlineCaches"
policy=${POLICY:-cree}
for mode in ${MODES:-virtual virtual-noprofile virtual-megamorphic indirect-call dynamic-call promoted devirtualized}; do
  extra="-Dicpbench.mode=$mode -Dicpbench.policy=$policy"
  [[ $mode == virtual-noprofile ]] && extra="$extra $noprofile"
  [[ $mode == virtual-megamorphic ]] && extra="$extra -XX:-UseInlineCaches"
  [[ $mode == promoted ]] && extra="$extra -javaagent:$agent=packages=io.icpbench.stack;policy=$policy"
  echo "== $mode"
  ./icpbench jmh 'RxPathBenchmark.receive$' -p profile="$profile" -f 1 -wi 3 -w 2 -i 5 -r 2 -prof gc \
      -jvmArgsAppend "$extra" "$@" 2>&1 | grep -E "^RxPathBenchmark\.receive( |:gc\.alloc\.rate\.norm)"
done
