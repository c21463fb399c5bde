package io.icpbench.stack;

import static io.icpbench.stack.Topology.*;

import io.icpbench.stack.wire.EtherType;
import io.icpbench.stack.wire.FrameBuilder;

/**
 * A catalogue of broken frames, one per check of the receive path, each with the outcome and the
 * SNMP counter the kernel would give it. Traffic profiles mix them in ("malformed"), and tests
 * assert that every one ends exactly as stated.
 */
public enum BadFrame {
    RUNT(Outcome.PKT_TOO_SMALL, null) {
        @Override
        public byte[] build(int flow) {
            return udp4(flow).truncateTo(10).build();
        }
    },
    VLAN_HEADER_CUT(Outcome.PKT_TOO_SMALL, null) {
        @Override
        public byte[] build(int flow) {
            return FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).vlan(VLAN_ID).ipv4(src(flow), IP_VLAN100).udp(sport(flow), PORT_APP)
                    .payload(16).truncateTo(16).build();
        }
    },
    UNKNOWN_VLAN(Outcome.OTHERHOST, null) {
        @Override
        public byte[] build(int flow) {
            return FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).vlan(200).ipv4(src(flow), IP_ETH0).udp(sport(flow), PORT_APP)
                    .payload(16).build();
        }
    },
    NOT_OUR_MAC(Outcome.OTHERHOST, null) {
        @Override
        public byte[] build(int flow) {
            return FrameBuilder.ethernet(0x02_00_00_00_0A_00L, MAC_PEER).ipv4(src(flow), IP_ETH0).udp(sport(flow), PORT_APP)
                    .payload(16).build();
        }
    },
    UNKNOWN_ETHERTYPE(Outcome.UNHANDLED_PROTO, null) {
        @Override
        public byte[] build(int flow) {
            return FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).etherType(EtherType.ETH_P_802_EX1).payload(46).build();
        }
    },
    IP_HEADER_CUT(Outcome.IP_INHDR, Counter.IP_IN_HDR_ERRORS) {
        @Override
        public byte[] build(int flow) {
            return udp4(flow).truncateTo(14 + 12).build();
        }
    },
    IP_BAD_VERSION(Outcome.IP_INHDR, Counter.IP_IN_HDR_ERRORS) {
        @Override
        public byte[] build(int flow) {
            return udp4(flow).ipVersion(5).build();
        }
    },
    IP_IHL_TOO_SMALL(Outcome.IP_INHDR, Counter.IP_IN_HDR_ERRORS) {
        @Override
        public byte[] build(int flow) {
            return udp4(flow).ihl(4).build();
        }
    },
    IP_IHL_BEYOND_FRAME(Outcome.IP_INHDR, Counter.IP_IN_HDR_ERRORS) {
        @Override
        public byte[] build(int flow) {
            return FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(src(flow), IP_ETH0).ipProtocol(253).ihl(15).build();
        }
    },
    IP_BAD_CHECKSUM(Outcome.IP_CSUM, Counter.IP_IN_CSUM_ERRORS) {
        @Override
        public byte[] build(int flow) {
            return udp4(flow).corruptIpChecksum().build();
        }
    },
    IP_TOTAL_LENGTH_BEYOND_FRAME(Outcome.IP_TRUNCATED, Counter.IP_IN_TRUNCATED_PKTS) {
        @Override
        public byte[] build(int flow) {
            return udp4(flow).ipTotalLength(1400).build();
        }
    },
    IP_TOTAL_LENGTH_BELOW_HEADER(Outcome.IP_INHDR, Counter.IP_IN_HDR_ERRORS) {
        @Override
        public byte[] build(int flow) {
            return udp4(flow).ipTotalLength(12).build();
        }
    },
    IP_OPTIONS_OVERRUN(Outcome.IP_INHDR, Counter.IP_IN_HDR_ERRORS) {
        @Override
        public byte[] build(int flow) {
            return udp4(flow).ipOptions(new byte[] {7, 40, 4, 0}).build();
        }
    },
    IP_SOURCE_ROUTE(Outcome.IP_SOURCE_ROUTE, null) {
        @Override
        public byte[] build(int flow) {
            return udp4(flow).ipOptions(new byte[] {1, (byte) 131, 7, 4, 10, 0, 0, 1}).build();
        }
    },
    IP_MARTIAN_SOURCE(Outcome.IP_INVALID_SOURCE, null) {
        @Override
        public byte[] build(int flow) {
            return FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(ip(127, 0, 0, 1), IP_ETH0).udp(sport(flow), PORT_APP)
                    .payload(16).build();
        }
    },
    /**
     * A fragment with MF set and under 8 bytes of data: ip_frag_queue rounds its end down to its
     * offset ({@code end == offset}) and discards it with its queue.
     */
    IP_FRAGMENT_NO_DATA(Outcome.IP_FRAG_INVALID, Counter.IP_REASM_FAILS) {
        @Override
        public byte[] build(int flow) {
            return FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(src(flow), IP_ETH0).ipId(flow).fragment(true, 100)
                    .ipProtocol(17).payload(4).build();
        }
    },
    IP_UNKNOWN_PROTOCOL(Outcome.IP_NOPROTO, Counter.IP_IN_UNKNOWN_PROTOS) {
        @Override
        public byte[] build(int flow) {
            return FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(src(flow), IP_ETH0).ipProtocol(253).payload(16).build();
        }
    },
    IP_NO_ROUTE(Outcome.IP_INADDRERRORS, Counter.IP_IN_ADDR_ERRORS) {
        @Override
        public byte[] build(int flow) {
            return FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(src(flow), IP_UNREACHABLE).udp(sport(flow), PORT_APP)
                    .payload(16).build();
        }
    },
    IP_TTL_EXPIRED(Outcome.IP_TTL_EXPIRED, Counter.IP_IN_HDR_ERRORS) {
        @Override
        public byte[] build(int flow) {
            return FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(src(flow), IP_FORWARDED_HOST).ttl(1).udp(sport(flow), 53)
                    .payload(16).build();
        }
    },
    IP6_HEADER_CUT(Outcome.IP6_INHDR, Counter.IP6_IN_HDR_ERRORS) {
        @Override
        public byte[] build(int flow) {
            return udp6(flow).truncateTo(14 + 30).build();
        }
    },
    IP6_BAD_VERSION(Outcome.IP6_INHDR, Counter.IP6_IN_HDR_ERRORS) {
        @Override
        public byte[] build(int flow) {
            return udp6(flow).ipVersion(4).build();
        }
    },
    IP6_PAYLOAD_BEYOND_FRAME(Outcome.IP6_TRUNCATED, Counter.IP6_IN_TRUNCATED_PKTS) {
        @Override
        public byte[] build(int flow) {
            return udp6(flow).ipTotalLength(1300).build();
        }
    },
    IP6_MULTICAST_SOURCE(Outcome.IP6_INHDR, Counter.IP6_IN_HDR_ERRORS) {
        @Override
        public byte[] build(int flow) {
            return FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv6(FrameBuilder.ipv6("ff02::1"), FrameBuilder.ipv6("fd00::1"))
                    .udp(sport(flow), PORT_APP).payload(16).build();
        }
    },
    IP6_HOP_BY_HOP_NOT_FIRST(Outcome.IP6_INHDR, Counter.IP6_IN_HDR_ERRORS) {
        @Override
        public byte[] build(int flow) {
            return udp6(flow).ipv6ExtensionHeader(60, 8).ipv6ExtensionHeader(0, 8).build();
        }
    },
    /**
     * A first IPv6 fragment (M set) whose length is not a multiple of 8: a parameter problem in
     * ip6_frag_queue (RFC 8200 4.5). Its queue, just created, stays until it times out.
     */
    IP6_FRAGMENT_UNALIGNED(Outcome.IP6_INHDR, Counter.IP6_IN_HDR_ERRORS) {
        @Override
        public byte[] build(int flow) {
            return udp6(flow).payload(33).ipv6Fragment(0, true).build();
        }
    },
    IP6_UNKNOWN_NEXT_HEADER(Outcome.IP6_NOPROTO, Counter.IP6_IN_UNKNOWN_PROTOS) {
        @Override
        public byte[] build(int flow) {
            return FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv6(FrameBuilder.ipv6("fd00:1::9"), FrameBuilder.ipv6("fd00::1"))
                    .ipProtocol(253).payload(16).build();
        }
    },
    IP6_NO_ROUTE(Outcome.IP6_NOROUTE, Counter.IP6_IN_NO_ROUTES) {
        @Override
        public byte[] build(int flow) {
            return FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv6(FrameBuilder.ipv6("fd00:1::9"), FrameBuilder.ipv6("2001:db8::1"))
                    .udp(sport(flow), PORT_APP).payload(16).build();
        }
    },
    UDP_HEADER_CUT(Outcome.UDP_INHDR, Counter.UDP_IN_ERRORS) {
        @Override
        public byte[] build(int flow) {
            return FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(src(flow), IP_ETH0).ipProtocol(17).payload(4).build();
        }
    },
    UDP_LENGTH_BEYOND_PACKET(Outcome.UDP_INHDR, Counter.UDP_IN_ERRORS) {
        @Override
        public byte[] build(int flow) {
            return udp4(flow).udpLength(1000).build();
        }
    },
    UDP_LENGTH_BELOW_HEADER(Outcome.UDP_INHDR, Counter.UDP_IN_ERRORS) {
        @Override
        public byte[] build(int flow) {
            return udp4(flow).udpLength(6).build();
        }
    },
    UDP_BAD_CHECKSUM(Outcome.UDP_CSUM, Counter.UDP_IN_CSUM_ERRORS) {
        @Override
        public byte[] build(int flow) {
            return udp4(flow).corruptL4Checksum().build();
        }
    },
    UDP6_ZERO_CHECKSUM(Outcome.UDP_CSUM, Counter.UDP6_IN_CSUM_ERRORS) {
        @Override
        public byte[] build(int flow) {
            return udp6(flow).zeroUdpChecksum().build();
        }
    },
    UDP6_BAD_CHECKSUM(Outcome.UDP_CSUM, Counter.UDP6_IN_CSUM_ERRORS) {
        @Override
        public byte[] build(int flow) {
            return udp6(flow).corruptL4Checksum().build();
        }
    },
    UDPLITE_ZERO_CHECKSUM(Outcome.UDP_CSUM, Counter.UDPLITE_IN_CSUM_ERRORS) {
        @Override
        public byte[] build(int flow) {
            return FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(src(flow), IP_ETH0).udpLite(sport(flow), PORT_LITE, 8)
                    .payload(16).zeroUdpChecksum().build();
        }
    },
    UDPLITE_BAD_COVERAGE(Outcome.UDP_INHDR, Counter.UDPLITE_IN_ERRORS) {
        @Override
        public byte[] build(int flow) {
            return FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(src(flow), IP_ETH0).udpLite(sport(flow), PORT_LITE, 200)
                    .payload(16).build();
        }
    },
    UDP_NO_SOCKET(Outcome.NO_SOCKET, Counter.UDP_NO_PORTS) {
        @Override
        public byte[] build(int flow) {
            return FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(src(flow), IP_ETH0).udp(sport(flow), PORT_CLOSED).payload(16).build();
        }
    },
    UDP_FILTERED(Outcome.NETFILTER_DROP, null) {
        @Override
        public byte[] build(int flow) {
            return FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(src(flow), IP_ETH0).udp(sport(flow), PORT_FILTERED).payload(16).build();
        }
    },
    ICMP_TOO_SHORT(Outcome.ICMP_INHDR, Counter.ICMP_IN_ERRORS) {
        @Override
        public byte[] build(int flow) {
            return FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(src(flow), IP_ETH0).ipProtocol(1).payload(4).build();
        }
    },
    ICMP_BAD_CHECKSUM(Outcome.ICMP_CSUM, Counter.ICMP_IN_CSUM_ERRORS) {
        @Override
        public byte[] build(int flow) {
            return FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(src(flow), IP_ETH0).icmpEcho(1, 1).payload(16).corruptL4Checksum().build();
        }
    },
    ICMP6_BAD_CHECKSUM(Outcome.ICMP_CSUM, Counter.ICMP6_IN_CSUM_ERRORS) {
        @Override
        public byte[] build(int flow) {
            return FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv6(FrameBuilder.ipv6("fd00:1::9"), FrameBuilder.ipv6("fd00::1"))
                    .icmpEcho(1, 1).payload(16).corruptL4Checksum().build();
        }
    },
    TCP_BAD_DATA_OFFSET(Outcome.TCP_INHDR, Counter.TCP_IN_ERRS) {
        @Override
        public byte[] build(int flow) {
            byte[] f = FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(src(flow), IP_ETH0).tcp(sport(flow), 80).build();
            f[14 + 20 + 12] = 0x30;
            return f;
        }
    },
    TCP_BAD_CHECKSUM(Outcome.TCP_CSUM, Counter.TCP_IN_CSUM_ERRORS) {
        @Override
        public byte[] build(int flow) {
            return FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(src(flow), IP_ETH0).tcp(sport(flow), 80).corruptL4Checksum().build();
        }
    },
    GRE_BAD_VERSION(Outcome.GRE_INVALID, null) {
        @Override
        public byte[] build(int flow) {
            byte[] f = FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(src(flow), IP_ETH0).gre(EtherType.ETH_P_IP).payload(16).build();
            f[14 + 20 + 1] = 0x05;
            return f;
        }
    },
    ARP_CUT(Outcome.ARP_INVALID, null) {
        @Override
        public byte[] build(int flow) {
            return FrameBuilder.ethernet(Eth.BROADCAST, MAC_PEER).arpRequest(MAC_PEER, src(flow), IP_ETH0).truncateTo(14 + 20).build();
        }
    },
    VXLAN_BAD_FLAGS(Outcome.VXLAN_INVALID_HDR, null) {
        @Override
        public byte[] build(int flow) {
            return vxlan(flow, VXLAN_VNI, innerUdp(flow)).vxlanFlags(0x0C).build();
        }
    },
    VXLAN_UNKNOWN_VNI(Outcome.VXLAN_VNI_NOT_FOUND, null) {
        @Override
        public byte[] build(int flow) {
            return vxlan(flow, 999, innerUdp(flow)).build();
        }
    },
    VXLAN_HEADER_CUT(Outcome.VXLAN_INVALID_HDR, null) {
        @Override
        public byte[] build(int flow) {
            return FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(src(flow), IP_ETH0).udp(sport(flow), PORT_VXLAN).payload(4).build();
        }
    },
    VXLAN_INNER_RUNT(Outcome.PKT_TOO_SMALL, null) {
        @Override
        public byte[] build(int flow) {
            return vxlan(flow, VXLAN_VNI, new byte[6]).build();
        }
    },
    VXLAN_TOO_DEEP(Outcome.ENCAP_TOO_DEEP, null) {
        @Override
        public byte[] build(int flow) {
            return nestedVxlan(flow, StackOptions.DEFAULT.maxEncapDepth() + 1);
        }
    },
    GENEVE_BAD_PROTOCOL(Outcome.VXLAN_INVALID_HDR, null) {
        @Override
        public byte[] build(int flow) {
            byte[] f = FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(src(flow), IP_ETH0).udp(sport(flow), PORT_GENEVE)
                    .geneve(GENEVE_VNI, innerUdp(flow)).zeroUdpChecksum().build();
            f[14 + 20 + 8 + 2] = 0x08;
            f[14 + 20 + 8 + 3] = 0x00;
            return f;
        }
    },
    ESP_NO_STATE(Outcome.XFRM_NOSTATES, Counter.XFRM_IN_NO_STATES) {
        @Override
        public byte[] build(int flow) {
            byte[] esp = new byte[24];
            esp[3] = 1;
            return FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(src(flow), IP_ETH0).udp(sport(flow), PORT_IKE).payload(esp).build();
        }
    },
    WIREGUARD_BAD_TYPE(Outcome.TUNNEL_INVALID, null) {
        @Override
        public byte[] build(int flow) {
            byte[] msg = new byte[32];
            msg[0] = 9;
            return FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(src(flow), IP_ETH0).udp(sport(flow), PORT_WIREGUARD).payload(msg).build();
        }
    },
    L2TP_BAD_VERSION(Outcome.TUNNEL_INVALID, null) {
        @Override
        public byte[] build(int flow) {
            byte[] msg = new byte[12];
            msg[1] = 5;
            return FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(src(flow), IP_ETH0).udp(sport(flow), PORT_L2TP).payload(msg).build();
        }
    },
    SOCKET_QUEUE_FULL(Outcome.SOCKET_RCVBUFF, Counter.UDP_RCVBUF_ERRORS) {
        /** One frame alone never overflows; send {@link Topology#SLOW_RCVBUF} + 1 of these in one batch. */
        @Override
        public byte[] build(int flow) {
            return FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(src(flow), IP_ETH0).udp(sport(flow), PORT_SLOW).payload(16).build();
        }
    };

    private final Outcome outcome;
    private final Counter counter;

    BadFrame(Outcome outcome, Counter counter) {
        this.outcome = outcome;
        this.counter = counter;
    }

    /** Builds the broken frame; {@code flow} varies the addresses and ports. It arrives on eth0. */
    public abstract byte[] build(int flow);

    /** How the stack ends this frame. */
    public Outcome outcome() {
        return outcome;
    }

    /** The SNMP counter the frame bumps, or null if the kernel counts it nowhere in /proc/net/snmp. */
    public Counter counter() {
        return counter;
    }

    static int src(int flow) {
        return 0x0A01_0000 | ((flow * 7 + 10) & 0xFFFF);
    }

    static int sport(int flow) {
        return 10000 + flow % 50000;
    }

    static FrameBuilder udp4(int flow) {
        return FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(src(flow), IP_ETH0).udp(sport(flow), PORT_APP).payload(32);
    }

    static FrameBuilder udp6(int flow) {
        return FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv6(FrameBuilder.ipv6("fd00:1::9"), FrameBuilder.ipv6("fd00::1"))
                .udp(sport(flow), PORT_APP).payload(32);
    }

    static byte[] innerUdp(int flow) {
        return FrameBuilder.ethernet(MAC_VXLAN0, MAC_PEER).ipv4(src(flow), IP_VXLAN_INNER).udp(sport(flow), PORT_APP).payload(16).build();
    }

    static FrameBuilder vxlan(int flow, int vni, byte[] inner) {
        return FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(src(flow), IP_ETH0).udp(sport(flow), PORT_VXLAN).vxlan(vni, inner);
    }

    /**
     * A UDP datagram wrapped in {@code depth} VXLAN layers: the outermost arrives on eth0, each
     * inner one is addressed to vxlan0's inner address and port 4789 again.
     */
    public static byte[] nestedVxlan(int flow, int depth) {
        byte[] frame = innerUdp(flow);
        for (int d = 1; d < depth; d++) {
            frame = FrameBuilder.ethernet(MAC_VXLAN0, MAC_PEER).ipv4(src(flow), IP_VXLAN_INNER).udp(sport(flow), PORT_VXLAN)
                    .vxlan(VXLAN_VNI, frame).build();
        }
        return vxlan(flow, VXLAN_VNI, frame).build();
    }
}
