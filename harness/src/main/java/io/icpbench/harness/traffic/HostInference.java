package io.icpbench.harness.traffic;

import io.icpbench.stack.host.HostSpec;
import io.icpbench.stack.host.HostSpec.Ip6;
import io.icpbench.stack.wire.EtherType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
 *
 * <p>This class chooses the MAC, walks each frame's headers and hands each fact to the one that
 * judges it: {@link AddressInference} (addresses and groups), {@link SocketInference} (UDP
 * ports), {@link TunnelInference} (tunnel devices and their inner frames). It also counts the
 * received segments whose checksum is in the partial form.
 */
public final class HostInference {
    /** What was inferred and how, one note per fact a reader may want to check. */
    public record Inferred(HostSpec host, List<String> notes) {
    }

    /** The group bit of a MAC (the low bit of its first byte): multicast and broadcast. */
    static final long GROUP_BIT = 0x0100_0000_0000L;

    /** Facts collected for one namespace (the outer host and its tunnels' inner frames alike). */
    private final AddressInference addresses = new AddressInference();
    private final SocketInference sockets = new SocketInference();
    private final TunnelInference tunnels = new TunnelInference();
    private final Set<Integer> vlans = new TreeSet<>();
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
        Set<Integer> tunnelPorts = outer.tunnels.ports(notes);
        // Inner frames: the tunnel device's MAC, then the same inference one level down (one level of nesting).
        HostInference in = new HostInference();
        List<HostSpec.Tunnel> devices = new ArrayList<>();
        for (TunnelInference.Device d : outer.tunnels.devices(tunnelPorts, notes)) {
            devices.add(d.tunnel());
            for (TunnelInference.InnerFrame x : d.frames()) {
                in.frame(x.frame(), d.tunnel().mac());
            }
        }
        outer.merge(in);
        for (int key : tunnelPorts) {
            outer.sockets.forget(key > 0xFFFF ? 6 : 4, key & 0xFFFF);
        }
        if (outer.partial > 0) {
            notes.add(String.format(Locale.ROOT, "partial-checksums yes: %d of %d received UDP/TCP segments carry the partial form (the "
                    + "pseudo-header sum a sender that offloads its checksums leaves: a veth or virtio link), which the kernel never "
                    + "verifies", outer.partial, outer.checksummed));
        }
        HostSpec host = outer.spec(mac, devices, notes);
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
            peers.computeIfAbsent(src, k -> new HashSet<>());
            if ((dst & GROUP_BIT) == 0 && dst != 0) {
                counts.computeIfAbsent(dst, k -> new long[2])[0]++;
                peers.computeIfAbsent(dst, k -> new HashSet<>()).add(src);
                peers.get(src).add(dst);
            }
        }
        if (counts.isEmpty()) {
            throw new IllegalArgumentException("the capture has no unicast Ethernet source to tell the receiving host by: "
                    + "give --host FILE (see docs/captures.md for the format); a loopback capture (all-zero MACs) replays without --host, "
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
        if (type == EtherType.ETH_P_8021Q && f.length >= 18) {
            vlans.add(b.getShort(14) & 0x0FFF);
            type = b.getShort(16) & 0xFFFF;
            off = 18;
        }
        if (type == EtherType.ETH_P_IP) {
            ipv4(b, off, fromHost);
        } else if (type == EtherType.ETH_P_IPV6) {
            ipv6(b, off, fromHost);
        } else if (type == EtherType.ETH_P_ARP && fromHost && f.length >= off + 28
                && (b.getShort(off + 2) & 0xFFFF) == EtherType.ETH_P_IP) {
            addresses.arpSender(b.getInt(off + 14));
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
            addresses.sent4(saddr, daddr, mcast);
        } else {
            addresses.received4(daddr, mcast);
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
                sockets.unreachable(4, b.getShort(q + qihl + 2) & 0xFFFF);
            }
        } else if (proto == 2 && fromHost) {
            addresses.igmp(b, t);
        }
    }

    private void ipv6(ByteBuffer b, int n, boolean fromHost) {
        if (b.limit() - n < 40 || (b.get(n) >>> 4 & 0xF) != 6) {
            return;
        }
        Ip6 saddr = new Ip6(b.getLong(n + 8), b.getLong(n + 16));
        Ip6 daddr = new Ip6(b.getLong(n + 24), b.getLong(n + 32));
        if (fromHost) {
            addresses.sent6(saddr, daddr);
        } else {
            addresses.received6(daddr);
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
                sockets.unreachable(6, b.getShort(t + 8 + 40 + 2) & 0xFFFF);
            } else if (type == 143) {
                addresses.mld2(b, t);
            } else if (type == 131 && b.limit() - t >= 24) {
                addresses.mldReport(new Ip6(b.getLong(t + 8), b.getLong(t + 16)));
            }
        }
    }

    private void udp(ByteBuffer b, int t, int family, boolean fromHost, boolean mcast) {
        int sport = b.getShort(t) & 0xFFFF, dport = b.getShort(t + 2) & 0xFFFF;
        if (fromHost) {
            // A tunnel's own packets leave from a hashed source port that no socket has (vxlan_src_port).
            if (!tunnels.sent(b, t, family, dport)) {
                sockets.sent(family, sport);
            }
            return;
        }
        if (mcast) {
            return;
        }
        sockets.received(family, dport);
        tunnels.received(b, t, family, dport);
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

    /** Adds what another namespace (a tunnel's inner frames) showed; its VLANs and tunnels stay its own. */
    private void merge(HostInference o) {
        addresses.merge(o.addresses);
        sockets.merge(o.sockets);
        checksummed += o.checksummed;
        partial += o.partial;
    }

    private HostSpec spec(long mac, List<HostSpec.Tunnel> devices, List<String> notes) {
        List<Integer> udp4 = sockets.ports(4, notes);
        List<Integer> udp6 = sockets.ports(6, notes);
        return new HostSpec(mac, addresses.ipv4(), addresses.ipv6(), addresses.groups4(), addresses.groups6(), udp4, udp6,
                List.copyOf(vlans), devices, true, partial > 0);
    }

    /** The 48-bit MAC at {@code at} of a frame. */
    static long mac(byte[] f, int at) {
        long m = 0;
        for (int i = 0; i < 6; i++) {
            m = m << 8 | (f[at + i] & 0xFF);
        }
        return m;
    }
}
