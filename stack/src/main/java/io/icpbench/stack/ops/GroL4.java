package io.icpbench.stack.ops;

import io.icpbench.dispatch.OpsStruct;

import io.icpbench.stack.SkBuff;

/** {@code net_offload->callbacks.gro_receive}: UDP, TCP, GRE or ESP GRO. Call site 4. */
@OpsStruct
public interface GroL4 {
    /** Parses the transport header at {@code offset} for GRO; returns a {@link GroL3} GRO_* code. */
    int groReceive(SkBuff skb, int offset, int length);
}
