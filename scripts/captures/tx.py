#!/usr/bin/env python3
"""Sending-side traffic for make-captures.sh (stdlib only). Each subcommand prints one line per
thing it sent or got back, so the caller can keep a record of what the sender saw.

    tx.py udp  --dst ADDR --port P --count N --size BYTES [--gap S]   unconnected sendto()s
    tx.py dns  --server ADDR --name NAME [--qtype A|AAAA] --count N    queries, waits for answers
    tx.py ping --dst ADDR --count N [--size BYTES] [--gap S]           ICMP/ICMPv6 echo (raw socket)
    tx.py frags --ifname IF --src-mac M --dst-mac M --src ADDR --dst ADDR --port P
                --case ooo|dup|overlap|incomplete --ident ID
        hand-made IP fragments of one UDP datagram, written as Ethernet frames on IF (AF_PACKET),
        so the sending kernel neither fragments nor counts them.
"""
import argparse
import ipaddress
import os
import select
import socket
import struct
import sys
import time


def is_v6(addr):
    return ipaddress.ip_address(addr).version == 6


def family(addr):
    return socket.AF_INET6 if is_v6(addr) else socket.AF_INET


def payload(size, seed=0):
    return bytes((seed + i) & 0xFF for i in range(size))


def cmd_udp(a):
    s = socket.socket(family(a.dst), socket.SOCK_DGRAM)
    data = payload(a.size)
    for i in range(a.count):
        s.sendto(data, (a.dst, a.port))
        if a.gap and i + 1 < a.count:
            time.sleep(a.gap)
    print(f"udp: sent {a.count} datagrams of {a.size} bytes to [{a.dst}]:{a.port} (sendto, unconnected socket)")
    return 0


def dns_query(qid, name, qtype):
    q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for label in name.rstrip(".").split("."):
        q += bytes([len(label)]) + label.encode("ascii")
    return q + b"\0" + struct.pack("!HH", qtype, 1)


def cmd_dns(a):
    qtype = {"A": 1, "AAAA": 28}[a.qtype]
    s = socket.socket(family(a.server), socket.SOCK_DGRAM)
    s.settimeout(1.0)
    answered = 0
    for i in range(a.count):
        qid = 0x1000 + i
        s.sendto(dns_query(qid, a.name, qtype), (a.server, a.port))
        try:
            while True:
                resp, _ = s.recvfrom(4096)
                if struct.unpack("!H", resp[:2])[0] == qid:
                    break
            ancount = struct.unpack("!H", resp[6:8])[0]
            rdata = ""
            if ancount:
                ln = 4 if qtype == 1 else 16  # one answer, its address at the end
                rdata = socket.inet_ntop(socket.AF_INET if qtype == 1 else socket.AF_INET6, resp[-ln:])
            print(f"dns: {a.qtype} {a.name} via [{a.server}]:{a.port} id={qid:#x} -> rcode={resp[3] & 15} answers={ancount} {rdata}")
            answered += 1
        except socket.timeout:
            print(f"dns: {a.qtype} {a.name} via [{a.server}]:{a.port} id={qid:#x} -> no answer within 1 s")
        if a.gap:
            time.sleep(a.gap)
    print(f"dns: {answered}/{a.count} answered")
    return 0


def inet_checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def cmd_ping(a):
    v6 = is_v6(a.dst)
    if v6:
        s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    ident = os.getpid() & 0xFFFF
    got = 0
    for seq in range(1, a.count + 1):
        body = struct.pack("!HH", ident, seq) + payload(a.size)
        if v6:  # the kernel fills in the ICMPv6 checksum of raw ICMPv6 sockets
            pkt = struct.pack("!BBH", 128, 0, 0) + body
        else:
            pkt = struct.pack("!BBH", 8, 0, 0) + body
            pkt = pkt[:2] + struct.pack("!H", inet_checksum(pkt)) + pkt[4:]
        t0 = time.monotonic()
        s.sendto(pkt, (a.dst, 0))
        reply = None
        while time.monotonic() - t0 < 1.0:
            r, _, _ = select.select([s], [], [], max(0.0, 1.0 - (time.monotonic() - t0)))
            if not r:
                break
            data, _ = s.recvfrom(65535)
            icmp = data if v6 else data[(data[0] & 15) * 4:]
            typ = icmp[0]
            if typ == (129 if v6 else 0) and struct.unpack("!HH", icmp[4:8]) == (ident, seq):
                reply = (time.monotonic() - t0) * 1000
                break
        if reply is None:
            print(f"ping: [{a.dst}] seq={seq} no reply within 1 s")
        else:
            got += 1
            print(f"ping: [{a.dst}] seq={seq} reply in {reply:.2f} ms")
        if seq < a.count:
            time.sleep(a.gap)
    print(f"ping: {got}/{a.count} echo replies from [{a.dst}] (payload {a.size} bytes)")
    return 0


def mac(text):
    return bytes.fromhex(text.replace(":", ""))


def fragments_of(case, datagram_len):
    """(offset, length, more) triples, in sending order, for each case. Offsets are multiples of 8."""
    n = datagram_len
    a, b = 800, 1600
    full = [(0, a, True), (a, b - a, True), (b, n - b, False)]
    if case == "ooo":        # last first, then middle, then first: completes
        return [full[2], full[1], full[0]]
    if case == "dup":        # the middle fragment twice (an exact duplicate), then the rest: completes
        return [full[0], full[1], full[1], full[2]]
    if case == "overlap":    # 0..1000 then 800..1600: the second overlaps the first; the queue is dropped
        return [(0, 1000, True), (800, 800, True)]
    if case == "incomplete":  # the first two, never the last: the queue expires
        return [full[0], full[1]]
    raise ValueError(case)


def cmd_frags(a):
    v6 = is_v6(a.src)
    src = ipaddress.ip_address(a.src).packed
    dst = ipaddress.ip_address(a.dst).packed
    data = payload(a.size, seed=a.ident & 0xFF)
    ulen = 8 + len(data)
    sport = 40000 + (a.ident & 0x3FF)
    if v6:
        pseudo = src + dst + struct.pack("!IxxxB", ulen, 17)
    else:
        pseudo = src + dst + struct.pack("!xBH", 17, ulen)
    udp = struct.pack("!HHHH", sport, a.port, ulen, 0) + data
    csum = inet_checksum(pseudo + udp) or 0xFFFF
    udp = udp[:6] + struct.pack("!H", csum) + udp[8:]

    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.ifname, 0))
    eth = mac(a.dst_mac) + mac(a.src_mac) + struct.pack("!H", 0x86DD if v6 else 0x0800)
    frags = fragments_of(a.case, ulen)
    for off, ln, more in frags:
        chunk = udp[off:off + ln]
        if v6:
            fh = struct.pack("!BBHI", 17, 0, off | (1 if more else 0), a.ident)
            ip = struct.pack("!IHBB", 6 << 28, len(fh) + len(chunk), 44, 64) + src + dst + fh
        else:
            flags_off = (0x2000 if more else 0) | (off >> 3)
            ip = struct.pack("!BBHHHBBH", 0x45, 0, 20 + len(chunk), a.ident & 0xFFFF, flags_off, 64, 17, 0) + src + dst
            ip = ip[:10] + struct.pack("!H", inet_checksum(ip)) + ip[12:]
        s.send(eth + ip + chunk)
        print(f"frags: {a.case} id={a.ident:#x} [{a.src}]->[{a.dst}]:{a.port} fragment offset={off} len={ln} MF={int(more)}")
        time.sleep(a.gap)
    print(f"frags: {a.case}: {len(frags)} fragments of a {ulen}-byte UDP datagram (sport {sport}) written on {a.ifname}")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("udp")
    p.add_argument("--dst", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--size", type=int, default=100)
    p.add_argument("--gap", type=float, default=0.01)
    p.set_defaults(func=cmd_udp)
    p = sub.add_parser("dns")
    p.add_argument("--server", required=True)
    p.add_argument("--port", type=int, default=53)
    p.add_argument("--name", default="host.icpb.test")
    p.add_argument("--qtype", default="A", choices=["A", "AAAA"])
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--gap", type=float, default=0.05)
    p.set_defaults(func=cmd_dns)
    p = sub.add_parser("ping")
    p.add_argument("--dst", required=True)
    p.add_argument("--count", type=int, default=3)
    p.add_argument("--size", type=int, default=56)
    p.add_argument("--gap", type=float, default=0.2)
    p.set_defaults(func=cmd_ping)
    p = sub.add_parser("frags")
    p.add_argument("--ifname", required=True)
    p.add_argument("--src-mac", required=True)
    p.add_argument("--dst-mac", required=True)
    p.add_argument("--src", required=True)
    p.add_argument("--dst", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--case", required=True, choices=["ooo", "dup", "overlap", "incomplete"])
    p.add_argument("--ident", type=lambda x: int(x, 0), required=True)
    p.add_argument("--size", type=int, default=2000, help="UDP payload bytes (at least 1600)")
    p.add_argument("--gap", type=float, default=0.05)
    p.set_defaults(func=cmd_frags)
    a = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    return a.func(a)


if __name__ == "__main__":
    sys.exit(main())
