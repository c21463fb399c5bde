package io.icpbench.stack.l2;

import io.icpbench.stack.Eth;
import io.icpbench.stack.NetDevice;
import io.icpbench.stack.NetStack;
import io.icpbench.stack.Outcome;
import io.icpbench.stack.SkBuff;
import io.icpbench.stack.ops.RxHandler;

/** The targets of call site 2 ({@code dev->rx_handler}): bridge, bond and macvlan. */
public final class RxHandlers {
    private RxHandlers() {
    }

    /**
     * br_handle_frame on a bridge port: frames for the bridge's own MAC (or broadcast and
     * multicast) go up on the bridge device; other unicast frames are forwarded out of another port
     * (the FDB is not modeled: every other MAC is behind another port).
     */
    public static final class Bridge implements RxHandler {
        private final NetStack stack;
        private final NetDevice bridge;
        /** Frames forwarded to other ports. */
        public long forwarded;

        public Bridge(NetStack stack, NetDevice bridge) {
            this.stack = stack;
            this.bridge = bridge;
        }

        @Override
        public int handleFrame(SkBuff skb) {
            stack.work.apply(skb);
            long dst = Eth.destination(skb);
            if (dst == bridge.mac) {
                skb.pktType = SkBuff.PACKET_HOST;
            } else if (skb.pktType != SkBuff.PACKET_BROADCAST && skb.pktType != SkBuff.PACKET_MULTICAST) {
                forwarded++;
                stack.counters.finish(skb, Outcome.BRIDGE_FORWARDED);
                return RX_HANDLER_CONSUMED;
            }
            skb.dev = bridge;
            return RX_HANDLER_ANOTHER;
        }
    }

    /** bond_handle_frame on a bond slave: the packet moves to the bond master (which has the slave's MAC). */
    public static final class Bond implements RxHandler {
        private final NetStack stack;
        private final NetDevice master;

        public Bond(NetStack stack, NetDevice master) {
            this.stack = stack;
            this.master = master;
        }

        @Override
        public int handleFrame(SkBuff skb) {
            stack.work.apply(skb);
            skb.dev = master;
            return RX_HANDLER_ANOTHER;
        }
    }

    /**
     * macvlan_handle_frame on the lower device: a frame for a macvlan's MAC moves to that macvlan;
     * anything else stays on the lower device.
     */
    public static final class Macvlan implements RxHandler {
        private final NetStack stack;
        private final NetDevice[] macvlans;

        public Macvlan(NetStack stack, NetDevice... macvlans) {
            this.stack = stack;
            this.macvlans = macvlans.clone();
        }

        @Override
        public int handleFrame(SkBuff skb) {
            stack.work.apply(skb);
            long dst = Eth.destination(skb);
            NetDevice[] m = macvlans;
            for (int i = 0; i < m.length; i++) {
                if (m[i].mac == dst) {
                    skb.dev = m[i];
                    skb.pktType = SkBuff.PACKET_HOST;
                    return RX_HANDLER_ANOTHER;
                }
            }
            return RX_HANDLER_PASS;
        }
    }
}
