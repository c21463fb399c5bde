package io.icpbench.stack;

import io.icpbench.stack.driver.Drivers;
import io.icpbench.stack.encap.EncapHandlers;
import io.icpbench.stack.gro.GroHandlers;
import io.icpbench.stack.host.HostSpec.Ip6;
import io.icpbench.stack.ip.DstInputs;
import io.icpbench.stack.ip.IpRcv;
import io.icpbench.stack.ip.Ipv6FragRcv;
import io.icpbench.stack.ip.Ipv6Rcv;
import io.icpbench.stack.ip.MulticastInput;
import io.icpbench.stack.l2.PacketTypes;
import io.icpbench.stack.l2.RxHandlers;
import io.icpbench.stack.netfilter.Conntrack;
import io.icpbench.stack.netfilter.Hooks;
import io.icpbench.stack.ops.NfHook;
import io.icpbench.stack.proto.Protocols;
import io.icpbench.stack.proto.UdpRcv;
import io.icpbench.stack.udp.SocketOps;
import io.icpbench.stack.udp.UdpSock;
import io.icpbench.stack.wire.EtherType;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The modeled host: its devices, addresses, sockets, hooks and routes, and every ops struct
 * registered where the kernel registers it. Traffic and tests address frames with the constants
 * here.
 *
 * <pre>
 *   eth0 (virtio_net) ── eth0.100 (VLAN 100)        10.0.0.1, fd00::1 / 10.0.100.1
 *   eth1 (mlx5) ──rx_handler──> bond0               10.0.1.1
 *   eth2 (ixgbe) ──rx_handler──> mv0 (macvlan)      10.0.2.2 / 10.0.2.1
 *   eth3 (mlx5) ──rx_handler──> br0 (bridge)        10.0.3.1
 *   veth0 (no NAPI: netif_rx -> backlog)           10.0.5.1
 *   lo (no NAPI: netif_rx -> backlog)              127.0.0.1
 *   vxlan0 (VNI 42, GRO cell)                       192.168.0.1, fd00:42::1
 *   geneve0 (VNI 7, GRO cell)                       192.168.1.1
 *   forwarded: 10.99.0.0/16, fd00:99::/32 ; filter drops 10.66.0.0/16 and port 9
 * </pre>
 */
public final class Topology {
    public static final long MAC_ETH0 = 0x02_00_00_00_00_01L, MAC_ETH1 = 0x02_00_00_00_00_02L,
            MAC_ETH2 = 0x02_00_00_00_00_03L, MAC_ETH3 = 0x02_00_00_00_00_04L, MAC_VETH0 = 0x02_00_00_00_00_05L,
            MAC_MACVLAN = 0x02_00_00_00_00_13L, MAC_BRIDGE = 0x02_00_00_00_00_14L,
            MAC_VXLAN0 = 0x02_00_00_00_00_20L, MAC_GENEVE0 = 0x02_00_00_00_00_21L;
    /** The MAC of the peer that sends to us. */
    public static final long MAC_PEER = 0x02_00_00_00_00_99L;

    public static final int IP_ETH0 = ip(10, 0, 0, 1), IP_VLAN100 = ip(10, 0, 100, 1), IP_BOND0 = ip(10, 0, 1, 1),
            IP_ETH2 = ip(10, 0, 2, 2), IP_MACVLAN = ip(10, 0, 2, 1), IP_BRIDGE = ip(10, 0, 3, 1),
            IP_VETH0 = ip(10, 0, 5, 1), IP_VXLAN_INNER = ip(192, 168, 0, 1), IP_GENEVE_INNER = ip(192, 168, 1, 1);
    /** A peer address on the wire. */
    public static final int IP_PEER = ip(10, 1, 0, 9);
    /** Forwarded prefix 10.99.0.0/16, and a host in it. */
    public static final int IP_FORWARD_NET = ip(10, 99, 0, 0), IP_FORWARDED_HOST = ip(10, 99, 1, 1);
    /** Source prefix the filter drops: 10.66.0.0/16. */
    public static final int IP_BLOCKED_NET = ip(10, 66, 0, 0);
    /** An address that is neither local nor routed. */
    public static final int IP_UNREACHABLE = ip(172, 31, 9, 9);

    /** fd00::1, fd00:42::1, fd00:99::/32 as the upper and lower halves. */
    public static final long IP6_ETH0_HI = 0xfd00_0000_0000_0000L, IP6_ETH0_LO = 1L;
    public static final long IP6_VXLAN_HI = 0xfd00_0042_0000_0000L, IP6_VXLAN_LO = 1L;
    public static final long IP6_FORWARD_HI = 0xfd00_0099_0000_0000L;
    public static final long IP6_PEER_HI = 0xfd00_0001_0000_0000L, IP6_PEER_LO = 9L;

    public static final int VLAN_ID = 100, VXLAN_VNI = 42, GENEVE_VNI = 7;

    /** UDP ports with sockets. */
    public static final int PORT_APP = 5000, APP_SOCKETS = 4, PORT_CONNECTED = 5100, PORT_LITE = 5200,
            PORT_SLOW = 5300, PORT_RPC = 2049, PORT_PSOCK = 6000, PORT_IKE = 4500, PORT_WIREGUARD = 51820, PORT_L2TP = 1701,
            PORT_GUE = 5555;
    /** The VXLAN and Geneve sockets' ports: the IANA ones. */
    public static final int PORT_VXLAN = EncapHandlers.IANA_VXLAN_UDP_PORT, PORT_GENEVE = EncapHandlers.GENEVE_UDP_PORT;
    /** The connected socket's peer. */
    public static final int PORT_CONNECTED_PEER = 7000;
    /** A port with no socket; the port the filter drops; a port with a DNAT rule. */
    public static final int PORT_CLOSED = 7777, PORT_FILTERED = 9, PORT_DNAT = 8080;
    /** The slow socket's queue (datagrams) and its reader's budget per drain. */
    public static final int SLOW_RCVBUF = 8, SLOW_READ_BUDGET = 1;

    /** NIC ring and backlog/GRO cell sizes (descriptors). */
    public static final int RING_SIZE = 1024;

    private Topology() {
    }

    public static int ip(int a, int b, int c, int d) {
        return (a << 24) | (b << 16) | (c << 8) | d;
    }

    /** Builds the modeled host with {@code options}. */
    public static NetStack build(StackOptions options) {
        NetStack s = new NetStack(options.work(), options.maxEncapDepth(), Drivers.ProcessBacklog::new);

        NetDevice eth0 = s.addDevice(new NetDevice("eth0", 2, MAC_ETH0));
        eth0.napi = new Napi("eth0/virtio_net", eth0, new Drivers.VirtioNet(s), s, RING_SIZE);
        NetDevice vlan = s.addDevice(new NetDevice("eth0.100", 3, MAC_ETH0));
        eth0.addVlan(VLAN_ID, vlan);

        NetDevice eth1 = s.addDevice(new NetDevice("eth1", 4, MAC_ETH1));
        eth1.napi = new Napi("eth1/mlx5", eth1, new Drivers.Mlx5(s), s, RING_SIZE);
        NetDevice bond0 = s.addDevice(new NetDevice("bond0", 5, MAC_ETH1));
        eth1.rxHandler = new RxHandlers.Bond(s, bond0);

        NetDevice eth2 = s.addDevice(new NetDevice("eth2", 6, MAC_ETH2));
        eth2.napi = new Napi("eth2/ixgbe", eth2, new Drivers.Ixgbe(s), s, RING_SIZE);
        NetDevice mv0 = s.addDevice(new NetDevice("mv0", 7, MAC_MACVLAN));
        eth2.rxHandler = new RxHandlers.Macvlan(s, mv0);

        NetDevice eth3 = s.addDevice(new NetDevice("eth3", 8, MAC_ETH3));
        eth3.napi = new Napi("eth3/mlx5", eth3, new Drivers.Mlx5(s), s, RING_SIZE);
        NetDevice br0 = s.addDevice(new NetDevice("br0", 9, MAC_BRIDGE));
        eth3.rxHandler = new RxHandlers.Bridge(s, br0);

        s.addDevice(new NetDevice("veth0", 10, MAC_VETH0));
        // lo: MAC 00:00:00:00:00:00, fed through netif_rx like veth, as loopback_xmit does; replays of loopback captures use it.
        NetDevice lo = s.addDevice(new NetDevice("lo", 1, 0L));
        lo.loopback = true;

        NetDevice vxlan0 = s.addDevice(new NetDevice("vxlan0", 11, MAC_VXLAN0));
        vxlan0.napi = new Napi("vxlan0/gro_cell", vxlan0, new Drivers.GroCellPoll(s), s, RING_SIZE);
        s.addTunnel(EncapHandlers.KIND_VXLAN, VXLAN_VNI, vxlan0);
        NetDevice geneve0 = s.addDevice(new NetDevice("geneve0", 12, MAC_GENEVE0));
        geneve0.napi = new Napi("geneve0/gro_cell", geneve0, new Drivers.GroCellPoll(s), s, RING_SIZE);
        s.addTunnel(EncapHandlers.KIND_GENEVE, GENEVE_VNI, geneve0);

        registerHandlers(s, options);

        // netfilter
        if (options.netfilter()) {
            Conntrack ct = new Conntrack(1 << 14);
            s.setHooks(
                    new NfHook[] {new Hooks.ConntrackIn(s, ct), new Hooks.Mangle(s, PORT_APP, PORT_APP + APP_SOCKETS - 1, 1),
                        new Hooks.Nat(s, PORT_DNAT)},
                    new NfHook[] {new Hooks.Filter(s, IP_BLOCKED_NET, 16, PORT_FILTERED), new Hooks.ConntrackConfirm(s, ct)});
        }

        // routes
        for (int a : new int[] {IP_ETH0, IP_VLAN100, IP_BOND0, IP_ETH2, IP_MACVLAN, IP_BRIDGE, IP_VETH0, IP_VXLAN_INNER,
            IP_GENEVE_INNER, ip(127, 0, 0, 1)}) {
            s.fib.addLocal4(a);
        }
        s.fib.addLocal6(IP6_ETH0_HI, IP6_ETH0_LO);
        s.fib.addLocal6(IP6_VXLAN_HI, IP6_VXLAN_LO);
        joinGroups(s, List.of(new Ip6(IP6_ETH0_HI, IP6_ETH0_LO),
                new Ip6(IP6_VXLAN_HI, IP6_VXLAN_LO)), List.of(), List.of());
        if (options.forwarding()) {
            s.fib.addForward4(IP_FORWARD_NET, 16);
            s.fib.addForward6(IP6_FORWARD_HI, 32);
        }
        setDsts(s);

        // sockets
        SocketOps.UdpRecvmsg udpRecvmsg = new SocketOps.UdpRecvmsg(s);
        SocketOps.Udpv6Recvmsg udpv6Recvmsg = new SocketOps.Udpv6Recvmsg(s);
        SocketOps.SockDefReadable readable = new SocketOps.SockDefReadable(s);
        for (int i = 0; i < APP_SOCKETS; i++) {
            bind(s, UdpSock.builder("app" + i, 4, PORT_APP + i).build(), udpRecvmsg, readable);
        }
        bind(s, UdpSock.builder("connected", 4, PORT_CONNECTED).bind4(IP_ETH0).connect4(IP_PEER, PORT_CONNECTED_PEER).build(),
                udpRecvmsg, readable);
        bind(s, UdpSock.builder("unconnected", 4, PORT_CONNECTED).build(), udpRecvmsg, readable);
        bind(s, UdpSock.builder("rpc", 4, PORT_RPC).build(), udpRecvmsg, new SocketOps.SunrpcDataReady(s));
        bind(s, UdpSock.builder("psock", 4, PORT_PSOCK).build(), udpRecvmsg, new SocketOps.PsockVerdict(s));
        bind(s, UdpSock.builder("app6", 6, PORT_APP).build(), udpv6Recvmsg, readable);
        bind(s, UdpSock.builder("rpc6", 6, PORT_RPC).build(), udpv6Recvmsg, new SocketOps.SunrpcDataReady(s));
        bind(s, UdpSock.builder("lite", 4, PORT_LITE).lite().build(), udpRecvmsg, readable);
        UdpSock slow = UdpSock.builder("slow", 4, PORT_SLOW).rcvbuf(SLOW_RCVBUF).build();
        slow.readBudget = SLOW_READ_BUDGET;
        bind(s, slow, udpRecvmsg, readable);

        UdpSock vx = UdpSock.builder("vxlan", 4, PORT_VXLAN).build();
        vx.encapRcv = new EncapHandlers.VxlanRcv(s);
        vx.groReceive = new GroHandlers.VxlanGro(s);
        bind(s, vx, udpRecvmsg, readable);
        UdpSock gnv = UdpSock.builder("geneve", 4, PORT_GENEVE).build();
        gnv.encapRcv = new EncapHandlers.GeneveRcv(s);
        gnv.groReceive = new GroHandlers.GeneveGro(s);
        bind(s, gnv, udpRecvmsg, readable);
        UdpSock ike = UdpSock.builder("ike", 4, PORT_IKE).build();
        ike.encapRcv = new EncapHandlers.EspInUdpRcv(s);
        bind(s, ike, udpRecvmsg, readable);
        UdpSock wg = UdpSock.builder("wireguard", 4, PORT_WIREGUARD).build();
        wg.encapRcv = new EncapHandlers.WireguardRcv(s);
        bind(s, wg, udpRecvmsg, readable);
        UdpSock l2tp = UdpSock.builder("l2tp", 4, PORT_L2TP).build();
        l2tp.encapRcv = new EncapHandlers.L2tpRcv(s);
        bind(s, l2tp, udpRecvmsg, readable);
        UdpSock gue = UdpSock.builder("gue", 4, PORT_GUE).build();
        gue.groReceive = new GroHandlers.GueGro(s);
        bind(s, gue, udpRecvmsg, readable);
        return s;
    }

    /**
     * Registers what every modeled host has, as the kernel's modules register it at boot: the
     * packet_type handlers (and {@code options.taps()} AF_PACKET taps), the GRO offloads and the
     * transport protocols.
     */
    static void registerHandlers(NetStack s, StackOptions options) {
        // packet_type handlers and taps
        s.addPacketType(new IpRcv(s));
        s.addPacketType(new Ipv6Rcv(s));
        s.addPacketType(new PacketTypes.ArpRcv(s));
        for (int i = 0; i < options.taps(); i++) {
            s.addPacketType(new PacketTypes.PacketRcv(s));
        }

        // GRO offloads
        s.addGroL3(EtherType.ETH_P_IP, new GroHandlers.InetGro(s));
        s.addGroL3(EtherType.ETH_P_IPV6, new GroHandlers.Ipv6Gro(s));
        GroHandlers.UdpGro udpGro = new GroHandlers.UdpGro(s);
        GroHandlers.TcpGro tcpGro = new GroHandlers.TcpGro(s);
        s.addGroL4(4, 17, udpGro);
        s.addGroL4(4, 6, tcpGro);
        s.addGroL4(4, 47, new GroHandlers.GreGro(s));
        s.addGroL4(4, 50, new GroHandlers.EspGro(s));
        s.addGroL4(6, 17, udpGro);
        s.addGroL4(6, 6, tcpGro);

        // transport protocols
        s.addProtocol(4, 17, new UdpRcv(s, 4, false));
        s.addProtocol(4, 136, new UdpRcv(s, 4, true));
        s.addProtocol(4, 6, new Protocols.TcpRcv(s));
        s.addProtocol(4, 1, new Protocols.IcmpRcv(s));
        s.addProtocol(4, 47, new Protocols.GreRcv(s));
        s.addProtocol(6, 17, new UdpRcv(s, 6, false));
        s.addProtocol(6, 6, new Protocols.TcpRcv(s));
        s.addProtocol(6, 58, new Protocols.Icmpv6Rcv(s));
        s.addProtocol(6, 44, new Ipv6FragRcv(s));
    }

    /** The input routes' destinations: local delivery, forwarding, IPv6 multicast and the unreachable route. */
    static void setDsts(NetStack s) {
        DstInputs.IpForward forward = new DstInputs.IpForward(s);
        DstInputs.Ip6Input local6 = new DstInputs.Ip6Input(s);
        s.fib.setDsts(new Dst("local", new DstInputs.IpLocalDeliver(s)), new Dst("forward", forward), new Dst("local6", local6),
                new Dst("forward6", forward), new Dst("multicast6", new MulticastInput(s, local6)),
                new Dst("unreachable", new DstInputs.DstDiscard(s)));
    }

    /**
     * Joins the groups every host joins: 224.0.0.1 and ff02::1 (all nodes), and the solicited-node
     * group of each IPv6 address ({@code addrconf_join_solict}).
     */
    static void joinGroups(NetStack s, List<Ip6> ipv6, List<Integer> groups4,
            List<Ip6> groups6) {
        s.fib.addGroup4(ip(224, 0, 0, 1));
        for (int g : groups4) {
            if (g != ip(224, 0, 0, 1)) {
                s.fib.addGroup4(g);
            }
        }
        LinkedHashSet<Ip6> all = new LinkedHashSet<>();
        all.add(new Ip6(0xff02_0000_0000_0000L, 1L));
        for (Ip6 a : ipv6) {
            all.add(a.solicitedNode());
        }
        all.addAll(groups6);
        for (Ip6 g : all) {
            s.fib.addGroup6(g.hi(), g.lo());
        }
    }

    static void bind(NetStack s, UdpSock sk, io.icpbench.stack.ops.RecvMsg prot, io.icpbench.stack.ops.DataReady ready) {
        sk.prot = prot;
        sk.dataReady = ready;
        s.udp.bind(sk);
    }
}
