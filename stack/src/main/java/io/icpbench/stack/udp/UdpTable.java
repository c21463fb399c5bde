package io.icpbench.stack.udp;

import io.icpbench.stack.SkBuff;
import io.icpbench.stack.ops.UdpTunnelGro;

/**
 * The UDP socket table ({@code udp_table}): sockets by local port, chosen by the kernel's scoring
 * (a connected 4-tuple match beats a bound address, which beats a wildcard).
 */
public final class UdpTable {
    private final UdpSock[][] byPort = new UdpSock[65536][];
    private final UdpTunnelGro[] groByPort = new UdpTunnelGro[65536];
    private UdpSock[] all = new UdpSock[0];

    /** Binds a socket (its ops must be set). */
    public UdpSock bind(UdpSock sk) {
        if (sk.prot == null || sk.dataReady == null) {
            throw new IllegalArgumentException("socket " + sk + ": recvmsg and data_ready must be set before bind");
        }
        UdpSock[] chain = byPort[sk.localPort];
        chain = chain == null ? new UdpSock[1] : java.util.Arrays.copyOf(chain, chain.length + 1);
        chain[chain.length - 1] = sk;
        byPort[sk.localPort] = chain;
        if (sk.groReceive != null) {
            groByPort[sk.localPort] = sk.groReceive;
        }
        all = java.util.Arrays.copyOf(all, all.length + 1);
        all[all.length - 1] = sk;
        return sk;
    }

    /** Every bound socket, in bind order. */
    public UdpSock[] sockets() {
        return all;
    }

    /** The tunnel GRO handler of the socket bound to {@code port}, or null (udp_tunnel GRO lookup). */
    public UdpTunnelGro tunnelGro(int port) {
        return groByPort[port];
    }

    /**
     * __udp4_lib_lookup / __udp6_lib_lookup for the packet's addresses and ports.
     *
     * @return the best-scoring socket, or null
     */
    public UdpSock lookup(SkBuff skb, boolean lite) {
        UdpSock[] chain = byPort[skb.dport];
        if (chain == null) {
            return null;
        }
        UdpSock best = null;
        int bestScore = -1;
        boolean v6 = skb.family == 6;
        for (int i = 0; i < chain.length; i++) {
            UdpSock sk = chain[i];
            if (sk.lite != lite || (sk.family == 6) != v6) {
                continue;
            }
            int score = 0;
            if (v6) {
                if (sk.localAddrHi != 0 || sk.localAddrLo != 0) {
                    if (sk.localAddrHi != skb.daddrHi || sk.localAddrLo != skb.daddrLo) {
                        continue;
                    }
                    score += 4;
                }
            } else {
                if (sk.localAddr != 0) {
                    if (sk.localAddr != skb.daddr) {
                        continue;
                    }
                    score += 4;
                }
                if (sk.remotePort != 0) {
                    if (sk.remotePort != skb.sport || sk.remoteAddr != skb.saddr) {
                        continue;
                    }
                    score += 8;
                }
            }
            if (score > bestScore) {
                best = sk;
                bestScore = score;
            }
        }
        return best;
    }
}
