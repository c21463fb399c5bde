package io.icpbench.stack.ops;

import io.icpbench.dispatch.OpsStruct;

import io.icpbench.stack.SkBuff;

/** {@code udp_sk(sk)->gro_receive}: VXLAN, Geneve or GUE GRO on a tunnel socket. Call site 5. */
@OpsStruct
public interface UdpTunnelGro {
    /** Parses the tunnel header at {@code offset} ({@code length} bytes of UDP payload); returns a GRO_* code. */
    int groReceive(SkBuff skb, int offset, int length);
}
