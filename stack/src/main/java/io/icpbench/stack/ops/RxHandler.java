package io.icpbench.stack.ops;

import io.icpbench.dispatch.OpsStruct;

import io.icpbench.stack.SkBuff;

/** {@code dev->rx_handler}: the bridge, bond or macvlan hook on a lower device. Call site 2. */
@OpsStruct
public interface RxHandler {
    /** The packet was consumed by the handler (it ended it). */
    int RX_HANDLER_CONSUMED = 0;
    /** {@code skb.dev} changed: run the receive loop again on the new device. */
    int RX_HANDLER_ANOTHER = 1;
    /** Deliver only to handlers bound to this exact device. */
    int RX_HANDLER_EXACT = 2;
    /** Go on as if there were no rx_handler. */
    int RX_HANDLER_PASS = 3;

    /** Handles a packet on the device this handler is registered on; returns an RX_HANDLER_* code. */
    int handleFrame(SkBuff skb);
}
