package io.icpbench.stack.ip;

import io.icpbench.stack.Counter;
import io.icpbench.stack.NetStack;
import io.icpbench.stack.Outcome;
import io.icpbench.stack.SkBuff;
import io.icpbench.stack.ops.PacketType;
import io.icpbench.stack.wire.EtherType;
import io.icpbench.stack.wire.InetChecksum;
import io.netty.buffer.ByteBuf;

/**
 * ip_rcv (target of call site 6): the checks of {@code ip_rcv_core}, the PRE_ROUTING hooks, the
 * route lookup and {@code dst_input} (call site 8).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |Type of Service|          Total Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |Flags|      Fragment Offset    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options (IHL > 5)                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 */
public final class IpRcv implements PacketType {
    private static final int IPOPT_END = 0, IPOPT_NOOP = 1, IPOPT_LSRR = 131, IPOPT_SSRR = 137;

    private final NetStack stack;

    public IpRcv(NetStack stack) {
        this.stack = stack;
    }

    @Override
    public int type() {
        return EtherType.ETH_P_IP;
    }

    @Override
    public int func(SkBuff skb) {
        stack.work.apply(skb);
        if (skb.pktType == SkBuff.PACKET_OTHERHOST) {
            stack.counters.finish(skb, Outcome.OTHERHOST);
            return NET_RX_DROP;
        }
        stack.counters.inc(Counter.IP_IN_RECEIVES);
        ByteBuf b = skb.buf;
        int n = skb.network;
        int len = skb.end - n;
        if (len < 20) {
            return hdrError(skb);
        }
        int vihl = b.getUnsignedByte(n);
        int ihl = (vihl & 0x0F) * 4;
        if ((vihl >>> 4) != 4 || ihl < 20 || len < ihl) {
            return hdrError(skb);
        }
        if (!InetChecksum.verifies(InetChecksum.add(b, n, ihl, 0))) {
            stack.counters.inc(Counter.IP_IN_CSUM_ERRORS);
            stack.counters.inc(Counter.IP_IN_HDR_ERRORS);
            stack.counters.finish(skb, Outcome.IP_CSUM);
            return NET_RX_DROP;
        }
        int totLen = b.getUnsignedShort(n + 2);
        if (len < totLen) {
            stack.counters.inc(Counter.IP_IN_TRUNCATED_PKTS);
            stack.counters.finish(skb, Outcome.IP_TRUNCATED);
            return NET_RX_DROP;
        }
        if (totLen < ihl) {
            return hdrError(skb);
        }
        skb.end = n + totLen;
        skb.transport = n + ihl;
        skb.l4Len = totLen - ihl;
        skb.family = 4;
        skb.fragment = b.getUnsignedShort(n + 6) & 0x3FFF;
        skb.ttl = b.getUnsignedByte(n + 8);
        skb.ipProto = b.getUnsignedByte(n + 9);
        skb.saddr = b.getInt(n + 12);
        skb.daddr = b.getInt(n + 16);
        if (ihl > 20) {
            int verdict = checkOptions(b, n + 20, ihl - 20);
            if (verdict < 0) {
                return hdrError(skb);
            }
            if (verdict > 0) {
                // ip_rcv_options: source routing is off (accept_source_route=0).
                stack.counters.finish(skb, Outcome.IP_SOURCE_ROUTE);
                return NET_RX_DROP;
            }
        }
        if (martian(skb.saddr) && !(skb.inDev.loopback && (skb.saddr >>> 24) == 127)) {
            stack.counters.finish(skb, Outcome.IP_INVALID_SOURCE);
            return NET_RX_DROP;
        }
        if (!stack.preRouting(skb)) {
            return NET_RX_DROP;
        }
        int daddr = skb.daddr;
        if ((daddr >>> 28) == 0xE) {
            // ip_route_input_mc for a joined group; for any other the lookup fails (ip_rcv_finish_core: no counter).
            if (!stack.fib.isJoined4(daddr)) {
                stack.counters.finish(skb, Outcome.MC_NOT_JOINED);
                return NET_RX_DROP;
            }
            stack.counters.inc(Counter.IP_IN_MCAST_PKTS);
        } else if (daddr == 0xFFFF_FFFF) {
            stack.counters.inc(Counter.IP_IN_BCAST_PKTS);
        }
        stack.fib.route4(skb);
        return NetStack.dstInput(skb.dst.input, skb);
    }

    private int hdrError(SkBuff skb) {
        stack.counters.inc(Counter.IP_IN_HDR_ERRORS);
        stack.counters.finish(skb, Outcome.IP_INHDR);
        return NET_RX_DROP;
    }

    /**
     * ip_options_compile, reduced to the checks that decide a packet's fate.
     *
     * @return -1 malformed, 1 source route, 0 acceptable
     */
    static int checkOptions(ByteBuf b, int off, int len) {
        int end = off + len;
        int i = off;
        while (i < end) {
            int type = b.getUnsignedByte(i);
            if (type == IPOPT_END) {
                return 0;
            }
            if (type == IPOPT_NOOP) {
                i++;
                continue;
            }
            if (i + 1 >= end) {
                return -1;
            }
            int optlen = b.getUnsignedByte(i + 1);
            if (optlen < 2 || i + optlen > end) {
                return -1;
            }
            if (type == IPOPT_LSRR || type == IPOPT_SSRR) {
                return 1;
            }
            i += optlen;
        }
        return 0;
    }

    /** Sources that never appear on the wire: 0/8, 127/8, multicast, class E and broadcast. */
    static boolean martian(int saddr) {
        int first = saddr >>> 24;
        return first == 0 || first == 127 || first >= 224;
    }
}
