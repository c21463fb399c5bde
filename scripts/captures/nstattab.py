#!/usr/bin/env python3
"""nstat files of make-captures.sh, side by side (stdlib only).

    nstattab.py table CAPTURE.nstat...       markdown table: the counters the model is compared
                                             with, then (marked *) every other counter that is
                                             non-zero somewhere and names an In, Reasm, error,
                                             drop or rate-limit count
    nstattab.py sender RECV.nstat SEND.nstat what the sender's counters show that the receiver's
                                             do not (ICMP errors that arrived, rate limiting,
                                             retransmissions, the sender's own fragmentation)
"""
import os
import re
import sys

KEY = ("IpInReceives IpInDelivers IpInAddrErrors IpReasmReqds IpReasmOKs IpReasmFails IpReasmTimeout "
       "UdpInDatagrams UdpNoPorts UdpInErrors IcmpInMsgs IcmpInEchos Ip6InReceives Ip6InDelivers "
       "Ip6ReasmReqds Ip6ReasmOKs Ip6ReasmFails Udp6InDatagrams Udp6NoPorts Icmp6InMsgs TcpInSegs").split()
OTHER = re.compile(r"(In|Reasm|Err|NoPorts|Drop|RateLimit|Overlap)")


def read(path):
    vals = {}
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            name, value = line.split()[:2]
            vals[name] = int(value)
    return vals


def table(paths):
    names = [os.path.basename(p).rsplit(".", 1)[0] for p in paths]
    data = [read(p) for p in paths]
    others = sorted({k for d in data for k in d if k not in KEY and OTHER.search(k)
                     and not k.endswith("Octets") and not k.startswith(("IcmpMsg", "Icmp6InType"))})
    print("| counter | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for k in KEY + others:
        cells = [str(d.get(k, 0)) for d in data]
        if k in KEY or any(d.get(k, 0) for d in data):
            print(f"| {k}{'' if k in KEY else ' *'} | " + " | ".join(cells) + " |")


def sender(recv_path, send_path):
    r, s = read(recv_path), read(send_path)
    out = []
    for fam, pre, kinds in (("ICMP", "Icmp", ("DestUnreachs", "TimeExcds")),
                            ("ICMPv6", "Icmp6", ("DestUnreachs", "TimeExcds"))):
        for kind in kinds:
            sent, got = r.get(f"{pre}Out{kind}", 0), s.get(f"{pre}In{kind}", 0)
            if sent or got:
                out.append(f"{fam} {kind}: the receiver sent {sent}, the sender received {got}.")
        limited = [(k, v) for k, v in r.items() if k.startswith(pre + "OutRateLimit")]
        for k, v in limited:
            out.append(f"{fam} rate limiting on the receiver: {k} {v} (errors it did not send).")
        if s.get(f"{pre}InErrors"):
            out.append(f"The sender counted {pre}InErrors {s[f'{pre}InErrors']}: ICMP errors it received but"
                       " could not match to a socket or parse.")
    for k in ("TcpRetransSegs", "TcpExtTCPLostRetransmit", "TcpExtTCPTimeouts", "UdpSndbufErrors", "Udp6SndbufErrors",
              "IpOutDiscards", "Ip6OutDiscards", "IpFragFails", "Ip6FragFails"):
        if s.get(k):
            out.append(f"The sender counted {k} {s[k]}.")
    for fam, pre in (("IPv4", "Ip"), ("IPv6", "Ip6")):
        if s.get(f"{pre}FragCreates"):
            out.append(f"The sender's kernel fragmented {s.get(pre + 'FragOKs', 0)} {fam} datagrams into "
                       f"{s[pre + 'FragCreates']} fragments ({pre}FragOKs, {pre}FragCreates).")
    if not out:
        out.append("Nothing beyond the receiver's counters.")
    print("\n".join(out))


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "table":
        table(sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] == "sender":
        sender(sys.argv[2], sys.argv[3])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
