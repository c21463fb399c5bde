package io.icpbench.stack;

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
 * The {@code virtual-megamorphic} mode's means: before any traffic, each selected site's method of
 * {@link NetStack} is called with three dummy receiver classes, so the site's receiver profile
 * holds no receiver of the stack and C2 leaves the call a real virtual call. Everything else in
 * the JVM profiles and inlines as in {@code virtual}: the retpoline world, where the ops calls pay
 * and nothing else does.
 *
 * <p>IMPLEMENTATION NOTES. HotSpot profiles a virtual or interface call in the caller's
 * {@code MethodData}: {@code TypeProfileWidth} (2) rows of {receiver class, count}, and a count of
 * calls whose receiver found no row. A full row is never replaced: later receivers only bump that
 * count. So once two dummies hold the rows (and the third has made the "no row" count non-zero),
 * the stack's receivers never appear in the profile, no receiver reaches
 * {@code TypeProfileMajorReceiverPercent}, the site is neither monomorphic nor bimorphic, and C2
 * compiles a virtual call wherever the site method is inlined. Two dummies alone would not do:
 * with both rows full and a zero "no row" count C2 sees a bimorphic site, and a single row with a
 * count is read as monomorphic (ciMethod::call_profile_at_bci).
 *
 * <p>The profile is only recorded by profiling code: the interpreter once the method has a
 * {@code MethodData}, and tier-3 C1 code. A method may sit in non-profiling tier-2 code while C2's
 * queue is long (start-up), so the dummies are called in several rounds with short pauses, long
 * enough for the site methods to reach profiling code and then C2 with a profile of dummies only.
 * The dummies' methods do nothing and the site methods touch only their arguments, so the stack's
 * counters and outcomes are unchanged ({@code DifferentialModesTest} checks it).
 *
 * <p>Other modes never load this class, so its dummies never add implementors to the ops
 * interfaces (class hierarchy analysis would notice).
 */
final class MegamorphicSites {
    /** Rounds of calls, and calls per dummy per site in each round. */
    private static final int ROUNDS = 8, CALLS = 4_000;
    /** Pause between rounds, for the compiler queues to move. */
    private static final long PAUSE_MS = 5;

    static {
        pollute();
    }

    private MegamorphicSites() {
    }

    /** Fills the selected sites' profiles once per JVM (the class initializer runs once). */
    static void ensurePolluted() {
        // Initializing the class did the work.
    }

    private static void pollute() {
        Dummy[] dummies = {new D0(), new D1(), new D2()};
        java.util.List<MethodHandle[]> calls = new java.util.ArrayList<>();
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        for (Site s : Site.values()) {
            if (!s.converted()) {
                continue;
            }
            MethodHandle site;
            try {
                site = lookup.findStatic(NetStack.class, s.stackMethod, s.type);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("site " + s.number + " " + s.kernelName + ": no static method NetStack."
                        + s.stackMethod + s.type, e);
            }
            MethodHandle[] perDummy = new MethodHandle[dummies.length];
            for (int d = 0; d < dummies.length; d++) {
                Object[] args = new Object[s.type.parameterCount()];
                args[0] = dummies[d];
                for (int i = 1; i < args.length; i++) {
                    Class<?> p = s.type.parameterType(i);
                    args[i] = p == int.class ? (Object) 0 : null;
                }
                perDummy[d] = MethodHandles.insertArguments(site, 0, args).asType(MethodType.methodType(void.class));
            }
            calls.add(perDummy);
        }
        try {
            for (int round = 0; round < ROUNDS; round++) {
                for (MethodHandle[] perDummy : calls) {
                    for (int i = 0; i < CALLS; i++) {
                        perDummy[0].invokeExact();
                        perDummy[1].invokeExact();
                        perDummy[2].invokeExact();
                    }
                }
                Thread.sleep(PAUSE_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while filling the ops sites' profiles", e);
        } catch (Throwable t) {
            throw new IllegalStateException("a dummy receiver's call failed: " + t, t);
        }
    }

    /**
     * A receiver of every ops interface that does nothing: returns the "go on" value of each method
     * (and -1 from recvmsg: no datagram). Three final subclasses, three receiver classes.
     */
    private abstract static class Dummy implements NapiPoll, RxHandler, GroL3, GroL4, UdpTunnelGro, PacketType, NfHook, DstInput,
            NetProtocol, EncapRcv, DataReady, RecvMsg {
        @Override
        public int poll(Napi napi, int budget) {
            return 0;
        }

        @Override
        public int handleFrame(SkBuff skb) {
            return RxHandler.RX_HANDLER_PASS;
        }

        @Override
        public int groReceive(SkBuff skb, int offset) {
            return GroL3.GRO_NORMAL;
        }

        @Override
        public int groReceive(SkBuff skb, int offset, int length) {
            return GroL3.GRO_NORMAL;
        }

        @Override
        public int type() {
            return PacketType.ETH_P_ALL;
        }

        @Override
        public int func(SkBuff skb) {
            return PacketType.NET_RX_SUCCESS;
        }

        @Override
        public int hook(SkBuff skb, int hooknum) {
            return NfHook.NF_ACCEPT;
        }

        @Override
        public int input(SkBuff skb) {
            return 0;
        }

        @Override
        public int handler(SkBuff skb) {
            return 0;
        }

        @Override
        public int encapRcv(UdpSock sk, SkBuff skb) {
            return 1;
        }

        @Override
        public void dataReady(UdpSock sk) {
        }

        @Override
        public int recvmsg(UdpSock sk, RecvBuffer msg) {
            return -1;
        }
    }

    private static final class D0 extends Dummy {
    }

    private static final class D1 extends Dummy {
    }

    private static final class D2 extends Dummy {
    }
}
