package io.icpbench.stack.route;

import io.icpbench.stack.Dst;
import io.icpbench.stack.SkBuff;

/**
 * The routing table of the input path ({@code ip_route_input_noref}, {@code ip6_route_input}):
 * local addresses, joined multicast groups, prefixes this host forwards, and the rest unreachable.
 *
 * <p>Small fixed arrays scanned in order: a handful of entries, no allocation per lookup.
 */
public final class Fib {
    private int[] local4 = new int[0];
    private int[] fwd4Addr = new int[0];
    private int[] fwd4Mask = new int[0];
    private long[] local6Hi = new long[0];
    private long[] local6Lo = new long[0];
    private long[] fwd6Hi = new long[0];
    private long[] fwd6MaskHi = new long[0];
    private int[] groups4 = new int[0];
    private long[] groups6Hi = new long[0];
    private long[] groups6Lo = new long[0];

    private Dst local4Dst;
    private Dst forward4Dst;
    private Dst local6Dst;
    private Dst forward6Dst;
    private Dst unreachableDst;
    private Dst multicast6Dst;

    /**
     * Sets the destination entries the lookups return; {@code multicast6} is the route of every
     * IPv6 multicast destination (ff00::/8, whose input is {@code ip6_mc_input}).
     */
    public void setDsts(Dst local4, Dst forward4, Dst local6, Dst forward6, Dst multicast6, Dst unreachable) {
        this.local4Dst = local4;
        this.forward4Dst = forward4;
        this.local6Dst = local6;
        this.forward6Dst = forward6;
        this.multicast6Dst = multicast6;
        this.unreachableDst = unreachable;
    }

    /** Joins an IPv4 multicast group (ip_mc_join_group). */
    public void addGroup4(int group) {
        groups4 = java.util.Arrays.copyOf(groups4, groups4.length + 1);
        groups4[groups4.length - 1] = group;
    }

    /** Joins an IPv6 multicast group (ipv6_dev_mc_inc). */
    public void addGroup6(long hi, long lo) {
        groups6Hi = java.util.Arrays.copyOf(groups6Hi, groups6Hi.length + 1);
        groups6Lo = java.util.Arrays.copyOf(groups6Lo, groups6Lo.length + 1);
        groups6Hi[groups6Hi.length - 1] = hi;
        groups6Lo[groups6Lo.length - 1] = lo;
    }

    /** Whether the host joined the IPv4 group {@code group} (ip_check_mc_rcu). */
    public boolean isJoined4(int group) {
        int[] g = groups4;
        for (int i = 0; i < g.length; i++) {
            if (g[i] == group) {
                return true;
            }
        }
        return false;
    }

    /** Whether the host joined the IPv6 group (ipv6_chk_mcast_addr). */
    public boolean isJoined6(long hi, long lo) {
        long[] h = groups6Hi;
        for (int i = 0; i < h.length; i++) {
            if (h[i] == hi && groups6Lo[i] == lo) {
                return true;
            }
        }
        return false;
    }

    public void addLocal4(int addr) {
        local4 = java.util.Arrays.copyOf(local4, local4.length + 1);
        local4[local4.length - 1] = addr;
    }

    /** Forwards {@code addr/prefixLen}, prefixLen 1..32. */
    public void addForward4(int addr, int prefixLen) {
        if (prefixLen < 1 || prefixLen > 32) {
            throw new IllegalArgumentException("prefixLen=" + prefixLen + ", expected 1..32");
        }
        int mask = (int) (0xFFFF_FFFFL << (32 - prefixLen));
        fwd4Addr = java.util.Arrays.copyOf(fwd4Addr, fwd4Addr.length + 1);
        fwd4Mask = java.util.Arrays.copyOf(fwd4Mask, fwd4Mask.length + 1);
        fwd4Addr[fwd4Addr.length - 1] = addr & mask;
        fwd4Mask[fwd4Mask.length - 1] = mask;
    }

    /** An IPv6 local address as two big-endian halves. */
    public void addLocal6(long hi, long lo) {
        local6Hi = java.util.Arrays.copyOf(local6Hi, local6Hi.length + 1);
        local6Lo = java.util.Arrays.copyOf(local6Lo, local6Lo.length + 1);
        local6Hi[local6Hi.length - 1] = hi;
        local6Lo[local6Lo.length - 1] = lo;
    }

    /** Forwards an IPv6 prefix of 1..64 bits (the upper half of the address). */
    public void addForward6(long hi, int prefixLen) {
        if (prefixLen < 1 || prefixLen > 64) {
            throw new IllegalArgumentException("prefixLen=" + prefixLen + ", expected 1..64");
        }
        long mask = -1L << (64 - prefixLen);
        fwd6Hi = java.util.Arrays.copyOf(fwd6Hi, fwd6Hi.length + 1);
        fwd6MaskHi = java.util.Arrays.copyOf(fwd6MaskHi, fwd6MaskHi.length + 1);
        fwd6Hi[fwd6Hi.length - 1] = hi & mask;
        fwd6MaskHi[fwd6MaskHi.length - 1] = mask;
    }

    /** Whether {@code addr} is one of this host's IPv4 addresses (or the limited broadcast). */
    public boolean isLocal4(int addr) {
        if (addr == 0xFFFF_FFFF) {
            return true;
        }
        int[] l = local4;
        for (int i = 0; i < l.length; i++) {
            if (l[i] == addr) {
                return true;
            }
        }
        return false;
    }

    /**
     * Routes an IPv4 packet by {@code skb.daddr}: sets {@code skb.dst}. A multicast destination
     * routes locally (the caller checked that the group is joined: ip_route_input_mc).
     */
    public void route4(SkBuff skb) {
        int daddr = skb.daddr;
        if (isLocal4(daddr) || (daddr >>> 28) == 0xE) {
            skb.dst = local4Dst;
            return;
        }
        int[] a = fwd4Addr;
        for (int i = 0; i < a.length; i++) {
            if ((daddr & fwd4Mask[i]) == a[i]) {
                skb.dst = forward4Dst;
                return;
            }
        }
        skb.dst = unreachableDst;
    }

    /** Routes an IPv6 packet by its destination: sets {@code skb.dst}. */
    public void route6(SkBuff skb) {
        long hi = skb.daddrHi;
        long lo = skb.daddrLo;
        if ((hi >>> 56) == 0xFF) {
            skb.dst = multicast6Dst;
            return;
        }
        long[] h = local6Hi;
        for (int i = 0; i < h.length; i++) {
            if (h[i] == hi && local6Lo[i] == lo) {
                skb.dst = local6Dst;
                return;
            }
        }
        long[] f = fwd6Hi;
        for (int i = 0; i < f.length; i++) {
            if ((hi & fwd6MaskHi[i]) == f[i]) {
                skb.dst = forward6Dst;
                return;
            }
        }
        skb.dst = unreachableDst;
    }
}
