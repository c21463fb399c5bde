package io.icpbench.stack;

import io.icpbench.dispatch.Dispatch;
import io.icpbench.dispatch.DynamicSite;
import io.icpbench.dispatch.Learning;
import io.icpbench.dispatch.Updater;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;

/**
 * The learned sites of the {@code dynamic-call} mode: the manual conversion Cree proposed, one
 * {@link DynamicSite} (own table, own statistics) per call site of the {@link Site} table, named by
 * the site's kernel name, as the promoted mode names the same site.
 *
 * <p>The invokers are {@code static final} so C2 trusts them as constants. In any other mode they
 * are null and the branches that use them are dead code.
 *
 * <p>Configuration: {@link Learning#current()}, this JVM's learning settings, read once from the
 * system properties ({@code -Dicpbench.learning}, or {@code -Dicpbench.policy}, {@code .stats},
 * {@code .thresholds}, {@code .placement}; default {@link Learning#DEFAULT}).
 */
public final class StackSites {
    private static final boolean ON = Dispatch.MODE_ID == Dispatch.DYNAMIC_CALL;

    public static final MethodHandle NAPI_POLL = site(Site.NAPI_POLL);
    public static final MethodHandle RX_HANDLER = site(Site.RX_HANDLER);
    public static final MethodHandle PTYPE_GRO_RECEIVE = site(Site.PTYPE_GRO_RECEIVE);
    public static final MethodHandle OFFLOAD_GRO_RECEIVE = site(Site.OFFLOAD_GRO_RECEIVE);
    public static final MethodHandle UDP_TUNNEL_GRO_RECEIVE = site(Site.UDP_TUNNEL_GRO_RECEIVE);
    public static final MethodHandle PACKET_TYPE_FUNC = site(Site.PACKET_TYPE_FUNC);
    public static final MethodHandle NF_HOOK = site(Site.NF_HOOK);
    public static final MethodHandle DST_INPUT = site(Site.DST_INPUT);
    public static final MethodHandle IPPROT_HANDLER = site(Site.IPPROT_HANDLER);
    public static final MethodHandle ENCAP_RCV = site(Site.ENCAP_RCV);
    public static final MethodHandle SK_DATA_READY = site(Site.SK_DATA_READY);
    public static final MethodHandle SK_PROT_RECVMSG = site(Site.SK_PROT_RECVMSG);
    public static final MethodHandle DELIVER_SKB = site(Site.DELIVER_SKB);

    private StackSites() {
    }

    private static MethodHandle site(Site s) {
        if (!ON) {
            return null;
        }
        DynamicSite site = new DynamicSite(s.kernelName, MethodHandles.lookup(), s.iface, s.method, s.type, Learning.current(),
                Updater.background());
        return site.invoker();
    }
}
