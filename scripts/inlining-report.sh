#!/usr/bin/env bash
# What C2 does at the stack's 12 call sites, per mode: runs the default profile with
# -XX:+PrintInlining in the launcher's own JVM and counts, per ops interface, the C2/C1 decisions
# at its call site: inlined through the receiver type profile, or left as a real virtual call.
#
#   scripts/inlining-report.sh [virtual|virtual-noprofile] [PACKETS]
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-virtual}
packets=${2:-3000000}
flags="-XX:+UnlockDiagnosticVMOptions -XX:+PrintInlining -Dicpbench.mode=$mode"
if [[ $mode == virtual-noprofile ]]; then
  flags="$flags -XX:-UseTypeProfile -XX:TypeProfileWidth=0 -XX:-UseTypeSpeculation -XX:TypeProfileLevel=0 -XX:-UseBimorphicInlining -XX:-UseInlineCaches"
fi
log=$(mktemp)
ICPBENCH_JVM_OPTS="$flags" ./icpbench stack --mode "$mode" --packets "$packets" --warmup 0 >"$log" 2>&1
echo "mode $mode: decisions at each ops call site (PrintInlining, $packets packets of the default profile)"
printf '%-14s %22s %22s\n' "interface" "inlined via profile" "left a virtual call"
for iface in NapiPoll RxHandler GroL3 GroL4 UdpTunnelGro PacketType NfHook DstInput NetProtocol EncapRcv DataReady RecvMsg; do
  virt=$(grep -cE "stack\.ops\.$iface::[a-zA-Z]+ \(0 bytes\) +failed to inline: (virtual call|no static binding)" "$log" || true)
  # A profiled inline names the concrete handler, then "TypeProfile ... = its class".
  method=$(grep -oE "stack\.ops\.$iface::[a-zA-Z]+" "$log" | head -1 | sed 's/.*:://')
  prof=$(grep -E "::${method:-none} \([0-9]+ bytes\) +inline \(hot\).*TypeProfile" "$log" | grep -cE "io/icpbench/stack" || true)
  printf '%-14s %22s %22s\n' "$iface" "$prof" "$virt"
done
rm -f "$log"
