package io.icpbench.stack.wire;

/**
 * The EtherTypes the model knows, by the kernel's names ({@code include/uapi/linux/if_ether.h}),
 * as read from the two bytes after the MAC addresses (and after each 802.1Q tag), host order.
 * The one place these numbers are written: the receive path ({@code io.icpbench.stack.Eth}, the
 * packet_type handlers, GRO), {@link FrameBuilder} and the harness's capture inference use them
 * from here.
 *
 * <p>Why in {@code wire}: this package is the leaf every other package of the stack (and the
 * harness) may depend on, as {@code if_ether.h} is a uapi header, not part of a driver.
 */
public final class EtherType {
    /** Internet Protocol version 4. */
    public static final int ETH_P_IP = 0x0800;
    /** Address Resolution Protocol. */
    public static final int ETH_P_ARP = 0x0806;
    /** Transparent Ethernet Bridging: an Ethernet frame carried inside another protocol (Geneve, NVGRE). */
    public static final int ETH_P_TEB = 0x6558;
    /** 802.1Q VLAN tag (the TPID). */
    public static final int ETH_P_8021Q = 0x8100;
    /** Internet Protocol version 6. */
    public static final int ETH_P_IPV6 = 0x86DD;
    /** IEEE 802 Local Experimental EtherType 1: no host handles it. */
    public static final int ETH_P_802_EX1 = 0x88B5;
    /** Link Layer Discovery Protocol: the kernel has no packet_type handler for it. */
    public static final int ETH_P_LLDP = 0x88CC;

    private EtherType() {
    }
}
