package io.icpbench.stack.proto;

import io.icpbench.stack.NetStack;
import io.icpbench.stack.Outcome;
import io.icpbench.stack.SkBuff;
import io.icpbench.stack.encap.EncapHandlers.VxlanRcv;
import io.icpbench.stack.ops.NetProtocol;
import io.icpbench.stack.udp.UdpMib;
import io.icpbench.stack.udp.UdpSock;
import io.icpbench.stack.wire.EtherType;
import io.icpbench.stack.wire.InetChecksum;
import io.netty.buffer.ByteBuf;

/**
 * udp_rcv, udpv6_rcv and udplite_rcv (targets of call site 9): {@code __udp4_lib_rcv}'s checks,
 * the socket lookup, then {@code udp_queue_rcv_skb} (call sites 10 and 11).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Length (UDP-Lite: Coverage)   |           Checksum            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>The checksum covers the pseudo-header. A zero checksum means "none" for UDP over IPv4 only;
 * over IPv6 (RFC 8200) and for UDP-Lite (RFC 3828) it is an error. The checksum is verified before
 * the socket lookup, as the kernel does before it counts NoPorts.
 */
public final class UdpRcv implements NetProtocol {
    private static final int IPPROTO_UDP = 17, IPPROTO_UDPLITE = 136;

    private final NetStack stack;
    private final boolean v6;
    private final boolean lite;
    private final UdpMib mib;

    /**
     * @param family 4 or 6
     * @param lite   UDP-Lite (protocol 136) instead of UDP
     */
    public UdpRcv(NetStack stack, int family, boolean lite) {
        this.stack = stack;
        this.v6 = family == 6;
        this.lite = lite;
        this.mib = lite ? UdpMib.UDPLITE : v6 ? UdpMib.UDP6 : UdpMib.UDP;
    }

    @Override
    public int handler(SkBuff skb) {
        stack.work.apply(skb);
        ByteBuf b = skb.buf;
        int t = skb.transport;
        int avail = skb.end - t;
        if (avail < 8) {
            return error(skb, Outcome.UDP_INHDR);
        }
        int ulen = b.getUnsignedShort(t + 4);
        int covered;
        if (lite) {
            // RFC 3828: the length field is the checksum coverage; 0 means the whole datagram.
            if (ulen != 0 && (ulen < 8 || ulen > avail)) {
                return error(skb, Outcome.UDP_INHDR);
            }
            covered = ulen == 0 ? avail : ulen;
        } else {
            if (ulen < 8 || ulen > avail) {
                return error(skb, Outcome.UDP_INHDR);
            }
            skb.end = t + ulen;
            covered = ulen;
        }
        int check = b.getUnsignedShort(t + 6);
        if (check == 0) {
            if (v6 || lite) {
                stack.counters.inc(mib.csumErrors);
                return error(skb, Outcome.UDP_CSUM);
            }
        } else if (!skb.csumUnnecessary) {
            int length = skb.end - t;
            int proto = lite ? IPPROTO_UDPLITE : IPPROTO_UDP;
            long sum = v6
                    ? InetChecksum.pseudoHeaderV6(b, skb.network + 8, skb.network + 24, proto, length)
                    : InetChecksum.pseudoHeaderV4(skb.saddr, skb.daddr, proto, length);
            if (!InetChecksum.verifies(InetChecksum.add(b, t, covered, sum))
                    && !(stack.trustPartialChecksums && (InetChecksum.partial(check, sum) || tunnelledPartial(b, t + 8, skb.end)))) {
                stack.counters.inc(mib.csumErrors);
                return error(skb, Outcome.UDP_CSUM);
            }
        }
        skb.sport = b.getUnsignedShort(t);
        skb.dport = b.getUnsignedShort(t + 2);
        UdpSock sk = stack.udp.lookup(skb, lite);
        if (sk == null) {
            // __udp4_lib_mcast_deliver / __udp6_lib_mcast_deliver: a group or broadcast datagram nobody wants is ignored, not refused.
            boolean multi = v6 ? (skb.daddrHi >>> 56) == 0xFF : (skb.daddr >>> 28) == 0xE || skb.daddr == 0xFFFF_FFFF;
            stack.counters.inc(multi ? mib.ignoredMulti : mib.noPorts);
            stack.counters.finish(skb, Outcome.NO_SOCKET);
            return 0;
        }
        stack.udpQueueRcv(sk, skb);
        return 0;
    }

    /**
     * Whether a UDP payload from {@code p} to {@code end} is a VXLAN or Geneve packet whose inner
     * UDP or TCP checksum is in the partial form: its sender offloaded the inner checksum and
     * computed the outer one for the packet as it will be (local checksum offload, RFC 7348's usual
     * case), so the outer checksum cannot verify against the captured bytes; the receiving kernel
     * got it as CHECKSUM_PARTIAL and verified neither. Only asked for a checksum that failed.
     */
    static boolean tunnelledPartial(ByteBuf b, int p, int end) {
        int inner;
        if (end - p >= 8 && b.getInt(p) == VxlanRcv.VXLAN_HF_VNI) {
            inner = p + 8;
        } else if (end - p >= 8 && (b.getUnsignedByte(p) & 0xC0) == 0 && b.getUnsignedShort(p + 2) == EtherType.ETH_P_TEB) {
            inner = p + 8 + (b.getUnsignedByte(p) & 0x3F) * 4;
        } else {
            return false;
        }
        if (end - inner < 14) {
            return false;
        }
        int type = b.getUnsignedShort(inner + 12);
        int n = inner + 14;
        if (type == EtherType.ETH_P_8021Q && end - n >= 4) {
            type = b.getUnsignedShort(n + 2);
            n += 4;
        }
        long pseudo;
        int t;
        int proto;
        if (type == EtherType.ETH_P_IP && end - n >= 20) {
            int ihl = (b.getUnsignedByte(n) & 0x0F) * 4;
            proto = b.getUnsignedByte(n + 9);
            t = n + ihl;
            int len = b.getUnsignedShort(n + 2) - ihl;
            pseudo = InetChecksum.pseudoHeaderV4(b.getInt(n + 12), b.getInt(n + 16), proto, len);
        } else if (type == EtherType.ETH_P_IPV6 && end - n >= 40) {
            proto = b.getUnsignedByte(n + 6);
            t = n + 40;
            pseudo = InetChecksum.pseudoHeaderV6(b, n + 8, n + 24, proto, b.getUnsignedShort(n + 4));
        } else {
            return false;
        }
        int field = proto == 17 ? t + 6 : proto == 6 ? t + 16 : -1;
        return field >= 0 && end - field >= 2 && InetChecksum.partial(b.getUnsignedShort(field), pseudo);
    }

    private int error(SkBuff skb, Outcome outcome) {
        stack.counters.inc(mib.inErrors);
        stack.counters.finish(skb, outcome);
        return 0;
    }
}
