package io.icpbench.stack.ops;

import io.icpbench.dispatch.OpsStruct;

import io.icpbench.stack.SkBuff;

/** {@code net_protocol->handler} (and {@code inet6_protocol->handler}): udp_rcv, tcp_v4_rcv, icmp_rcv, ... Call site 9. */
@OpsStruct
public interface NetProtocol {
    /** Takes a locally delivered packet at its transport header; ends it. Returns 0. */
    int handler(SkBuff skb);
}
