package io.icpbench.stack.proto;

import io.icpbench.stack.Counter;
import io.icpbench.stack.NetStack;
import io.icpbench.stack.Outcome;
import io.icpbench.stack.SkBuff;
import io.icpbench.stack.ops.NetProtocol;
import io.icpbench.stack.wire.InetChecksum;
import io.netty.buffer.ByteBuf;

/** The non-UDP targets of call site 9: TCP, ICMP, ICMPv6 and GRE, which check, count and consume. */
public final class Protocols {
    private static final int IPPROTO_TCP = 6, IPPROTO_ICMPV6 = 58;

    private Protocols() {
    }

    /** The sum of the transport pseudo-header, for either family. */
    static long pseudoSum(SkBuff skb, int proto) {
        int length = skb.end - skb.transport;
        return skb.family == 6
                ? InetChecksum.pseudoHeaderV6(skb.buf, skb.network + 8, skb.network + 24, proto, length)
                : InetChecksum.pseudoHeaderV4(skb.saddr, skb.daddr, proto, length);
    }

    /** The transport checksum sum over the pseudo-header and the segment, for either family. */
    static long transportSum(SkBuff skb, int proto) {
        return InetChecksum.add(skb.buf, skb.transport, skb.end - skb.transport, pseudoSum(skb, proto));
    }

    /**
     * tcp_v4_rcv / tcp_v6_rcv: header length and checksum checks; no socket listens here, so every
     * valid segment is counted and answered with a reset.
     */
    public static final class TcpRcv implements NetProtocol {
        private final NetStack stack;

        public TcpRcv(NetStack stack) {
            this.stack = stack;
        }

        @Override
        public int handler(SkBuff skb) {
            stack.work.apply(skb);
            stack.counters.inc(Counter.TCP_IN_SEGS);
            int t = skb.transport;
            int avail = skb.end - t;
            if (avail < 20) {
                stack.counters.finish(skb, Outcome.TCP_INHDR);
                return 0;
            }
            int doff = (skb.buf.getUnsignedByte(t + 12) >>> 4) * 4;
            if (doff < 20 || doff > avail) {
                stack.counters.inc(Counter.TCP_IN_ERRS);
                stack.counters.finish(skb, Outcome.TCP_INHDR);
                return 0;
            }
            if (!skb.csumUnnecessary && !InetChecksum.verifies(transportSum(skb, IPPROTO_TCP))
                    && !(stack.trustPartialChecksums && InetChecksum.partial(skb.buf.getUnsignedShort(t + 16), pseudoSum(skb, IPPROTO_TCP)))) {
                stack.counters.inc(Counter.TCP_IN_CSUM_ERRORS);
                stack.counters.inc(Counter.TCP_IN_ERRS);
                stack.counters.finish(skb, Outcome.TCP_CSUM);
                return 0;
            }
            skb.sport = skb.buf.getUnsignedShort(t);
            skb.dport = skb.buf.getUnsignedShort(t + 2);
            stack.counters.inc(Counter.TCP_OUT_RSTS);
            stack.counters.finish(skb, Outcome.TCP_CONSUMED);
            return 0;
        }
    }

    /** icmp_rcv: length and checksum, then the message is counted (echo requests as InEchos). */
    public static final class IcmpRcv implements NetProtocol {
        private final NetStack stack;

        public IcmpRcv(NetStack stack) {
            this.stack = stack;
        }

        @Override
        public int handler(SkBuff skb) {
            stack.work.apply(skb);
            int t = skb.transport;
            int len = skb.end - t;
            if (len < 8) {
                stack.counters.inc(Counter.ICMP_IN_ERRORS);
                stack.counters.finish(skb, Outcome.ICMP_INHDR);
                return 0;
            }
            if (!skb.csumUnnecessary && !InetChecksum.verifies(InetChecksum.add(skb.buf, t, len, 0))) {
                stack.counters.inc(Counter.ICMP_IN_CSUM_ERRORS);
                stack.counters.inc(Counter.ICMP_IN_ERRORS);
                stack.counters.finish(skb, Outcome.ICMP_CSUM);
                return 0;
            }
            stack.counters.inc(Counter.ICMP_IN_MSGS);
            if (skb.buf.getUnsignedByte(t) == 8) {
                stack.counters.inc(Counter.ICMP_IN_ECHOS);
            }
            stack.counters.finish(skb, Outcome.ICMP_CONSUMED);
            return 0;
        }
    }

    /** icmpv6_rcv: as icmp_rcv, with the checksum over the IPv6 pseudo-header. */
    public static final class Icmpv6Rcv implements NetProtocol {
        private final NetStack stack;

        public Icmpv6Rcv(NetStack stack) {
            this.stack = stack;
        }

        @Override
        public int handler(SkBuff skb) {
            stack.work.apply(skb);
            int t = skb.transport;
            if (skb.end - t < 8) {
                stack.counters.inc(Counter.ICMP6_IN_ERRORS);
                stack.counters.finish(skb, Outcome.ICMP_INHDR);
                return 0;
            }
            if (!skb.csumUnnecessary && !InetChecksum.verifies(transportSum(skb, IPPROTO_ICMPV6))) {
                stack.counters.inc(Counter.ICMP6_IN_CSUM_ERRORS);
                stack.counters.inc(Counter.ICMP6_IN_ERRORS);
                stack.counters.finish(skb, Outcome.ICMP_CSUM);
                return 0;
            }
            stack.counters.inc(Counter.ICMP6_IN_MSGS);
            if (skb.buf.getUnsignedByte(t) == 128) {
                stack.counters.inc(Counter.ICMP6_IN_ECHOS);
            }
            stack.counters.finish(skb, Outcome.ICMP_CONSUMED);
            return 0;
        }
    }

    /**
     * gre_rcv: the GRE version must be 0 (1 is PPTP, which has no handler here); the payload is
     * counted and consumed (no GRE tunnel device is modeled).
     *
     * <pre>
     * |C| |K|S| Reserved0 | Ver |         Protocol Type         |
     * </pre>
     */
    public static final class GreRcv implements NetProtocol {
        private final NetStack stack;

        public GreRcv(NetStack stack) {
            this.stack = stack;
        }

        @Override
        public int handler(SkBuff skb) {
            stack.work.apply(skb);
            int t = skb.transport;
            if (skb.end - t < 4 || (skb.buf.getUnsignedByte(t + 1) & 0x07) != 0) {
                stack.counters.finish(skb, Outcome.GRE_INVALID);
                return 0;
            }
            stack.counters.inc(Counter.GRE_IN);
            stack.counters.finish(skb, Outcome.GRE_CONSUMED);
            return 0;
        }
    }
}
