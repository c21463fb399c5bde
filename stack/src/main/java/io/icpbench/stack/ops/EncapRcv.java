package io.icpbench.stack.ops;

import io.icpbench.dispatch.OpsStruct;

import io.icpbench.stack.SkBuff;
import io.icpbench.stack.udp.UdpSock;

/** {@code udp_sk(sk)->encap_rcv}: VXLAN, Geneve, ESP-in-UDP, WireGuard, L2TP. Call site 10. */
@OpsStruct
public interface EncapRcv {
    /**
     * Takes a UDP datagram that arrived on an encapsulation socket.
     *
     * @return &lt;= 0 if the handler took the packet (ended it, or queued it for re-entry);
     *         &gt; 0 to have it delivered to the socket as plain UDP (the kernel's convention)
     */
    int encapRcv(UdpSock sk, SkBuff skb);
}
