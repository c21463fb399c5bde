package io.icpbench.stack;

import io.icpbench.stack.driver.Drivers;
import io.icpbench.stack.encap.EncapHandlers;
import io.icpbench.stack.gro.GroHandlers;
import io.icpbench.stack.host.HostSpec;
import io.icpbench.stack.netfilter.Conntrack;
import io.icpbench.stack.netfilter.Hooks;
import io.icpbench.stack.ops.NfHook;
import io.icpbench.stack.udp.SocketOps;
import io.icpbench.stack.udp.UdpSock;

/**
 * A modeled stack for a described host ({@link HostSpec}), so that a capture taken on that host
 * is received as it was there: the same handlers as {@link Topology} (packet types, GRO, transport
 * protocols), but the host's own devices, addresses, groups and sockets.
 *
 * <pre>
 *   eth0 (virtio_net, the host's MAC) ── eth0.VID for each VLAN (same MAC)
 *   lo
 *   vxlanN / geneveN for each tunnel (GRO cell, the tunnel's MAC), fed by the socket on its port (IPv4 or IPv6)
 *   sockets: udp4:PORT and udp6:PORT (wildcard address, 1024 datagrams: a reader that keeps up)
 *   no forwarding: a destination that is not local is unreachable
 * </pre>
 */
public final class HostTopology {
    /** A host socket's queue: a whole replay batch, so a reader that keeps up never overflows. */
    public static final int SOCKET_QUEUE = Topology.RING_SIZE;

    private HostTopology() {
    }

    /** Builds the modeled host {@code host} with {@code options} (its forwarding flag is ignored: hosts do not forward). */
    public static NetStack build(HostSpec host, StackOptions options) {
        NetStack s = new NetStack(options.work(), options.maxEncapDepth(), Drivers.ProcessBacklog::new);
        s.trustPartialChecksums = host.partialChecksums();
        int ifindex = 2;
        NetDevice eth0 = s.addDevice(new NetDevice("eth0", ifindex++, host.mac()));
        eth0.napi = new Napi("eth0/virtio_net", eth0, new Drivers.VirtioNet(s), s, Topology.RING_SIZE);
        for (int vid : host.vlans()) {
            eth0.addVlan(vid, s.addDevice(new NetDevice("eth0." + vid, ifindex++, host.mac())));
        }
        NetDevice lo = s.addDevice(new NetDevice("lo", 1, 0L));
        lo.loopback = true;

        Topology.registerHandlers(s, options);
        if (options.netfilter() && host.conntrack()) {
            Conntrack ct = new Conntrack(1 << 14);
            s.setHooks(new NfHook[] {new Hooks.ConntrackIn(s, ct)}, new NfHook[] {new Hooks.ConntrackConfirm(s, ct)});
        }

        s.fib.addLocal4(Topology.ip(127, 0, 0, 1));
        for (int a : host.ipv4()) {
            s.fib.addLocal4(a);
        }
        for (HostSpec.Ip6 a : host.ipv6()) {
            s.fib.addLocal6(a.hi(), a.lo());
        }
        s.fib.addLocal6(0, 1);
        Topology.joinGroups(s, host.ipv6(), host.ipv4Groups(), host.ipv6Groups());
        Topology.setDsts(s);

        SocketOps.UdpRecvmsg udpRecvmsg = new SocketOps.UdpRecvmsg(s);
        SocketOps.Udpv6Recvmsg udpv6Recvmsg = new SocketOps.Udpv6Recvmsg(s);
        SocketOps.SockDefReadable readable = new SocketOps.SockDefReadable(s);
        for (int port : host.udp4()) {
            Topology.bind(s, UdpSock.builder("udp4:" + port, 4, port).rcvbuf(SOCKET_QUEUE).build(), udpRecvmsg, readable);
        }
        for (int port : host.udp6()) {
            Topology.bind(s, UdpSock.builder("udp6:" + port, 6, port).rcvbuf(SOCKET_QUEUE).build(), udpv6Recvmsg, readable);
        }
        java.util.Set<String> tunnelSockets = new java.util.HashSet<>();
        for (HostSpec.Tunnel t : host.tunnels()) {
            boolean vxlan = t.kind().equals(HostSpec.Tunnel.VXLAN);
            NetDevice dev = s.addDevice(new NetDevice(t.kind() + t.vni(), ifindex++, t.mac()));
            dev.napi = new Napi(dev.name + "/gro_cell", dev, new Drivers.GroCellPoll(s), s, Topology.RING_SIZE);
            s.addTunnel(vxlan ? EncapHandlers.KIND_VXLAN : EncapHandlers.KIND_GENEVE, t.vni(), dev);
            int family = t.ipv6() ? 6 : 4;
            if (tunnelSockets.add(family + ":" + t.port())) {
                // One socket per port and family, shared by every VNI on it (the kernel's vxlan_sock).
                UdpSock sk = UdpSock.builder(t.kind() + family + ":" + t.port(), family, t.port()).rcvbuf(SOCKET_QUEUE).build();
                sk.encapRcv = vxlan ? new EncapHandlers.VxlanRcv(s) : new EncapHandlers.GeneveRcv(s);
                sk.groReceive = vxlan ? new GroHandlers.VxlanGro(s) : new GroHandlers.GeneveGro(s);
                Topology.bind(s, sk, t.ipv6() ? udpv6Recvmsg : udpRecvmsg, readable);
            }
        }
        return s;
    }
}
