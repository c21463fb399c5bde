package io.icpbench.stack.udp;

import io.icpbench.stack.Counter;

/** The counters one flavour of UDP bumps: UDP over IPv4, over IPv6, or UDP-Lite. */
public final class UdpMib {
    public static final UdpMib UDP = new UdpMib(Counter.UDP_IN_DATAGRAMS, Counter.UDP_NO_PORTS,
            Counter.UDP_IN_ERRORS, Counter.UDP_RCVBUF_ERRORS, Counter.UDP_IN_CSUM_ERRORS, Counter.UDP_IGNORED_MULTI);
    public static final UdpMib UDP6 = new UdpMib(Counter.UDP6_IN_DATAGRAMS, Counter.UDP6_NO_PORTS,
            Counter.UDP6_IN_ERRORS, Counter.UDP6_RCVBUF_ERRORS, Counter.UDP6_IN_CSUM_ERRORS, Counter.UDP6_IGNORED_MULTI);
    /** UDP-Lite keeps no RcvbufErrors of its own here; overflow is counted as InErrors. */
    public static final UdpMib UDPLITE = new UdpMib(Counter.UDPLITE_IN_DATAGRAMS, Counter.UDPLITE_NO_PORTS,
            Counter.UDPLITE_IN_ERRORS, Counter.UDPLITE_IN_ERRORS, Counter.UDPLITE_IN_CSUM_ERRORS, Counter.UDPLITE_IGNORED_MULTI);

    public final Counter inDatagrams;
    public final Counter noPorts;
    public final Counter inErrors;
    public final Counter rcvbufErrors;
    public final Counter csumErrors;
    /** A multicast or broadcast datagram no socket took (the kernel's UDP_MIB_IGNOREDMULTI, instead of NoPorts). */
    public final Counter ignoredMulti;

    private UdpMib(Counter inDatagrams, Counter noPorts, Counter inErrors, Counter rcvbufErrors, Counter csumErrors, Counter ignoredMulti) {
        this.inDatagrams = inDatagrams;
        this.noPorts = noPorts;
        this.inErrors = inErrors;
        this.rcvbufErrors = rcvbufErrors;
        this.csumErrors = csumErrors;
        this.ignoredMulti = ignoredMulti;
    }
}
