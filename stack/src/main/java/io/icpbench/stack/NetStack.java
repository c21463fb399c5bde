package io.icpbench.stack;

import static io.icpbench.dispatch.Dispatch.DEVIRTUALIZED;
import static io.icpbench.dispatch.Dispatch.DYNAMIC_CALL;
import static io.icpbench.dispatch.Dispatch.INDIRECT_CALL;
import static io.icpbench.dispatch.Dispatch.MODE_ID;
import static io.icpbench.dispatch.Dispatch.VIRTUAL_MEGAMORPHIC;

import io.icpbench.dispatch.OpsCallSite;
import io.icpbench.stack.driver.Drivers;
import io.icpbench.stack.encap.EncapHandlers;
import io.icpbench.stack.gro.GroHandlers;
import io.icpbench.stack.ip.DstInputs;
import io.icpbench.stack.ip.IpRcv;
import io.icpbench.stack.ip.Ipv6Rcv;
import io.icpbench.stack.ip.Reassembly;
import io.icpbench.stack.l2.RxHandlers;
import io.icpbench.stack.netfilter.Hooks;
import io.icpbench.stack.ops.DstInput;
import io.icpbench.stack.ops.EncapRcv;
import io.icpbench.stack.ops.GroL3;
import io.icpbench.stack.ops.GroL4;
import io.icpbench.stack.ops.NapiPoll;
import io.icpbench.stack.ops.NetProtocol;
import io.icpbench.stack.ops.NfHook;
import io.icpbench.stack.ops.PacketType;
import io.icpbench.stack.ops.DataReady;
import io.icpbench.stack.ops.RecvMsg;
import io.icpbench.stack.ops.RxHandler;
import io.icpbench.stack.ops.UdpTunnelGro;
import io.icpbench.stack.proto.Protocols;
import io.icpbench.stack.proto.UdpRcv;
import io.icpbench.stack.route.Fib;
import io.icpbench.stack.udp.SocketOps;
import io.icpbench.stack.udp.RecvBuffer;
import io.icpbench.stack.udp.UdpSock;
import io.icpbench.stack.udp.UdpTable;
import java.util.ArrayList;
import java.util.List;

/**
 * One network stack as one RX worker (one CPU) sees it: the receive core of {@code net/core/dev.c}
 * and the tables the protocols register in.
 *
 * <p>The modeled indirect call sites ({@link Site}: the twelve of DESIGN.md and the taps of
 * {@code deliver_skb}) are in this class, each its own small static method named after the kernel
 * pointer it calls and marked {@code @OpsCallSite(kernel name)}, in site order at the end of the
 * class: every site is one bytecode call site with its own type profile. The handlers (drivers,
 * protocols, hooks) call back into this class to reach the next site.
 *
 * <p>Each site is written once per dispatch mode, chosen by {@code Dispatch.MODE_ID} (a
 * {@code static final int}, so the JIT keeps only the branch of this JVM's mode):
 * <ul>
 * <li>virtual, virtual-noprofile, virtual-megamorphic, promoted: the plain interface call
 *     ({@code ops.fn(args)}); the promoted mode rewrites exactly these instructions when the class
 *     loads; virtual-megamorphic fills their type profiles with dummy receivers before any traffic
 *     ({@link MegamorphicSites}).</li>
 * <li>indirect-call: the kernel's {@code INDIRECT_CALL_n} list for that site ({@link Site#indirectCall}),
 *     compared in the kernel's order (INDIRECT_CALL_2(f, f2, f1) tests f2 first), then the plain
 *     call. Sites the kernel does not wrap (1, 2, 5, 7, 10, 13) stay plain.</li>
 * <li>dynamic-call: the site's learned handle from {@link StackSites}.</li>
 * <li>devirtualized: the dominant targets of the default traffic called directly ({@link Site#devirtualized}),
 *     then the plain call.</li>
 * </ul>
 * The exact-class tests are {@code instanceof} on final classes: the JVM's pointer compare.
 *
 * <p>Single-threaded: a stack belongs to the thread that feeds it. Several RX workers use several
 * stacks.
 */
public final class NetStack {
    /** Packets one {@code napi->poll} may take (the kernel's NAPI_POLL_WEIGHT). */
    public static final int NAPI_BUDGET = 64;
    /** Netfilter hook numbers. */
    public static final int NF_INET_PRE_ROUTING = 0, NF_INET_LOCAL_IN = 1;

    /** Whether each site is converted in this JVM's mode ({@link SiteSelection}); folded by the JIT. */
    private static final boolean S1 = Site.NAPI_POLL.converted(), S2 = Site.RX_HANDLER.converted(),
            S3 = Site.PTYPE_GRO_RECEIVE.converted(), S4 = Site.OFFLOAD_GRO_RECEIVE.converted(),
            S5 = Site.UDP_TUNNEL_GRO_RECEIVE.converted(), S6 = Site.PACKET_TYPE_FUNC.converted(), S7 = Site.NF_HOOK.converted(),
            S8 = Site.DST_INPUT.converted(), S9 = Site.IPPROT_HANDLER.converted(), S10 = Site.ENCAP_RCV.converted(),
            S11 = Site.SK_DATA_READY.converted(), S12 = Site.SK_PROT_RECVMSG.converted(), S13 = Site.DELIVER_SKB.converted();

    public final Counters counters = new Counters();
    public final HandlerWork work;
    /** Encapsulations a packet may go through; one more is an ENCAP_TOO_DEEP drop. */
    public final int maxEncapDepth;
    public final Fib fib = new Fib();
    /**
     * Whether a UDP or TCP checksum in the partial form ({@link io.icpbench.stack.wire.InetChecksum#partial})
     * counts as verified: the packets came from a peer that offloads checksums over a veth or
     * virtio link, which hands them over as CHECKSUM_PARTIAL (a capture's host says so).
     */
    public boolean trustPartialChecksums;
    public final UdpTable udp = new UdpTable();

    /**
     * The stack's clock in ns (the kernel's jiffies): what fragment queue timers are measured by.
     * Moved forward with {@link #advanceTime}, and to each packet's arrival time ({@link SkBuff#tstamp},
     * which {@link FrameRing} sets) when a NAPI context takes it.
     */
    public long now;

    private final List<NetDevice> devices = new ArrayList<>();
    private final Napi backlog;
    /** IP reassembly, created on the first fragment. */
    private Reassembly frags;

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
        if (MODE_ID == VIRTUAL_MEGAMORPHIC) {
            MegamorphicSites.ensurePolluted();
        }
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
        NetDevice d = findDevice(name);
        if (d == null) {
            throw new IllegalArgumentException("no device '" + name + "', expected one of "
                    + devices.stream().map(x -> x.name).toList());
        }
        return d;
    }

    /** The device called {@code name}, or null. */
    public NetDevice findDevice(String name) {
        for (NetDevice d : devices) {
            if (d.name.equals(name)) {
                return d;
            }
        }
        return null;
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

    // ---------------------------------------------------------------- time and reassembly

    /**
     * Moves the clock to {@code nowNs} (never back: an earlier time is ignored) and runs the
     * fragment queue timers that are due ({@code ip_expire}: ReasmFails and ReasmTimeout).
     */
    public void advanceTime(long nowNs) {
        if (nowNs > now) {
            now = nowNs;
        }
        Reassembly f = frags;
        if (f != null) {
            f.expireDue(now);
        }
    }

    /** The stack's IP reassembly (ip_defrag, ipv6_frag_rcv), created with its buffers on first use. */
    public Reassembly frags() {
        Reassembly f = frags;
        if (f == null) {
            frags = f = new Reassembly(this);
        }
        return f;
    }

    /** Whether a fragment reached this stack (and {@link #frags()} holds buffers). */
    public boolean hasFrags() {
        return frags != null;
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
        skb.csumUnnecessary = dev.loopback;
        if (!Eth.typeTrans(skb, dev)) {
            counters.finish(skb, Outcome.PKT_TOO_SMALL);
            return;
        }
        if (!backlog.post(skb)) {
            counters.finish(skb, Outcome.RX_QUEUE_FULL);
        }
    }

    /**
     * The payload of a VXLAN datagram (the VXLAN header, then the inner Ethernet frame, from
     * {@code skb.mac} to {@code skb.end}) that a real UDP socket received: the live receiver's
     * entry. The kernel has run everything up to the VXLAN socket; this is {@code vxlan_rcv} from
     * there: the header check, the VNI lookup, and the inner frame queued on the tunnel device's
     * GRO cell, where it enters the stack through call site 1. The packet is counted as received.
     */
    public void vxlanSocketRcv(SkBuff skb) {
        counters.countReceived();
        vxlanRcv(skb, skb.mac);
    }

    /**
     * vxlan_rcv from the VXLAN header at absolute index {@code v}: the header check (RFC 7348), the
     * VNI lookup and the decapsulation; bad headers and unknown VNIs end the packet.
     */
    public void vxlanRcv(SkBuff skb, int v) {
        int vni = EncapHandlers.VxlanRcv.vni(skb.buf, v, skb.end);
        if (vni < 0) {
            counters.finish(skb, Outcome.VXLAN_INVALID_HDR);
            return;
        }
        NetDevice dev = tunnel(EncapHandlers.KIND_VXLAN, vni);
        if (dev == null) {
            counters.finish(skb, Outcome.VXLAN_VNI_NOT_FOUND);
            return;
        }
        counters.inc(Counter.VXLAN_DECAPS);
        decapsulate(skb, v + EncapHandlers.VxlanRcv.VXLAN_HLEN, dev);
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
            total += napiPoll(napi.poll, napi, NAPI_BUDGET);
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
                if (ptypeGroReceive(groL3[i], skb, skb.network) == GroL3.GRO_NORMAL) {
                    counters.inc(Counter.GRO_FLUSH);
                }
                break;
            }
        }
        netifReceiveSkb(skb);
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
            PacketType[] tapList = taps;
            for (int i = 0; i < tapList.length; i++) {
                deliverSkb(tapList[i], skb);
            }
            RxHandler rxHandler = dev.rxHandler;
            if (rxHandler == null) {
                break;
            }
            int ret = rxHandler(rxHandler, skb);
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
                packetTypeFunc(ptypes[i], skb);
                return;
            }
        }
        counters.finish(skb, Outcome.UNHANDLED_PROTO);
    }

    /**
     * nf_hook_slow: runs a hook chain.
     *
     * @return true if every hook accepted; false if one dropped (the packet is then ended)
     */
    public boolean nfHookSlow(NfHook[] chain, SkBuff skb, int hooknum) {
        for (int i = 0; i < chain.length; i++) {
            if (nfHookEntryHook(chain[i], skb, hooknum) == NfHook.NF_DROP) {
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

    /**
     * ip_protocol_deliver_rcu / ip6_protocol_deliver_rcu: the transport protocol's handler, or an
     * unknown-protocol drop. For IPv6 a handler that returns a positive value is an extension
     * header's (ipv6_frag_rcv on a completed datagram): the packet is "resubmitted" to the next
     * header it set, through the same call site, and Ip6InDelivers is counted only when a handler
     * returns 0, as the kernel counts it ({@code ret == 0}). IPv4 counts IpInDelivers once per
     * packet (the kernel's resubmit for negative returns has no user here).
     */
    public void ipProtocolDeliver(SkBuff skb) {
        boolean v6 = skb.family == 6;
        NetProtocol[] protos = v6 ? inet6Protos : inetProtos;
        for (int resubmits = 0; ; resubmits++) {
            NetProtocol ipprot = protos[skb.ipProto];
            if (ipprot == null) {
                counters.inc(v6 ? Counter.IP6_IN_UNKNOWN_PROTOS : Counter.IP_IN_UNKNOWN_PROTOS);
                counters.finish(skb, v6 ? Outcome.IP6_NOPROTO : Outcome.IP_NOPROTO);
                return;
            }
            if (!v6) {
                counters.inc(Counter.IP_IN_DELIVERS);
            }
            int ret = ipprotHandler(ipprot, skb);
            if (!v6 || ret < 0) {
                return;
            }
            if (ret == 0) {
                counters.inc(Counter.IP6_IN_DELIVERS);
                return;
            }
            if (resubmits == 8) {
                throw new IllegalStateException("resubmit loop at next header " + skb.ipProto + ": a handler bug");
            }
        }
    }

    /**
     * udp_queue_rcv_skb: the encapsulation handler if the socket has one, else (or if it passes the
     * packet back) the socket's receive queue and its data_ready callback.
     */
    public void udpQueueRcv(UdpSock sk, SkBuff skb) {
        EncapRcv encap = sk.encapRcv;
        if (encap != null) {
            int ret = encapRcv(encap, sk, skb);
            if (ret <= 0) {
                // udp_queue_rcv_one_skb: a datagram the encapsulation took counts as received by the socket.
                counters.inc(sk.mib.inDatagrams);
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
        skDataReady(sk.dataReady, sk);
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
                if (skProtRecvmsg(sk.prot, sk, msg) < 0) {
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

    // ---------------------------------------------------------------- the call sites, in site order

    /*
     * IMPLEMENTATION NOTES. Each ops call site of the table (Site) is one small static method here,
     * in site order, of the site's call type (receiver first) and marked @OpsCallSite with the
     * site's kernel name. All of a site's modes sit side by side, each its own bytecode call site:
     * the plain call (virtual, virtual-noprofile, virtual-megamorphic, promoted), the learned handle
     * (dynamic-call), the kernel's INDIRECT_CALL list (indirect-call), the dominant targets
     * (devirtualized). MODE_ID and the S flags are static final, so the JIT keeps one branch. The
     * methods touch nothing but their arguments: virtual-megamorphic calls them with dummy
     * receivers before any traffic (MegamorphicSites), and the promotion rewriter names every ops
     * call in them by the annotation. Never route two sites through one helper: they would share
     * one type profile.
     */

    /** Site 1, {@code napi->poll} ({@code __napi_poll}): a driver's, the backlog's or a GRO cell's poll. */
    @OpsCallSite(Site.Names.NAPI_POLL)
    static int napiPoll(NapiPoll poll, Napi napi, int budget) {
        if (MODE_ID == DYNAMIC_CALL && S1) {
            try {
                return (int) StackSites.NAPI_POLL.invokeExact(poll, napi, budget);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        } else if (MODE_ID == DEVIRTUALIZED && S1) {
            return poll instanceof Drivers.VirtioNet v ? v.poll(napi, budget) : poll.poll(napi, budget);
        }
        return poll.poll(napi, budget);
    }

    /** Site 2, {@code dev->rx_handler} ({@code __netif_receive_skb_core}): bridge, bond or macvlan. */
    @OpsCallSite(Site.Names.RX_HANDLER)
    static int rxHandler(RxHandler handler, SkBuff skb) {
        if (MODE_ID == DYNAMIC_CALL && S2) {
            try {
                return (int) StackSites.RX_HANDLER.invokeExact(handler, skb);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        } else if (MODE_ID == DEVIRTUALIZED && S2) {
            return handler instanceof RxHandlers.Bond bond ? bond.handleFrame(skb) : handler.handleFrame(skb);
        }
        return handler.handleFrame(skb);
    }

    /** Site 3, {@code ptype->callbacks.gro_receive} ({@code dev_gro_receive}): L3 GRO, inet or IPv6. */
    @OpsCallSite(Site.Names.PTYPE_GRO_RECEIVE)
    static int ptypeGroReceive(GroL3 gro, SkBuff skb, int offset) {
        if (MODE_ID == DYNAMIC_CALL && S3) {
            try {
                return (int) StackSites.PTYPE_GRO_RECEIVE.invokeExact(gro, skb, offset);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        } else if (MODE_ID == INDIRECT_CALL && S3) {
            // INDIRECT_CALL_INET(ptype->callbacks.gro_receive, ipv6_gro_receive, inet_gro_receive, ...)
            return gro instanceof GroHandlers.Ipv6Gro g6 ? g6.groReceive(skb, offset)
                    : gro instanceof GroHandlers.InetGro g4 ? g4.groReceive(skb, offset) : gro.groReceive(skb, offset);
        } else if (MODE_ID == DEVIRTUALIZED && S3) {
            return gro instanceof GroHandlers.InetGro g4 ? g4.groReceive(skb, offset)
                    : gro instanceof GroHandlers.Ipv6Gro g6 ? g6.groReceive(skb, offset) : gro.groReceive(skb, offset);
        }
        return gro.groReceive(skb, offset);
    }

    /**
     * Site 4, {@code ops->callbacks.gro_receive} ({@code inet_gro_receive}, {@code ipv6_gro_receive}):
     * the L4 GRO step, called by the L3 GRO handlers.
     */
    @OpsCallSite(Site.Names.OFFLOAD_GRO_RECEIVE)
    public static int offloadGroReceive(GroL4 gro, SkBuff skb, int offset, int length) {
        if (MODE_ID == DYNAMIC_CALL && S4) {
            try {
                return (int) StackSites.OFFLOAD_GRO_RECEIVE.invokeExact(gro, skb, offset, length);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        } else if (MODE_ID == INDIRECT_CALL && S4) {
            // indirect_call_gro_receive(tcp4_gro_receive, udp4_gro_receive, ops->callbacks.gro_receive, ...)
            return gro instanceof GroHandlers.TcpGro tcp ? tcp.groReceive(skb, offset, length)
                    : gro instanceof GroHandlers.UdpGro udp ? udp.groReceive(skb, offset, length) : gro.groReceive(skb, offset, length);
        } else if (MODE_ID == DEVIRTUALIZED && S4) {
            return gro instanceof GroHandlers.UdpGro udp ? udp.groReceive(skb, offset, length)
                    : gro instanceof GroHandlers.TcpGro tcp ? tcp.groReceive(skb, offset, length) : gro.groReceive(skb, offset, length);
        }
        return gro.groReceive(skb, offset, length);
    }

    /**
     * Site 5, {@code udp_sk(sk)->gro_receive} ({@code udp_gro_receive}): a tunnel socket's GRO,
     * called by the UDP GRO handler (which counts {@link Counter#GRO_TUNNEL}).
     */
    @OpsCallSite(Site.Names.UDP_TUNNEL_GRO_RECEIVE)
    public static int udpTunnelGroReceive(UdpTunnelGro gro, SkBuff skb, int offset, int length) {
        if (MODE_ID == DYNAMIC_CALL && S5) {
            try {
                return (int) StackSites.UDP_TUNNEL_GRO_RECEIVE.invokeExact(gro, skb, offset, length);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        } else if (MODE_ID == DEVIRTUALIZED && S5) {
            return gro instanceof GroHandlers.VxlanGro vx ? vx.groReceive(skb, offset, length) : gro.groReceive(skb, offset, length);
        }
        return gro.groReceive(skb, offset, length);
    }

    /** Site 6, {@code pt_prev->func} ({@code __netif_receive_skb_one_core}): the protocol's packet_type. */
    @OpsCallSite(Site.Names.PACKET_TYPE_FUNC)
    static int packetTypeFunc(PacketType pt, SkBuff skb) {
        if (MODE_ID == DYNAMIC_CALL && S6) {
            try {
                return (int) StackSites.PACKET_TYPE_FUNC.invokeExact(pt, skb);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        } else if (MODE_ID == INDIRECT_CALL && S6) {
            // INDIRECT_CALL_INET(pt_prev->func, ipv6_rcv, ip_rcv, ...)
            return pt instanceof Ipv6Rcv v6 ? v6.func(skb) : pt instanceof IpRcv v4 ? v4.func(skb) : pt.func(skb);
        } else if (MODE_ID == DEVIRTUALIZED && S6) {
            return pt instanceof IpRcv v4 ? v4.func(skb) : pt instanceof Ipv6Rcv v6 ? v6.func(skb) : pt.func(skb);
        }
        return pt.func(skb);
    }

    /** Site 7, {@code nf_hook_entry->hook} ({@code nf_hook_slow}): one netfilter hook of a chain. */
    @OpsCallSite(Site.Names.NF_HOOK)
    static int nfHookEntryHook(NfHook hook, SkBuff skb, int hooknum) {
        if (MODE_ID == DYNAMIC_CALL && S7) {
            try {
                return (int) StackSites.NF_HOOK.invokeExact(hook, skb, hooknum);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        } else if (MODE_ID == DEVIRTUALIZED && S7) {
            return hook instanceof Hooks.ConntrackIn ct ? ct.hook(skb, hooknum)
                    : hook instanceof Hooks.Mangle mangle ? mangle.hook(skb, hooknum)
                    : hook instanceof Hooks.Nat nat ? nat.hook(skb, hooknum)
                    : hook instanceof Hooks.Filter filter ? filter.hook(skb, hooknum)
                    : hook instanceof Hooks.ConntrackConfirm confirm ? confirm.hook(skb, hooknum)
                    : hook.hook(skb, hooknum);
        }
        return hook.hook(skb, hooknum);
    }

    /**
     * Site 8, {@code dst->input} ({@code dst_input}): hands a routed packet to its route's input
     * function ({@code skb.dst.input}); called by ip_rcv and ipv6_rcv.
     */
    @OpsCallSite(Site.Names.DST_INPUT)
    public static int dstInput(DstInput input, SkBuff skb) {
        if (MODE_ID == DYNAMIC_CALL && S8) {
            try {
                return (int) StackSites.DST_INPUT.invokeExact(input, skb);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        } else if (MODE_ID == INDIRECT_CALL && S8) {
            // INDIRECT_CALL_INET(skb_dst(skb)->input, ip6_input, ip_local_deliver, skb)
            return input instanceof DstInputs.Ip6Input v6 ? v6.input(skb)
                    : input instanceof DstInputs.IpLocalDeliver v4 ? v4.input(skb) : input.input(skb);
        } else if (MODE_ID == DEVIRTUALIZED && S8) {
            return input instanceof DstInputs.IpLocalDeliver v4 ? v4.input(skb)
                    : input instanceof DstInputs.Ip6Input v6 ? v6.input(skb) : input.input(skb);
        }
        return input.input(skb);
    }

    /** Site 9, {@code ipprot->handler} ({@code ip_protocol_deliver_rcu}): the transport protocol. */
    @OpsCallSite(Site.Names.IPPROT_HANDLER)
    static int ipprotHandler(NetProtocol ipprot, SkBuff skb) {
        if (MODE_ID == DYNAMIC_CALL && S9) {
            try {
                return (int) StackSites.IPPROT_HANDLER.invokeExact(ipprot, skb);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        } else if (MODE_ID == INDIRECT_CALL && S9) {
            // INDIRECT_CALL_2(ipprot->handler, tcp_v4_rcv, udp_rcv, skb)
            return ipprot instanceof Protocols.TcpRcv tcp ? tcp.handler(skb)
                    : ipprot instanceof UdpRcv udp ? udp.handler(skb) : ipprot.handler(skb);
        } else if (MODE_ID == DEVIRTUALIZED && S9) {
            return ipprot instanceof UdpRcv udp ? udp.handler(skb) : ipprot.handler(skb);
        }
        return ipprot.handler(skb);
    }

    /** Site 10, {@code udp_sk(sk)->encap_rcv} ({@code udp_queue_rcv_one_skb}): VXLAN, Geneve, ESP, WireGuard, L2TP. */
    @OpsCallSite(Site.Names.ENCAP_RCV)
    static int encapRcv(EncapRcv encap, UdpSock sk, SkBuff skb) {
        if (MODE_ID == DYNAMIC_CALL && S10) {
            try {
                return (int) StackSites.ENCAP_RCV.invokeExact(encap, sk, skb);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        } else if (MODE_ID == DEVIRTUALIZED && S10) {
            return encap instanceof EncapHandlers.VxlanRcv vx ? vx.encapRcv(sk, skb) : encap.encapRcv(sk, skb);
        }
        return encap.encapRcv(sk, skb);
    }

    /** Site 11, {@code sk->sk_data_ready} ({@code __udp_enqueue_schedule_skb}): wakes the socket's reader. */
    @OpsCallSite(Site.Names.SK_DATA_READY)
    static void skDataReady(DataReady ready, UdpSock sk) {
        if (MODE_ID == DYNAMIC_CALL && S11) {
            try {
                StackSites.SK_DATA_READY.invokeExact(ready, sk);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        } else if (MODE_ID == INDIRECT_CALL && S11) {
            // INDIRECT_CALL_1(sk->sk_data_ready, sock_def_readable, sk)
            if (ready instanceof SocketOps.SockDefReadable def) {
                def.dataReady(sk);
            } else {
                ready.dataReady(sk);
            }
        } else if (MODE_ID == DEVIRTUALIZED && S11) {
            if (ready instanceof SocketOps.SockDefReadable def) {
                def.dataReady(sk);
            } else {
                ready.dataReady(sk);
            }
        } else {
            ready.dataReady(sk);
        }
    }

    /**
     * Site 12, {@code sk->sk_prot->recvmsg} ({@code inet_recvmsg}): one datagram into {@code msg};
     * returns its length or -1 if none.
     */
    @OpsCallSite(Site.Names.SK_PROT_RECVMSG)
    static int skProtRecvmsg(RecvMsg prot, UdpSock sk, RecvBuffer msg) {
        if (MODE_ID == DYNAMIC_CALL && S12) {
            try {
                return (int) StackSites.SK_PROT_RECVMSG.invokeExact(prot, sk, msg);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        } else if (MODE_ID == INDIRECT_CALL && S12) {
            // INDIRECT_CALL_INET(sock->ops->recvmsg, inet6_recvmsg, inet_recvmsg, ...)
            return prot instanceof SocketOps.Udpv6Recvmsg v6 ? v6.recvmsg(sk, msg)
                    : prot instanceof SocketOps.UdpRecvmsg v4 ? v4.recvmsg(sk, msg) : prot.recvmsg(sk, msg);
        } else if (MODE_ID == DEVIRTUALIZED && S12) {
            return prot instanceof SocketOps.UdpRecvmsg v4 ? v4.recvmsg(sk, msg)
                    : prot instanceof SocketOps.Udpv6Recvmsg v6 ? v6.recvmsg(sk, msg) : prot.recvmsg(sk, msg);
        }
        return prot.recvmsg(sk, msg);
    }

    /**
     * Site 13, {@code ptype_all->func} ({@code deliver_skb}: {@code pt_prev->func} for a tap): an
     * AF_PACKET tap sees the packet. The kernel does not wrap it, and no tap dominates: learned in
     * dynamic-call and promoted, plain in indirect-call and devirtualized.
     */
    @OpsCallSite(Site.Names.DELIVER_SKB)
    static int deliverSkb(PacketType tap, SkBuff skb) {
        if (MODE_ID == DYNAMIC_CALL && S13) {
            try {
                return (int) StackSites.DELIVER_SKB.invokeExact(tap, skb);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }
        return tap.func(skb);
    }

    /** Rethrows what a learned site's target threw: unchecked exceptions and errors as they are. */
    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("checked exception from an ops method that declares none", t);
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
