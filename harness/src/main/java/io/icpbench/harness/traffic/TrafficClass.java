package io.icpbench.harness.traffic;

import static io.icpbench.stack.Topology.*;

import io.icpbench.stack.wire.EtherType;
import io.icpbench.stack.wire.FrameBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The kinds of frames a profile mixes. Each builds a frame addressed to the modeled host of
 * {@link io.icpbench.stack.Topology} and names the device it arrives on; together they reach every
 * target of every modeled call site.
 */
public enum TrafficClass {
    UDP4("IPv4 UDP to the application sockets on eth0 (virtio_net)") {
        @Override
        Frame build(FrameFactory f, int flow) {
            return f.udp4("eth0", MAC_ETH0, f.src4(flow), IP_ETH0, f.sport(flow), PORT_APP + flow % APP_SOCKETS);
        }
    },
    UDP4_VLAN("IPv4 UDP over VLAN 100 on eth0") {
        @Override
        Frame build(FrameFactory f, int flow) {
            byte[] frame = FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).vlan(VLAN_ID).ipv4(f.src4(flow), IP_VLAN100)
                    .udp(f.sport(flow), PORT_APP + flow % APP_SOCKETS).payload(f.payload()).build();
            return new Frame(frame, "eth0");
        }
    },
    UDP4_BOND("IPv4 UDP on eth1 (mlx5), a bond slave: rx_handler bond") {
        @Override
        Frame build(FrameFactory f, int flow) {
            return f.udp4("eth1", MAC_ETH1, f.src4(flow), IP_BOND0, f.sport(flow), PORT_APP + flow % APP_SOCKETS);
        }
    },
    UDP4_MACVLAN("IPv4 UDP on eth2 (ixgbe) to a macvlan: rx_handler macvlan") {
        @Override
        Frame build(FrameFactory f, int flow) {
            return f.udp4("eth2", MAC_MACVLAN, f.src4(flow), IP_MACVLAN, f.sport(flow), PORT_APP + flow % APP_SOCKETS);
        }
    },
    UDP4_LOWER("IPv4 UDP on eth2 (ixgbe) to eth2 itself: macvlan passes it"),
    UDP4_BRIDGE("IPv4 UDP on eth3 (mlx5), a bridge port, to the bridge: rx_handler bridge") {
        @Override
        Frame build(FrameFactory f, int flow) {
            return f.udp4("eth3", MAC_BRIDGE, f.src4(flow), IP_BRIDGE, f.sport(flow), PORT_APP + flow % APP_SOCKETS);
        }
    },
    BRIDGED("frames on a bridge port for another MAC: the bridge forwards them") {
        @Override
        Frame build(FrameFactory f, int flow) {
            return f.udp4("eth3", 0x02_00_00_00_07_00L + flow, f.src4(flow), ip(10, 0, 3, 77), f.sport(flow), PORT_APP);
        }
    },
    UDP4_VETH("IPv4 UDP from veth0 through netif_rx and the backlog") {
        @Override
        Frame build(FrameFactory f, int flow) {
            return f.udp4("veth0", MAC_VETH0, f.src4(flow), IP_VETH0, f.sport(flow), PORT_APP + flow % APP_SOCKETS);
        }
    },
    UDP4_CONNECTED("IPv4 UDP from the peer of the connected socket (exact 4-tuple lookup)") {
        @Override
        Frame build(FrameFactory f, int flow) {
            return f.udp4("eth0", MAC_ETH0, IP_PEER, IP_ETH0, PORT_CONNECTED_PEER, PORT_CONNECTED);
        }
    },
    UDP4_RPC("IPv4 UDP to the sunrpc socket (sk_data_ready = xs_data_ready)") {
        @Override
        Frame build(FrameFactory f, int flow) {
            return f.udp4("eth0", MAC_ETH0, f.src4(flow), IP_ETH0, f.sport(flow), PORT_RPC);
        }
    },
    UDP4_PSOCK("IPv4 UDP to a sockmap socket (sk_data_ready = psock verdict)") {
        @Override
        Frame build(FrameFactory f, int flow) {
            return f.udp4("eth0", MAC_ETH0, f.src4(flow), IP_ETH0, f.sport(flow), PORT_PSOCK);
        }
    },
    UDP6("IPv6 UDP to the IPv6 sockets on eth0") {
        @Override
        Frame build(FrameFactory f, int flow) {
            byte[] frame = FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv6(f.src6(flow), FrameFactory.addr6(IP6_ETH0_HI, IP6_ETH0_LO))
                    .udp(f.sport(flow), flow % 4 == 3 ? PORT_RPC : PORT_APP).payload(f.payload()).build();
            return new Frame(frame, "eth0");
        }
    },
    UDPLITE("UDP-Lite to the UDP-Lite socket") {
        @Override
        Frame build(FrameFactory f, int flow) {
            byte[] frame = FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(f.src4(flow), IP_ETH0)
                    .udpLite(f.sport(flow), PORT_LITE, 8 + flow % 2 * 8).payload(f.payload()).build();
            return new Frame(frame, "eth0");
        }
    },
    VXLAN("VXLAN (VNI 42) whose inner frame is IPv4 UDP to the application sockets") {
        @Override
        Frame build(FrameFactory f, int flow) {
            byte[] inner = FrameBuilder.ethernet(MAC_VXLAN0, MAC_PEER).ipv4(f.src4(flow), IP_VXLAN_INNER)
                    .udp(f.sport(flow), PORT_APP + flow % APP_SOCKETS).payload(f.payload()).build();
            byte[] frame = FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(f.src4(flow), IP_ETH0)
                    .udp(f.sport(flow), PORT_VXLAN).vxlan(VXLAN_VNI, inner).build();
            return new Frame(frame, "eth0");
        }
    },
    GENEVE("Geneve (VNI 7) whose inner frame is IPv4 UDP") {
        @Override
        Frame build(FrameFactory f, int flow) {
            byte[] inner = FrameBuilder.ethernet(MAC_GENEVE0, MAC_PEER).ipv4(f.src4(flow), IP_GENEVE_INNER)
                    .udp(f.sport(flow), PORT_APP + flow % APP_SOCKETS).payload(f.payload()).build();
            byte[] frame = FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(f.src4(flow), IP_ETH0)
                    .udp(f.sport(flow), PORT_GENEVE).geneve(GENEVE_VNI, inner).build();
            return new Frame(frame, "eth0");
        }
    },
    IKE("IKE on the ESP-in-UDP socket (non-ESP marker): delivered to the socket") {
        @Override
        Frame build(FrameFactory f, int flow) {
            byte[] payload = f.payload(Math.max(8, f.payloadSize()));
            payload[0] = payload[1] = payload[2] = payload[3] = 0;
            return f.udp4("eth0", MAC_ETH0, f.src4(flow), IP_ETH0, f.sport(flow), PORT_IKE, payload);
        }
    },
    ESP_IN_UDP("ESP in UDP with no security association: XfrmInNoStates") {
        @Override
        Frame build(FrameFactory f, int flow) {
            byte[] payload = f.payload(Math.max(16, f.payloadSize()));
            payload[0] = 0x10;
            return f.udp4("eth0", MAC_ETH0, f.src4(flow), IP_ETH0, f.sport(flow), PORT_IKE, payload);
        }
    },
    WIREGUARD("WireGuard data messages") {
        @Override
        Frame build(FrameFactory f, int flow) {
            byte[] payload = f.payload(Math.max(32, f.payloadSize()));
            payload[0] = 4;
            payload[1] = payload[2] = payload[3] = 0;
            return f.udp4("eth0", MAC_ETH0, f.src4(flow), IP_ETH0, f.sport(flow), PORT_WIREGUARD, payload);
        }
    },
    L2TP("L2TPv2 data messages") {
        @Override
        Frame build(FrameFactory f, int flow) {
            byte[] payload = f.payload(Math.max(8, f.payloadSize()));
            payload[0] = 0;
            payload[1] = 2;
            return f.udp4("eth0", MAC_ETH0, f.src4(flow), IP_ETH0, f.sport(flow), PORT_L2TP, payload);
        }
    },
    GUE("GUE datagrams: tunnel GRO, then delivered to the GUE socket") {
        @Override
        Frame build(FrameFactory f, int flow) {
            byte[] payload = f.payload(Math.max(8, f.payloadSize()));
            payload[0] = 0;
            return f.udp4("eth0", MAC_ETH0, f.src4(flow), IP_ETH0, f.sport(flow), PORT_GUE, payload);
        }
    },
    ICMP("ICMP echo requests") {
        @Override
        Frame build(FrameFactory f, int flow) {
            byte[] frame = FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(f.src4(flow), IP_ETH0).icmpEcho(flow, 1)
                    .payload(f.payload()).build();
            return new Frame(frame, "eth0");
        }
    },
    ICMP6("ICMPv6 echo requests") {
        @Override
        Frame build(FrameFactory f, int flow) {
            byte[] frame = FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv6(f.src6(flow), FrameFactory.addr6(IP6_ETH0_HI, IP6_ETH0_LO))
                    .icmpEcho(flow, 1).payload(f.payload()).build();
            return new Frame(frame, "eth0");
        }
    },
    TCP("TCP SYNs to a closed port (answered by a reset)") {
        @Override
        Frame build(FrameFactory f, int flow) {
            byte[] frame = FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(f.src4(flow), IP_ETH0).tcp(f.sport(flow), 80).build();
            return new Frame(frame, "eth0");
        }
    },
    TCP6("TCP SYNs over IPv6") {
        @Override
        Frame build(FrameFactory f, int flow) {
            byte[] frame = FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv6(f.src6(flow), FrameFactory.addr6(IP6_ETH0_HI, IP6_ETH0_LO))
                    .tcp(f.sport(flow), 80).build();
            return new Frame(frame, "eth0");
        }
    },
    GRE("GRE packets") {
        @Override
        Frame build(FrameFactory f, int flow) {
            byte[] frame = FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(f.src4(flow), IP_ETH0).gre(EtherType.ETH_P_IP)
                    .payload(f.payload()).build();
            return new Frame(frame, "eth0");
        }
    },
    ARP("ARP requests for eth0's address") {
        @Override
        Frame build(FrameFactory f, int flow) {
            byte[] frame = FrameBuilder.ethernet(0xFFFF_FFFF_FFFFL, MAC_PEER).arpRequest(MAC_PEER, f.src4(flow), IP_ETH0).build();
            return new Frame(frame, "eth0");
        }
    },
    FORWARD("IPv4 UDP to a host this one forwards to") {
        @Override
        Frame build(FrameFactory f, int flow) {
            return f.udp4("eth0", MAC_ETH0, f.src4(flow), IP_FORWARDED_HOST, f.sport(flow), 53);
        }
    },
    FORWARD6("IPv6 UDP to a prefix this host forwards to") {
        @Override
        Frame build(FrameFactory f, int flow) {
            byte[] frame = FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv6(f.src6(flow), FrameFactory.addr6(IP6_FORWARD_HI, 0x10 + flow))
                    .udp(f.sport(flow), 53).payload(f.payload()).build();
            return new Frame(frame, "eth0");
        }
    },
    UNREACHABLE("IPv4 UDP to an address with no route") {
        @Override
        Frame build(FrameFactory f, int flow) {
            return f.udp4("eth0", MAC_ETH0, f.src4(flow), IP_UNREACHABLE, f.sport(flow), PORT_APP);
        }
    },
    NOPORT("IPv4 UDP to a port with no socket") {
        @Override
        Frame build(FrameFactory f, int flow) {
            return f.udp4("eth0", MAC_ETH0, f.src4(flow), IP_ETH0, f.sport(flow), PORT_CLOSED);
        }
    },
    FILTERED("IPv4 UDP to the port the LOCAL_IN filter drops") {
        @Override
        Frame build(FrameFactory f, int flow) {
            return f.udp4("eth0", MAC_ETH0, f.src4(flow), IP_ETH0, f.sport(flow), PORT_FILTERED);
        }
    },
    BLOCKED("IPv4 UDP from the source prefix the filter drops") {
        @Override
        Frame build(FrameFactory f, int flow) {
            return f.udp4("eth0", MAC_ETH0, IP_BLOCKED_NET | (flow & 0xFFFF), IP_ETH0, f.sport(flow), PORT_APP);
        }
    },
    OVERFLOW("IPv4 UDP to a socket whose reader is slow: queue overflow (UdpRcvbufErrors)") {
        @Override
        Frame build(FrameFactory f, int flow) {
            return f.udp4("eth0", MAC_ETH0, f.src4(flow), IP_ETH0, f.sport(flow), PORT_SLOW);
        }
    },
    OTHERHOST("frames for another host's MAC") {
        @Override
        Frame build(FrameFactory f, int flow) {
            return f.udp4("eth0", 0x02_00_00_00_09_00L + flow, f.src4(flow), IP_ETH0, f.sport(flow), PORT_APP);
        }
    },
    UNKNOWN_ETHERTYPE("frames with an EtherType nobody handles (LLDP)") {
        @Override
        Frame build(FrameFactory f, int flow) {
            byte[] frame = FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).etherType(EtherType.ETH_P_LLDP).payload(f.payload(46)).build();
            return new Frame(frame, "eth0");
        }
    },
    FRAGMENT("IPv4 UDP first fragments whose rest never comes: a reassembly queue takes each flow's first,"
            + " its repeats are duplicates, and the queue times out after 30 s") {
        @Override
        Frame build(FrameFactory f, int flow) {
            // Every frame of a flow has the same length, so a repeat is an exact duplicate (IPFRAG_DUP),
            // never an overlap that would discard the queue.
            byte[] frame = FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(f.src4(flow), IP_ETH0).ipId(flow).fragment(true, 0)
                    .udp(f.sport(flow), PORT_APP).payload(f.payload(f.payloadSize(flow))).build();
            return new Frame(frame, "eth0");
        }
    },
    MALFORMED("frames broken in one of many ways, each a counted drop") {
        @Override
        Frame build(FrameFactory f, int flow) {
            return Malformed.build(f, flow);
        }
    };

    private final String description;

    TrafficClass(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** The name used in profile files ("udp4-vlan"). */
    public String profileName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Builds frame number {@code flow} of this class. */
    Frame build(FrameFactory f, int flow) {
        return f.udp4("eth2", MAC_ETH2, f.src4(flow), IP_ETH2, f.sport(flow), PORT_APP + flow % APP_SOCKETS);
    }

    public static TrafficClass byName(String profileName) {
        for (TrafficClass c : values()) {
            if (c.profileName().equals(profileName.toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        return null;
    }

    public static List<String> names() {
        List<String> names = new ArrayList<>();
        for (TrafficClass c : values()) {
            names.add(c.profileName());
        }
        return names;
    }

    /** A built frame and the device it arrives on. */
    public record Frame(byte[] bytes, String device) {
    }
}
