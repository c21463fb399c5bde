package io.icpbench.stack.ip;

import io.icpbench.stack.NetStack;
import io.icpbench.stack.SkBuff;
import io.icpbench.stack.ops.NetProtocol;

/**
 * ipv6_frag_rcv (a target of call site 9): the handler the kernel registers for next header 44
 * ({@code frag_protocol} in {@code net/ipv6/reassembly.c}, INET6_PROTO_NOPOLICY, not final).
 * {@code ipv6_rcv} leaves the fragment header to it; {@code ip6_protocol_deliver_rcu}
 * ({@link NetStack#ipProtocolDeliver}) calls it through {@code ipprot->handler}.
 *
 * <p>Returns -1 for a fragment that a queue took or that was dropped (the fragment has ended;
 * no Ip6InDelivers), and 1 when the fragment completed its datagram (or was an atomic fragment):
 * the skb then describes the datagram, its {@code ipProto} and {@code transport} are the upper
 * layer, and {@code ip6_protocol_deliver_rcu} "resubmits" it to that protocol through the same
 * call site. The rules are in {@link Reassembly}.
 */
public final class Ipv6FragRcv implements NetProtocol {
    private final NetStack stack;

    public Ipv6FragRcv(NetStack stack) {
        this.stack = stack;
    }

    @Override
    public int handler(SkBuff skb) {
        stack.work.apply(skb);
        return stack.frags().ipv6FragRcv(skb);
    }
}
