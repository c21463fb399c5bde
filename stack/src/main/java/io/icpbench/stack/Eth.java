package io.icpbench.stack;

import static io.icpbench.stack.wire.EtherType.ETH_P_8021Q;

import io.netty.buffer.ByteBuf;

/**
 * Ethernet receive processing: the kernel's {@code eth_type_trans} plus 802.1Q tag removal.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   destination MAC (48 bits)                   |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                     source MAC (48 bits)                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   TPID 0x8100 (optional)      | PCP |D|    VLAN id (12 bits)  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         EtherType             |   payload ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>The EtherTypes are in {@link io.icpbench.stack.wire.EtherType}.
 */
public final class Eth {
    public static final int ETH_HLEN = 14;
    public static final int VLAN_HLEN = 4;
    public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;

    private Eth() {
    }

    /**
     * Parses the Ethernet header at {@code skb.mac} as seen by {@code dev}: sets the packet type,
     * removes one 802.1Q tag into {@code vlanTci}, sets {@code protocol} and {@code network}.
     *
     * @return false if the frame is shorter than its Ethernet (and VLAN) header
     */
    public static boolean typeTrans(SkBuff skb, NetDevice dev) {
        ByteBuf b = skb.buf;
        int m = skb.mac;
        int len = skb.end - m;
        if (len < ETH_HLEN) {
            return false;
        }
        long dst = readMac(b, m);
        if ((dst & 0x0100_0000_0000L) != 0) {
            skb.pktType = dst == BROADCAST ? SkBuff.PACKET_BROADCAST : SkBuff.PACKET_MULTICAST;
        } else {
            skb.pktType = dst == dev.mac ? SkBuff.PACKET_HOST : SkBuff.PACKET_OTHERHOST;
        }
        int type = b.getUnsignedShort(m + 12);
        int net = m + ETH_HLEN;
        if (type == ETH_P_8021Q) {
            if (len < ETH_HLEN + VLAN_HLEN) {
                return false;
            }
            skb.vlanPresent = true;
            skb.vlanTci = b.getUnsignedShort(m + 14);
            type = b.getUnsignedShort(m + 16);
            net += VLAN_HLEN;
        }
        skb.protocol = type;
        skb.network = net;
        skb.transport = net;
        return true;
    }

    /** The 48-bit MAC at absolute index {@code at}. */
    public static long readMac(ByteBuf b, int at) {
        return ((long) b.getUnsignedShort(at) << 32) | b.getUnsignedInt(at + 2);
    }

    /** The destination MAC of the frame. */
    public static long destination(SkBuff skb) {
        return readMac(skb.buf, skb.mac);
    }
}
