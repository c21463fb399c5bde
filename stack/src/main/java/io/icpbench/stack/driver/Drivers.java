package io.icpbench.stack.driver;

import io.icpbench.stack.Eth;
import io.icpbench.stack.Napi;
import io.icpbench.stack.NetStack;
import io.icpbench.stack.Outcome;
import io.icpbench.stack.SkBuff;
import io.icpbench.stack.ops.NapiPoll;
import io.icpbench.stack.wire.EtherType;
import io.netty.buffer.ByteBuf;

/**
 * The targets of call site 1 ({@code napi->poll}): NIC drivers, the backlog and GRO cells.
 *
 * <p>Each driver takes frames off its ring, does its own descriptor work (length checks, the
 * receive hash), runs {@code eth_type_trans} and hands the packet to GRO. They differ the way the
 * kernel's do: virtio has no hardware hash; mlx5 and ixgbe report one (modeled by hashing the
 * addresses, which is what the NIC's RSS engine does).
 */
public final class Drivers {
    private Drivers() {
    }

    /** Frames shorter than this are a driver length error (the kernel's ETH_ZLEN is 60 with padding; we accept 14). */
    static final int MIN_FRAME = Eth.ETH_HLEN;

    /** virtio_net's virtnet_poll. */
    public static final class VirtioNet implements NapiPoll {
        private final NetStack stack;

        public VirtioNet(NetStack stack) {
            this.stack = stack;
        }

        @Override
        public int poll(Napi napi, int budget) {
            int n = 0;
            for (; n < budget; n++) {
                SkBuff skb = napi.take();
                if (skb == null) {
                    break;
                }
                stack.work.apply(skb);
                if (skb.end - skb.mac < MIN_FRAME || !Eth.typeTrans(skb, napi.dev)) {
                    stack.counters.finish(skb, Outcome.PKT_TOO_SMALL);
                    continue;
                }
                stack.napiGroReceive(skb);
            }
            return n;
        }
    }

    /** mlx5e_napi_poll: completion queue entries carry the RSS hash. */
    public static final class Mlx5 implements NapiPoll {
        private final NetStack stack;

        public Mlx5(NetStack stack) {
            this.stack = stack;
        }

        @Override
        public int poll(Napi napi, int budget) {
            int n = 0;
            for (; n < budget; n++) {
                SkBuff skb = napi.take();
                if (skb == null) {
                    break;
                }
                stack.work.apply(skb);
                if (skb.end - skb.mac < MIN_FRAME || !Eth.typeTrans(skb, napi.dev)) {
                    stack.counters.finish(skb, Outcome.PKT_TOO_SMALL);
                    continue;
                }
                skb.hash = rssHash(skb);
                stack.napiGroReceive(skb);
            }
            return n;
        }
    }

    /** ixgbe_poll: descriptor status bits, then the RSS hash. */
    public static final class Ixgbe implements NapiPoll {
        private final NetStack stack;

        public Ixgbe(NetStack stack) {
            this.stack = stack;
        }

        @Override
        public int poll(Napi napi, int budget) {
            int n = 0;
            for (; n < budget; n++) {
                SkBuff skb = napi.take();
                if (skb == null) {
                    break;
                }
                stack.work.apply(skb);
                int len = skb.end - skb.mac;
                if (len < MIN_FRAME || len > 9018 || !Eth.typeTrans(skb, napi.dev)) {
                    stack.counters.finish(skb, Outcome.PKT_TOO_SMALL);
                    continue;
                }
                skb.hash = rssHash(skb) ^ 0x5bd1e995;
                stack.napiGroReceive(skb);
            }
            return n;
        }
    }

    /** process_backlog: packets queued by netif_rx (veth, loopback) go up without GRO. */
    public static final class ProcessBacklog implements NapiPoll {
        private final NetStack stack;

        public ProcessBacklog(NetStack stack) {
            this.stack = stack;
        }

        @Override
        public int poll(Napi napi, int budget) {
            int n = 0;
            for (; n < budget; n++) {
                SkBuff skb = napi.take();
                if (skb == null) {
                    break;
                }
                stack.work.apply(skb);
                stack.netifReceiveSkb(skb);
            }
            return n;
        }
    }

    /** gro_cell_poll: decapsulated frames of a tunnel device go through GRO again. */
    public static final class GroCellPoll implements NapiPoll {
        private final NetStack stack;

        public GroCellPoll(NetStack stack) {
            this.stack = stack;
        }

        @Override
        public int poll(Napi napi, int budget) {
            int n = 0;
            for (; n < budget; n++) {
                SkBuff skb = napi.take();
                if (skb == null) {
                    break;
                }
                stack.work.apply(skb);
                stack.napiGroReceive(skb);
            }
            return n;
        }
    }

    /**
     * The hash a NIC's RSS engine reports: the IPv4 addresses (or the low halves of IPv6 ones) of
     * the frame, mixed. Frames too short for that hash 0.
     */
    static int rssHash(SkBuff skb) {
        ByteBuf b = skb.buf;
        int net = skb.network;
        int len = skb.end - net;
        int h;
        if (skb.protocol == EtherType.ETH_P_IP && len >= 20) {
            h = b.getInt(net + 12) * 0x9E3779B1 ^ b.getInt(net + 16);
        } else if (skb.protocol == EtherType.ETH_P_IPV6 && len >= 40) {
            h = (int) (b.getLong(net + 16) * 0x9E3779B97F4A7C15L ^ b.getLong(net + 32));
        } else {
            return 0;
        }
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        return h ^ (h >>> 13);
    }
}
