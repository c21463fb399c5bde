#!/usr/bin/env python3
"""Receiving-side servers for make-captures.sh (stdlib only).

Runs in the receiving namespace: UDP sinks (dual-stack sockets on [::] that read every datagram
they get, so the kernel never counts a UdpRcvbufErrors) and a tiny DNS responder (answers A
queries with 192.0.2.53, AAAA queries with 2001:db8::53, anything else with NOTIMP).

    rx.py --udp 5555 --dns 53 --ready FILE --stats FILE

Writes FILE given by --ready once every socket is bound; on SIGTERM or SIGINT it writes the
per-socket counts (datagrams, bytes, by family) as JSON to --stats and exits.
"""
import argparse
import json
import selectors
import signal
import socket
import struct
import sys


def dual_stack_udp(port):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", port))
    s.setblocking(False)
    return s


def family_of(addr):
    return "ipv4" if addr[0].startswith("::ffff:") else "ipv6"


def parse_qname(msg, off):
    labels = []
    while True:
        n = msg[off]
        off += 1
        if n == 0:
            return ".".join(labels), off
        if n & 0xC0:
            raise ValueError("compressed name in a query")
        labels.append(msg[off:off + n].decode("ascii", "replace"))
        off += n


def dns_answer(query):
    """The response to one DNS query (bytes), or None when it is not a query we can parse."""
    if len(query) < 12:
        return None
    qid, flags, qd, _an, _ns, _ar = struct.unpack("!HHHHHH", query[:12])
    if flags & 0x8000 or qd != 1:
        return None
    _name, off = parse_qname(query, 12)
    qtype, qclass = struct.unpack("!HH", query[off:off + 4])
    question = query[12:off + 4]
    rd = flags & 0x0100
    if qtype == 1 and qclass == 1:
        rr = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + socket.inet_pton(socket.AF_INET, "192.0.2.53")
        return struct.pack("!HHHHHH", qid, 0x8400 | rd, 1, 1, 0, 0) + question + rr
    if qtype == 28 and qclass == 1:
        rr = b"\xc0\x0c" + struct.pack("!HHIH", 28, 1, 60, 16) + socket.inet_pton(socket.AF_INET6, "2001:db8::53")
        return struct.pack("!HHHHHH", qid, 0x8400 | rd, 1, 1, 0, 0) + question + rr
    return struct.pack("!HHHHHH", qid, 0x8404 | rd, 1, 0, 0, 0) + question  # NOTIMP


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--udp", type=int, action="append", default=[], help="UDP sink port (repeatable)")
    ap.add_argument("--dns", type=int, action="append", default=[], help="DNS responder port (repeatable)")
    ap.add_argument("--ready", required=True)
    ap.add_argument("--stats", required=True)
    args = ap.parse_args()

    sel = selectors.DefaultSelector()
    stats = {}
    for port in args.udp:
        sel.register(dual_stack_udp(port), selectors.EVENT_READ, ("sink", port))
        stats[f"sink:{port}"] = {"ipv4": [0, 0], "ipv6": [0, 0]}
    for port in args.dns:
        sel.register(dual_stack_udp(port), selectors.EVENT_READ, ("dns", port))
        stats[f"dns:{port}"] = {"ipv4": [0, 0], "ipv6": [0, 0], "answered": 0}

    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(1))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(1))
    with open(args.ready, "w") as f:
        f.write("ready\n")

    while not stopping:
        for key, _ in sel.select(timeout=0.2):
            kind, port = key.data
            s = key.fileobj
            while True:  # drain the socket: every datagram is read
                try:
                    data, addr = s.recvfrom(65535)
                except BlockingIOError:
                    break
                st = stats[f"{kind}:{port}"]
                fam = family_of(addr)
                st[fam][0] += 1
                st[fam][1] += len(data)
                if kind == "dns":
                    try:
                        resp = dns_answer(data)
                    except (ValueError, IndexError, struct.error):
                        resp = None
                    if resp is not None:
                        s.sendto(resp, addr)
                        st["answered"] += 1
    with open(args.stats, "w") as f:
        json.dump(stats, f, indent=1, sort_keys=True)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
