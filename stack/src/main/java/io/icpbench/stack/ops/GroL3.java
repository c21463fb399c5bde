package io.icpbench.stack.ops;

import io.icpbench.dispatch.OpsStruct;

import io.icpbench.stack.SkBuff;

/** {@code packet_offload->callbacks.gro_receive}: inet or IPv6 GRO. Call site 3. */
@OpsStruct
public interface GroL3 {
    /** GRO result: the packet goes up the stack unmerged. */
    int GRO_NORMAL = 0;
    /** GRO result: the packet matched a flow held for merging (counted, then still goes up: merging is not modeled). */
    int GRO_SAME_FLOW = 1;

    /** Parses the network header for GRO; returns GRO_NORMAL or GRO_SAME_FLOW. Never ends the packet. */
    int groReceive(SkBuff skb, int offset);
}
