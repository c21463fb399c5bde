package io.icpbench.harness.traffic;

import io.icpbench.stack.encap.EncapHandlers;
import io.icpbench.stack.encap.EncapHandlers.GeneveRcv;
import io.icpbench.stack.encap.EncapHandlers.VxlanRcv;
import io.icpbench.stack.host.HostSpec;
import io.icpbench.stack.wire.EtherType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The host's VXLAN and Geneve devices, as the UDP datagrams of one namespace show them, for
 * {@link HostInference}: a UDP port whose every received datagram carries a valid VXLAN (Geneve)
 * header, at the well-known port (4789 or 8472; 6081) or on at least two datagrams, is a tunnel's.
 * Its device's MAC is the source of the inner frames the host sent through it (else the
 * destination of the ones it received), and its inner frames are kept for the inference one level
 * down.
 *
 * <p>A port is keyed as the port for UDP over IPv4 and the port + 0x10000 over IPv6.
 */
final class TunnelInference {
    /** An inner Ethernet frame, and whether the host sent it (else received it). */
    record InnerFrame(byte[] frame, boolean fromHost) {
    }

    /** A tunnel device found, and the inner frames that crossed it. */
    record Device(HostSpec.Tunnel tunnel, List<InnerFrame> frames) {
    }

    /** What a payload parsed as; and the indexes into a port's counts: datagrams, then those that parsed as VXLAN and as Geneve. */
    private static final int NEITHER = 0, VXLAN = 1, GENEVE = 2, DATAGRAMS = 0;
    /** The bytes a tunnel header needs after it: an inner Ethernet header. */
    private static final int INNER_ETH_HLEN = 14;

    /** Per UDP port received by the host (key as above): datagrams, and how many parsed as VXLAN / Geneve. */
    private final Map<Integer, int[]> candidates = new TreeMap<>();
    /** Inner frames per "kind:family:port:vni", in the order first seen. */
    private final Map<String, List<InnerFrame>> inner = new LinkedHashMap<>();

    /**
     * A datagram the host sent, its UDP header at {@code t}: records its inner frame if it is a
     * VXLAN or Geneve packet, and says whether it was (a tunnel's packets leave from a hashed
     * source port that no socket has: {@code vxlan_src_port}).
     */
    boolean sent(ByteBuffer b, int t, int family, int dport) {
        return payload(b, t, family, dport, true) != NEITHER;
    }

    /** A unicast datagram the host received, its UDP header at {@code t}: counts it for its port, with its inner frame if any. */
    void received(ByteBuffer b, int t, int family, int dport) {
        int[] n = candidates.computeIfAbsent(dport + (family == 6 ? 0x10000 : 0), k -> new int[3]);
        n[DATAGRAMS]++;
        int kind = payload(b, t, family, dport, false);
        if (kind != NEITHER) {
            n[kind]++;
        }
    }

    /** The ports (keyed as above) that are a tunnel's, ascending, with a note for each. */
    Set<Integer> ports(List<String> notes) {
        Set<Integer> ports = new TreeSet<>();
        for (Map.Entry<Integer, int[]> e : candidates.entrySet()) {
            int port = e.getKey() & 0xFFFF;
            boolean v6 = e.getKey() > 0xFFFF;
            int[] n = e.getValue();
            for (String kind : new String[] {HostSpec.Tunnel.VXLAN, HostSpec.Tunnel.GENEVE}) {
                boolean vxlan = kind.equals(HostSpec.Tunnel.VXLAN);
                int parsed = vxlan ? n[VXLAN] : n[GENEVE];
                boolean wellKnown = vxlan
                        ? port == EncapHandlers.IANA_VXLAN_UDP_PORT || port == EncapHandlers.VXLAN_LINUX_UDP_PORT
                        : port == EncapHandlers.GENEVE_UDP_PORT;
                if (parsed == n[DATAGRAMS] && (wellKnown || n[DATAGRAMS] >= 2)) {
                    ports.add(e.getKey());
                    notes.add(String.format(Locale.ROOT, "udp%d port %d: %s (all %d datagrams the host received there carry a %s header)",
                            v6 ? 6 : 4, port, kind, n[DATAGRAMS], kind));
                }
            }
        }
        return ports;
    }

    /**
     * The devices on {@code ports} (from {@link #ports}), one per kind, family, port and VNI whose
     * inner frames were seen, in the order first seen, with a note for each.
     */
    List<Device> devices(Set<Integer> ports, List<String> notes) {
        List<Device> devices = new ArrayList<>();
        for (Map.Entry<String, List<InnerFrame>> e : inner.entrySet()) {
            String[] key = e.getKey().split(":");
            String kind = key[0];
            boolean v6 = key[1].equals("6");
            int port = Integer.parseInt(key[2]);
            int vni = Integer.parseInt(key[3]);
            if (!ports.contains(port + (v6 ? 0x10000 : 0))) {
                continue;
            }
            long tmac = deviceMac(e.getValue());
            String how = "the source of the inner frames the host sent";
            if (tmac < 0) {
                tmac = 0x02_00_00_00_00_00L | vni;
                how = "no unicast inner frame: a made-up local MAC";
            } else if (e.getValue().stream().noneMatch(InnerFrame::fromHost)) {
                how = "the destination of the inner frames the host received";
            }
            devices.add(new Device(new HostSpec.Tunnel(kind, port, vni, tmac, v6), e.getValue()));
            notes.add(String.format(Locale.ROOT, "%s vni %d (outer IPv%d): device MAC %s (%s), %d inner frames", kind, vni, v6 ? 6 : 4,
                    HostSpec.mac(tmac), how, e.getValue().size()));
        }
        return devices;
    }

    /** The most common source MAC of host-sent inner frames, else the most common unicast destination of received ones; -1 if none. */
    private static long deviceMac(List<InnerFrame> frames) {
        Map<Long, Integer> sent = new HashMap<>(), received = new HashMap<>();
        for (InnerFrame x : frames) {
            byte[] f = x.frame();
            if (f.length < 14) {
                continue;
            }
            if (x.fromHost()) {
                sent.merge(HostInference.mac(f, 6), 1, Integer::sum);
            } else if ((HostInference.mac(f, 0) & HostInference.GROUP_BIT) == 0) {
                received.merge(HostInference.mac(f, 0), 1, Integer::sum);
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

    /** Records the inner frame of a VXLAN or Geneve payload, and returns which it was. */
    private int payload(ByteBuffer b, int t, int family, int port, boolean fromHost) {
        int p = t + 8;
        int left = b.limit() - p;
        if (left >= VxlanRcv.VXLAN_HLEN + INNER_ETH_HLEN && b.getInt(p) == VxlanRcv.VXLAN_HF_VNI && (b.get(p + 7) & 0xFF) == 0) {
            int vni = b.getInt(p + 4) >>> 8;
            addInner(HostSpec.Tunnel.VXLAN, family, port, vni, b, p + VxlanRcv.VXLAN_HLEN, fromHost);
            return VXLAN;
        }
        if (left >= GeneveRcv.GENEVE_HLEN + INNER_ETH_HLEN && (b.get(p) & 0xC0) == 0
                && (b.getShort(p + 2) & 0xFFFF) == EtherType.ETH_P_TEB) {
            int optLen = (b.get(p) & 0x3F) * 4;
            if (left >= GeneveRcv.GENEVE_HLEN + optLen + INNER_ETH_HLEN) {
                int vni = b.getInt(p + 4) >>> 8;
                addInner(HostSpec.Tunnel.GENEVE, family, port, vni, b, p + GeneveRcv.GENEVE_HLEN + optLen, fromHost);
                return GENEVE;
            }
        }
        return NEITHER;
    }

    private void addInner(String kind, int family, int port, int vni, ByteBuffer b, int from, boolean fromHost) {
        byte[] frame = new byte[b.limit() - from];
        b.get(from, frame);
        inner.computeIfAbsent(kind + ":" + family + ":" + port + ":" + vni, k -> new ArrayList<>()).add(new InnerFrame(frame, fromHost));
    }
}
