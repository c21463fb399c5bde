package io.icpbench.harness.live;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The kernel's own UDP accounting: the {@code Udp:} rows of {@code /proc/net/snmp}
 * (system-wide), a socket's line of {@code /proc/net/udp} (its receive queue and its drops), and
 * the per-CPU backlog drops of {@code /proc/net/softnet_stat}.
 */
public final class KernelUdp {
    private KernelUdp() {
    }

    /** One socket's line of /proc/net/udp. */
    public record Socket(long inode, int localPort, long rxQueueBytes, long drops) {
    }

    /** The {@code Udp:} counters of /proc/net/snmp by name (InDatagrams, RcvbufErrors, ...). */
    public static Map<String, Long> snmp() throws IOException {
        return parseSnmp(Files.readString(Path.of("/proc/net/snmp")));
    }

    /** Parses the {@code Udp:} header and value rows of /proc/net/snmp text. */
    public static Map<String, Long> parseSnmp(String text) {
        String[] header = null;
        for (String line : text.split("\n")) {
            if (!line.startsWith("Udp: ")) {
                continue;
            }
            String[] f = line.substring(5).trim().split("\\s+");
            if (header == null) {
                header = f;
                continue;
            }
            if (f.length != header.length) {
                throw new IllegalArgumentException("/proc/net/snmp: the Udp rows have " + header.length + " names but " + f.length + " values");
            }
            Map<String, Long> out = new LinkedHashMap<>();
            for (int i = 0; i < f.length; i++) {
                out.put(header[i], number("/proc/net/snmp: Udp " + header[i], f[i], 10));
            }
            return out;
        }
        throw new IllegalArgumentException("/proc/net/snmp: no Udp rows");
    }

    /** The socket with {@code inode} in /proc/net/udp, or null. */
    public static Socket socket(long inode) throws IOException {
        return findSocket(Files.readString(Path.of("/proc/net/udp")), inode);
    }

    /** The line of /proc/net/udp text whose inode is {@code inode}, or null. */
    public static Socket findSocket(String text, long inode) {
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ref pointer drops
            if (f.length < 13 || f[0].length() < 2 || !f[0].endsWith(":")
                    || !f[0].substring(0, f[0].length() - 1).chars().allMatch(c -> c >= '0' && c <= '9')) {
                continue;
            }
            String where = "/proc/net/udp: socket " + f[0].substring(0, f[0].length() - 1);
            if (number(where + " inode", f[9], 10) != inode) {
                continue;
            }
            long port = number(where + " local port", f[1].substring(f[1].indexOf(':') + 1), 16);
            long rx = number(where + " rx_queue", f[4].substring(f[4].indexOf(':') + 1), 16);
            return new Socket(inode, (int) port, rx, number(where + " drops", f[12], 10));
        }
        return null;
    }

    /** A non-negative number, or an IllegalArgumentException that says where it was not one. */
    private static long number(String what, String text, int radix) {
        try {
            long v = Long.parseLong(text, radix);
            if (v < 0) {
                throw new NumberFormatException("negative");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": '" + text + "' is not a " + (radix == 16 ? "hexadecimal " : "") + "count");
        }
    }

    /** The inode of the socket behind file descriptor {@code fd} of this process. */
    public static long socketInode(int fd) throws IOException {
        String link = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        if (!link.startsWith("socket:[") || !link.endsWith("]")) {
            throw new IOException("fd " + fd + " is " + link + ", not a socket");
        }
        return Long.parseLong(link.substring(8, link.length() - 1));
    }

    /** Packets dropped because a CPU's backlog was full, summed over the CPUs (/proc/net/softnet_stat, column 2). */
    public static long backlogDrops() throws IOException {
        return parseSoftnetDrops(Files.readString(Path.of("/proc/net/softnet_stat")));
    }

    /** Parses /proc/net/softnet_stat text: the dropped column (the second, hexadecimal) summed over the CPUs' lines. */
    public static long parseSoftnetDrops(String text) {
        long sum = 0;
        int cpu = 0;
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 2) {
                sum += number("/proc/net/softnet_stat: line " + (cpu + 1) + " dropped", f[1], 16);
            }
            cpu++;
        }
        return sum;
    }

    /** {@code after - before}, name by name, for the names in {@code after}. */
    public static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> d = new LinkedHashMap<>();
        after.forEach((k, v) -> d.put(k, v - before.getOrDefault(k, 0L)));
        return d;
    }
}
