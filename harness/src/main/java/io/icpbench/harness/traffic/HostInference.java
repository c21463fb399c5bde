package io.icpbench.harness.traffic;

import io.icpbench.stack.host.HostSpec;
import io.icpbench.stack.host.HostSpec.Ip6;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Infers the receiving host of a capture ({@code --host auto}) from its frames, both directions
 * of the interface it was taken on:
 * <ul>
 * <li>the host's MAC: the unicast MAC that talks to the most other unicast MACs, ties broken by
 *     the frames addressed to it (in a capture of one interface the host is the one end every
 *     conversation shares);</li>
 * <li>its addresses: the sources of IP frames it sent (and of its ARP answers), and the unicast
 *     destinations of frames it received, except those it also sent to (a router forwards them);</li>
 * <li>its UDP sockets: ports it received datagrams on or sent from, less the ports it answered
 *     with an ICMP port unreachable (ICMPv6 type 1 code 4) and never sent from;</li>
 * <li>VXLAN and Geneve devices: a UDP port whose every received datagram carries a valid VXLAN
 *     (Geneve) header, at the well-known port (4789 or 8472; 6081) or on at least two datagrams;
 *     the device's MAC is the source of the inner frames the host sent through it (else the
 *     destination of the ones it received); inner frames add addresses and ports as outer ones do;</li>
 * <li>VLANs: the 802.1Q ids of frames to or from the host;</li>
 * <li>multicast groups: those the host reported in IGMPv2/v3 and MLDv2 reports.</li>
 * </ul>
 * What cannot be told from a capture is listed in the notes (a closed port whose ICMP answers were
 * all rate-limited looks open). {@code --write-host} saves the result for a person to check.
 */
public final class HostInference {
    /** What was inferred and how, one note per fact a reader may want to check. */
    public record Inferred(HostSpec host, List<String> notes) {
    }

    private static final int ETH_P_IP = 0x0800, ETH_P_IPV6 = 0x86DD, ETH_P_ARP = 0x0806, ETH_P_8021Q = 0x8100;
    private static final long GROUP_BIT = 0x0100_0000_0000L;
    private static final int VXLAN_IANA = 4789, VXLAN_LINUX = 8472, GENEVE_IANA = 6081;

    /** Facts collected for one namespace (the outer host and its tunnels' inner frames alike). */
    private final Set<Integer> src4 = new LinkedHashSet<>(), rxDst4 = new LinkedHashSet<>(), txDst4 = new LinkedHashSet<>();
    private final Set<Ip6> src6 = new LinkedHashSet<>(), rxDst6 = new LinkedHashSet<>(), txDst6 = new LinkedHashSet<>();
    private final Map<Integer, Integer> rxPorts4 = new TreeMap<>(), rxPorts6 = new TreeMap<>();
    private final Set<Integer> txPorts4 = new TreeSet<>(), txPorts6 = new TreeSet<>();
    private final Map<Integer, Integer> unreach4 = new TreeMap<>(), unreach6 = new TreeMap<>();
    private final Set<Integer> groups4 = new TreeSet<>();
    private final Set<Ip6> groups6 = new TreeSet<>();
    private final Set<Integer> vlans = new TreeSet<>();
    /** Per UDP port received by the host (IPv6 ports + 65536): datagrams, and how many parsed as VXLAN / Geneve. */
    private final Map<Integer, int[]> tunnelCandidates = new TreeMap<>();
    /** Inner frames per (kind, family, port, VNI): [frame, fromHost]. */
    private final Map<String, List<Object[]>> inner = new LinkedHashMap<>();
    /** Received UDP/TCP segments whose checksum could be checked, and those in the partial form (CHECKSUM_PARTIAL). */
    private int checksummed, partial;

    private HostInference() {
    }

    /**
     * Infers the host of {@code packets}.
     *
     * @throws IllegalArgumentException if the capture has no unicast Ethernet frame to tell a host by
     */
    public static Inferred infer(List<Pcap.Packet> packets) {
        List<byte[]> frames = packets.stream().map(Pcap.Packet::frame).toList();
        List<String> notes = new ArrayList<>();
        long mac = chooseMac(frames, notes);
        HostInference outer = new HostInference();
        for (byte[] f : frames) {
            outer.frame(f, mac);
        }
        List<HostSpec.Tunnel> tunnels = new ArrayList<>();
        Set<Integer> tunnelPorts = new TreeSet<>();
        for (Map.Entry<Integer, int[]> e : outer.tunnelCandidates.entrySet()) {
            int port = e.getKey() & 0xFFFF;
            boolean v6 = e.getKey() > 0xFFFF;
            int[] n = e.getValue();
            for (String kind : new String[] {HostSpec.Tunnel.VXLAN, HostSpec.Tunnel.GENEVE}) {
                int parsed = kind.equals(HostSpec.Tunnel.VXLAN) ? n[1] : n[2];
                boolean wellKnown = kind.equals(HostSpec.Tunnel.VXLAN) ? port == VXLAN_IANA || port == VXLAN_LINUX : port == GENEVE_IANA;
                if (parsed == n[0] && (wellKnown || n[0] >= 2)) {
                    tunnelPorts.add(e.getKey());
                    notes.add(String.format(Locale.ROOT, "udp%d port %d: %s (all %d datagrams the host received there carry a %s header)",
                            v6 ? 6 : 4, port, kind, n[0], kind));
                }
            }
        }
        // Inner frames: the tunnel device's MAC, then the same inference one level down (one level of nesting).
        HostInference in = new HostInference();
        for (Map.Entry<String, List<Object[]>> e : outer.inner.entrySet()) {
            String[] key = e.getKey().split(":");
            String kind = key[0];
            boolean v6 = key[1].equals("6");
            int port = Integer.parseInt(key[2]);
            int vni = Integer.parseInt(key[3]);
            if (!tunnelPorts.contains(port + (v6 ? 0x10000 : 0))) {
                continue;
            }
            long tmac = tunnelMac(e.getValue());
            String how = "the source of the inner frames the host sent";
            if (tmac < 0) {
                tmac = 0x02_00_00_00_00_00L | vni;
                how = "no unicast inner frame: a made-up local MAC";
            } else if (e.getValue().stream().noneMatch(x -> (Boolean) x[1])) {
                how = "the destination of the inner frames the host received";
            }
            tunnels.add(new HostSpec.Tunnel(kind, port, vni, tmac, v6));
            notes.add(String.format(Locale.ROOT, "%s vni %d (outer IPv%d): device MAC %s (%s), %d inner frames", kind, vni, v6 ? 6 : 4,
                    HostSpec.mac(tmac), how, e.getValue().size()));
            for (Object[] x : e.getValue()) {
                in.frame((byte[]) x[0], tmac);
            }
        }
        outer.merge(in);
        for (int key : tunnelPorts) {
            int p = key & 0xFFFF;
            if (key > 0xFFFF) {
                outer.rxPorts6.remove(p);
                outer.txPorts6.remove(p);
                outer.unreach6.remove(p);
            } else {
                outer.rxPorts4.remove(p);
                outer.txPorts4.remove(p);
                outer.unreach4.remove(p);
            }
        }
        if (outer.partial > 0) {
            notes.add(String.format(Locale.ROOT, "partial-checksums yes: %d of %d received UDP/TCP segments carry the partial form (the "
                    + "pseudo-header sum a sender that offloads its checksums leaves: a veth or virtio link), which the kernel never "
                    + "verifies", outer.partial, outer.checksummed));
        }
        HostSpec host = outer.spec(mac, tunnels, notes);
        return new Inferred(host, notes);
    }

    /** The host's MAC: most distinct unicast peers, then most frames received, then most frames sent. */
    private static long chooseMac(List<byte[]> frames, List<String> notes) {
        Map<Long, Set<Long>> peers = new HashMap<>();
        Map<Long, long[]> counts = new HashMap<>();
        for (byte[] f : frames) {
            if (f.length < 14) {
                continue;
            }
            long dst = mac(f, 0), src = mac(f, 6);
            if ((src & GROUP_BIT) != 0 || src == 0) {
                continue;
            }
            counts.computeIfAbsent(src, k -> new long[2])[1]++;
            peers.computeIfAbsent(src, k -> new java.util.HashSet<>());
            if ((dst & GROUP_BIT) == 0 && dst != 0) {
                counts.computeIfAbsent(dst, k -> new long[2])[0]++;
                peers.computeIfAbsent(dst, k -> new java.util.HashSet<>()).add(src);
                peers.get(src).add(dst);
            }
        }
        if (counts.isEmpty()) {
            throw new IllegalArgumentException("the capture has no unicast Ethernet source to tell the receiving host by: "
                    + "give --host FILE (see the README for the format); a loopback capture (all-zero MACs) replays without --host, "
                    + "with --device lo");
        }
        long best = -1;
        for (Long m : counts.keySet()) {
            if (best < 0 || compare(m, best, peers, counts) > 0) {
                best = m;
            }
        }
        long[] c = counts.get(best);
        notes.add(String.format(Locale.ROOT, "host MAC %s: talks to %d other unicast MAC(s), received %d unicast frames and sent %d",
                HostSpec.mac(best), peers.get(best).size(), c[0], c[1]));
        return best;
    }

    private static int compare(long a, long b, Map<Long, Set<Long>> peers, Map<Long, long[]> counts) {
        int c = Integer.compare(peers.get(a).size(), peers.get(b).size());
        if (c == 0) {
            c = Long.compare(counts.get(a)[0], counts.get(b)[0]);
        }
        if (c == 0) {
            c = Long.compare(counts.get(a)[1], counts.get(b)[1]);
        }
        return c != 0 ? c : Long.compare(b, a);
    }

    /** The most common source MAC of host-sent inner frames, else the most common unicast destination of received ones; -1 if none. */
    private static long tunnelMac(List<Object[]> frames) {
        Map<Long, Integer> sent = new HashMap<>(), received = new HashMap<>();
        for (Object[] x : frames) {
            byte[] f = (byte[]) x[0];
            if (f.length < 14) {
                continue;
            }
            if ((Boolean) x[1]) {
                sent.merge(mac(f, 6), 1, Integer::sum);
            } else if ((mac(f, 0) & GROUP_BIT) == 0) {
                received.merge(mac(f, 0), 1, Integer::sum);
            }
        }
        Map<Long, Integer> use = sent.isEmpty() ? received : sent;
        long best = -1;
        int bestCount = 0;
        for (Map.Entry<Long, Integer> e : use.entrySet()) {
            // Most frames; a tie goes to the lower MAC, so the answer does not depend on map order.
            if (e.getValue() > bestCount || (e.getValue() == bestCount && e.getKey() < best)) {
                best = e.getKey();
                bestCount = e.getValue();
            }
        }
        return best;
    }

    /**
     * Looks at one frame of the device whose MAC is {@code hostMac}: sent by it (its source MAC),
     * or received (to it, or to a group); frames between others are ignored.
     */
    private void frame(byte[] f, long hostMac) {
        if (f.length < 14) {
            return;
        }
        long dst = mac(f, 0), src = mac(f, 6);
        boolean fromHost = src == hostMac;
        boolean toHost = !fromHost && (dst == hostMac || (dst & GROUP_BIT) != 0);
        if (!fromHost && !toHost) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(f);
        int type = b.getShort(12) & 0xFFFF;
        int off = 14;
        if (type == ETH_P_8021Q && f.length >= 18) {
            vlans.add(b.getShort(14) & 0x0FFF);
            type = b.getShort(16) & 0xFFFF;
            off = 18;
        }
        if (type == ETH_P_IP) {
            ipv4(b, off, fromHost);
        } else if (type == ETH_P_IPV6) {
            ipv6(b, off, fromHost);
        } else if (type == ETH_P_ARP && fromHost && f.length >= off + 28 && (b.getShort(off + 2) & 0xFFFF) == ETH_P_IP) {
            int sender = b.getInt(off + 14);
            if (sender != 0) {
                src4.add(sender);
            }
        }
    }

    private void ipv4(ByteBuffer b, int n, boolean fromHost) {
        if (b.limit() - n < 20 || (b.get(n) >>> 4 & 0xF) != 4) {
            return;
        }
        int ihl = (b.get(n) & 0xF) * 4;
        int frag = b.getShort(n + 6) & 0x1FFF;
        int proto = b.get(n + 9) & 0xFF;
        int saddr = b.getInt(n + 12), daddr = b.getInt(n + 16);
        boolean mcast = HostSpec.multicast4(daddr) || daddr == -1;
        if (fromHost) {
            if (saddr != 0 && !HostSpec.multicast4(saddr)) {
                src4.add(saddr);
            }
            if (!mcast) {
                txDst4.add(daddr);
            }
        } else if (!mcast) {
            rxDst4.add(daddr);
        }
        int t = n + ihl;
        boolean more = (b.getShort(n + 6) & 0x2000) != 0;
        if (frag != 0 || b.limit() - t < 8) {
            return;
        }
        int l4len = (b.getShort(n + 2) & 0xFFFF) - ihl;
        if (!fromHost && !more && (proto == 17 || proto == 6) && l4len >= 8 && b.limit() - t >= l4len) {
            checksum(b, t, l4len, proto, (saddr & 0xFFFF_FFFFL) + (daddr & 0xFFFF_FFFFL));
        }
        if (proto == 17) {
            udp(b, t, 4, fromHost, mcast);
        } else if (proto == 1 && fromHost && (b.get(t) & 0xFF) == 3 && (b.get(t + 1) & 0xFF) == 3 && b.limit() - t >= 8 + 20 + 4) {
            // ICMP port unreachable: the quoted header names the closed port.
            int q = t + 8;
            int qihl = (b.get(q) & 0xF) * 4;
            if ((b.get(q + 9) & 0xFF) == 17 && b.limit() - q - qihl >= 4) {
                unreach4.merge(b.getShort(q + qihl + 2) & 0xFFFF, 1, Integer::sum);
            }
        } else if (proto == 2 && fromHost) {
            igmp(b, t);
        }
    }

    private void igmp(ByteBuffer b, int t) {
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

    private void ipv6(ByteBuffer b, int n, boolean fromHost) {
        if (b.limit() - n < 40 || (b.get(n) >>> 4 & 0xF) != 6) {
            return;
        }
        Ip6 saddr = new Ip6(b.getLong(n + 8), b.getLong(n + 16));
        Ip6 daddr = new Ip6(b.getLong(n + 24), b.getLong(n + 32));
        if (fromHost) {
            if ((saddr.hi() != 0 || saddr.lo() != 0) && !saddr.multicast()) {
                src6.add(saddr);
            }
            if (!daddr.multicast()) {
                txDst6.add(daddr);
            }
        } else if (!daddr.multicast()) {
            rxDst6.add(daddr);
        }
        int nh = b.get(n + 6) & 0xFF;
        int t = n + 40;
        boolean fragment = false;
        for (int i = 0; i < 8 && (nh == 0 || nh == 43 || nh == 60 || nh == 44); i++) {
            if (b.limit() - t < 8) {
                return;
            }
            if (nh == 44) {
                fragment = true;
                if ((b.getShort(t + 2) & 0xFFF8) != 0) {
                    return;
                }
                nh = b.get(t) & 0xFF;
                t += 8;
            } else {
                nh = b.get(t) & 0xFF;
                t += ((b.get(t + 1) & 0xFF) + 1) * 8;
            }
        }
        if (b.limit() - t < 8) {
            return;
        }
        int l4len = n + 40 + (b.getShort(n + 4) & 0xFFFF) - t;
        if (!fromHost && !fragment && (nh == 17 || nh == 6) && l4len >= 8 && b.limit() - t >= l4len) {
            checksum(b, t, l4len, nh, sum(b, n + 8, 32));
        }
        if (nh == 17) {
            udp(b, t, 6, fromHost, daddr.multicast());
        } else if (nh == 58 && fromHost) {
            int type = b.get(t) & 0xFF;
            if (type == 1 && (b.get(t + 1) & 0xFF) == 4 && b.limit() - t >= 8 + 40 + 4 && (b.get(t + 8 + 6) & 0xFF) == 17) {
                unreach6.merge(b.getShort(t + 8 + 40 + 2) & 0xFFFF, 1, Integer::sum);
            } else if (type == 143) {
                mld2(b, t);
            } else if (type == 131 && b.limit() - t >= 24) {
                groups6.add(new Ip6(b.getLong(t + 8), b.getLong(t + 16)));
            }
        }
    }

    private void mld2(ByteBuffer b, int t) {
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

    private void udp(ByteBuffer b, int t, int family, boolean fromHost, boolean mcast) {
        int sport = b.getShort(t) & 0xFFFF, dport = b.getShort(t + 2) & 0xFFFF;
        if (fromHost) {
            // A tunnel's own packets leave from a hashed source port that no socket has (vxlan_src_port).
            if (tunnelPayload(b, t, family, dport, true) == 0) {
                (family == 4 ? txPorts4 : txPorts6).add(sport);
            }
            return;
        }
        if (mcast) {
            return;
        }
        (family == 4 ? rxPorts4 : rxPorts6).merge(dport, 1, Integer::sum);
        int[] n = tunnelCandidates.computeIfAbsent(dport + (family == 6 ? 0x10000 : 0), k -> new int[3]);
        n[0]++;
        int kind = tunnelPayload(b, t, family, dport, false);
        if (kind > 0) {
            n[kind]++;
        }
    }

    /** Records the inner frame of a VXLAN (1) or Geneve (2) payload, and returns which it was (0: neither). */
    private int tunnelPayload(ByteBuffer b, int t, int family, int port, boolean fromHost) {
        int p = t + 8;
        int left = b.limit() - p;
        if (left >= 8 + 14 && b.getInt(p) == 0x0800_0000 && (b.get(p + 7) & 0xFF) == 0) {
            int vni = b.getInt(p + 4) >>> 8;
            addInner(HostSpec.Tunnel.VXLAN, family, port, vni, b, p + 8, fromHost);
            return 1;
        }
        if (left >= 8 + 14 && (b.get(p) & 0xC0) == 0 && (b.getShort(p + 2) & 0xFFFF) == 0x6558) {
            int optLen = (b.get(p) & 0x3F) * 4;
            if (left >= 8 + optLen + 14) {
                int vni = b.getInt(p + 4) >>> 8;
                addInner(HostSpec.Tunnel.GENEVE, family, port, vni, b, p + 8 + optLen, fromHost);
                return 2;
            }
        }
        return 0;
    }

    private void addInner(String kind, int family, int port, int vni, ByteBuffer b, int from, boolean fromHost) {
        byte[] frame = new byte[b.limit() - from];
        b.get(from, frame);
        inner.computeIfAbsent(kind + ":" + family + ":" + port + ":" + vni, k -> new ArrayList<>()).add(new Object[] {frame, fromHost});
    }

    /**
     * Checks a received UDP or TCP segment's checksum ({@code addresses}: the pseudo-header's
     * address sum): full and right, or the partial form a checksum-offloading sender leaves.
     */
    private void checksum(ByteBuffer b, int t, int length, int proto, long addresses) {
        int field = b.getShort(t + (proto == 17 ? 6 : 16)) & 0xFFFF;
        if (proto == 17 && field == 0) {
            return;
        }
        long pseudo = addresses + proto + length;
        checksummed++;
        if (fold(sum(b, t, length) + pseudo) != 0xFFFF && field == fold(pseudo)) {
            partial++;
        }
    }

    private static long sum(ByteBuffer b, int off, int len) {
        long s = 0;
        int i = 0;
        for (; i + 1 < len; i += 2) {
            s += b.getShort(off + i) & 0xFFFF;
        }
        if (i < len) {
            s += (b.get(off + i) & 0xFF) << 8;
        }
        return s;
    }

    private static int fold(long s) {
        while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) s;
    }

    private void merge(HostInference o) {
        src4.addAll(o.src4);
        rxDst4.addAll(o.rxDst4);
        txDst4.addAll(o.txDst4);
        src6.addAll(o.src6);
        rxDst6.addAll(o.rxDst6);
        txDst6.addAll(o.txDst6);
        o.rxPorts4.forEach((k, v) -> rxPorts4.merge(k, v, Integer::sum));
        o.rxPorts6.forEach((k, v) -> rxPorts6.merge(k, v, Integer::sum));
        txPorts4.addAll(o.txPorts4);
        txPorts6.addAll(o.txPorts6);
        o.unreach4.forEach((k, v) -> unreach4.merge(k, v, Integer::sum));
        o.unreach6.forEach((k, v) -> unreach6.merge(k, v, Integer::sum));
        groups4.addAll(o.groups4);
        groups6.addAll(o.groups6);
        checksummed += o.checksummed;
        partial += o.partial;
    }

    private HostSpec spec(long mac, List<HostSpec.Tunnel> tunnels, List<String> notes) {
        Set<Integer> ipv4 = new TreeSet<>(Integer::compareUnsigned);
        ipv4.addAll(src4);
        for (int a : rxDst4) {
            if (!txDst4.contains(a) || src4.contains(a)) {
                ipv4.add(a);
            }
        }
        ipv4.remove(0);
        Set<Ip6> ipv6 = new TreeSet<>(src6);
        for (Ip6 a : rxDst6) {
            if (!txDst6.contains(a) || src6.contains(a)) {
                ipv6.add(a);
            }
        }
        ipv6.remove(new Ip6(0, 0));
        ipv6.remove(new Ip6(0, 1));
        List<Integer> udp4 = ports(4, rxPorts4, txPorts4, unreach4, notes);
        List<Integer> udp6 = ports(6, rxPorts6, txPorts6, unreach6, notes);
        groups4.remove(0xE000_0001);
        groups4.removeIf(g -> !HostSpec.multicast4(g));
        groups6.remove(new Ip6(0xff02_0000_0000_0000L, 1L));
        groups6.removeIf(g -> !g.multicast());
        return new HostSpec(mac, List.copyOf(ipv4), List.copyOf(ipv6), List.copyOf(groups4), List.copyOf(groups6), udp4, udp6,
                List.copyOf(vlans), tunnels, true, partial > 0);
    }

    private static List<Integer> ports(int family, Map<Integer, Integer> rx, Set<Integer> tx, Map<Integer, Integer> unreach,
            List<String> notes) {
        Set<Integer> open = new TreeSet<>(rx.keySet());
        open.addAll(tx);
        for (Map.Entry<Integer, Integer> e : unreach.entrySet()) {
            int port = e.getKey();
            if (tx.contains(port)) {
                notes.add(String.format(Locale.ROOT, "udp%d port %d: open (the host sent from it) although it answered %d datagram(s) "
                        + "with port unreachable", family, port, e.getValue()));
            } else {
                open.remove(port);
                notes.add(String.format(Locale.ROOT, "udp%d port %d: closed (%d of %d datagram(s) answered with port unreachable)", family,
                        port, e.getValue(), rx.getOrDefault(port, 0)));
            }
        }
        for (int port : open) {
            if (tx.contains(port) && !unreach.containsKey(port)) {
                notes.add(String.format(Locale.ROOT, "udp%d port %d: open (the host sent from it; %d datagram(s) received)", family, port,
                        rx.getOrDefault(port, 0)));
            } else if (!tx.contains(port) && !unreach.containsKey(port)) {
                notes.add(String.format(Locale.ROOT, "udp%d port %d: open (%d datagram(s) received, no port unreachable; a closed port "
                        + "whose ICMP answers were all rate-limited would look the same)", family, port, rx.getOrDefault(port, 0)));
            }
        }
        return List.copyOf(open);
    }

    private static long mac(byte[] f, int at) {
        long m = 0;
        for (int i = 0; i < 6; i++) {
            m = m << 8 | (f[at + i] & 0xFF);
        }
        return m;
    }
}
