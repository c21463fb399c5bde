package io.icpbench.stack.ip;

import io.icpbench.stack.Counter;
import io.icpbench.stack.NetStack;
import io.icpbench.stack.Outcome;
import io.icpbench.stack.SkBuff;
import io.icpbench.stack.ops.DstInput;
import io.icpbench.stack.ops.PacketType;

/**
 * ip6_mc_input (a target of call site 8, {@code dst->input}, for every IPv6 multicast
 * destination): counts {@code Ip6InMcastPkts}; a group the host joined goes on to
 * {@code ip6_input} (a direct call in the kernel, here too), any other is freed without a drop
 * counter.
 */
public final class MulticastInput implements DstInput {
    private final NetStack stack;
    private final DstInputs.Ip6Input local;

    public MulticastInput(NetStack stack, DstInputs.Ip6Input local) {
        this.stack = stack;
        this.local = local;
    }

    @Override
    public int input(SkBuff skb) {
        stack.work.apply(skb);
        stack.counters.inc(Counter.IP6_IN_MCAST_PKTS);
        if (!stack.fib.isJoined6(skb.daddrHi, skb.daddrLo)) {
            stack.counters.finish(skb, Outcome.MC_NOT_JOINED);
            return PacketType.NET_RX_DROP;
        }
        return local.input(skb);
    }
}
