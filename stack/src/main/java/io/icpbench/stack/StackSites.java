package io.icpbench.stack;

import io.icpbench.dispatch.Dispatch;
import io.icpbench.dispatch.DynamicSite;
import io.icpbench.dispatch.LearningConfig;
import io.icpbench.dispatch.LearningPolicy;
import io.icpbench.dispatch.StatsStrategy;
import io.icpbench.dispatch.Updater;
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
import io.icpbench.stack.udp.RecvBuffer;
import io.icpbench.stack.udp.UdpSock;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The learned sites of the {@code dynamic-call} mode: the manual conversion Cree proposed, one
 * {@link DynamicSite} (own table, own statistics) per call site of {@link NetStack}.
 *
 * <p>The invokers are {@code static final} so C2 inlines each site's current guard chain. In any
 * other mode they are null and the branches that use them are dead code.
 *
 * <p>Configuration, read once at start-up: {@code -Dicpbench.policy} (cree, top-N, llvm, gcc, with
 * an optional ",learn-once"), {@code -Dicpbench.stats} (a {@link StatsStrategy}, default STRIPED) and
 * {@code -Dicpbench.thresholds=UPDATE,WIPE,PATCH[,HYSTERESIS%]} (default 1000,1000,250,0: Cree's).
 */
public final class StackSites {
    private static final boolean ON = Dispatch.MODE_ID == Dispatch.DYNAMIC_CALL;

    public static final MethodHandle NAPI_POLL = site("1 napi->poll", NapiPoll.class, "poll",
            MethodType.methodType(int.class, NapiPoll.class, Napi.class, int.class));
    public static final MethodHandle RX_HANDLER = site("2 dev->rx_handler", RxHandler.class, "handleFrame",
            MethodType.methodType(int.class, RxHandler.class, SkBuff.class));
    public static final MethodHandle GRO_L3 = site("3 gro_receive (L3)", GroL3.class, "groReceive",
            MethodType.methodType(int.class, GroL3.class, SkBuff.class, int.class));
    public static final MethodHandle GRO_L4 = site("4 gro_receive (L4)", GroL4.class, "groReceive",
            MethodType.methodType(int.class, GroL4.class, SkBuff.class, int.class, int.class));
    public static final MethodHandle TUNNEL_GRO = site("5 udp tunnel gro_receive", UdpTunnelGro.class, "groReceive",
            MethodType.methodType(int.class, UdpTunnelGro.class, SkBuff.class, int.class, int.class));
    public static final MethodHandle PACKET_TYPE = site("6 packet_type->func", PacketType.class, "func",
            MethodType.methodType(int.class, PacketType.class, SkBuff.class));
    public static final MethodHandle NF_HOOK = site("7 nf_hook_entry->hook", NfHook.class, "hook",
            MethodType.methodType(int.class, NfHook.class, SkBuff.class, int.class));
    public static final MethodHandle DST_INPUT = site("8 dst->input", DstInput.class, "input",
            MethodType.methodType(int.class, DstInput.class, SkBuff.class));
    public static final MethodHandle PROTOCOL = site("9 net_protocol->handler", NetProtocol.class, "handler",
            MethodType.methodType(int.class, NetProtocol.class, SkBuff.class));
    public static final MethodHandle ENCAP_RCV = site("10 udp encap_rcv", EncapRcv.class, "encapRcv",
            MethodType.methodType(int.class, EncapRcv.class, UdpSock.class, SkBuff.class));
    public static final MethodHandle DATA_READY = site("11 sk->sk_data_ready", DataReady.class, "dataReady",
            MethodType.methodType(void.class, DataReady.class, UdpSock.class));
    public static final MethodHandle RECVMSG = site("12 proto->recvmsg", RecvMsg.class, "recvmsg",
            MethodType.methodType(int.class, RecvMsg.class, UdpSock.class, RecvBuffer.class));

    private StackSites() {
    }

    private static MethodHandle site(String name, Class<?> iface, String method, MethodType type) {
        if (!ON) {
            return null;
        }
        DynamicSite site = new DynamicSite(name, MethodHandles.lookup(), iface, method, type, policy(), thresholds(), stats(),
                io.icpbench.dispatch.Placement.fromSystemProperty(), Updater.background());
        return site.invoker();
    }

    static LearningPolicy policy() {
        return LearningPolicy.parse(System.getProperty("icpbench.policy", "cree"));
    }

    static StatsStrategy stats() {
        return StatsStrategy.parse(System.getProperty("icpbench.stats", "striped"));
    }

    static LearningConfig thresholds() {
        return LearningConfig.parse(System.getProperty("icpbench.thresholds", "1000,1000,250"));
    }
}
