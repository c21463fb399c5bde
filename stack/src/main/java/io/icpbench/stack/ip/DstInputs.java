package io.icpbench.stack.ip;

import io.icpbench.stack.Counter;
import io.icpbench.stack.NetStack;
import io.icpbench.stack.Outcome;
import io.icpbench.stack.SkBuff;
import io.icpbench.stack.ops.DstInput;
import io.icpbench.stack.ops.PacketType;

/** The targets of call site 8 ({@code dst->input}). */
public final class DstInputs {
    private DstInputs() {
    }

    /**
     * ip_local_deliver: a fragment (MF set or a non-zero offset) goes to {@code ip_defrag}
     * ({@link Reassembly#ipDefrag}) first; a fragment a queue took, or one that was dropped, ends
     * there, and the one that completes its datagram carries the whole datagram on. Then the
     * LOCAL_IN hooks and the transport protocol (site 9), for the datagram as for any packet.
     */
    public static final class IpLocalDeliver implements DstInput {
        private final NetStack stack;

        public IpLocalDeliver(NetStack stack) {
            this.stack = stack;
        }

        @Override
        public int input(SkBuff skb) {
            stack.work.apply(skb);
            if (skb.fragment != 0 && !stack.frags().ipDefrag(skb)) {
                // ip_defrag took or dropped it: ip_local_deliver returns 0.
                return PacketType.NET_RX_SUCCESS;
            }
            if (!stack.localIn(skb)) {
                return PacketType.NET_RX_DROP;
            }
            stack.ipProtocolDeliver(skb);
            return PacketType.NET_RX_SUCCESS;
        }
    }

    /**
     * ip6_input: the LOCAL_IN hooks, then ip6_protocol_deliver (site 9). Fragments are no special
     * case here: the fragment header is the packet's protocol, and its handler ipv6_frag_rcv
     * ({@link Ipv6FragRcv}) reassembles.
     */
    public static final class Ip6Input implements DstInput {
        private final NetStack stack;

        public Ip6Input(NetStack stack) {
            this.stack = stack;
        }

        @Override
        public int input(SkBuff skb) {
            stack.work.apply(skb);
            if (!stack.localIn(skb)) {
                return PacketType.NET_RX_DROP;
            }
            stack.ipProtocolDeliver(skb);
            return PacketType.NET_RX_SUCCESS;
        }
    }

    /**
     * ip_forward / ip6_forward: a packet whose TTL (hop limit) would expire is dropped; others are
     * counted and leave (transmit is not modeled, and the frame is not rewritten).
     */
    public static final class IpForward implements DstInput {
        private final NetStack stack;

        public IpForward(NetStack stack) {
            this.stack = stack;
        }

        @Override
        public int input(SkBuff skb) {
            stack.work.apply(skb);
            boolean v6 = skb.family == 6;
            if (skb.ttl <= 1) {
                stack.counters.inc(v6 ? Counter.IP6_IN_HDR_ERRORS : Counter.IP_IN_HDR_ERRORS);
                stack.counters.finish(skb, Outcome.IP_TTL_EXPIRED);
                return PacketType.NET_RX_DROP;
            }
            stack.counters.inc(v6 ? Counter.IP6_OUT_FORW_DATAGRAMS : Counter.IP_FORW_DATAGRAMS);
            stack.counters.finish(skb, Outcome.IP_FORWARDED);
            return PacketType.NET_RX_SUCCESS;
        }
    }

    /** dst_discard (ip_error on an unreachable route): no route to the destination. */
    public static final class DstDiscard implements DstInput {
        private final NetStack stack;

        public DstDiscard(NetStack stack) {
            this.stack = stack;
        }

        @Override
        public int input(SkBuff skb) {
            stack.work.apply(skb);
            if (skb.family == 6) {
                stack.counters.inc(Counter.IP6_IN_NO_ROUTES);
                stack.counters.finish(skb, Outcome.IP6_NOROUTE);
            } else {
                stack.counters.inc(Counter.IP_IN_ADDR_ERRORS);
                stack.counters.finish(skb, Outcome.IP_INADDRERRORS);
            }
            return PacketType.NET_RX_DROP;
        }
    }
}
