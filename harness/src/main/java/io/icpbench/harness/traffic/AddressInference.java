package io.icpbench.harness.traffic;

import io.icpbench.stack.host.HostSpec;
import io.icpbench.stack.host.HostSpec.Ip6;
import java.nio.ByteBuffer;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The host's addresses and multicast groups, as the frames of one namespace show them, for
 * {@link HostInference}: the sources of what it sent (and of its ARP answers), the unicast
 * destinations of what it received except those it also sent to (a router forwards them), and
 * the groups it reported in IGMPv2/v3 and MLDv1/v2 reports.
 */
final class AddressInference {
    private final Set<Integer> src4 = new LinkedHashSet<>(), rxDst4 = new LinkedHashSet<>(), txDst4 = new LinkedHashSet<>();
    private final Set<Ip6> src6 = new LinkedHashSet<>(), rxDst6 = new LinkedHashSet<>(), txDst6 = new LinkedHashSet<>();
    private final Set<Integer> groups4 = new TreeSet<>();
    private final Set<Ip6> groups6 = new TreeSet<>();

    /** An IPv4 packet the host sent; {@code mcast}: to a group or to the broadcast address. */
    void sent4(int saddr, int daddr, boolean mcast) {
        if (saddr != 0 && !HostSpec.multicast4(saddr)) {
            src4.add(saddr);
        }
        if (!mcast) {
            txDst4.add(daddr);
        }
    }

    /** An IPv4 packet the host received; {@code mcast}: to a group or to the broadcast address. */
    void received4(int daddr, boolean mcast) {
        if (!mcast) {
            rxDst4.add(daddr);
        }
    }

    /** The sender protocol address of an ARP packet the host sent (0 for a probe). */
    void arpSender(int sender) {
        if (sender != 0) {
            src4.add(sender);
        }
    }

    /** An IPv6 packet the host sent. */
    void sent6(Ip6 saddr, Ip6 daddr) {
        if ((saddr.hi() != 0 || saddr.lo() != 0) && !saddr.multicast()) {
            src6.add(saddr);
        }
        if (!daddr.multicast()) {
            txDst6.add(daddr);
        }
    }

    /** An IPv6 packet the host received. */
    void received6(Ip6 daddr) {
        if (!daddr.multicast()) {
            rxDst6.add(daddr);
        }
    }

    /** An IGMP message the host sent, at {@code t}: v1/v2 reports name one group, v3 reports records. */
    void igmp(ByteBuffer b, int t) {
        int type = b.get(t) & 0xFF;
        if (type == 0x16 || type == 0x12) {
            groups4.add(b.getInt(t + 4));
        } else if (type == 0x22 && b.limit() - t >= 8) {
            int records = b.getShort(t + 6) & 0xFFFF;
            int r = t + 8;
            for (int i = 0; i < records && b.limit() - r >= 8; i++) {
                int rtype = b.get(r) & 0xFF;
                int aux = (b.get(r + 1) & 0xFF) * 4;
                int nsrc = b.getShort(r + 2) & 0xFFFF;
                // MODE_IS_EXCLUDE (2) and CHANGE_TO_EXCLUDE (4): the group is joined.
                if (rtype == 2 || rtype == 4) {
                    groups4.add(b.getInt(r + 4));
                }
                r += 8 + 4 * nsrc + aux;
            }
        }
    }

    /** An MLDv1 report (ICMPv6 type 131) the host sent: it joined {@code group}. */
    void mldReport(Ip6 group) {
        groups6.add(group);
    }

    /** An MLDv2 report (ICMPv6 type 143) the host sent, at {@code t}. */
    void mld2(ByteBuffer b, int t) {
        int records = b.getShort(t + 6) & 0xFFFF;
        int r = t + 8;
        for (int i = 0; i < records && b.limit() - r >= 20; i++) {
            int rtype = b.get(r) & 0xFF;
            int aux = (b.get(r + 1) & 0xFF) * 4;
            int nsrc = b.getShort(r + 2) & 0xFFFF;
            if (rtype == 2 || rtype == 4) {
                groups6.add(new Ip6(b.getLong(r + 4), b.getLong(r + 12)));
            }
            r += 20 + 16 * nsrc + aux;
        }
    }

    /** Adds what another namespace (a tunnel's inner frames) showed. */
    void merge(AddressInference o) {
        src4.addAll(o.src4);
        rxDst4.addAll(o.rxDst4);
        txDst4.addAll(o.txDst4);
        src6.addAll(o.src6);
        rxDst6.addAll(o.rxDst6);
        txDst6.addAll(o.txDst6);
        groups4.addAll(o.groups4);
        groups6.addAll(o.groups6);
    }

    /** The host's IPv4 addresses, in unsigned order. */
    List<Integer> ipv4() {
        Set<Integer> ipv4 = new TreeSet<>(Integer::compareUnsigned);
        ipv4.addAll(src4);
        for (int a : rxDst4) {
            if (!txDst4.contains(a) || src4.contains(a)) {
                ipv4.add(a);
            }
        }
        ipv4.remove(0);
        return List.copyOf(ipv4);
    }

    /** The host's IPv6 addresses, less :: and ::1. */
    List<Ip6> ipv6() {
        Set<Ip6> ipv6 = new TreeSet<>(src6);
        for (Ip6 a : rxDst6) {
            if (!txDst6.contains(a) || src6.contains(a)) {
                ipv6.add(a);
            }
        }
        ipv6.remove(new Ip6(0, 0));
        ipv6.remove(new Ip6(0, 1));
        return List.copyOf(ipv6);
    }

    /** The IPv4 groups reported, less 224.0.0.1 (every host is in it) and anything not multicast. */
    List<Integer> groups4() {
        Set<Integer> g = new TreeSet<>(groups4);
        g.remove(0xE000_0001);
        g.removeIf(a -> !HostSpec.multicast4(a));
        return List.copyOf(g);
    }

    /** The IPv6 groups reported, less ff02::1 (every node is in it) and anything not multicast. */
    List<Ip6> groups6() {
        Set<Ip6> g = new TreeSet<>(groups6);
        g.remove(new Ip6(0xff02_0000_0000_0000L, 1L));
        g.removeIf(a -> !a.multicast());
        return List.copyOf(g);
    }
}
