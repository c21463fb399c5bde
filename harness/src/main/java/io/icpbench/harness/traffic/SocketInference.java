package io.icpbench.harness.traffic;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The host's UDP sockets, as the frames of one namespace show them, for {@link HostInference}:
 * the ports it received datagrams on or sent from, less the ports it answered with an ICMP port
 * unreachable (ICMPv6 type 1 code 4) and never sent from.
 */
final class SocketInference {
    private final Map<Integer, Integer> rxPorts4 = new TreeMap<>(), rxPorts6 = new TreeMap<>();
    private final Set<Integer> txPorts4 = new TreeSet<>(), txPorts6 = new TreeSet<>();
    private final Map<Integer, Integer> unreach4 = new TreeMap<>(), unreach6 = new TreeMap<>();

    /** A unicast datagram the host received on {@code port} ({@code family} 4 or 6). */
    void received(int family, int port) {
        (family == 4 ? rxPorts4 : rxPorts6).merge(port, 1, Integer::sum);
    }

    /** A datagram the host sent from {@code port}. */
    void sent(int family, int port) {
        (family == 4 ? txPorts4 : txPorts6).add(port);
    }

    /** A port unreachable the host sent for a datagram to its {@code port}. */
    void unreachable(int family, int port) {
        (family == 4 ? unreach4 : unreach6).merge(port, 1, Integer::sum);
    }

    /** Forgets {@code port}: it belongs to a tunnel device, whose socket the host spec makes itself. */
    void forget(int family, int port) {
        if (family == 6) {
            rxPorts6.remove(port);
            txPorts6.remove(port);
            unreach6.remove(port);
        } else {
            rxPorts4.remove(port);
            txPorts4.remove(port);
            unreach4.remove(port);
        }
    }

    /** Adds what another namespace (a tunnel's inner frames) showed. */
    void merge(SocketInference o) {
        o.rxPorts4.forEach((k, v) -> rxPorts4.merge(k, v, Integer::sum));
        o.rxPorts6.forEach((k, v) -> rxPorts6.merge(k, v, Integer::sum));
        txPorts4.addAll(o.txPorts4);
        txPorts6.addAll(o.txPorts6);
        o.unreach4.forEach((k, v) -> unreach4.merge(k, v, Integer::sum));
        o.unreach6.forEach((k, v) -> unreach6.merge(k, v, Integer::sum));
    }

    /** The open ports of {@code family} (4 or 6), ascending, with a note on how each port was judged. */
    List<Integer> ports(int family, List<String> notes) {
        Map<Integer, Integer> rx = family == 4 ? rxPorts4 : rxPorts6;
        Set<Integer> tx = family == 4 ? txPorts4 : txPorts6;
        Map<Integer, Integer> unreach = family == 4 ? unreach4 : unreach6;
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
}
