package io.icpbench.stack.ops;

import io.icpbench.dispatch.OpsStruct;

import io.icpbench.stack.SkBuff;

/** {@code dst->input}: ip_local_deliver, ip_forward, ip6_input, ip6_forward or dst_discard. Call site 8. */
@OpsStruct
public interface DstInput {
    /** Takes a routed packet; ends it or passes it on. Returns NET_RX_*. */
    int input(SkBuff skb);
}
