package io.icpbench.stack.ops;

import io.icpbench.dispatch.OpsStruct;

import io.icpbench.stack.SkBuff;

/** {@code net_protocol->handler} (and {@code inet6_protocol->handler}): udp_rcv, tcp_v4_rcv, icmp_rcv, ... Call site 9. */
@OpsStruct
public interface NetProtocol {
    /**
     * Takes a locally delivered packet at its transport header. A transport protocol ends it and
     * returns 0. An IPv6 extension header handler (ipv6_frag_rcv) returns -1 when the packet ended
     * there, or 1 to have it resubmitted to the next header it set in {@code skb.ipProto}.
     */
    int handler(SkBuff skb);
}
