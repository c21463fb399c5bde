package io.icpbench.stack.ops;

import io.icpbench.dispatch.OpsStruct;

import io.icpbench.stack.Napi;

/** {@code napi->poll}: a driver's (or the backlog's, or a GRO cell's) receive poll. Call site 1. */
@OpsStruct
public interface NapiPoll {
    /**
     * Receives up to {@code budget} packets from the NAPI context's queue.
     *
     * @return packets processed, 0..budget; budget means there may be more
     */
    int poll(Napi napi, int budget);
}
