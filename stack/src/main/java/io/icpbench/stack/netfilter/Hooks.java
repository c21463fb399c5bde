package io.icpbench.stack.netfilter;

import io.icpbench.stack.Counter;
import io.icpbench.stack.NetStack;
import io.icpbench.stack.SkBuff;
import io.icpbench.stack.ops.NfHook;

/**
 * The targets of call site 7 ({@code nf_hook_entry->hook}): conntrack, mangle and nat at
 * PRE_ROUTING; filter and conntrack confirm at LOCAL_IN.
 */
public final class Hooks {
    private Hooks() {
    }

    /** The transport ports of a packet as one int (source high, destination low), or -1 if unknown. */
    static int ports(SkBuff skb) {
        int proto = skb.ipProto;
        if ((proto != 17 && proto != 6 && proto != 136) || skb.fragment != 0 || skb.l4Len < 4) {
            return -1;
        }
        return skb.buf.getInt(skb.transport);
    }

    /** nf_conntrack_in (ipv4_conntrack_in / ipv6_conntrack_in). */
    public static final class ConntrackIn implements NfHook {
        private final NetStack stack;
        private final Conntrack table;

        public ConntrackIn(NetStack stack, Conntrack table) {
            this.stack = stack;
            this.table = table;
        }

        @Override
        public int hook(SkBuff skb, int hooknum) {
            stack.work.apply(skb);
            table.track(stack, skb);
            return NF_ACCEPT;
        }
    }

    /** iptable_mangle: MARK rules on a destination port range. */
    public static final class Mangle implements NfHook {
        private final NetStack stack;
        private final int portLo, portHi, mark;

        public Mangle(NetStack stack, int portLo, int portHi, int mark) {
            this.stack = stack;
            this.portLo = portLo;
            this.portHi = portHi;
            this.mark = mark;
        }

        @Override
        public int hook(SkBuff skb, int hooknum) {
            stack.work.apply(skb);
            int ports = ports(skb);
            int dport = ports & 0xFFFF;
            if (ports != -1 && dport >= portLo && dport <= portHi) {
                skb.mark = mark;
                stack.counters.inc(Counter.NF_MANGLE_MARKED);
            }
            return NF_ACCEPT;
        }
    }

    /**
     * iptable_nat at PRE_ROUTING: DNAT rules by destination port. The model keeps rules but does
     * not rewrite frames (frames are replayed and never written); a matching rule is only counted.
     */
    public static final class Nat implements NfHook {
        private final NetStack stack;
        private final int[] dnatPorts;
        /** Packets that matched a DNAT rule. */
        public long matched;

        public Nat(NetStack stack, int... dnatPorts) {
            this.stack = stack;
            this.dnatPorts = dnatPorts.clone();
        }

        @Override
        public int hook(SkBuff skb, int hooknum) {
            stack.work.apply(skb);
            int ports = ports(skb);
            if (ports != -1) {
                int dport = ports & 0xFFFF;
                int[] p = dnatPorts;
                for (int i = 0; i < p.length; i++) {
                    if (p[i] == dport) {
                        matched++;
                        break;
                    }
                }
            }
            return NF_ACCEPT;
        }
    }

    /** iptable_filter at LOCAL_IN: DROP rules by IPv4 source prefix or by transport destination port. */
    public static final class Filter implements NfHook {
        private final NetStack stack;
        private final int dropSrcAddr, dropSrcMask;
        private final int[] dropPorts;

        /**
         * @param dropSrcAddr  IPv4 source prefix to drop (with {@code dropSrcPrefix} bits), 0 bits for none
         * @param dropPorts    destination ports (UDP, TCP, UDP-Lite) to drop
         */
        public Filter(NetStack stack, int dropSrcAddr, int dropSrcPrefix, int... dropPorts) {
            if (dropSrcPrefix < 0 || dropSrcPrefix > 32) {
                throw new IllegalArgumentException("prefix=" + dropSrcPrefix + ", expected 0..32");
            }
            this.stack = stack;
            this.dropSrcMask = dropSrcPrefix == 0 ? 0 : (int) (0xFFFF_FFFFL << (32 - dropSrcPrefix));
            this.dropSrcAddr = dropSrcAddr & dropSrcMask;
            this.dropPorts = dropPorts.clone();
        }

        @Override
        public int hook(SkBuff skb, int hooknum) {
            stack.work.apply(skb);
            if (dropSrcMask != 0 && skb.family == 4 && (skb.saddr & dropSrcMask) == dropSrcAddr) {
                return NF_DROP;
            }
            int ports = ports(skb);
            if (ports != -1) {
                int dport = ports & 0xFFFF;
                int[] p = dropPorts;
                for (int i = 0; i < p.length; i++) {
                    if (p[i] == dport) {
                        return NF_DROP;
                    }
                }
            }
            return NF_ACCEPT;
        }
    }

    /** nf_confirm / ipv4_confirm: the flow becomes confirmed when its first packet is delivered. */
    public static final class ConntrackConfirm implements NfHook {
        private final NetStack stack;
        private final Conntrack table;

        public ConntrackConfirm(NetStack stack, Conntrack table) {
            this.stack = stack;
            this.table = table;
        }

        @Override
        public int hook(SkBuff skb, int hooknum) {
            stack.work.apply(skb);
            if (table.confirm(skb)) {
                stack.counters.inc(Counter.NF_CT_CONFIRMED);
            }
            return NF_ACCEPT;
        }
    }
}
