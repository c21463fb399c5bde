package io.icpbench.stack.encap;

import io.icpbench.stack.Counter;
import io.icpbench.stack.NetDevice;
import io.icpbench.stack.NetStack;
import io.icpbench.stack.Outcome;
import io.icpbench.stack.SkBuff;
import io.icpbench.stack.ops.EncapRcv;
import io.icpbench.stack.udp.UdpSock;
import io.icpbench.stack.wire.EtherType;
import io.netty.buffer.ByteBuf;

/**
 * The targets of call site 10 ({@code udp_sk(sk)->encap_rcv}). VXLAN and Geneve decapsulate: the
 * inner Ethernet frame re-enters the stack through the tunnel device's GRO cell. The others
 * check their header and end the packet.
 */
public final class EncapHandlers {
    /** Tunnel kinds for {@link NetStack#tunnel}. */
    public static final int KIND_VXLAN = 0, KIND_GENEVE = 1;
    /** VXLAN's UDP port assigned by IANA (RFC 7348), the kernel's {@code IANA_VXLAN_UDP_PORT}. */
    public static final int IANA_VXLAN_UDP_PORT = 4789;
    /**
     * The port Linux's vxlan module listens on when none is given ({@code udp_port=8472}), kept for
     * the deployments that predate the IANA assignment (flannel, for one).
     */
    public static final int VXLAN_LINUX_UDP_PORT = 8472;
    /** Geneve's UDP port assigned by IANA (RFC 8926), the kernel's {@code GENEVE_UDP_PORT}. */
    public static final int GENEVE_UDP_PORT = 6081;
    static final int UDP_HLEN = 8;

    private EncapHandlers() {
    }

    /**
     * vxlan_rcv.
     *
     * <pre>
     *  0                   1                   2                   3
     *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |R|R|R|R|I|R|R|R|               Reserved                        |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                VXLAN Network Identifier (VNI) |   Reserved    |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                 inner Ethernet frame ...
     * </pre>
     */
    public static final class VxlanRcv implements EncapRcv {
        public static final int VXLAN_HLEN = 8;
        /**
         * The first 32-bit word of a valid VXLAN header: the I flag set, every reserved bit zero
         * (the kernel's {@code VXLAN_HF_VNI}, in host order).
         */
        public static final int VXLAN_HF_VNI = 0x0800_0000;

        /**
         * The VNI of the VXLAN header at absolute index {@code v} of {@code b}, or -1 if fewer than
         * 8 bytes are left before {@code end} or the header is invalid (RFC 7348: the I flag set,
         * every reserved bit zero).
         */
        public static int vni(ByteBuf b, int v, int end) {
            if (end - v < VXLAN_HLEN || b.getInt(v) != VXLAN_HF_VNI || b.getUnsignedByte(v + 7) != 0) {
                return -1;
            }
            return b.getUnsignedMedium(v + 4);
        }
        private final NetStack stack;

        public VxlanRcv(NetStack stack) {
            this.stack = stack;
        }

        @Override
        public int encapRcv(UdpSock sk, SkBuff skb) {
            stack.work.apply(skb);
            stack.vxlanRcv(skb, skb.transport + UDP_HLEN);
            return 0;
        }
    }

    /**
     * geneve_udp_encap_recv.
     *
     * <pre>
     * |Ver|  Opt Len  |O|C|    Rsvd.  |          Protocol Type        |
     * |        Virtual Network Identifier (VNI)       |    Reserved   |
     * |                    Variable-Length Options                    |
     * </pre>
     */
    public static final class GeneveRcv implements EncapRcv {
        public static final int GENEVE_HLEN = 8;
        private final NetStack stack;

        public GeneveRcv(NetStack stack) {
            this.stack = stack;
        }

        @Override
        public int encapRcv(UdpSock sk, SkBuff skb) {
            stack.work.apply(skb);
            ByteBuf b = skb.buf;
            int g = skb.transport + UDP_HLEN;
            if (skb.end - g < GENEVE_HLEN) {
                stack.counters.finish(skb, Outcome.VXLAN_INVALID_HDR);
                return 0;
            }
            int first = b.getUnsignedByte(g);
            int optLen = (first & 0x3F) * 4;
            if ((first >>> 6) != 0 || b.getUnsignedShort(g + 2) != EtherType.ETH_P_TEB || skb.end - g < GENEVE_HLEN + optLen) {
                stack.counters.finish(skb, Outcome.VXLAN_INVALID_HDR);
                return 0;
            }
            NetDevice dev = stack.tunnel(KIND_GENEVE, b.getUnsignedMedium(g + 4));
            if (dev == null) {
                stack.counters.finish(skb, Outcome.VXLAN_VNI_NOT_FOUND);
                return 0;
            }
            stack.counters.inc(Counter.GENEVE_DECAPS);
            stack.decapsulate(skb, g + GENEVE_HLEN + optLen, dev);
            return 0;
        }
    }

    /**
     * xfrm4_udp_encap_rcv (ESP in UDP, RFC 3948): a zero "non-ESP marker" means IKE, which goes to
     * the socket as plain UDP; a one-byte 0xFF is a NAT keepalive; anything else is ESP, and with no
     * security association installed it is dropped as XfrmInNoStates.
     */
    public static final class EspInUdpRcv implements EncapRcv {
        private final NetStack stack;

        public EspInUdpRcv(NetStack stack) {
            this.stack = stack;
        }

        @Override
        public int encapRcv(UdpSock sk, SkBuff skb) {
            stack.work.apply(skb);
            ByteBuf b = skb.buf;
            int p = skb.transport + UDP_HLEN;
            int len = skb.end - p;
            if (len == 1 && b.getUnsignedByte(p) == 0xFF) {
                stack.counters.finish(skb, Outcome.ENCAP_CONSUMED);
                return 0;
            }
            if (len >= 4 && b.getInt(p) == 0) {
                return 1;
            }
            if (len < 8) {
                stack.counters.finish(skb, Outcome.TUNNEL_INVALID);
                return 0;
            }
            stack.counters.inc(Counter.XFRM_IN_NO_STATES);
            stack.counters.finish(skb, Outcome.XFRM_NOSTATES);
            return 0;
        }
    }

    /**
     * wg_receive: the message type (1 handshake initiation, 2 response, 3 cookie reply, 4 data)
     * with three reserved zero bytes, and the length each type requires. No cryptography.
     */
    public static final class WireguardRcv implements EncapRcv {
        private final NetStack stack;

        public WireguardRcv(NetStack stack) {
            this.stack = stack;
        }

        @Override
        public int encapRcv(UdpSock sk, SkBuff skb) {
            stack.work.apply(skb);
            ByteBuf b = skb.buf;
            int p = skb.transport + UDP_HLEN;
            int len = skb.end - p;
            int need = -1;
            if (len >= 4) {
                int header = b.getInt(p);
                switch (header) {
                    case 0x0100_0000 -> need = 148;
                    case 0x0200_0000 -> need = 92;
                    case 0x0300_0000 -> need = 64;
                    case 0x0400_0000 -> need = 32;
                    default -> need = -1;
                }
            }
            if (need < 0 || (need == 32 ? len < need : len != need)) {
                stack.counters.finish(skb, Outcome.TUNNEL_INVALID);
                return 0;
            }
            stack.counters.inc(Counter.WG_RX);
            stack.counters.finish(skb, Outcome.ENCAP_CONSUMED);
            return 0;
        }
    }

    /**
     * l2tp_udp_encap_recv: L2TPv2 (RFC 2661) header with version 2; control and data messages are
     * counted and consumed by the tunnel.
     *
     * <pre>
     * |T|L|x|x|S|x|O|P|x|x|x|x|  Ver  |          Length (opt)         |
     * </pre>
     */
    public static final class L2tpRcv implements EncapRcv {
        private final NetStack stack;

        public L2tpRcv(NetStack stack) {
            this.stack = stack;
        }

        @Override
        public int encapRcv(UdpSock sk, SkBuff skb) {
            stack.work.apply(skb);
            int p = skb.transport + UDP_HLEN;
            if (skb.end - p < 6 || (skb.buf.getUnsignedShort(p) & 0x000F) != 2) {
                stack.counters.finish(skb, Outcome.TUNNEL_INVALID);
                return 0;
            }
            stack.counters.inc(Counter.L2TP_RX);
            stack.counters.finish(skb, Outcome.ENCAP_CONSUMED);
            return 0;
        }
    }
}
