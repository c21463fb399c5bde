#!/usr/bin/env bash
# What C2 does at the stack's ops call sites, per mode: runs a profile with -XX:+PrintInlining in
# the launcher's own JVM (with the mode's JVM flags) and counts, per site of the site table
# (io.icpbench.stack.Site, printed by its main), C2's decisions at the site's call wherever C2
# inlined the site's NetStack method into the receive path: inlined through the receiver type
# profile, a profile-guarded direct call that was not inlined, a real virtual call, inlined
# without a profile (an exact-class test or class hierarchy analysis), or another refusal.
# Then the C2 decisions outside the ops sites, to compare modes (Netty's ByteBuf accessors,
# the stack's own methods).
#
#   scripts/inlining-report.sh [MODE] [PACKETS] [icpbench stack options...]
#   scripts/inlining-report.sh virtual-megamorphic 3000000 --taps 1
#   KEEP_LOG=/tmp/x.log scripts/inlining-report.sh virtual      # keep the PrintInlining log
#   FROM_LOG=/tmp/x.log scripts/inlining-report.sh virtual      # analyse a kept log again
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-virtual}
packets=${2:-3000000}
shift 2 || shift $#
./icpbench --version >/dev/null   # build if stale
source bin/jdk.sh
cp="harness/target/icpbench-harness.jar:harness/target/lib/*"
table=$(mktemp)
"$JAVA_HOME/bin/java" -cp "$cp" io.icpbench.stack.Site >"$table"
modeflags=$("$JAVA_HOME/bin/java" -cp "$cp" io.icpbench.dispatch.Mode "$mode")
if [[ -n ${FROM_LOG:-} ]]; then
  log=$FROM_LOG   # analyse a log kept with KEEP_LOG, without running again
else
  log=${KEEP_LOG:-$(mktemp)}
  ICPBENCH_JVM_OPTS="-XX:+UnlockDiagnosticVMOptions -XX:+PrintInlining -Dicpbench.mode=$mode $modeflags" \
    ./icpbench stack --mode "$mode" --packets "$packets" --warmup 0 "$@" >"$log" 2>&1
fi
echo "mode $mode${modeflags:+ ($modeflags)}: C2's decisions at each ops call site (in its caller, or in its own compilation)"
echo "(PrintInlining, $packets packets of icpbench stack${*:+ $*})"
awk -F'\t' '
  FNR == 1 { pass++ }
  pass == 2 { if ($0 ~ / @ [0-9]+ /) cols[index($0, "@")]++; next }
  pass == 3 && FNR == 1 { for (c in cols) if (c + 0 < 40 && cols[c] > best) { best = cols[c]; rootcol = c + 0 } }
  pass == 1 {
    n = $1; name[n] = $2; meth[n] = $4; bysite["io.icpbench.stack.NetStack::" $5] = n; count = n
    nb = split($8, b, ","); for (i = 1; i <= nb; i++) atbci[$4 "@" b[i]] = n
    next
  }
  / @ [0-9]+ / {
    col = index($0, "@")
    rest = substr($0, col)
    split(rest, f, / +/)
    bci = f[2]
    callee = f[3]
    m = callee; sub(/.*::/, "", m)
    at[col] = callee
    parent = (col > 2) ? at[col - 2] : ""
    decision = rest
    sub(/^@ [0-9]+ +[^ ]+ +\([0-9]+ bytes\) +/, "", decision)
    c2 = (decision ~ /inline \(hot\)|TypeProfile|virtual call|too big/)
    # A site: its method inlined into a caller (the parent line), or compiled on its own (a top-level
    # call at one of the bytecode indexes of the site'"'"'s ops calls).
    k = 0
    if (parent in bysite && m == meth[bysite[parent]]) k = bysite[parent]
    else if (col == rootcol && (m "@" bci) in atbci && callee !~ /^io\.icpbench\.stack\.NetStack::/) k = atbci[m "@" bci]
    if (k > 0) {
      # Skip what C2 did to the dummy receivers of virtual-megamorphic while it filled the profiles.
      if (!c2 || callee ~ /MegamorphicSites/) next
      if (decision ~ /^inline/ && decision ~ /TypeProfile/) prof[k]++
      else if (decision ~ /TypeProfile/) guarded[k]++
      else if (decision ~ /virtual call/) virt[k]++
      else if (decision ~ /^inline/) direct[k]++
      else other[k]++
      next
    }
    if (!c2 || callee in bysite || callee ~ /MegamorphicSites/) next
    if (callee ~ /^io\.netty\.buffer\./) { if (decision ~ /^inline/) nettyIn++; else nettyOut++ }
    else if (callee ~ /^io\.icpbench\.stack\./) { if (decision ~ /^inline/) stackIn++; else stackOut++ }
  }
  END {
    printf "%-3s %-30s %9s %9s %9s %9s %7s\n", "#", "site", "profile", "guarded", "virtual", "direct", "other"
    for (k = 1; k <= count; k++)
      printf "%-3s %-30s %9d %9d %9d %9d %7d\n", k, name[k], prof[k], guarded[k], virt[k], direct[k], other[k]
    print  "  profile: inlined through the receiver profile; guarded: a profile-guarded direct call, not inlined;"
    print  "  virtual: a real virtual call; direct: inlined without a profile (exact-class test or CHA)"
    printf "outside the ops sites, C2 inline decisions (inlined / not): io.netty.buffer %d / %d, io.icpbench.stack %d / %d\n",
      nettyIn, nettyOut, stackIn, stackOut
  }' "$table" "$log" "$log"
grep -E "^rate:" "$log" || true
rm -f "$table"
[[ -n ${KEEP_LOG:-}${FROM_LOG:-} ]] || rm -f "$log"
