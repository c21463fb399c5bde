package io.icpbench.stack.l2;

import io.icpbench.stack.Counter;
import io.icpbench.stack.NetStack;
import io.icpbench.stack.Outcome;
import io.icpbench.stack.SkBuff;
import io.icpbench.stack.ops.PacketType;
import io.icpbench.stack.wire.EtherType;
import io.netty.buffer.ByteBuf;

/** Link-level targets of call site 6 ({@code packet_type->func}): ARP and AF_PACKET taps. */
public final class PacketTypes {
    private PacketTypes() {
    }

    /**
     * arp_rcv. Checks the fixed part of an Ethernet/IPv4 ARP packet and consumes it (the cache and
     * replies are not modeled).
     *
     * <pre>
     * | htype=1 (16) | ptype=0x0800 (16) | hlen=6 (8) | plen=4 (8) | op (16) |
     * | sender MAC (48) | sender IP (32) | target MAC (48) | target IP (32)    |
     * </pre>
     */
    public static final class ArpRcv implements PacketType {
        private final NetStack stack;

        public ArpRcv(NetStack stack) {
            this.stack = stack;
        }

        @Override
        public int type() {
            return EtherType.ETH_P_ARP;
        }

        @Override
        public int func(SkBuff skb) {
            stack.work.apply(skb);
            if (skb.pktType == SkBuff.PACKET_OTHERHOST) {
                stack.counters.finish(skb, Outcome.OTHERHOST);
                return NET_RX_DROP;
            }
            ByteBuf b = skb.buf;
            int a = skb.network;
            if (skb.end - a < 28 || b.getUnsignedShort(a) != 1 || b.getUnsignedShort(a + 2) != EtherType.ETH_P_IP
                    || b.getUnsignedByte(a + 4) != 6 || b.getUnsignedByte(a + 5) != 4) {
                stack.counters.finish(skb, Outcome.ARP_INVALID);
                return NET_RX_DROP;
            }
            int op = b.getUnsignedShort(a + 6);
            if (op != 1 && op != 2) {
                stack.counters.finish(skb, Outcome.ARP_INVALID);
                return NET_RX_DROP;
            }
            stack.counters.inc(Counter.ARP_IN);
            stack.counters.finish(skb, Outcome.ARP_CONSUMED);
            return NET_RX_SUCCESS;
        }
    }

    /**
     * packet_rcv of an AF_PACKET socket (tcpdump): sees every packet, counts it and keeps a snap
     * of its first bytes; never ends the packet.
     */
    public static final class PacketRcv implements PacketType {
        private final NetStack stack;
        /** Packets the tap saw (tp_packets) and a checksum of what it captured. */
        public long packets;
        public long snap;

        public PacketRcv(NetStack stack) {
            this.stack = stack;
        }

        @Override
        public int type() {
            return ETH_P_ALL;
        }

        @Override
        public int func(SkBuff skb) {
            stack.work.apply(skb);
            packets++;
            stack.counters.inc(Counter.PACKET_TAP_RCVD);
            if (skb.end - skb.mac >= 8) {
                snap += skb.buf.getLong(skb.mac);
            }
            return NET_RX_SUCCESS;
        }
    }
}
