package io.icpbench.stack.netfilter;

import io.icpbench.stack.Counter;
import io.icpbench.stack.NetStack;
import io.icpbench.stack.SkBuff;

/**
 * A conntrack-lite flow table: fixed capacity, open addressing with a short probe, keyed by the
 * 5-tuple. New flows are inserted unconfirmed at PRE_ROUTING and confirmed at the end of LOCAL_IN,
 * as {@code nf_conntrack_in} and {@code nf_conntrack_confirm} do. When the probe window is full the
 * oldest slot in it is reused (the kernel's early_drop); the table never drops a packet.
 *
 * <p>IPv6 tuples are folded to 64 bits of address; a collision can merge two IPv6 flows, which
 * only changes the New/Found counts, never a packet's fate.
 */
public final class Conntrack {
    private static final int PROBE = 8;

    private final int mask;
    private final long[] keyAddr;
    private final long[] keyPorts;
    private final boolean[] used;
    private final boolean[] confirmed;
    private final long[] stamp;
    private long clock;
    private int entries;

    /** @param capacity slots, a power of two of at least 16 */
    public Conntrack(int capacity) {
        if (capacity < 16 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("conntrack capacity=" + capacity + ", expected a power of two >= 16");
        }
        mask = capacity - 1;
        keyAddr = new long[capacity];
        keyPorts = new long[capacity];
        used = new boolean[capacity];
        confirmed = new boolean[capacity];
        stamp = new long[capacity];
    }

    /** Flows in the table. */
    public int entries() {
        return entries;
    }

    /** Looks up or inserts the packet's flow; sets {@code skb.ctIndex}. */
    void track(NetStack stack, SkBuff skb) {
        long addr;
        if (skb.family == 6) {
            addr = skb.saddrHi * 31 ^ skb.saddrLo ^ Long.rotateLeft(skb.daddrHi * 31 ^ skb.daddrLo, 32);
        } else {
            addr = ((long) skb.saddr << 32) | (skb.daddr & 0xFFFF_FFFFL);
        }
        int proto = skb.ipProto;
        long ports = (long) proto << 32;
        if ((proto == 17 || proto == 6 || proto == 136) && skb.fragment == 0 && skb.l4Len >= 4) {
            ports |= skb.buf.getInt(skb.transport) & 0xFFFF_FFFFL;
        }
        long h = (addr ^ ports * 0x9E3779B97F4A7C15L) * 0xC2B2AE3D27D4EB4FL;
        int start = (int) (h ^ (h >>> 29)) & mask;
        int oldest = start;
        clock++;
        for (int p = 0; p < PROBE; p++) {
            int i = (start + p) & mask;
            if (!used[i]) {
                insert(i, addr, ports);
                stack.counters.inc(Counter.NF_CT_NEW);
                skb.ctIndex = i;
                return;
            }
            if (keyAddr[i] == addr && keyPorts[i] == ports) {
                stamp[i] = clock;
                stack.counters.inc(Counter.NF_CT_FOUND);
                skb.ctIndex = i;
                return;
            }
            if (stamp[i] < stamp[oldest]) {
                oldest = i;
            }
        }
        entries--;
        insert(oldest, addr, ports);
        stack.counters.inc(Counter.NF_CT_EVICTED);
        stack.counters.inc(Counter.NF_CT_NEW);
        skb.ctIndex = oldest;
    }

    private void insert(int i, long addr, long ports) {
        used[i] = true;
        confirmed[i] = false;
        keyAddr[i] = addr;
        keyPorts[i] = ports;
        stamp[i] = clock;
        entries++;
    }

    /** Confirms the packet's flow if it is new; returns true if it was. */
    boolean confirm(SkBuff skb) {
        int i = skb.ctIndex;
        if (i < 0 || confirmed[i]) {
            return false;
        }
        confirmed[i] = true;
        return true;
    }
}
