package io.icpbench.stack;

import static java.lang.invoke.MethodType.methodType;

import io.icpbench.stack.driver.Drivers;
import io.icpbench.stack.encap.EncapHandlers;
import io.icpbench.stack.gro.GroHandlers;
import io.icpbench.stack.ip.DstInputs;
import io.icpbench.stack.ip.IpRcv;
import io.icpbench.stack.ip.Ipv6Rcv;
import io.icpbench.stack.l2.RxHandlers;
import io.icpbench.stack.netfilter.Hooks;
import io.icpbench.stack.ops.DataReady;
import io.icpbench.stack.ops.DstInput;
import io.icpbench.stack.ops.EncapRcv;
import io.icpbench.stack.ops.GroL3;
import io.icpbench.stack.ops.GroL4;
import io.icpbench.stack.ops.NapiPoll;
import io.icpbench.stack.ops.NetProtocol;
import io.icpbench.stack.ops.NfHook;
import io.icpbench.stack.ops.PacketType;
import io.icpbench.stack.ops.RecvMsg;
import io.icpbench.stack.ops.RxHandler;
import io.icpbench.stack.ops.UdpTunnelGro;
import io.icpbench.stack.proto.Protocols;
import io.icpbench.stack.proto.UdpRcv;
import io.icpbench.stack.udp.RecvBuffer;
import io.icpbench.stack.udp.SocketOps;
import io.icpbench.stack.udp.UdpSock;
import java.io.PrintStream;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The indirect call sites of the modeled receive path, the one place that says what each is:
 * number, kernel name, the ops interface and method it calls, the kernel's {@code INDIRECT_CALL}
 * list and the devirtualized targets. Everything else is derived from this table: the learned
 * sites of {@link StackSites}, the per-site flags of {@link NetStack} ({@link SiteSelection}), the
 * promotion excludes, and {@code scripts/inlining-report.sh} (through {@link #main}).
 *
 * <p>Each site is one small static method of {@link NetStack}, named {@link #stackMethod}, whose
 * type is {@link #type} and which carries {@code @OpsCallSite(}the site's {@link Names name}{@code )}:
 * the promotion rewriter names what it rewrites there by that name, so a site has one name in
 * every mode ({@code icpbench sites}, {@code sites.json}, the report). Names are the kernel's own
 * expressions at the call (grep the kernel for {@code sk->sk_data_ready}); none is a prefix of
 * another, since the rewriter's exclude list matches by prefix.
 *
 * <p>The taps site ({@link #DELIVER_SKB}, number 13): {@code deliver_skb} calls each AF_PACKET tap
 * ({@code ptype_all} entry) through {@code pt_prev->func}, the same pointer as site 6 but its own
 * call site. It is a site like the others: converted by {@code dynamic-call} and {@code promoted}
 * alike, selectable with {@code --sites 13}, kept megamorphic by {@code virtual-megamorphic}. The
 * kernel does not wrap it in {@code INDIRECT_CALL}, and no tap dominates, so {@code indirect-call}
 * and {@code devirtualized} leave it plain (its lists are empty). Twelve sites are the DESIGN's;
 * the thirteenth was the tap call that only the promoted mode used to convert.
 */
public enum Site {
    /** {@code __napi_poll}: {@code work = n->poll(n, weight)}. The kernel does not wrap it. */
    NAPI_POLL(1, Names.NAPI_POLL, "napiPoll", NapiPoll.class, "poll",
            methodType(int.class, NapiPoll.class, Napi.class, int.class),
            List.of(), List.of(Drivers.VirtioNet.class)),
    /** {@code __netif_receive_skb_core}: {@code rx_handler(&skb)}, read from {@code skb->dev->rx_handler}. */
    RX_HANDLER(2, Names.RX_HANDLER, "rxHandler", RxHandler.class, "handleFrame",
            methodType(int.class, RxHandler.class, SkBuff.class),
            List.of(), List.of(RxHandlers.Bond.class)),
    /** {@code dev_gro_receive}: {@code INDIRECT_CALL_INET(ptype->callbacks.gro_receive, ipv6_gro_receive, inet_gro_receive, ...)}. */
    PTYPE_GRO_RECEIVE(3, Names.PTYPE_GRO_RECEIVE, "ptypeGroReceive", GroL3.class, "groReceive",
            methodType(int.class, GroL3.class, SkBuff.class, int.class),
            List.of(GroHandlers.Ipv6Gro.class, GroHandlers.InetGro.class),
            List.of(GroHandlers.InetGro.class, GroHandlers.Ipv6Gro.class)),
    /** {@code inet_gro_receive}: {@code indirect_call_gro_receive(tcp4_gro_receive, udp4_gro_receive, ops->callbacks.gro_receive, ...)}. */
    OFFLOAD_GRO_RECEIVE(4, Names.OFFLOAD_GRO_RECEIVE, "offloadGroReceive", GroL4.class, "groReceive",
            methodType(int.class, GroL4.class, SkBuff.class, int.class, int.class),
            List.of(GroHandlers.TcpGro.class, GroHandlers.UdpGro.class),
            List.of(GroHandlers.UdpGro.class, GroHandlers.TcpGro.class)),
    /** {@code udp_gro_receive}: {@code call_gro_receive_sk(udp_sk(sk)->gro_receive, sk, head, skb)}. */
    UDP_TUNNEL_GRO_RECEIVE(5, Names.UDP_TUNNEL_GRO_RECEIVE, "udpTunnelGroReceive", UdpTunnelGro.class, "groReceive",
            methodType(int.class, UdpTunnelGro.class, SkBuff.class, int.class, int.class),
            List.of(), List.of(GroHandlers.VxlanGro.class)),
    /** {@code __netif_receive_skb_one_core}: {@code INDIRECT_CALL_INET(pt_prev->func, ipv6_rcv, ip_rcv, ...)}. */
    PACKET_TYPE_FUNC(6, Names.PACKET_TYPE_FUNC, "packetTypeFunc", PacketType.class, "func",
            methodType(int.class, PacketType.class, SkBuff.class),
            List.of(Ipv6Rcv.class, IpRcv.class), List.of(IpRcv.class, Ipv6Rcv.class)),
    /** {@code nf_hook_slow} / {@code nf_hook_entry_hookfn}: {@code entry->hook(entry->priv, skb, state)}. Not wrapped. */
    NF_HOOK(7, Names.NF_HOOK, "nfHookEntryHook", NfHook.class, "hook",
            methodType(int.class, NfHook.class, SkBuff.class, int.class),
            List.of(), List.of(Hooks.ConntrackIn.class, Hooks.Mangle.class, Hooks.Nat.class, Hooks.Filter.class,
                    Hooks.ConntrackConfirm.class)),
    /** {@code dst_input}: {@code INDIRECT_CALL_INET(skb_dst(skb)->input, ip6_input, ip_local_deliver, skb)}. */
    DST_INPUT(8, Names.DST_INPUT, "dstInput", DstInput.class, "input",
            methodType(int.class, DstInput.class, SkBuff.class),
            List.of(DstInputs.Ip6Input.class, DstInputs.IpLocalDeliver.class),
            List.of(DstInputs.IpLocalDeliver.class, DstInputs.Ip6Input.class)),
    /** {@code ip_protocol_deliver_rcu}: {@code INDIRECT_CALL_2(ipprot->handler, tcp_v4_rcv, udp_rcv, skb)}. */
    IPPROT_HANDLER(9, Names.IPPROT_HANDLER, "ipprotHandler", NetProtocol.class, "handler",
            methodType(int.class, NetProtocol.class, SkBuff.class),
            List.of(Protocols.TcpRcv.class, UdpRcv.class), List.of(UdpRcv.class)),
    /** {@code udp_queue_rcv_one_skb}: {@code encap_rcv(sk, skb)}, read from {@code udp_sk(sk)->encap_rcv}. Not wrapped. */
    ENCAP_RCV(10, Names.ENCAP_RCV, "encapRcv", EncapRcv.class, "encapRcv",
            methodType(int.class, EncapRcv.class, UdpSock.class, SkBuff.class),
            List.of(), List.of(EncapHandlers.VxlanRcv.class)),
    /** {@code __udp_enqueue_schedule_skb}: {@code INDIRECT_CALL_1(sk->sk_data_ready, sock_def_readable, sk)}. */
    SK_DATA_READY(11, Names.SK_DATA_READY, "skDataReady", DataReady.class, "dataReady",
            methodType(void.class, DataReady.class, UdpSock.class),
            List.of(SocketOps.SockDefReadable.class), List.of(SocketOps.SockDefReadable.class)),
    /**
     * {@code inet_recvmsg}: {@code sk->sk_prot->recvmsg}. The model folds the two levels of the kernel
     * into one; its list is {@code sock_recvmsg_nosec}'s {@code INDIRECT_CALL_INET(sock->ops->recvmsg,
     * inet6_recvmsg, inet_recvmsg, ...)}, whose targets lead to udpv6_recvmsg and udp_recvmsg.
     */
    SK_PROT_RECVMSG(12, Names.SK_PROT_RECVMSG, "skProtRecvmsg", RecvMsg.class, "recvmsg",
            methodType(int.class, RecvMsg.class, UdpSock.class, RecvBuffer.class),
            List.of(SocketOps.Udpv6Recvmsg.class, SocketOps.UdpRecvmsg.class),
            List.of(SocketOps.UdpRecvmsg.class, SocketOps.Udpv6Recvmsg.class)),
    /** {@code deliver_skb}: {@code pt_prev->func(...)} for an AF_PACKET tap on {@code ptype_all}. Not wrapped. */
    DELIVER_SKB(13, Names.DELIVER_SKB, "deliverSkb", PacketType.class, "func",
            methodType(int.class, PacketType.class, SkBuff.class),
            List.of(), List.of());

    /**
     * The sites' names as compile-time constants, for {@code @OpsCallSite} (an annotation takes
     * only constants). Use {@link Site#kernelName} everywhere else.
     */
    public static final class Names {
        public static final String NAPI_POLL = "napi->poll";
        public static final String RX_HANDLER = "dev->rx_handler";
        public static final String PTYPE_GRO_RECEIVE = "ptype->callbacks.gro_receive";
        public static final String OFFLOAD_GRO_RECEIVE = "ops->callbacks.gro_receive";
        public static final String UDP_TUNNEL_GRO_RECEIVE = "udp_sk(sk)->gro_receive";
        public static final String PACKET_TYPE_FUNC = "pt_prev->func";
        public static final String NF_HOOK = "nf_hook_entry->hook";
        public static final String DST_INPUT = "dst->input";
        public static final String IPPROT_HANDLER = "ipprot->handler";
        public static final String ENCAP_RCV = "udp_sk(sk)->encap_rcv";
        public static final String SK_DATA_READY = "sk->sk_data_ready";
        public static final String SK_PROT_RECVMSG = "sk->sk_prot->recvmsg";
        public static final String DELIVER_SKB = "ptype_all->func";

        private Names() {
        }
    }

    /** How many sites there are; {@code --sites} takes 1..COUNT. */
    public static final int COUNT = 13;

    /** The site's number, 1..{@link #COUNT}, as {@code --sites} takes it. */
    public final int number;
    /** The kernel's name of the call, the site's name in every mode ("sk->sk_data_ready"). */
    public final String kernelName;
    /** The {@link NetStack} method that is this site (static, of type {@link #type}, {@code @OpsCallSite(kernelName)}). */
    public final String stackMethod;
    /** The ops interface the site calls. */
    public final Class<?> iface;
    /** The interface method the site calls. */
    public final String method;
    /** The call's type: the receiver ({@link #iface}) first, then the arguments. */
    public final MethodType type;
    /** The kernel's {@code INDIRECT_CALL_n} candidates, in the kernel's comparison order; empty if the kernel does not wrap the site. */
    public final List<Class<?>> indirectCall;
    /** The targets the devirtualized mode calls directly, in the order it tests them; empty: left plain. */
    public final List<Class<?>> devirtualized;

    Site(int number, String kernelName, String stackMethod, Class<?> iface, String method, MethodType type,
            List<Class<?>> indirectCall, List<Class<?>> devirtualized) {
        this.number = number;
        this.kernelName = kernelName;
        this.stackMethod = stackMethod;
        this.iface = iface;
        this.method = method;
        this.type = type;
        this.indirectCall = indirectCall;
        this.devirtualized = devirtualized;
    }

    /** Whether this JVM's mode converts the site ({@code -Dicpbench.sites}). */
    public boolean converted() {
        return SiteSelection.converted(number);
    }

    /** "NetProtocol.handler": the callee as the interface and method. */
    public String callee() {
        return iface.getSimpleName() + "." + method;
    }

    /** The site numbered {@code n}, 1..{@link #COUNT}. */
    public static Site number(int n) {
        if (n < 1 || n > COUNT) {
            throw new IllegalArgumentException("site " + n + ", expected 1.." + COUNT);
        }
        return values()[n - 1];
    }

    /** The site named {@code kernelName}, or null. */
    public static Site named(String kernelName) {
        for (Site s : values()) {
            if (s.kernelName.equals(kernelName)) {
                return s;
            }
        }
        return null;
    }

    /**
     * Prints the table, one site a line, tab-separated: number, kernel name, interface (simple
     * name), method, NetStack method, INDIRECT_CALL list, devirtualized list ("-" if empty), and the
     * bytecode indexes of the site's ops calls in its NetStack method (the plain call last).
     * {@code scripts/inlining-report.sh} reads it.
     */
    public static void main(String[] args) throws java.io.IOException {
        print(System.out);
    }

    static void print(PrintStream out) throws java.io.IOException {
        java.lang.classfile.ClassModel stack;
        try (java.io.InputStream in = NetStack.class.getResourceAsStream("NetStack.class")) {
            stack = java.lang.classfile.ClassFile.of().parse(in.readAllBytes());
        }
        for (Site s : values()) {
            out.println(s.number + "\t" + s.kernelName + "\t" + s.iface.getSimpleName() + "\t" + s.method + "\t" + s.stackMethod
                    + "\t" + names(s.indirectCall) + "\t" + names(s.devirtualized) + "\t" + s.callIndexes(stack));
        }
    }

    /** "28,40,47": the bytecode indexes of this site's calls of {@link #method} in its NetStack method. */
    private String callIndexes(java.lang.classfile.ClassModel stack) {
        String descriptor = type.toMethodDescriptorString();
        StringBuilder out = new StringBuilder();
        for (java.lang.classfile.MethodModel m : stack.methods()) {
            if (!m.methodName().equalsString(stackMethod) || !m.methodType().equalsString(descriptor)) {
                continue;
            }
            int bci = 0;
            for (java.lang.classfile.CodeElement e : m.code().orElseThrow()) {
                if (e instanceof java.lang.classfile.instruction.InvokeInstruction call && call.name().equalsString(method)
                        && call.type().equalsString(type.dropParameterTypes(0, 1).toMethodDescriptorString())) {
                    out.append(out.isEmpty() ? "" : ",").append(bci);
                }
                if (e instanceof java.lang.classfile.Instruction i) {
                    bci += i.sizeInBytes();
                }
            }
        }
        return out.isEmpty() ? "-" : out.toString();
    }

    private static String names(List<Class<?>> classes) {
        return classes.isEmpty() ? "-" : classes.stream().map(c -> c.getName().substring(c.getName().lastIndexOf('.') + 1).replace('$', '.'))
                .collect(Collectors.joining(","));
    }
}
