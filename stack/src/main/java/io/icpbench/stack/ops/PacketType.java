package io.icpbench.stack.ops;

import io.icpbench.dispatch.OpsStruct;

import io.icpbench.stack.SkBuff;

/** {@code packet_type->func}: ip_rcv, ipv6_rcv, arp_rcv, or a tap's packet_rcv. Call site 6. */
@OpsStruct
public interface PacketType {
    /** NET_RX_SUCCESS or NET_RX_DROP, as the kernel returns them. */
    int NET_RX_SUCCESS = 0, NET_RX_DROP = 1;

    /** The EtherType this handler takes (host order), or {@link #ETH_P_ALL} for taps. */
    int ETH_P_ALL = 0x0003;

    int type();

    /** Receives a packet; ends it (delivered or dropped) unless it is a tap, which only looks. */
    int func(SkBuff skb);
}
