#!/usr/bin/env python3
"""Summarise a capture made by make-captures.sh (stdlib only): frames by direction and protocol,
VXLAN payloads decoded, and, given the capture's nstat file, a comparison of the packets the
capture shows arriving with the receiving namespace's In counters.

    pcapsum.py FILE.pcap --local-mac MAC [--nstat FILE.nstat]

Direction: a frame whose source MAC is --local-mac (the receiving veth) went out; any other came in.
The expected counters are counted over the frames that came in, with the IP packets carried
inside VXLAN (or Geneve) counted as well (the kernel counts them again after decapsulation):
IpInReceives / Ip6InReceives every IPv4 / IPv6 packet, IpReasmReqds / Ip6ReasmReqds every fragment,
IcmpInMsgs / Icmp6InMsgs every ICMP message that is not a later fragment, TcpInSegs every TCP segment.
IcmpOutMsgs / Icmp6OutMsgs count the ICMP messages that went out the same way.
"""
import argparse
import collections
import struct
import sys

ICMP4 = {(0, None): "echo reply", (8, None): "echo request", (3, 3): "dest unreachable (port)",
         (3, 4): "dest unreachable (frag needed)", (11, 0): "time exceeded (ttl)",
         (11, 1): "time exceeded (reassembly)"}
ICMP6 = {(128, None): "echo request", (129, None): "echo reply", (1, 4): "dest unreachable (port)",
         (3, 0): "time exceeded (hop limit)", (3, 1): "time exceeded (reassembly)",
         (135, None): "neighbor solicitation", (136, None): "neighbor advertisement",
         (133, None): "router solicitation", (143, None): "MLDv2 report", (131, None): "MLDv1 report",
         (2, None): "packet too big", (4, None): "parameter problem"}
TUNNEL_PORTS = {4789: "VXLAN", 6081: "Geneve"}


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        raise SystemExit(f"{path}: not a pcap file (pcapng is not supported)")
    linktype = struct.unpack(e + "I", data[20:24])[0]
    if linktype != 1:
        raise SystemExit(f"{path}: link type {linktype}, expected 1 (Ethernet)")
    off = 24
    while off + 16 <= len(data):
        _s, _us, incl, _orig = struct.unpack(e + "IIII", data[off:off + 16])
        yield data[off + 16:off + 16 + incl]
        off += 16 + incl


def port_label(sport, dport):
    return min(sport, dport)


class Counts:
    def __init__(self):
        self.labels = collections.Counter()
        self.expect = collections.Counter()

    def add(self, direction, label):
        self.labels[(direction, label)] += 1


def icmp_name(table, typ, code):
    return table.get((typ, code)) or table.get((typ, None)) or f"type {typ} code {code}"


def walk_ether(frame, direction, c, prefix=""):
    if len(frame) < 14:
        c.add(direction, prefix + "runt")
        return
    etype = struct.unpack("!H", frame[12:14])[0]
    body = frame[14:]
    vlan = ""
    while etype in (0x8100, 0x88A8) and len(body) >= 4:
        vlan += f"VLAN {struct.unpack('!H', body[:2])[0] & 0xFFF} "
        etype = struct.unpack("!H", body[2:4])[0]
        body = body[4:]
    prefix += vlan
    if etype == 0x0806:
        op = struct.unpack("!H", body[6:8])[0] if len(body) >= 8 else 0
        c.add(direction, prefix + {1: "ARP request", 2: "ARP reply"}.get(op, f"ARP op {op}"))
    elif etype == 0x0800:
        walk_ipv4(body, direction, c, prefix)
    elif etype == 0x86DD:
        walk_ipv6(body, direction, c, prefix)
    else:
        c.add(direction, prefix + f"ethertype {etype:#06x}")


def walk_udp(l4, direction, c, prefix, fam):
    sport, dport = struct.unpack("!HH", l4[:4])
    if dport in TUNNEL_PORTS or sport in TUNNEL_PORTS:
        kind = TUNNEL_PORTS.get(dport) or TUNNEL_PORTS[sport]
        if kind == "VXLAN" and len(l4) >= 16:
            vni = struct.unpack("!I", l4[12:16])[0] >> 8
            c.add(direction, prefix + f"{fam} UDP {kind} VNI {vni}")
            walk_ether(l4[16:], direction, c, prefix + f"  inside VXLAN VNI {vni}: ")
            return
        if kind == "Geneve" and len(l4) >= 16 and struct.unpack("!H", l4[10:12])[0] == 0x6558:
            optlen = (l4[8] & 0x3F) * 4
            vni = struct.unpack("!I", l4[12:16])[0] >> 8
            c.add(direction, prefix + f"{fam} UDP {kind} VNI {vni}")
            walk_ether(l4[16 + optlen:], direction, c, prefix + f"  inside Geneve VNI {vni}: ")
            return
        c.add(direction, prefix + f"{fam} UDP {kind}")
        return
    c.add(direction, prefix + f"{fam} UDP port {port_label(sport, dport)}")


def walk_ipv4(p, direction, c, prefix):
    if len(p) < 20:
        c.add(direction, prefix + "IPv4 truncated")
        return
    ihl = (p[0] & 15) * 4
    proto = p[9]
    fo = struct.unpack("!H", p[6:8])[0]
    more, offset = bool(fo & 0x2000), (fo & 0x1FFF) * 8
    l4 = p[ihl:]
    if direction == "in":
        c.expect["IpInReceives"] += 1
    if more or offset:
        if direction == "in":
            c.expect["IpReasmReqds"] += 1
        c.add(direction, prefix + f"IPv4 fragment ({'first' if offset == 0 else 'last' if not more else 'middle'}, proto {proto})")
        if offset:
            return
        if proto == 1 and direction == "in":
            c.expect["IcmpInMsgs"] += 1
        return
    if proto == 17:
        walk_udp(l4, direction, c, prefix, "IPv4")
    elif proto == 6:
        sport, dport = struct.unpack("!HH", l4[:4])
        c.add(direction, prefix + f"IPv4 TCP port {port_label(sport, dport)}")
        if direction == "in":
            c.expect["TcpInSegs"] += 1
    elif proto == 1:
        c.add(direction, prefix + "IPv4 ICMP " + icmp_name(ICMP4, l4[0], l4[1]))
        c.expect["IcmpInMsgs" if direction == "in" else "IcmpOutMsgs"] += 1
    elif proto == 2:
        c.add(direction, prefix + "IPv4 IGMP")
    else:
        c.add(direction, prefix + f"IPv4 proto {proto}")


def walk_ipv6(p, direction, c, prefix):
    if len(p) < 40:
        c.add(direction, prefix + "IPv6 truncated")
        return
    nh = p[6]
    rest = p[40:]
    if direction == "in":
        c.expect["Ip6InReceives"] += 1
    frag = None
    while nh in (0, 43, 60, 44):
        if nh == 44:
            fo = struct.unpack("!H", rest[2:4])[0]
            frag = (fo & 0xFFF8, bool(fo & 1))
            nh, rest = rest[0], rest[8:]
        else:
            nh, rest = rest[0], rest[(rest[1] + 1) * 8:]
    if frag:
        offset, more = frag
        if direction == "in":
            c.expect["Ip6ReasmReqds"] += 1
        c.add(direction, prefix + f"IPv6 fragment ({'first' if offset == 0 else 'last' if not more else 'middle'}, next header {nh})")
        if offset == 0 and nh == 58 and direction == "in":
            c.expect["Icmp6InMsgs"] += 1
        return
    if nh == 17:
        walk_udp(rest, direction, c, prefix, "IPv6")
    elif nh == 6:
        sport, dport = struct.unpack("!HH", rest[:4])
        c.add(direction, prefix + f"IPv6 TCP port {port_label(sport, dport)}")
        if direction == "in":
            c.expect["TcpInSegs"] += 1
    elif nh == 58:
        c.add(direction, prefix + "IPv6 ICMPv6 " + icmp_name(ICMP6, rest[0], rest[1]))
        c.expect["Icmp6InMsgs" if direction == "in" else "Icmp6OutMsgs"] += 1
    else:
        c.add(direction, prefix + f"IPv6 next header {nh}")


def read_nstat(path):
    vals = {}
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            parts = line.split()
            vals[parts[0]] = int(parts[1])
    return vals


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pcap")
    ap.add_argument("--local-mac", required=True, help="MAC of the capturing (receiving) interface")
    ap.add_argument("--nstat", help="the capture's nstat output, to compare with")
    a = ap.parse_args()
    local = bytes.fromhex(a.local_mac.replace(":", ""))
    c = Counts()
    total = 0
    for frame in read_pcap(a.pcap):
        total += 1
        walk_ether(frame, "out" if frame[6:12] == local else "in", c)
    print(f"frames: {total} ({sum(v for (d, _), v in c.labels.items() if d == 'in' and not _.startswith(' '))} in, "
          f"{sum(v for (d, _), v in c.labels.items() if d == 'out' and not _.startswith(' '))} out)")
    print("breakdown (frames; 'inside ... VNI n' lines are the frames the tunnel lines carry):")
    for d in ("in", "out"):
        for (dd, label), n in sorted(c.labels.items(), key=lambda kv: (kv[0][1].startswith(" "), kv[0][1])):
            if dd == d:
                print(f"  {d:3} {n:6}  {label.strip() if not label.startswith('  ') else label}")
    if a.nstat:
        ns = read_nstat(a.nstat)
        print("capture vs counters (expected from the frames that came in / went out; nstat delta):")
        bad = 0
        for key in ("IpInReceives", "IpReasmReqds", "IcmpInMsgs", "IcmpOutMsgs", "Ip6InReceives",
                    "Ip6ReasmReqds", "Icmp6InMsgs", "Icmp6OutMsgs", "TcpInSegs"):
            exp, got = c.expect.get(key, 0), ns.get(key, 0)
            mark = "ok" if exp == got else "DIFFERENT"
            bad += exp != got
            print(f"  {key:15} capture {exp:6}  nstat {got:6}  {mark}")
        return 1 if bad else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
