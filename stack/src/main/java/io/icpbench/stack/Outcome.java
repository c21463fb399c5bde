package io.icpbench.stack;

/**
 * How one received packet ended: delivered to a consumer, or dropped for one reason.
 *
 * <p>Every packet that enters the stack ends under exactly one outcome, so
 * received = delivered + dropped always holds. Drop reasons use the kernel's
 * {@code enum skb_drop_reason} names where one exists.
 */
public enum Outcome {
    /** Queued on a UDP (or UDP-Lite) socket's receive queue. */
    UDP_QUEUED(true),
    /** Consumed by the TCP handler (no listener here: counted, a RST would be sent). */
    TCP_CONSUMED(true),
    /** Consumed by the ICMP or ICMPv6 handler. */
    ICMP_CONSUMED(true),
    /** Consumed by the ARP handler. */
    ARP_CONSUMED(true),
    /** Consumed by the GRE handler. */
    GRE_CONSUMED(true),
    /** Consumed by a UDP encapsulation handler that terminates the tunnel (WireGuard, L2TP). */
    ENCAP_CONSUMED(true),
    /** Forwarded by IP (v4 or v6) to another host. */
    IP_FORWARDED(true),
    /** Forwarded by a bridge out of another port. */
    BRIDGE_FORWARDED(true),
    /**
     * An IPv4 or IPv6 fragment taken by a reassembly queue ({@code ip_defrag}, {@code ipv6_frag_rcv}):
     * the stack consumed it, so it counts as delivered. What became of its datagram is told by the
     * kernel's counters (IpReasmOKs, IpReasmFails, IpReasmTimeout and the Ip6 twins) and by the
     * outcome of the fragment that completes it, which carries the whole datagram on and ends where
     * the datagram ends (UDP_QUEUED, NO_SOCKET, ...). A queue that times out has no packet left to
     * end: its fragments ended here, and only the counters tell the timeout.
     */
    IP_FRAG_QUEUED(true),

    /** Frame shorter than its headers (Ethernet, or a driver length check). */
    PKT_TOO_SMALL(false),
    /** Not addressed to this host (MAC, or a VLAN with no VLAN device). */
    OTHERHOST(false),
    /** No packet_type handler for the EtherType. */
    UNHANDLED_PROTO(false),
    /** A receive queue was full: a NIC ring, the backlog or a GRO cell. */
    RX_QUEUE_FULL(false),
    /** Bad IPv4 header: version, IHL, lengths, options. */
    IP_INHDR(false),
    /** Bad IPv4 header checksum. */
    IP_CSUM(false),
    /** IPv4 total length beyond the frame. */
    IP_TRUNCATED(false),
    /** IPv4 destination neither local nor routable (or a martian source). */
    IP_INADDRERRORS(false),
    /** No protocol handler for the IPv4 protocol number. */
    IP_NOPROTO(false),
    /** IPv4 source route option while accept_source_route is off. */
    IP_SOURCE_ROUTE(false),
    /** IPv4 martian source address (0/8, 127/8, multicast, class E). */
    IP_INVALID_SOURCE(false),
    /**
     * Multicast to a group the host has not joined: IPv4's input route lookup fails, IPv6's
     * {@code ip6_mc_input} frees it; neither counts a drop.
     */
    MC_NOT_JOINED(false),
    /** TTL would expire on forwarding. */
    IP_TTL_EXPIRED(false),
    /** Bad IPv6 header or extension header. */
    IP6_INHDR(false),
    /** IPv6 payload length beyond the frame. */
    IP6_TRUNCATED(false),
    /** IPv6 destination neither local nor routable. */
    IP6_NOROUTE(false),
    /** No protocol handler for the IPv6 next header. */
    IP6_NOPROTO(false),
    /**
     * Fragment (IPv4 or IPv6) that duplicates data its queue holds (the kernel's IPFRAG_DUP,
     * SKB_DROP_REASON_DUP_FRAG): dropped, the queue lives on.
     */
    IP_FRAG_DUP(false),
    /** Fragment that overlaps data its queue holds (RFC 5722): dropped with its whole queue. */
    IP_FRAG_OVERLAP(false),
    /**
     * Fragment that contradicts its queue or carries no data (an end before or past the known
     * end, a second different last fragment, zero length), or that completes a datagram whose
     * fragments mix ECN-capable and not-ECT codepoints (RFC 3168 5.3): dropped with its queue.
     */
    IP_FRAG_INVALID(false),
    /**
     * The datagram would be longer than 65,535 bytes: the IPv4 fragment that completes it (the
     * queue is dropped), or an IPv6 fragment whose end passes 65,535 (a parameter problem).
     */
    IP_FRAG_TOO_BIG(false),
    /** No reassembly queue: fragment memory above ipfrag_high_thresh (inet_frag_find returns NULL). */
    IP_FRAG_NOMEM(false),
    /**
     * A limit of the model, not of the kernel: every reassembly queue in use, a queue's run list
     * full, or an IPv6 unfragmentable part too long to keep (counted as FragQueueFull,
     * FragTooMany, FragHdrTooLong).
     */
    IP_FRAG_MODEL_LIMIT(false),
    /** A netfilter hook returned NF_DROP. */
    NETFILTER_DROP(false),
    /** UDP header or length invalid. */
    UDP_INHDR(false),
    /** UDP checksum wrong, or zero on IPv6. */
    UDP_CSUM(false),
    /** No UDP socket for the destination. */
    NO_SOCKET(false),
    /** The socket's receive queue was full. */
    SOCKET_RCVBUFF(false),
    /** ICMP message too short. */
    ICMP_INHDR(false),
    /** ICMP checksum wrong. */
    ICMP_CSUM(false),
    /** TCP header invalid. */
    TCP_INHDR(false),
    /** TCP checksum wrong. */
    TCP_CSUM(false),
    /** ARP packet malformed or not for us. */
    ARP_INVALID(false),
    /** GRE header invalid or no tunnel. */
    GRE_INVALID(false),
    /** VXLAN or Geneve header invalid. */
    VXLAN_INVALID_HDR(false),
    /** No VXLAN or Geneve device for the VNI. */
    VXLAN_VNI_NOT_FOUND(false),
    /** Encapsulations nested deeper than the limit. */
    ENCAP_TOO_DEEP(false),
    /** ESP in UDP with no security association. */
    XFRM_NOSTATES(false),
    /** WireGuard or L2TP message invalid. */
    TUNNEL_INVALID(false);

    private final boolean delivered;

    Outcome(boolean delivered) {
        this.delivered = delivered;
    }

    /** Whether this outcome counts as delivered (a consumer took the packet). */
    public boolean delivered() {
        return delivered;
    }
}
