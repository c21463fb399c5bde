package io.icpbench.stack.host;

import io.icpbench.stack.wire.FrameBuilder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The receiving host of a capture, as far as its receive path cares: the MAC of the interface the
 * capture was taken on, the host's addresses, the UDP ports that have sockets, its VXLAN and Geneve
 * devices and its VLANs. {@link HostTopology} builds a modeled stack for it, so that the capture's
 * own frames are received there as they were on the real host.
 *
 * <p>The text form is one fact per line, {@code #} starts a comment:
 *
 * <pre>
 * mac        02:5a:00:00:00:02          the interface the capture was taken on (exactly one)
 * ipv4       10.10.0.2                  a local IPv4 address (any number)
 * ipv6       fd10::2                    a local IPv6 address; its solicited-node group is joined
 * ipv4-group 224.0.0.251                a joined IPv4 multicast group (224.0.0.1 always is)
 * ipv6-group ff02::fb                   a joined IPv6 multicast group (ff02::1 always is)
 * udp4       5201                       a UDP socket on port 5201 (IPv4, any local address)
 * udp6       53                         a UDP socket on port 53 (IPv6)
 * vlan       100                        an 802.1Q VLAN device on the interface
 * vxlan      4789 vni 42 mac 02:..:..   a VXLAN device: its socket's UDP port, VNI, MAC (outer IPv4)
 * vxlan      4789 vni 43 mac 02:..:.. ipv6   the same over IPv6 (its socket is an IPv6 socket)
 * geneve     6081 vni 7 mac 02:..:..    a Geneve device, the same
 * netfilter  conntrack                  conntrack's hooks at PRE_ROUTING and LOCAL_IN (default), or none
 * partial-checksums yes                 UDP/TCP checksums in the partial form count as verified (default no)
 * </pre>
 *
 * {@code partial-checksums yes} is for captures taken on the receiving side of a veth or virtio
 * link: a sender that offloads its checksums leaves the pseudo-header sum in the packet
 * (CHECKSUM_PARTIAL), and the receiving kernel never verifies it.
 *
 * Addresses of VLAN and tunnel devices are listed with the others: the kernel's input route is
 * per host, not per device (the weak host model).
 *
 * @param mac        the interface's MAC (low 48 bits)
 * @param ipv4       local IPv4 addresses
 * @param ipv6       local IPv6 addresses
 * @param ipv4Groups joined IPv4 multicast groups beyond 224.0.0.1
 * @param ipv6Groups joined IPv6 multicast groups beyond ff02::1 and the solicited-node groups
 * @param udp4       UDP ports with an IPv4 socket
 * @param udp6       UDP ports with an IPv6 socket
 * @param vlans      VLAN ids
 * @param tunnels    VXLAN and Geneve devices
 * @param conntrack  whether conntrack's hooks are registered
 * @param partialChecksums whether UDP/TCP checksums in the partial form count as verified
 */
public record HostSpec(long mac, List<Integer> ipv4, List<Ip6> ipv6, List<Integer> ipv4Groups, List<Ip6> ipv6Groups,
        List<Integer> udp4, List<Integer> udp6, List<Integer> vlans, List<Tunnel> tunnels, boolean conntrack, boolean partialChecksums) {

    /** An IPv6 address as its two big-endian halves. */
    public record Ip6(long hi, long lo) implements Comparable<Ip6> {
        public static Ip6 of(byte[] a) {
            ByteBuffer b = ByteBuffer.wrap(a);
            return new Ip6(b.getLong(), b.getLong());
        }

        public static Ip6 parse(String text) {
            return of(FrameBuilder.ipv6(text));
        }

        public byte[] bytes() {
            return ByteBuffer.allocate(16).putLong(hi).putLong(lo).array();
        }

        public boolean multicast() {
            return (hi >>> 56) == 0xFF;
        }

        /** The solicited-node group ff02::1:ffXX:XXXX of this address (RFC 4291 2.7.1). */
        public Ip6 solicitedNode() {
            return new Ip6(0xff02_0000_0000_0000L, 0x0000_0001_ff00_0000L | (lo & 0xFF_FFFFL));
        }

        @Override
        public int compareTo(Ip6 o) {
            int c = Long.compareUnsigned(hi, o.hi);
            return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
        }

        /** RFC 5952 text: lower case, the longest run of two or more zero groups as "::". */
        @Override
        public String toString() {
            int[] g = new int[8];
            for (int i = 0; i < 4; i++) {
                g[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
                g[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
            }
            int bestStart = -1, bestLen = 1;
            for (int i = 0; i < 8; ) {
                if (g[i] != 0) {
                    i++;
                    continue;
                }
                int j = i;
                while (j < 8 && g[j] == 0) {
                    j++;
                }
                if (j - i > bestLen) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            }
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                if (i == bestStart) {
                    s.append("::");
                    i += bestLen - 1;
                    continue;
                }
                if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                    s.append(':');
                }
                s.append(Integer.toHexString(g[i]));
            }
            return s.toString();
        }
    }

    /**
     * A VXLAN or Geneve device.
     *
     * @param kind "vxlan" or "geneve"
     * @param port the UDP port of its socket
     * @param vni  its VNI, 0..16777215
     * @param mac  its MAC
     * @param ipv6 whether its outer header (and socket) is IPv6
     */
    public record Tunnel(String kind, int port, int vni, long mac, boolean ipv6) {
        public static final String VXLAN = "vxlan", GENEVE = "geneve";

        public Tunnel {
            if (!VXLAN.equals(kind) && !GENEVE.equals(kind)) {
                throw new IllegalArgumentException("tunnel kind " + kind + ", expected vxlan or geneve");
            }
            checkPort(port);
            if (vni < 0 || vni > 0xFF_FFFF) {
                throw new IllegalArgumentException("vni " + vni + ", expected 0..16777215");
            }
        }
    }

    public HostSpec {
        ipv4 = List.copyOf(ipv4);
        ipv6 = List.copyOf(ipv6);
        ipv4Groups = List.copyOf(ipv4Groups);
        ipv6Groups = List.copyOf(ipv6Groups);
        udp4 = List.copyOf(udp4);
        udp6 = List.copyOf(udp6);
        vlans = List.copyOf(vlans);
        tunnels = List.copyOf(tunnels);
        if ((mac & 0x0100_0000_0000L) != 0 || mac == 0 || (mac >>> 48) != 0) {
            throw new IllegalArgumentException("mac " + mac(mac) + " is not a unicast MAC");
        }
        noDuplicates("ipv4", ipv4);
        noDuplicates("ipv6", ipv6);
        noDuplicates("ipv4-group", ipv4Groups);
        noDuplicates("ipv6-group", ipv6Groups);
        noDuplicates("udp4", udp4);
        noDuplicates("udp6", udp6);
        noDuplicates("vlan", vlans);
        for (int a : ipv4) {
            if (multicast4(a)) {
                throw new IllegalArgumentException("ipv4 " + ip4(a) + " is a multicast address: list it as ipv4-group");
            }
        }
        for (int a : ipv4Groups) {
            if (!multicast4(a)) {
                throw new IllegalArgumentException("ipv4-group " + ip4(a) + " is not a multicast address (224.0.0.0/4)");
            }
        }
        for (Ip6 a : ipv6) {
            if (a.multicast()) {
                throw new IllegalArgumentException("ipv6 " + a + " is a multicast address: list it as ipv6-group");
            }
        }
        for (Ip6 a : ipv6Groups) {
            if (!a.multicast()) {
                throw new IllegalArgumentException("ipv6-group " + a + " is not a multicast address (ff00::/8)");
            }
        }
        udp4.forEach(HostSpec::checkPort);
        udp6.forEach(HostSpec::checkPort);
        for (int v : vlans) {
            if (v < 1 || v > 4094) {
                throw new IllegalArgumentException("vlan " + v + ", expected 1..4094");
            }
        }
        Set<String> seen = new HashSet<>();
        for (Tunnel t : tunnels) {
            if (!seen.add(t.kind + " vni " + t.vni)) {
                throw new IllegalArgumentException(t.kind + " vni " + t.vni + " is listed twice");
            }
            if ((t.ipv6 ? udp6 : udp4).contains(t.port)) {
                throw new IllegalArgumentException(t.kind + " port " + t.port + " is also listed as " + (t.ipv6 ? "udp6" : "udp4")
                        + ": the tunnel's socket is that socket");
            }
            for (Tunnel u : tunnels) {
                if (u.port == t.port && u.ipv6 == t.ipv6 && !u.kind.equals(t.kind)) {
                    throw new IllegalArgumentException("port " + t.port + " is both a vxlan and a geneve port");
                }
            }
        }
    }

    static void checkPort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + ", expected 1..65535");
        }
    }

    private static <T> void noDuplicates(String what, List<T> list) {
        Set<T> set = new HashSet<>();
        for (T t : list) {
            if (!set.add(t)) {
                throw new IllegalArgumentException(what + " " + (t instanceof Integer i && what.startsWith("ipv4") ? ip4(i) : t)
                        + " is listed twice");
            }
        }
    }

    /** Whether an IPv4 address is multicast (224.0.0.0/4). */
    public static boolean multicast4(int a) {
        return (a >>> 28) == 0xE;
    }

    // ------------------------------------------------------------------ the text form

    /**
     * Reads the text form. {@code name} is what errors call the file.
     *
     * @throws IllegalArgumentException naming the line ("host.txt:7: ...") for a bad or contradictory description
     */
    public static HostSpec parse(String name, String text) {
        Long mac = null;
        List<Integer> ipv4 = new ArrayList<>(), ipv4Groups = new ArrayList<>(), udp4 = new ArrayList<>(), udp6 = new ArrayList<>(),
                vlans = new ArrayList<>();
        List<Ip6> ipv6 = new ArrayList<>(), ipv6Groups = new ArrayList<>();
        List<Tunnel> tunnels = new ArrayList<>();
        Boolean conntrack = null;
        Boolean partial = null;
        String[] lines = text.split("\r?\n", -1);
        int lastFactLine = 0;
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            int hash = line.indexOf('#');
            String[] w = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
            if (w.length == 1 && w[0].isEmpty()) {
                continue;
            }
            lastFactLine = n + 1;
            String where = name + ":" + (n + 1) + ": ";
            try {
                String key = w[0].toLowerCase(Locale.ROOT);
                switch (key) {
                    case "mac" -> {
                        arity(w, 2);
                        if (mac != null) {
                            throw new IllegalArgumentException("a second 'mac' line: a host description has one interface");
                        }
                        mac = FrameBuilder.mac(w[1]);
                    }
                    case "ipv4" -> {
                        arity(w, 2);
                        ipv4.add(FrameBuilder.ipv4(w[1]));
                    }
                    case "ipv6" -> {
                        arity(w, 2);
                        ipv6.add(Ip6.parse(w[1]));
                    }
                    case "ipv4-group" -> {
                        arity(w, 2);
                        ipv4Groups.add(FrameBuilder.ipv4(w[1]));
                    }
                    case "ipv6-group" -> {
                        arity(w, 2);
                        ipv6Groups.add(Ip6.parse(w[1]));
                    }
                    case "udp4", "udp6" -> {
                        arity(w, 2);
                        (key.equals("udp4") ? udp4 : udp6).add(number(w[1], "port"));
                    }
                    case "vlan" -> {
                        arity(w, 2);
                        vlans.add(number(w[1], "vlan id"));
                    }
                    case "vxlan", "geneve" -> {
                        if ((w.length != 6 && w.length != 7) || !w[2].equals("vni") || !w[4].equals("mac")
                                || (w.length == 7 && !w[6].equals("ipv6"))) {
                            throw new IllegalArgumentException("expected '" + key + " PORT vni VNI mac MAC [ipv6]'");
                        }
                        tunnels.add(new Tunnel(key, number(w[1], "port"), number(w[3], "vni"), FrameBuilder.mac(w[5]), w.length == 7));
                    }
                    case "partial-checksums" -> {
                        arity(w, 2);
                        if (partial != null) {
                            throw new IllegalArgumentException("a second 'partial-checksums' line");
                        }
                        if (!w[1].equals("yes") && !w[1].equals("no")) {
                            throw new IllegalArgumentException("partial-checksums " + w[1] + ", expected yes or no");
                        }
                        partial = w[1].equals("yes");
                    }
                    case "netfilter" -> {
                        arity(w, 2);
                        if (conntrack != null) {
                            throw new IllegalArgumentException("a second 'netfilter' line");
                        }
                        if (!w[1].equals("conntrack") && !w[1].equals("none")) {
                            throw new IllegalArgumentException("netfilter " + w[1] + ", expected conntrack or none");
                        }
                        conntrack = w[1].equals("conntrack");
                    }
                    default -> throw new IllegalArgumentException("unknown keyword '" + w[0]
                            + "', expected mac, ipv4, ipv6, ipv4-group, ipv6-group, udp4, udp6, vlan, vxlan, geneve, netfilter or "
                            + "partial-checksums");
                }
                // Each fact is checked against the ones before it as it is read, so an error names its line (a stand-in
                // MAC until the 'mac' line comes).
                new HostSpec(mac != null ? mac : 0x02_00_00_00_00_00L, ipv4, ipv6, ipv4Groups, ipv6Groups, udp4, udp6, vlans, tunnels,
                        conntrack == null || conntrack, partial != null && partial);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + e.getMessage(), e);
            }
        }
        if (mac == null) {
            throw new IllegalArgumentException(name + ":" + Math.max(1, lastFactLine) + ": no 'mac' line: the description must name the "
                    + "interface's MAC");
        }
        return new HostSpec(mac, ipv4, ipv6, ipv4Groups, ipv6Groups, udp4, udp6, vlans, tunnels, conntrack == null || conntrack,
                partial != null && partial);
    }

    private static void arity(String[] w, int n) {
        if (w.length != n) {
            throw new IllegalArgumentException("'" + w[0] + "' takes " + (n - 1) + " value" + (n == 2 ? "" : "s") + ", found "
                    + (w.length - 1));
        }
    }

    private static int number(String s, String what) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " '" + s + "' is not a number");
        }
    }

    /** The text form, with {@code header} lines as comments on top. */
    public String format(List<String> header) {
        StringBuilder s = new StringBuilder();
        for (String h : header) {
            s.append("# ").append(h).append('\n');
        }
        s.append(String.format(Locale.ROOT, "%-10s %s%n", "mac", mac(mac)));
        ipv4.stream().sorted(Integer::compareUnsigned).forEach(a -> s.append(String.format(Locale.ROOT, "%-10s %s%n", "ipv4", ip4(a))));
        ipv6.stream().sorted().forEach(a -> s.append(String.format(Locale.ROOT, "%-10s %s%n", "ipv6", a)));
        ipv4Groups.stream().sorted(Integer::compareUnsigned).forEach(a -> s.append(String.format(Locale.ROOT, "%-10s %s%n", "ipv4-group",
                ip4(a))));
        ipv6Groups.stream().sorted().forEach(a -> s.append(String.format(Locale.ROOT, "%-10s %s%n", "ipv6-group", a)));
        udp4.stream().sorted().forEach(p -> s.append(String.format(Locale.ROOT, "%-10s %d%n", "udp4", p)));
        udp6.stream().sorted().forEach(p -> s.append(String.format(Locale.ROOT, "%-10s %d%n", "udp6", p)));
        vlans.stream().sorted().forEach(v -> s.append(String.format(Locale.ROOT, "%-10s %d%n", "vlan", v)));
        for (Tunnel t : tunnels) {
            s.append(String.format(Locale.ROOT, "%-10s %d vni %d mac %s%s%n", t.kind, t.port, t.vni, mac(t.mac), t.ipv6 ? " ipv6" : ""));
        }
        s.append(String.format(Locale.ROOT, "%-10s %s%n", "netfilter", conntrack ? "conntrack" : "none"));
        s.append(String.format(Locale.ROOT, "%s %s%n", "partial-checksums", partialChecksums ? "yes" : "no"));
        return s.toString();
    }

    public static String mac(long mac) {
        StringBuilder s = new StringBuilder();
        for (int i = 5; i >= 0; i--) {
            s.append(String.format(Locale.ROOT, "%02x", (mac >>> (8 * i)) & 0xFF));
            if (i > 0) {
                s.append(':');
            }
        }
        return s.toString();
    }

    public static String ip4(int a) {
        return (a >>> 24) + "." + ((a >>> 16) & 0xFF) + "." + ((a >>> 8) & 0xFF) + "." + (a & 0xFF);
    }
}
