package io.icpbench.stack.gro;

import io.icpbench.stack.Counter;
import io.icpbench.stack.NetStack;
import io.icpbench.stack.SkBuff;
import io.icpbench.stack.encap.EncapHandlers.VxlanRcv;
import io.icpbench.stack.ops.GroL3;
import io.icpbench.stack.ops.GroL4;
import io.icpbench.stack.ops.UdpTunnelGro;
import io.icpbench.stack.wire.EtherType;
import io.icpbench.stack.wire.InetChecksum;
import static io.icpbench.stack.ops.GroL3.GRO_NORMAL;
import static io.icpbench.stack.ops.GroL3.GRO_SAME_FLOW;
import io.netty.buffer.ByteBuf;

/**
 * The targets of call sites 3, 4 and 5: GRO for the network layer, the transport layer and UDP
 * tunnels.
 *
 * <p>GRO here does the parsing and flow checks of the kernel's {@code *_gro_receive} functions
 * and reports whether a packet could be held for merging, but never merges: every packet goes up
 * the stack on its own, so GRO never changes a packet's outcome (it never drops; anything it does
 * not like is a "flush" and the normal path judges it).
 */
public final class GroHandlers {
    private GroHandlers() {
    }

    /** inet_gro_receive: a plain 20-byte header with a good checksum that is not a fragment. */
    public static final class InetGro implements GroL3 {
        private final NetStack stack;

        public InetGro(NetStack stack) {
            this.stack = stack;
        }

        @Override
        public int groReceive(SkBuff skb, int n) {
            stack.work.apply(skb);
            ByteBuf b = skb.buf;
            int len = skb.end - n;
            if (len < 20 || b.getUnsignedByte(n) != 0x45) {
                return GRO_NORMAL;
            }
            if (!InetChecksum.verifies(InetChecksum.add(b, n, 20, 0)) || (b.getUnsignedShort(n + 6) & 0x3FFF) != 0) {
                return GRO_NORMAL;
            }
            int totLen = Math.min(b.getUnsignedShort(n + 2), len);
            GroL4 l4 = stack.groL4(4, b.getUnsignedByte(n + 9));
            if (l4 == null || totLen < 20) {
                return GRO_NORMAL;
            }
            return NetStack.offloadGroReceive(l4, skb, n + 20, totLen - 20);
        }
    }

    /** ipv6_gro_receive: the fixed header; extension headers flush. */
    public static final class Ipv6Gro implements GroL3 {
        private final NetStack stack;

        public Ipv6Gro(NetStack stack) {
            this.stack = stack;
        }

        @Override
        public int groReceive(SkBuff skb, int n) {
            stack.work.apply(skb);
            ByteBuf b = skb.buf;
            int len = skb.end - n;
            if (len < 40 || (b.getUnsignedByte(n) >>> 4) != 6) {
                return GRO_NORMAL;
            }
            int payload = Math.min(b.getUnsignedShort(n + 4), len - 40);
            GroL4 l4 = stack.groL4(6, b.getUnsignedByte(n + 6));
            if (l4 == null) {
                return GRO_NORMAL;
            }
            return NetStack.offloadGroReceive(l4, skb, n + 40, payload);
        }
    }

    /**
     * udp4_gro_receive / udp6_gro_receive: a datagram to a tunnel socket goes to the tunnel's GRO
     * (call site 5); plain UDP sockets here do not ask for UDP_GRO, so other datagrams flush.
     */
    public static final class UdpGro implements GroL4 {
        private final NetStack stack;

        public UdpGro(NetStack stack) {
            this.stack = stack;
        }

        @Override
        public int groReceive(SkBuff skb, int t, int length) {
            stack.work.apply(skb);
            if (length < 8) {
                return GRO_NORMAL;
            }
            UdpTunnelGro tunnel = stack.udp.tunnelGro(skb.buf.getUnsignedShort(t + 2));
            if (tunnel == null) {
                return GRO_NORMAL;
            }
            stack.counters.inc(Counter.GRO_TUNNEL);
            return NetStack.udpTunnelGroReceive(tunnel, skb, t + 8, length - 8);
        }
    }

    /** tcp4_gro_receive / tcp6_gro_receive: segments without SYN, FIN, RST, URG could merge. */
    public static final class TcpGro implements GroL4 {
        private final NetStack stack;

        public TcpGro(NetStack stack) {
            this.stack = stack;
        }

        @Override
        public int groReceive(SkBuff skb, int t, int length) {
            stack.work.apply(skb);
            if (length < 20) {
                return GRO_NORMAL;
            }
            int doff = (skb.buf.getUnsignedByte(t + 12) >>> 4) * 4;
            int flags = skb.buf.getUnsignedByte(t + 13);
            return doff < 20 || doff > length || (flags & 0x27) != 0 ? GRO_NORMAL : GRO_SAME_FLOW;
        }
    }

    /** gre_gro_receive: version 0 without routing; checks the key and sequence flags. */
    public static final class GreGro implements GroL4 {
        private final NetStack stack;

        public GreGro(NetStack stack) {
            this.stack = stack;
        }

        @Override
        public int groReceive(SkBuff skb, int t, int length) {
            stack.work.apply(skb);
            if (length < 4) {
                return GRO_NORMAL;
            }
            int flags = skb.buf.getUnsignedShort(t);
            return (flags & 0x4007) != 0 ? GRO_NORMAL : GRO_SAME_FLOW;
        }
    }

    /** esp4_gro_receive: looks up the SPI; with no security associations every packet flushes. */
    public static final class EspGro implements GroL4 {
        private final NetStack stack;

        public EspGro(NetStack stack) {
            this.stack = stack;
        }

        @Override
        public int groReceive(SkBuff skb, int t, int length) {
            stack.work.apply(skb);
            if (length >= 8) {
                skb.hash ^= skb.buf.getInt(t);
            }
            return GRO_NORMAL;
        }
    }

    /** vxlan_gro_receive: a valid VXLAN header lets the inner frame be held for merging. */
    public static final class VxlanGro implements UdpTunnelGro {
        private final NetStack stack;

        public VxlanGro(NetStack stack) {
            this.stack = stack;
        }

        @Override
        public int groReceive(SkBuff skb, int offset, int length) {
            stack.work.apply(skb);
            if (length < 8 + 14 || skb.buf.getInt(offset) != VxlanRcv.VXLAN_HF_VNI) {
                return GRO_NORMAL;
            }
            return GRO_SAME_FLOW;
        }
    }

    /** geneve_gro_receive: version 0, the TEB protocol and options that fit. */
    public static final class GeneveGro implements UdpTunnelGro {
        private final NetStack stack;

        public GeneveGro(NetStack stack) {
            this.stack = stack;
        }

        @Override
        public int groReceive(SkBuff skb, int offset, int length) {
            stack.work.apply(skb);
            if (length < 8) {
                return GRO_NORMAL;
            }
            int first = skb.buf.getUnsignedByte(offset);
            int optLen = (first & 0x3F) * 4;
            if ((first >>> 6) != 0 || skb.buf.getUnsignedShort(offset + 2) != EtherType.ETH_P_TEB || length < 8 + optLen + 14) {
                return GRO_NORMAL;
            }
            return GRO_SAME_FLOW;
        }
    }

    /** gue_gro_receive: GUE version 0 data messages with a known protocol could merge. */
    public static final class GueGro implements UdpTunnelGro {
        private final NetStack stack;

        public GueGro(NetStack stack) {
            this.stack = stack;
        }

        @Override
        public int groReceive(SkBuff skb, int offset, int length) {
            stack.work.apply(skb);
            if (length < 4) {
                return GRO_NORMAL;
            }
            int first = skb.buf.getUnsignedByte(offset);
            return (first >>> 6) != 0 || (first & 0x20) != 0 ? GRO_NORMAL : GRO_SAME_FLOW;
        }
    }
}
