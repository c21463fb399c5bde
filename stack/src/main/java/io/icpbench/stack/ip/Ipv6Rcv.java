package io.icpbench.stack.ip;

import io.icpbench.stack.Counter;
import io.icpbench.stack.NetStack;
import io.icpbench.stack.Outcome;
import io.icpbench.stack.SkBuff;
import io.icpbench.stack.ops.PacketType;
import io.icpbench.stack.wire.EtherType;
import io.netty.buffer.ByteBuf;

/**
 * ipv6_rcv (target of call site 6): header checks, extension header walk, PRE_ROUTING, route
 * lookup and {@code dst_input} (call site 8).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version| Traffic Class |           Flow Label                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Payload Length        |  Next Header  |   Hop Limit   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Source Address (128 bits)                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               Destination Address (128 bits)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * Extension headers: | Next Header | Hdr Ext Len (8-octet units, excluding the first) | ...
 * </pre>
 *
 * <p>Extension headers walked here: hop-by-hop (0, first only), routing (43, segments left 0) and
 * destination options (60). Options in hop-by-hop and destination options headers are parsed as
 * TLVs; an unknown option whose action bits say "discard" drops the packet, as
 * {@code ip6_tlvopt_unknown} does. The walk stops at a fragment header (44) as at an upper-layer
 * header: it becomes the packet's protocol ({@code skb.ipProto = 44}, {@code skb.transport} at
 * the fragment header), and {@code ip6_input} delivers it to its handler {@code ipv6_frag_rcv}
 * ({@link Ipv6FragRcv}) through call site 9, as the kernel does; the headers after it are walked
 * when the datagram is complete.
 */
public final class Ipv6Rcv implements PacketType {
    static final int NEXTHDR_HOP = 0, NEXTHDR_ROUTING = 43, NEXTHDR_FRAGMENT = 44, NEXTHDR_DEST = 60;
    /** Extension headers walked before giving up (the kernel bounds this too). */
    static final int MAX_EXT_HEADERS = 8;

    private final NetStack stack;

    public Ipv6Rcv(NetStack stack) {
        this.stack = stack;
    }

    @Override
    public int type() {
        return EtherType.ETH_P_IPV6;
    }

    @Override
    public int func(SkBuff skb) {
        stack.work.apply(skb);
        if (skb.pktType == SkBuff.PACKET_OTHERHOST) {
            stack.counters.finish(skb, Outcome.OTHERHOST);
            return NET_RX_DROP;
        }
        stack.counters.inc(Counter.IP6_IN_RECEIVES);
        ByteBuf b = skb.buf;
        int n = skb.network;
        int len = skb.end - n;
        if (len < 40 || (b.getUnsignedByte(n) >>> 4) != 6) {
            return hdrError(skb);
        }
        int payloadLen = b.getUnsignedShort(n + 4);
        int nh = b.getUnsignedByte(n + 6);
        if (payloadLen + 40 > len) {
            stack.counters.inc(Counter.IP6_IN_TRUNCATED_PKTS);
            stack.counters.finish(skb, Outcome.IP6_TRUNCATED);
            return NET_RX_DROP;
        }
        if (payloadLen == 0 && nh == NEXTHDR_HOP) {
            // A jumbogram: not supported.
            return hdrError(skb);
        }
        skb.end = n + 40 + payloadLen;
        skb.family = 6;
        skb.ttl = b.getUnsignedByte(n + 7);
        skb.saddrHi = b.getLong(n + 8);
        skb.saddrLo = b.getLong(n + 16);
        skb.daddrHi = b.getLong(n + 24);
        skb.daddrLo = b.getLong(n + 32);
        if ((skb.saddrHi >>> 56) == 0xFF) {
            // RFC 4291 2.7: a multicast address is never a source.
            return hdrError(skb);
        }
        int end = skb.end;
        long walked = walkExtensionHeaders(b, nh, n + 40, end, 0);
        if (walked < 0) {
            return hdrError(skb);
        }
        nh = (int) (walked >>> 32);
        int off = (int) walked;
        if (nh == NEXTHDR_FRAGMENT) {
            // ipv6_frag_rcv, the handler of next header 44, takes it from here (call site 9).
            skb.fragment = 1;
        }
        skb.ipProto = nh;
        skb.transport = off;
        skb.l4Len = end - off;
        if (!stack.preRouting(skb)) {
            return NET_RX_DROP;
        }
        stack.fib.route6(skb);
        return NetStack.dstInput(skb.dst.input, skb);
    }

    /**
     * Walks the extension headers from next header {@code nh} at absolute index {@code off}: hop-by-hop
     * (0, only as the first header: {@code count} is how many came before), routing (43, segments
     * left 0) and destination options (60), at most {@link #MAX_EXT_HEADERS} in all. Stops at the
     * first other header: the upper layer, or a fragment header (44), whose handler
     * ({@link Ipv6FragRcv}) the kernel reaches through {@code ip6_protocol_deliver_rcu}.
     *
     * @return {@code (next header << 32) | its absolute index}, or -1 if a header is malformed
     */
    static long walkExtensionHeaders(ByteBuf b, int nh, int off, int end, int count) {
        for (; ; count++) {
            if (nh != NEXTHDR_HOP && nh != NEXTHDR_ROUTING && nh != NEXTHDR_DEST) {
                return ((long) nh << 32) | off;
            }
            if ((nh == NEXTHDR_HOP && count > 0) || count == MAX_EXT_HEADERS || end - off < 8) {
                return -1;
            }
            int hdrLen = (b.getUnsignedByte(off + 1) + 1) * 8;
            if (end - off < hdrLen) {
                return -1;
            }
            if (nh == NEXTHDR_ROUTING) {
                int rtype = b.getUnsignedByte(off + 2);
                int segmentsLeft = b.getUnsignedByte(off + 3);
                if (rtype == 0 || segmentsLeft != 0) {
                    return -1;
                }
            } else if (!tlvOptionsOk(b, off + 2, off + hdrLen)) {
                return -1;
            }
            nh = b.getUnsignedByte(off);
            off += hdrLen;
        }
    }

    private int hdrError(SkBuff skb) {
        stack.counters.inc(Counter.IP6_IN_HDR_ERRORS);
        stack.counters.finish(skb, Outcome.IP6_INHDR);
        return NET_RX_DROP;
    }

    /** ip6_parse_tlv: Pad1, PadN and unknown options; false if one must be discarded or overruns. */
    static boolean tlvOptionsOk(ByteBuf b, int off, int end) {
        int i = off;
        while (i < end) {
            int type = b.getUnsignedByte(i);
            if (type == 0) {
                i++;
                continue;
            }
            if (i + 1 >= end) {
                return false;
            }
            int optLen = b.getUnsignedByte(i + 1) + 2;
            if (i + optLen > end) {
                return false;
            }
            if (type != 1 && (type >>> 6) != 0) {
                // Unknown option with action 01, 10 or 11: discard.
                return false;
            }
            i += optLen;
        }
        return true;
    }
}
