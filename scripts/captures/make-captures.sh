#!/usr/bin/env bash
# Real packet captures of the Linux UDP receive path, each with the receiving kernel's counters.
#
#   sudo scripts/captures/make-captures.sh [OUTDIR [CAPTURE...]]
#
# OUTDIR defaults to captures/ at the repository root; CAPTURE is any of udp-mixed vxlan frag
# vlan-geneve (default: all; vlan-geneve only where the kernel has 802.1Q or Geneve devices).
# For each capture it writes OUTDIR/NAME.pcap (tcpdump on the receiving veth), OUTDIR/NAME.nstat
# (the receiving namespace's nstat deltas over the traffic, verbatim) and OUTDIR/NAME.txt (what
# was sent, how, what the sender saw, and the capture checked against the counters).
#
# Two network namespaces, icpb-send and icpb-recv, joined by a veth pair (veth-s / veth-r, MTU
# 1500, fixed MACs, IPv4 and IPv6), with kernel VXLAN devices over IPv4 (vxlan0, VNI 42) and over
# IPv6 (vxlan1, VNI 43) carrying inner IPv4 and IPv6; a VLAN 100 sub-interface and a Geneve
# device (VNI 7) when the kernel has them. Each capture gets a fresh topology, so each one
# starts with cold neighbour caches and fresh ICMP rate limits. The order for each capture:
# set up, start the receiving applications, let the links go quiet (IPv6 MLD reports), start
# tcpdump, wait until it listens, nstat -n, traffic, wait for it to finish, nstat, stop tcpdump.
#
# Needs root, iproute2 (ip, nstat, ss), tcpdump, iperf3 and python3 (stdlib only). No ping:
# scripts/captures/tx.py sends the echo requests.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=${1:-$ROOT/captures}
shift || true
ALL_CAPTURES=(udp-mixed vxlan frag vlan-geneve)
if [ $# -gt 0 ]; then CAPTURES=("$@"); else CAPTURES=("${ALL_CAPTURES[@]}"); fi

SEND=icpb-send RECV=icpb-recv
VS=veth-s VR=veth-r
MAC_S=02:00:00:42:00:01 MAC_R=02:00:00:42:00:02
A4_S=10.42.0.1 A4_R=10.42.0.2 A6_S=fd42::1 A6_R=fd42::2
# inner networks: vxlan0 (VNI 42, outer IPv4), vxlan1 (VNI 43, outer IPv6), VLAN 100, Geneve VNI 7
X4_S=10.42.1.1 X4_R=10.42.1.2 X6_S=fd42:1::1 X6_R=fd42:1::2
Y4_S=10.42.3.1 Y4_R=10.42.3.2 Y6_S=fd42:3::1 Y6_R=fd42:3::2
V4_S=10.42.2.1 V4_R=10.42.2.2 V6_S=fd42:2::1 V6_R=fd42:2::2
G4_S=10.42.4.1 G4_R=10.42.4.2 G6_S=fd42:4::1 G6_R=fd42:4::2
OPEN=5555 CLOSED=9 DNS=53 IPERF=5201
QUIET_S=2       # after setup, before tcpdump: the MLD reports of the new interfaces are over
SETTLE_S=1      # after the traffic, before the final nstat: answers, FIN/ACKs have arrived
FRAG_WAIT_S=32  # frag: after the traffic, so that the incomplete datagrams expire (30 s)

die() { echo "make-captures: $*" >&2; exit 2; }
log() { echo "make-captures: $*" >&2; }

[ "$(id -u)" = 0 ] || die "must run as root (it creates network namespaces): sudo $0"
missing=()
for c in ip:iproute2 nstat:iproute2 ss:iproute2 tcpdump:tcpdump iperf3:iperf3 python3:python3; do
  command -v "${c%%:*}" >/dev/null 2>&1 || missing+=("${c%%:*} (Debian package ${c#*:})")
done
[ ${#missing[@]} -eq 0 ] || die "missing: ${missing[*]}; install with apt-get install iproute2 tcpdump iperf3 python3"
for c in "${CAPTURES[@]}"; do
  [[ " ${ALL_CAPTURES[*]} " == *" $c "* ]] || die "unknown capture '$c' (known: ${ALL_CAPTURES[*]})"
done

TMP=$(mktemp -d /tmp/icpb-captures.XXXXXX)
BG=()          # background processes this script started
TCPDUMP_PID=

in_send() { ip netns exec "$SEND" "$@"; }
in_recv() { ip netns exec "$RECV" "$@"; }

teardown() {
  local ns pid
  for ns in "$SEND" "$RECV"; do
    if ip netns list | grep -qw "^$ns"; then
      # processes still inside our namespaces (ours, or left over from an earlier run)
      for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
      ip netns del "$ns" 2>/dev/null || true
    fi
  done
}

cleanup() {
  local rc=$? pid
  trap - EXIT INT TERM
  for pid in ${TCPDUMP_PID:+"$TCPDUMP_PID"} "${BG[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in ${TCPDUMP_PID:+"$TCPDUMP_PID"} "${BG[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  teardown
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- topology --------------------------------------------------------------------------------

ns_sysctls() {
  # No DAD, no router solicitations, no RA processing: after the quiet period the only
  # spontaneous traffic is neighbour resolution (ARP, NDP), which the traffic itself causes.
  # Reassembly timeouts are set to 30 s in both families (IPv6's default is 60 s).
  ip netns exec "$1" sysctl -q -w \
    net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
    net.ipv6.conf.all.dad_transmits=0 net.ipv6.conf.default.dad_transmits=0 \
    net.ipv6.conf.all.router_solicitations=0 net.ipv6.conf.default.router_solicitations=0 \
    net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0 \
    net.ipv4.ipfrag_time=30 net.ipv6.ip6frag_time=30
}

HAVE_VLAN=0 HAVE_GENEVE=0

setup() {
  teardown
  local ns
  for ns in "$SEND" "$RECV"; do
    ip netns add "$ns"
    ns_sysctls "$ns"
    ip -n "$ns" link set lo up
  done
  ip -n "$SEND" link add "$VS" address "$MAC_S" mtu 1500 type veth peer name "$VR" address "$MAC_R" mtu 1500 netns "$RECV"
  ip -n "$SEND" addr add "$A4_S/24" dev "$VS"
  ip -n "$SEND" addr add "$A6_S/64" dev "$VS" nodad
  ip -n "$RECV" addr add "$A4_R/24" dev "$VR"
  ip -n "$RECV" addr add "$A6_R/64" dev "$VR" nodad
  ip -n "$SEND" link set "$VS" up
  ip -n "$RECV" link set "$VR" up

  # VXLAN over IPv4 (VNI 42) and over IPv6 (VNI 43), both on UDP 4789
  ip -n "$SEND" link add vxlan0 address 02:00:00:42:01:01 type vxlan id 42 dstport 4789 local "$A4_S" remote "$A4_R" dev "$VS"
  ip -n "$RECV" link add vxlan0 address 02:00:00:42:01:02 type vxlan id 42 dstport 4789 local "$A4_R" remote "$A4_S" dev "$VR"
  ip -n "$SEND" link add vxlan1 address 02:00:00:42:03:01 type vxlan id 43 dstport 4789 local "$A6_S" remote "$A6_R" dev "$VS"
  ip -n "$RECV" link add vxlan1 address 02:00:00:42:03:02 type vxlan id 43 dstport 4789 local "$A6_R" remote "$A6_S" dev "$VR"
  tunnel_addrs vxlan0 "$X4_S" "$X4_R" "$X6_S" "$X6_R"
  tunnel_addrs vxlan1 "$Y4_S" "$Y4_R" "$Y6_S" "$Y6_R"

  # optional: 802.1Q VLAN 100 and Geneve VNI 7 (not every kernel has them)
  HAVE_VLAN=0 HAVE_GENEVE=0
  if ip -n "$SEND" link add link "$VS" name "$VS.100" address 02:00:00:42:02:01 type vlan id 100 2>/dev/null &&
     ip -n "$RECV" link add link "$VR" name "$VR.100" address 02:00:00:42:02:02 type vlan id 100 2>/dev/null; then
    HAVE_VLAN=1
    ip -n "$SEND" link set "$VS.100" name vlan100
    ip -n "$RECV" link set "$VR.100" name vlan100
    tunnel_addrs vlan100 "$V4_S" "$V4_R" "$V6_S" "$V6_R"
  fi
  if ip -n "$SEND" link add geneve0 address 02:00:00:42:04:01 type geneve id 7 remote "$A4_R" dstport 6081 2>/dev/null &&
     ip -n "$RECV" link add geneve0 address 02:00:00:42:04:02 type geneve id 7 remote "$A4_S" dstport 6081 2>/dev/null; then
    HAVE_GENEVE=1
    tunnel_addrs geneve0 "$G4_S" "$G4_R" "$G6_S" "$G6_R"
  fi
}

tunnel_addrs() {  # DEV SEND4 RECV4 SEND6 RECV6
  ip -n "$SEND" addr add "$2/24" dev "$1"
  ip -n "$SEND" addr add "$4/64" dev "$1" nodad
  ip -n "$RECV" addr add "$3/24" dev "$1"
  ip -n "$RECV" addr add "$5/64" dev "$1" nodad
  ip -n "$SEND" link set "$1" up
  ip -n "$RECV" link set "$1" up
}

# --- capture machinery -----------------------------------------------------------------------

LOG=  # the current capture's record of what was sent

tx() {  # tx.py in the sending namespace, its command and output recorded
  echo "\$ ip netns exec $SEND python3 scripts/captures/tx.py $*" >> "$LOG"
  in_send python3 "$HERE/tx.py" "$@" | sed 's/^/    /' >> "$LOG"
}

note() { echo "$*" >> "$LOG"; }

start_rx() {  # UDP sink on $OPEN and DNS responder on $DNS, in the receiving namespace
  rm -f "$TMP/rx.ready" "$TMP/rx.json"
  # not through in_recv: $! must be the process itself (ip netns exec execs it), not a subshell
  ip netns exec "$RECV" python3 "$HERE/rx.py" --udp "$OPEN" --dns "$DNS" --ready "$TMP/rx.ready" --stats "$TMP/rx.json" &
  RX_PID=$!
  BG+=("$RX_PID")
  wait_for "rx.py to bind its sockets" test -e "$TMP/rx.ready"
}

stop_rx() {
  kill -TERM "$RX_PID" 2>/dev/null || true
  wait "$RX_PID" || true
  RX_STATS=$(cat "$TMP/rx.json" 2>/dev/null || echo "(rx.py wrote no statistics)")
}

wait_for() {  # WHAT CMD...: poll for up to 10 s
  local what=$1 i
  shift
  for i in $(seq 100); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  die "timed out waiting for $what"
}

start_capture() {  # NAME
  local name=$1
  rm -f "$TMP"/nstat.* "$TMP/tcpdump.err"
  PCAP=$OUT/$name.pcap
  rm -f "$PCAP"
  # --immediate-mode: libpcap's default TPACKET_V3 ring hands packets over a block at a time,
  # and tcpdump, stopped, drops what the unfinished block holds ("received by filter" > "captured")
  ip netns exec "$RECV" tcpdump -i "$VR" -s 0 -n -Z root --immediate-mode -w "$PCAP" 2> "$TMP/tcpdump.err" &
  TCPDUMP_PID=$!
  wait_for "tcpdump to listen on $VR" grep -q "listening on" "$TMP/tcpdump.err"
  in_send env NSTAT_HISTORY="$TMP/nstat.send" nstat -n
  in_recv env NSTAT_HISTORY="$TMP/nstat.recv" nstat -n   # the receiving counters' window opens
  T_START=$(date -u +%H:%M:%S.%N)
}

stop_capture() {  # NAME SETTLE_SECONDS
  local name=$1
  sleep "$2"
  in_recv env NSTAT_HISTORY="$TMP/nstat.recv" nstat > "$OUT/$name.nstat"   # ... and closes
  kill -INT "$TCPDUMP_PID"
  local i
  for i in $(seq 50); do kill -0 "$TCPDUMP_PID" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$TCPDUMP_PID" 2>/dev/null; then
    log "$name: tcpdump ignored SIGINT for 5 s; sending SIGTERM"
    kill -TERM "$TCPDUMP_PID"
  fi
  wait "$TCPDUMP_PID" || true
  TCPDUMP_PID=
  T_END=$(date -u +%H:%M:%S.%N)
  in_send env NSTAT_HISTORY="$TMP/nstat.send" nstat > "$TMP/send.nstat"
}

write_txt() {  # NAME TITLE NOTES
  local name=$1 title=$2 notes=$3 txt=$OUT/$1.txt
  {
    echo "Capture $name: $title"
    echo
    echo "Date:      $(date -u +%Y-%m-%dT%H:%M:%SZ) (traffic window $T_START - $T_END UTC)"
    echo "Kernel:    $(uname -r) ($(uname -v)), $(uname -m)"
    echo "Tools:     $(ip -V), $(tcpdump --version 2>&1 | head -1), $(iperf3 --version | head -1), Python $(python3 -c 'import platform; print(platform.python_version())')"
    echo "Interface: $VR in netns $RECV (MAC $MAC_R, MTU 1500); link type Ethernet, pcap"
    echo "           ip netns exec $RECV tcpdump -i $VR -s 0 -n -Z root --immediate-mode -w $name.pcap"
    echo "           $(grep -E 'packets (captured|received|dropped)' "$TMP/tcpdump.err" | paste -sd';' - | sed 's/;/; /g')"
    echo "Counters:  ip netns exec $RECV env NSTAT_HISTORY=tmp nstat -n   (after tcpdump listens, before the traffic)"
    echo "           ip netns exec $RECV env NSTAT_HISTORY=tmp nstat      (after the traffic + ${SETTLE_WAIT}s, before tcpdump stops) -> $name.nstat"
    echo
    echo "Topology (fresh for this capture; the sender's side, then the receiver's):"
    echo "  $SEND $VS $MAC_S $A4_S/24 $A6_S/64  <-veth->  $RECV $VR $MAC_R $A4_R/24 $A6_R/64"
    echo "  vxlan0: VNI 42, UDP 4789, outer $A4_S -> $A4_R; inner $X4_S/24 $X6_S/64 -> $X4_R/24 $X6_R/64, MTU 1450"
    echo "  vxlan1: VNI 43, UDP 4789, outer $A6_S -> $A6_R; inner $Y4_S/24 $Y6_S/64 -> $Y4_R/24 $Y6_R/64, MTU 1430"
    if [ "$HAVE_VLAN" = 1 ]; then echo "  vlan100: 802.1Q id 100 on the veths; $V4_S/24 $V6_S/64 -> $V4_R/24 $V6_R/64"
    else echo "  vlan100: not configured (this kernel has no 802.1Q VLAN devices)"; fi
    if [ "$HAVE_GENEVE" = 1 ]; then echo "  geneve0: VNI 7, UDP 6081, outer $A4_S -> $A4_R; inner $G4_S/24 $G6_S/64 -> $G4_R/24 $G6_R/64"
    else echo "  geneve0: not configured (this kernel has no Geneve devices)"; fi
    echo "  Both namespaces: accept_dad=0, dad_transmits=0, router_solicitations=0, accept_ra=0,"
    echo "  ipfrag_time=30, ip6frag_time=30; every other sysctl is the kernel's default"
    echo "  (icmp_ratelimit=$(in_recv sysctl -n net.ipv4.icmp_ratelimit) ms, icmp_msgs_per_sec=$(in_recv sysctl -n net.ipv4.icmp_msgs_per_sec), icmp_msgs_burst=$(in_recv sysctl -n net.ipv4.icmp_msgs_burst), rmem_default=$(in_recv sysctl -n net.core.rmem_default))."
    echo "  Receiving applications in $RECV: scripts/captures/rx.py (UDP sink on port $OPEN, every"
    echo "  datagram read; DNS responder on port $DNS), both dual-stack sockets on [::]; port $CLOSED is closed."
    echo
    echo "Sent, in this order (each command run in $SEND; its output indented):"
    cat "$LOG"
    echo
    echo "What the receiving applications read (datagrams, bytes) by family:"
    echo "$RX_STATS" | sed 's/^/  /'
    echo
    echo "What the sending side saw that $name.nstat does not show (from both namespaces' deltas):"
    python3 "$HERE/nstattab.py" sender "$OUT/$name.nstat" "$TMP/send.nstat" | fold -s -w 98 | sed 's/^/  /'
    echo
    echo "Sending side: nstat deltas of $SEND over the same window (not in $name.nstat):"
    grep -v '^#' "$TMP/send.nstat" | sed 's/^/  /'
    echo
    echo "Capture checked against the counters (scripts/captures/pcapsum.py $name.pcap --local-mac $MAC_R --nstat $name.nstat):"
    python3 "$HERE/pcapsum.py" "$PCAP" --local-mac "$MAC_R" --nstat "$OUT/$name.nstat" | sed 's/^/  /' || true
    echo
    echo "Notes:"
    echo "$notes" | fold -s -w 100 | sed 's/^/  /'
  } > "$txt"
}

run_capture() {  # NAME TITLE TRAFFIC_FUNCTION SETTLE_SECONDS NOTES_FUNCTION
  local name=$1 title=$2 traffic=$3 settle=$4 notes=$5
  log "$name: setting up"
  setup
  LOG=$TMP/$name.log
  : > "$LOG"
  start_rx
  [ "$name" != udp-mixed ] || start_iperf_server
  sleep "$QUIET_S"
  # The tunnels' MLD reports during setup resolved the outer neighbours; start cold, so that the
  # capture holds the neighbour resolution its traffic needs.
  ip -n "$SEND" neigh flush all
  ip -n "$RECV" neigh flush all
  start_capture "$name"
  log "$name: capturing"
  "$traffic"
  SETTLE_WAIT=$settle
  stop_capture "$name" "$settle"
  stop_rx
  [ "$name" != udp-mixed ] || stop_iperf_server
  write_txt "$name" "$title" "$("$notes")"
  teardown
  log "$name: $(python3 "$HERE/pcapsum.py" "$PCAP" --local-mac "$MAC_R" | sed -n 1p); $(grep -c -v '^#' "$OUT/$name.nstat") non-zero counters"
  local captured filtered
  captured=$(sed -n 's/^\([0-9]*\) packets captured.*/\1/p' "$TMP/tcpdump.err")
  filtered=$(sed -n 's/^\([0-9]*\) packets received by filter.*/\1/p' "$TMP/tcpdump.err")
  if [ "$captured" != "$filtered" ]; then
    log "$name: WARNING: tcpdump captured $captured of the $filtered packets it received"
  fi
  if ! python3 "$HERE/pcapsum.py" "$PCAP" --local-mac "$MAC_R" --nstat "$OUT/$name.nstat" > /dev/null; then
    log "$name: WARNING: the capture and the counters disagree, see the end of $OUT/$name.txt"
  fi
}

# --- the captures ----------------------------------------------------------------------------

start_iperf_server() {
  ip netns exec "$RECV" iperf3 -s -1 -p "$IPERF" > "$TMP/iperf3-server.txt" 2>&1 &
  IPERF_PID=$!
  BG+=("$IPERF_PID")
  wait_for "iperf3 -s to listen" sh -c "ip netns exec $RECV ss -Hltn 'sport = :$IPERF' | grep -q LISTEN"
}

stop_iperf_server() {
  wait "$IPERF_PID" || true   # -1: it exits after the one test
}

traffic_udp_mixed() {
  tx ping --dst "$A4_R" --count 3
  tx ping --dst "$A6_R" --count 3
  tx dns --server "$A4_R" --qtype A --count 3
  tx dns --server "$A6_R" --qtype A --count 3
  tx dns --server "$A6_R" --qtype AAAA --count 1
  echo "\$ ip netns exec $SEND iperf3 -c $A4_R -p $IPERF -u -b 1M -t 2 -l 400" >> "$LOG"
  in_send iperf3 -c "$A4_R" -p "$IPERF" -u -b 1M -t 2 -l 400 2>&1 | sed 's/^/    /' >> "$LOG"
  wait "$IPERF_PID" || true
  note "  iperf3 server ($RECV, iperf3 -s -1 -p $IPERF), its report:"
  sed 's/^/    /' "$TMP/iperf3-server.txt" >> "$LOG"
  tx udp --dst "$A4_R" --port "$OPEN" --count 20 --size 300
  tx udp --dst "$A6_R" --port "$OPEN" --count 20 --size 300
  tx udp --dst "$A4_R" --port "$CLOSED" --count 10 --size 100 --gap 0.01
  tx udp --dst "$A6_R" --port "$CLOSED" --count 10 --size 100 --gap 0.01
}

notes_udp_mixed() {
  echo "Ten datagrams per family go to the closed port $CLOSED 10 ms apart; each one is a UdpNoPorts/Udp6NoPorts. The receiver answers with ICMP(v6) port unreachable, subject to the per-destination ICMP rate limit (icmp_ratelimit 1000 ms, a burst of 6 per peer), so compare UdpNoPorts with IcmpOutDestUnreachs and Udp6NoPorts with Icmp6OutDestUnreachs; the sender's IcmpInDestUnreachs/Icmp6InDestUnreachs are the ones that arrived. The iperf3 test also opens a TCP control connection to port $IPERF (TcpInSegs) and exchanges a few UDP datagrams before and after the measured ones. The first packet of each family starts neighbour resolution (ARP, NDP), which is in the capture."
}

traffic_vxlan() {
  note "# over vxlan0 (VNI 42, outer IPv4)"
  tx ping --dst "$X4_R" --count 3
  tx ping --dst "$X6_R" --count 3
  tx udp --dst "$X4_R" --port "$OPEN" --count 20 --size 300
  tx udp --dst "$X6_R" --port "$OPEN" --count 20 --size 300
  tx udp --dst "$X4_R" --port "$OPEN" --count 2 --size 2000
  tx udp --dst "$X6_R" --port "$OPEN" --count 2 --size 2000
  tx udp --dst "$X4_R" --port "$CLOSED" --count 3 --size 100 --gap 0.2
  tx udp --dst "$X6_R" --port "$CLOSED" --count 3 --size 100 --gap 0.2
  note "# over vxlan1 (VNI 43, outer IPv6)"
  tx ping --dst "$Y4_R" --count 2
  tx ping --dst "$Y6_R" --count 2
  tx udp --dst "$Y4_R" --port "$OPEN" --count 10 --size 300
  tx udp --dst "$Y6_R" --port "$OPEN" --count 10 --size 300
  tx udp --dst "$Y4_R" --port "$CLOSED" --count 2 --size 100 --gap 0.2
  tx udp --dst "$Y6_R" --port "$CLOSED" --count 2 --size 100 --gap 0.2
}

notes_vxlan() {
  echo "Every tunnelled packet is counted twice by the receiving kernel: once as the outer IPv4/IPv6 + UDP datagram to port 4789 (IpInReceives or Ip6InReceives, and UdpInDatagrams or Udp6InDatagrams, since the VXLAN socket consumes it), and once as the inner packet after decapsulation. The 2000-byte datagrams exceed the tunnels' MTU (1450), so the sender's inner IP layer fragments them and the receiver reassembles the inner fragments (IpReasm*/Ip6Reasm*); the outer packets are never fragmented. The closed-port datagrams (3 per family over vxlan0, 2 over vxlan1, 200 ms apart, within the ICMP burst) are answered with ICMP(v6) port unreachable inside the tunnel. Inner ARP and NDP run over the tunnels (inner MACs 02:00:00:42:01:0x, 02:00:00:42:03:0x); the outer NDP for vxlan1's outer IPv6 is on the veth."
}

traffic_frag() {
  note "# the sender's kernel fragments (MTU 1500); the receiver reassembles"
  tx udp --dst "$A4_R" --port "$OPEN" --count 3 --size 3000 --gap 0.05
  tx udp --dst "$A4_R" --port "$OPEN" --count 3 --size 8000 --gap 0.05
  tx udp --dst "$A6_R" --port "$OPEN" --count 3 --size 3000 --gap 0.05
  tx udp --dst "$A6_R" --port "$OPEN" --count 3 --size 8000 --gap 0.05
  tx udp --dst "$A4_R" --port "$CLOSED" --count 1 --size 3000
  tx udp --dst "$A6_R" --port "$CLOSED" --count 1 --size 3000
  note "# hand-made fragments written on $VS with AF_PACKET (2008-byte UDP datagrams to port $OPEN)"
  local f="--ifname $VS --src-mac $MAC_S --dst-mac $MAC_R --port $OPEN"
  # shellcheck disable=SC2086
  {
    tx frags $f --src "$A4_S" --dst "$A4_R" --case incomplete --ident 0x4a01
    tx frags $f --src "$A4_S" --dst "$A4_R" --case ooo --ident 0x4a02
    tx frags $f --src "$A4_S" --dst "$A4_R" --case dup --ident 0x4a03
    tx frags $f --src "$A4_S" --dst "$A4_R" --case overlap --ident 0x4a04
    tx frags $f --src "$A6_S" --dst "$A6_R" --case incomplete --ident 0x6a000001
    tx frags $f --src "$A6_S" --dst "$A6_R" --case ooo --ident 0x6a000002
    tx frags $f --src "$A6_S" --dst "$A6_R" --case dup --ident 0x6a000003
    tx frags $f --src "$A6_S" --dst "$A6_R" --case overlap --ident 0x6a000004
  }
  note "# then ${FRAG_WAIT_S} s without traffic, so that the incomplete datagrams' queues expire (ipfrag_time = ip6frag_time = 30 s)"
}

notes_frag() {
  echo "Kernel fragmentation: a 3000-byte UDP payload is 3 IPv4 fragments or 3 IPv6 fragments, an 8000-byte one 6 of either. Hand-made fragments (offsets 0-800, 800-1600, 1600-2008 of a 2008-byte UDP datagram, correct checksums, written as raw frames, so the sender's IP counters do not see them): 'incomplete' sends the first two and never the last, so the queue expires after 30 s (IpReasmTimeout + IpReasmFails, Ip6ReasmTimeout + Ip6ReasmFails) and, because the first fragment arrived, the receiver sends ICMP(v6) time exceeded (reassembly) to the sender; 'ooo' sends last, middle, first and completes; 'dup' sends the middle fragment twice (exact duplicate) and completes: the kernel drops the duplicate without counting a failure; 'overlap' sends 0-1000 then 800-1600: the kernel drops the whole queue at once (IpExtReasmOverlaps + IpReasmFails; IPv6 has no overlap counter in /proc/net/snmp6, only Ip6ReasmFails). The closed-port datagrams are reassembled before UDP finds no socket (UdpNoPorts, Udp6NoPorts); the port unreachable quotes the reassembled datagram's headers (IPv6: without the fragment header, truncated to 1280 bytes; IPv4: 576 bytes). On the sending side the hand-made fragments bypass the sender's IP layer (not in its IpOut*/Ip6Out* counters); the ICMPv6 time exceeded quoting the incomplete hand-made datagram finds no socket for its source port and the sender counts Icmp6InErrors (checked with a separate run that sent only that datagram); the IPv4 time exceeded is not counted as IcmpInErrors on this kernel."
}

traffic_vlan_geneve() {
  if [ "$HAVE_VLAN" = 1 ]; then
    note "# over vlan100 (802.1Q id 100)"
    tx ping --dst "$V4_R" --count 2
    tx ping --dst "$V6_R" --count 2
    tx udp --dst "$V4_R" --port "$OPEN" --count 10 --size 300
    tx udp --dst "$V6_R" --port "$OPEN" --count 10 --size 300
    tx udp --dst "$V4_R" --port "$CLOSED" --count 2 --size 100 --gap 0.2
    tx udp --dst "$V6_R" --port "$CLOSED" --count 2 --size 100 --gap 0.2
  fi
  if [ "$HAVE_GENEVE" = 1 ]; then
    note "# over geneve0 (VNI 7, outer IPv4)"
    tx ping --dst "$G4_R" --count 2
    tx ping --dst "$G6_R" --count 2
    tx udp --dst "$G4_R" --port "$OPEN" --count 10 --size 300
    tx udp --dst "$G6_R" --port "$OPEN" --count 10 --size 300
    tx udp --dst "$G4_R" --port "$CLOSED" --count 2 --size 100 --gap 0.2
    tx udp --dst "$G6_R" --port "$CLOSED" --count 2 --size 100 --gap 0.2
  fi
}

notes_vlan_geneve() {
  echo "VLAN-tagged frames carry the 802.1Q header in the capture (libpcap puts back the tag the veth stripped into the packet metadata). Geneve packets are counted twice, like VXLAN's: outer UDP to port 6081, then the inner packet."
}

mkdir -p "$OUT"
log "writing to $OUT; kernel $(uname -r)"
for c in "${CAPTURES[@]}"; do
  case $c in
    udp-mixed) run_capture udp-mixed "UDP to open and closed ports, DNS, ping, over IPv4 and IPv6" traffic_udp_mixed "$SETTLE_S" notes_udp_mixed ;;
    vxlan) run_capture vxlan "UDP and ping over kernel VXLAN devices (outer IPv4 and outer IPv6)" traffic_vxlan "$SETTLE_S" notes_vxlan ;;
    frag) run_capture frag "IPv4 and IPv6 reassembly: kernel-made and hand-made fragments" traffic_frag "$FRAG_WAIT_S" notes_frag ;;
    vlan-geneve)
      setup
      if [ "$HAVE_VLAN" = 0 ] && [ "$HAVE_GENEVE" = 0 ]; then
        log "vlan-geneve: skipped, this kernel has neither 802.1Q VLAN nor Geneve devices"
        teardown
      else
        run_capture vlan-geneve "UDP and ping over an 802.1Q VLAN and a Geneve tunnel" traffic_vlan_geneve "$SETTLE_S" notes_vlan_geneve
      fi ;;
  esac
done
log "done: $(cd "$OUT" && ls -1 ./*.pcap ./*.nstat ./*.txt 2>/dev/null | wc -l) files in $OUT"
