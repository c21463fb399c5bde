package io.icpbench.stack;

import io.icpbench.stack.ops.DstInput;
import io.icpbench.stack.ops.EncapRcv;
import io.icpbench.stack.ops.GroL3;
import io.icpbench.stack.ops.GroL4;
import io.icpbench.stack.ops.NapiPoll;
import io.icpbench.stack.ops.NetProtocol;
import io.icpbench.stack.ops.NfHook;
import io.icpbench.stack.ops.PacketType;
import io.icpbench.stack.ops.RxHandler;
import io.icpbench.stack.ops.UdpTunnelGro;
import io.icpbench.stack.route.Fib;
import io.icpbench.stack.udp.RecvBuffer;
import io.icpbench.stack.udp.UdpSock;
import io.icpbench.stack.udp.UdpTable;
import java.util.ArrayList;
import java.util.List;

/**
 * One network stack as one RX worker (one CPU) sees it: the receive core of {@code net/core/dev.c}
 * and the tables the protocols register in.
 *
 * <p>All twelve modeled indirect call sites are in this class, each in its own method and marked
 * {@code CALL SITE n}: every site is one bytecode call site with its own type profile. The
 * handlers (drivers, protocols, hooks) call back into these methods to reach the next site.
 *
 * <p>Single-threaded: a stack belongs to the thread that feeds it. Several RX workers use several
 * stacks.
 */
public final class NetStack {
    /** Packets one {@code napi->poll} may take (the kernel's NAPI_POLL_WEIGHT). */
    public static final int NAPI_BUDGET = 64;
    /** Netfilter hook numbers. */
    public static final int NF_INET_PRE_ROUTING = 0, NF_INET_LOCAL_IN = 1;

    public final Counters counters = new Counters();
    public final HandlerWork work;
    /** Encapsulations a packet may go through; one more is an ENCAP_TOO_DEEP drop. */
    public final int maxEncapDepth;
    public final Fib fib = new Fib();
    public final UdpTable udp = new UdpTable();

    private final List<NetDevice> devices = new ArrayList<>();
    private final Napi backlog;

    private Napi[] pollList = new Napi[8];
    private int pollHead;
    private int pollCount;

    private int[] ptypeTypes = new int[0];
    private PacketType[] ptypes = new PacketType[0];
    private PacketType[] taps = new PacketType[0];
    private int[] groTypes = new int[0];
    private GroL3[] groL3 = new GroL3[0];
    private final GroL4[] groL4v4 = new GroL4[256];
    private final GroL4[] groL4v6 = new GroL4[256];
    private final NetProtocol[] inetProtos = new NetProtocol[256];
    private final NetProtocol[] inet6Protos = new NetProtocol[256];
    private NfHook[] preRouting = new NfHook[0];
    private NfHook[] localIn = new NfHook[0];
    private NetDevice[] tunnelDevs = new NetDevice[0];
    private int[] tunnelVnis = new int[0];
    private int[] tunnelKinds = new int[0];

    /**
     * @param work          the per-handler work
     * @param maxEncapDepth encapsulations allowed per packet, 0..16
     * @param backlogPoll   the backlog's poll function (process_backlog)
     */
    public NetStack(HandlerWork work, int maxEncapDepth, java.util.function.Function<NetStack, NapiPoll> backlogPoll) {
        if (maxEncapDepth < 0 || maxEncapDepth > 16) {
            throw new IllegalArgumentException("maxEncapDepth=" + maxEncapDepth + ", expected 0..16");
        }
        this.work = work;
        this.maxEncapDepth = maxEncapDepth;
        this.backlog = new Napi("backlog", null, backlogPoll.apply(this), this, 1024);
    }

    // ---------------------------------------------------------------- registration (cold)

    public NetDevice addDevice(NetDevice dev) {
        devices.add(dev);
        return dev;
    }

    public List<NetDevice> devices() {
        return List.copyOf(devices);
    }

    public NetDevice device(String name) {
        for (NetDevice d : devices) {
            if (d.name.equals(name)) {
                return d;
            }
        }
        throw new IllegalArgumentException("no device '" + name + "'");
    }

    /** dev_add_pack: a handler for one EtherType, or a tap for all. */
    public void addPacketType(PacketType pt) {
        if (pt.type() == PacketType.ETH_P_ALL) {
            taps = append(taps, pt);
        } else {
            ptypeTypes = appendInt(ptypeTypes, pt.type());
            ptypes = append(ptypes, pt);
        }
    }

    public void addGroL3(int etherType, GroL3 gro) {
        groTypes = appendInt(groTypes, etherType);
        groL3 = append(groL3, gro);
    }

    public void addGroL4(int family, int protocol, GroL4 gro) {
        (family == 6 ? groL4v6 : groL4v4)[protocol] = gro;
    }

    /** inet_add_protocol / inet6_add_protocol. */
    public void addProtocol(int family, int protocol, NetProtocol handler) {
        (family == 6 ? inet6Protos : inetProtos)[protocol] = handler;
    }

    public void setHooks(NfHook[] preRouting, NfHook[] localIn) {
        this.preRouting = preRouting.clone();
        this.localIn = localIn.clone();
    }

    /** Registers a tunnel device (kind 0 VXLAN, 1 Geneve) that takes decapsulated frames of {@code vni}. */
    public void addTunnel(int kind, int vni, NetDevice dev) {
        tunnelKinds = appendInt(tunnelKinds, kind);
        tunnelVnis = appendInt(tunnelVnis, vni);
        tunnelDevs = append(tunnelDevs, dev);
    }

    public GroL4 groL4(int family, int protocol) {
        return (family == 6 ? groL4v6 : groL4v4)[protocol];
    }

    public NetProtocol protocol(int family, int protocol) {
        return (family == 6 ? inet6Protos : inetProtos)[protocol];
    }

    /** The tunnel device for ({@code kind}, {@code vni}), or null. */
    public NetDevice tunnel(int kind, int vni) {
        for (int i = 0; i < tunnelVnis.length; i++) {
            if (tunnelVnis[i] == vni && tunnelKinds[i] == kind) {
                return tunnelDevs[i];
            }
        }
        return null;
    }

    public NfHook[] preRoutingHooks() {
        return preRouting;
    }

    public NfHook[] localInHooks() {
        return localIn;
    }

    // ---------------------------------------------------------------- ingress

    /**
     * A frame arrives on {@code dev}: into its NIC ring, or through {@code netif_rx} into the
     * backlog for devices without NAPI. The packet is counted as received here.
     */
    public void rxFrame(NetDevice dev, SkBuff skb) {
        counters.countReceived();
        Napi napi = dev.napi;
        if (napi != null) {
            if (!napi.post(skb)) {
                counters.finish(skb, Outcome.RX_QUEUE_FULL);
            }
            return;
        }
        // netif_rx: the sender (veth, loopback) already ran eth_type_trans.
        if (!Eth.typeTrans(skb, dev)) {
            counters.finish(skb, Outcome.PKT_TOO_SMALL);
            return;
        }
        if (!backlog.post(skb)) {
            counters.finish(skb, Outcome.RX_QUEUE_FULL);
        }
    }

    /** napi_schedule: puts the context on the poll list unless it is there already. */
    void napiSchedule(Napi napi) {
        if (napi.scheduled) {
            return;
        }
        napi.scheduled = true;
        if (pollCount == pollList.length) {
            Napi[] grown = new Napi[pollList.length * 2];
            for (int i = 0; i < pollCount; i++) {
                grown[i] = pollList[(pollHead + i) % pollList.length];
            }
            pollList = grown;
            pollHead = 0;
        }
        pollList[(pollHead + pollCount++) % pollList.length] = napi;
    }

    /** The backlog's NAPI context (process_backlog's queue). */
    public Napi backlog() {
        return backlog;
    }

    /**
     * net_rx_action: polls the scheduled NAPI contexts round-robin until none has work left.
     *
     * @return packets polled
     */
    public int netRxAction() {
        int total = 0;
        while (pollCount > 0) {
            Napi napi = pollList[pollHead];
            pollList[pollHead] = null;
            pollHead = (pollHead + 1) % pollList.length;
            pollCount--;
            napi.scheduled = false;
            // CALL SITE 1: napi->poll
            int done = napi.poll.poll(napi, NAPI_BUDGET);
            total += done;
            if (napi.queued() > 0) {
                napiSchedule(napi);
            }
        }
        return total;
    }

    // ---------------------------------------------------------------- GRO

    /** napi_gro_receive / dev_gro_receive: GRO looks at the packet, then it goes up unmerged. */
    public void napiGroReceive(SkBuff skb) {
        counters.inc(Counter.GRO_RECEIVED);
        int type = skb.protocol;
        int[] types = groTypes;
        for (int i = 0; i < types.length; i++) {
            if (types[i] == type) {
                GroL3 gro = groL3[i];
                // CALL SITE 3: ptype->callbacks.gro_receive
                if (gro.groReceive(skb, skb.network) == GroL3.GRO_NORMAL) {
                    counters.inc(Counter.GRO_FLUSH);
                }
                break;
            }
        }
        netifReceiveSkb(skb);
    }

    /** The L4 GRO step of inet_gro_receive / ipv6_gro_receive. */
    public int groL4Receive(GroL4 gro, SkBuff skb, int offset, int length) {
        // CALL SITE 4: ops->callbacks.gro_receive
        return gro.groReceive(skb, offset, length);
    }

    /** udp_gro_receive on a tunnel socket. */
    public int udpTunnelGroReceive(UdpTunnelGro gro, SkBuff skb, int offset, int length) {
        counters.inc(Counter.GRO_TUNNEL);
        // CALL SITE 5: udp_sk(sk)->gro_receive
        return gro.groReceive(skb, offset, length);
    }

    // ---------------------------------------------------------------- the receive core

    /** __netif_receive_skb_core: VLAN, taps, rx_handler, then the protocol's packet_type. */
    public void netifReceiveSkb(SkBuff skb) {
        for (int round = 0; ; round++) {
            NetDevice dev = skb.dev;
            dev.rxPackets++;
            if (skb.vlanPresent) {
                NetDevice vlanDev = dev.vlan(skb.vlanTci & 0x0FFF);
                if (vlanDev == null) {
                    // vlan_do_receive found no device: the kernel marks it PACKET_OTHERHOST.
                    counters.finish(skb, Outcome.OTHERHOST);
                    return;
                }
                skb.vlanPresent = false;
                skb.dev = vlanDev;
                continue;
            }
            PacketType[] t = taps;
            for (int i = 0; i < t.length; i++) {
                deliverSkb(t[i], skb);
            }
            RxHandler rxHandler = dev.rxHandler;
            if (rxHandler == null) {
                break;
            }
            // CALL SITE 2: dev->rx_handler
            int ret = rxHandler.handleFrame(skb);
            if (ret == RxHandler.RX_HANDLER_CONSUMED) {
                return;
            }
            if (ret != RxHandler.RX_HANDLER_ANOTHER) {
                break;
            }
            if (round == 8) {
                throw new IllegalStateException("rx_handler loop on " + skb.dev + ": a device stacking bug");
            }
        }
        int type = skb.protocol;
        int[] types = ptypeTypes;
        for (int i = 0; i < types.length; i++) {
            if (types[i] == type) {
                PacketType pt = ptypes[i];
                // CALL SITE 6: pt_prev->func
                pt.func(skb);
                return;
            }
        }
        counters.finish(skb, Outcome.UNHANDLED_PROTO);
    }

    /** deliver_skb: a tap (ETH_P_ALL) sees the packet; its own call site, separate from site 6. */
    private static void deliverSkb(PacketType tap, SkBuff skb) {
        tap.func(skb);
    }

    /**
     * nf_hook_slow: runs a hook chain.
     *
     * @return true if every hook accepted; false if one dropped (the packet is then ended)
     */
    public boolean nfHookSlow(NfHook[] chain, SkBuff skb, int hooknum) {
        for (int i = 0; i < chain.length; i++) {
            // CALL SITE 7: nf_hook_entry->hook
            if (chain[i].hook(skb, hooknum) == NfHook.NF_DROP) {
                counters.finish(skb, Outcome.NETFILTER_DROP);
                return false;
            }
        }
        return true;
    }

    /** NF_HOOK(PRE_ROUTING). */
    public boolean preRouting(SkBuff skb) {
        return nfHookSlow(preRouting, skb, NF_INET_PRE_ROUTING);
    }

    /** NF_HOOK(LOCAL_IN). */
    public boolean localIn(SkBuff skb) {
        return nfHookSlow(localIn, skb, NF_INET_LOCAL_IN);
    }

    /** dst_input: hands a routed packet to its route's input function. */
    public int dstInput(SkBuff skb) {
        DstInput input = skb.dst.input;
        // CALL SITE 8: dst->input
        return input.input(skb);
    }

    /**
     * ip_protocol_deliver_rcu / ip6_protocol_deliver_rcu: the transport protocol's handler, or an
     * unknown-protocol drop.
     */
    public void ipProtocolDeliver(SkBuff skb) {
        boolean v6 = skb.family == 6;
        NetProtocol ipprot = (v6 ? inet6Protos : inetProtos)[skb.ipProto];
        if (ipprot == null) {
            counters.inc(v6 ? Counter.IP6_IN_UNKNOWN_PROTOS : Counter.IP_IN_UNKNOWN_PROTOS);
            counters.finish(skb, v6 ? Outcome.IP6_NOPROTO : Outcome.IP_NOPROTO);
            return;
        }
        counters.inc(v6 ? Counter.IP6_IN_DELIVERS : Counter.IP_IN_DELIVERS);
        // CALL SITE 9: ipprot->handler
        ipprot.handler(skb);
    }

    /**
     * udp_queue_rcv_skb: the encapsulation handler if the socket has one, else (or if it passes the
     * packet back) the socket's receive queue and its data_ready callback.
     */
    public void udpQueueRcv(UdpSock sk, SkBuff skb) {
        EncapRcv encap = sk.encapRcv;
        if (encap != null) {
            // CALL SITE 10: udp_sk(sk)->encap_rcv
            if (encap.encapRcv(sk, skb) <= 0) {
                return;
            }
        }
        if (!sk.enqueue(skb)) {
            counters.inc(sk.mib.rcvbufErrors);
            counters.inc(sk.mib.inErrors);
            counters.finish(skb, Outcome.SOCKET_RCVBUFF);
            return;
        }
        counters.finish(skb, Outcome.UDP_QUEUED);
        // CALL SITE 11: sk->sk_data_ready
        sk.dataReady.dataReady(sk);
    }

    /** recvmsg on a socket: one datagram into {@code msg}; returns its length or -1 if none. */
    public int recvmsg(UdpSock sk, RecvBuffer msg) {
        // CALL SITE 12: sk->sk_prot->recvmsg
        return sk.prot.recvmsg(sk, msg);
    }

    /**
     * The application side: every socket's reader takes up to its read budget of datagrams.
     *
     * @return datagrams read
     */
    public int drainSockets(RecvBuffer msg) {
        UdpSock[] socks = udp.sockets();
        int read = 0;
        for (int s = 0; s < socks.length; s++) {
            UdpSock sk = socks[s];
            for (int n = sk.readBudget; n > 0; n--) {
                if (recvmsg(sk, msg) < 0) {
                    sk.waiting = true;
                    break;
                }
                read++;
            }
        }
        return read;
    }

    /**
     * Decapsulation common to VXLAN and Geneve: checks the nesting limit and queues the inner
     * frame at {@code innerMac} on the tunnel device's GRO cell (gro_cells_receive), where it
     * re-enters the stack through call site 1.
     */
    public void decapsulate(SkBuff skb, int innerMac, NetDevice tunnelDev) {
        if (skb.encapDepth >= maxEncapDepth) {
            counters.finish(skb, Outcome.ENCAP_TOO_DEEP);
            return;
        }
        skb.encapDepth++;
        skb.reenter(innerMac, tunnelDev);
        if (!Eth.typeTrans(skb, tunnelDev)) {
            counters.finish(skb, Outcome.PKT_TOO_SMALL);
            return;
        }
        if (!tunnelDev.napi.post(skb)) {
            counters.finish(skb, Outcome.RX_QUEUE_FULL);
        }
    }

    private static <T> T[] append(T[] array, T item) {
        T[] grown = java.util.Arrays.copyOf(array, array.length + 1);
        grown[array.length] = item;
        return grown;
    }

    private static int[] appendInt(int[] array, int item) {
        int[] grown = java.util.Arrays.copyOf(array, array.length + 1);
        grown[array.length] = item;
        return grown;
    }
}
