package io.icpbench.stack;

/**
 * Protocol counters, named as in {@code /proc/net/snmp} and {@code /proc/net/snmp6}.
 *
 * <p>They count what the kernel's MIB counters count; they do not add up to the packets received
 * (one packet may bump several, e.g. a bad UDP checksum bumps {@code UdpInCsumErrors} and
 * {@code UdpInErrors}). The conservation law is kept by {@link Outcome}.
 */
public enum Counter {
    IP_IN_RECEIVES("Ip", "InReceives"),
    IP_IN_HDR_ERRORS("Ip", "InHdrErrors"),
    IP_IN_ADDR_ERRORS("Ip", "InAddrErrors"),
    IP_FORW_DATAGRAMS("Ip", "ForwDatagrams"),
    IP_IN_UNKNOWN_PROTOS("Ip", "InUnknownProtos"),
    IP_IN_DISCARDS("Ip", "InDiscards"),
    IP_IN_DELIVERS("Ip", "InDelivers"),
    IP_REASM_TIMEOUT("Ip", "ReasmTimeout"),
    IP_REASM_REQDS("Ip", "ReasmReqds"),
    IP_REASM_OKS("Ip", "ReasmOKs"),
    IP_REASM_FAILS("Ip", "ReasmFails"),
    IP_IN_TRUNCATED_PKTS("IpExt", "InTruncatedPkts"),
    IP_IN_CSUM_ERRORS("IpExt", "InCsumErrors"),
    /** IPSTATS_MIB_REASM_OVERLAPS: printed in /proc/net/netstat (IpExt), not in /proc/net/snmp; IPv6 counts it too but snmp6 never prints it. */
    IP_EXT_REASM_OVERLAPS("IpExt", "ReasmOverlaps"),
    IP_OUT_NO_ROUTES("Ip", "OutNoRoutes"),
    IP_IN_MCAST_PKTS("IpExt", "InMcastPkts"),
    IP_IN_BCAST_PKTS("IpExt", "InBcastPkts"),

    IP6_IN_RECEIVES("Ip6", "InReceives"),
    IP6_IN_HDR_ERRORS("Ip6", "InHdrErrors"),
    IP6_IN_ADDR_ERRORS("Ip6", "InAddrErrors"),
    IP6_IN_NO_ROUTES("Ip6", "InNoRoutes"),
    IP6_IN_TRUNCATED_PKTS("Ip6", "InTruncatedPkts"),
    IP6_IN_UNKNOWN_PROTOS("Ip6", "InUnknownProtos"),
    IP6_IN_DELIVERS("Ip6", "InDelivers"),
    IP6_OUT_FORW_DATAGRAMS("Ip6", "OutForwDatagrams"),
    IP6_REASM_TIMEOUT("Ip6", "ReasmTimeout"),
    IP6_IN_MCAST_PKTS("Ip6", "InMcastPkts"),
    IP6_REASM_REQDS("Ip6", "ReasmReqds"),
    IP6_REASM_OKS("Ip6", "ReasmOKs"),
    IP6_REASM_FAILS("Ip6", "ReasmFails"),

    ICMP_IN_MSGS("Icmp", "InMsgs"),
    ICMP_IN_ERRORS("Icmp", "InErrors"),
    ICMP_IN_CSUM_ERRORS("Icmp", "InCsumErrors"),
    ICMP_IN_ECHOS("Icmp", "InEchos"),
    ICMP6_IN_MSGS("Icmp6", "InMsgs"),
    ICMP6_IN_ERRORS("Icmp6", "InErrors"),
    ICMP6_IN_CSUM_ERRORS("Icmp6", "InCsumErrors"),
    ICMP6_IN_ECHOS("Icmp6", "InEchos"),

    TCP_IN_SEGS("Tcp", "InSegs"),
    TCP_IN_ERRS("Tcp", "InErrs"),
    TCP_IN_CSUM_ERRORS("Tcp", "InCsumErrors"),
    TCP_OUT_RSTS("Tcp", "OutRsts"),

    UDP_IN_DATAGRAMS("Udp", "InDatagrams"),
    UDP_NO_PORTS("Udp", "NoPorts"),
    UDP_IN_ERRORS("Udp", "InErrors"),
    UDP_RCVBUF_ERRORS("Udp", "RcvbufErrors"),
    UDP_IN_CSUM_ERRORS("Udp", "InCsumErrors"),
    UDP_IGNORED_MULTI("Udp", "IgnoredMulti"),
    UDP6_IN_DATAGRAMS("Udp6", "InDatagrams"),
    UDP6_NO_PORTS("Udp6", "NoPorts"),
    UDP6_IN_ERRORS("Udp6", "InErrors"),
    UDP6_RCVBUF_ERRORS("Udp6", "RcvbufErrors"),
    UDP6_IN_CSUM_ERRORS("Udp6", "InCsumErrors"),
    UDP6_IGNORED_MULTI("Udp6", "IgnoredMulti"),
    UDPLITE_IN_DATAGRAMS("UdpLite", "InDatagrams"),
    UDPLITE_NO_PORTS("UdpLite", "NoPorts"),
    UDPLITE_IN_ERRORS("UdpLite", "InErrors"),
    UDPLITE_IN_CSUM_ERRORS("UdpLite", "InCsumErrors"),
    UDPLITE_IGNORED_MULTI("UdpLite", "IgnoredMulti"),

    /** Not in /proc/net/snmp: per-device and per-module counters the kernel keeps elsewhere. */
    ARP_IN("Arp", "In"),
    GRE_IN("Gre", "In"),
    PACKET_TAP_RCVD("Packet", "TapRcvd"),
    NF_CT_NEW("Nf", "ConntrackNew"),
    NF_CT_FOUND("Nf", "ConntrackFound"),
    NF_CT_EVICTED("Nf", "ConntrackEarlyDrop"),
    NF_CT_CONFIRMED("Nf", "ConntrackConfirmed"),
    NF_MANGLE_MARKED("Nf", "MangleMarked"),
    GRO_RECEIVED("Gro", "Received"),
    GRO_FLUSH("Gro", "Flush"),
    GRO_TUNNEL("Gro", "Tunnel"),
    SK_WAKEUPS("Sock", "Wakeups"),
    VXLAN_DECAPS("Vxlan", "Decaps"),
    GENEVE_DECAPS("Geneve", "Decaps"),
    WG_RX("WireGuard", "Rx"),
    L2TP_RX("L2tp", "Rx"),
    XFRM_IN_NO_STATES("Xfrm", "InNoStates"),
    /**
     * The model's own reassembly limits, which the kernel does not have (its only bound is
     * ipfrag_high_thresh): a fragment that found every queue in use ({@code io.icpbench.stack.ip.Reassembly}
     * holds a fixed number), one that would have opened a run past a queue's run list, and a first
     * IPv6 fragment whose unfragmentable part is longer than a queue keeps.
     */
    FRAG_QUEUE_FULL("Frag", "QueueFull"),
    FRAG_TOO_MANY("Frag", "TooMany"),
    FRAG_HDR_TOO_LONG("Frag", "HdrTooLong");

    private final String group;
    private final String field;

    Counter(String group, String field) {
        this.group = group;
        this.field = field;
    }

    /** The group, as the first column of {@code /proc/net/snmp} ("Udp"). */
    public String group() {
        return group;
    }

    /**
     * Whether the kernel keeps this counter in {@code /proc/net/snmp}, {@code snmp6} or
     * {@code netstat} (so nstat prints it); the others are the model's own.
     */
    public boolean kernel() {
        return switch (group) {
            case "Ip", "IpExt", "Ip6", "Icmp", "Icmp6", "Tcp", "Udp", "Udp6", "UdpLite" -> true;
            default -> false;
        };
    }

    /** The kernel's name, group and field joined ("UdpInDatagrams"), as {@code nstat} prints it. */
    public String snmpName() {
        return group + field;
    }
}
