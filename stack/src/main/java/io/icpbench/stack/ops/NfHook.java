package io.icpbench.stack.ops;

import io.icpbench.dispatch.OpsStruct;

import io.icpbench.stack.SkBuff;

/** {@code nf_hook_entry->hook}: one netfilter hook (conntrack, mangle, nat, filter, confirm). Call site 7. */
@OpsStruct
public interface NfHook {
    int NF_DROP = 0, NF_ACCEPT = 1;

    /** Returns NF_ACCEPT or NF_DROP for the packet at hook point {@code hooknum}. */
    int hook(SkBuff skb, int hooknum);
}
