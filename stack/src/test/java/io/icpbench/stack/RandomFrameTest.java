package io.icpbench.stack;

import static io.icpbench.stack.Topology.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.icpbench.stack.wire.FrameBuilder;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded random frames, valid and mutated (bytes flipped, cut short, junk appended), arriving on
 * random devices: no exception escapes the stack and every packet ends exactly once.
 */
class RandomFrameTest {
    static final int FRAMES = 3000;

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 12);
    }

    static byte[] validFrame(SplittableRandom r) {
        int flow = r.nextInt(1000);
        int src = 0x0A01_0000 | flow;
        byte[] payload = new byte[r.nextInt(0, 200)];
        r.nextBytes(payload);
        return switch (r.nextInt(10)) {
            case 0 -> FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv6(FrameBuilder.ipv6("fd00:1::9"), FrameBuilder.ipv6("fd00::1"))
                    .udp(flow, PORT_APP).payload(payload).build();
            case 1 -> BadFrame.nestedVxlan(flow, 1 + r.nextInt(6));
            case 2 -> FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(src, IP_ETH0).tcp(flow, 80).build();
            case 3 -> FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(src, IP_ETH0).icmpEcho(flow, 1).payload(payload).build();
            case 4 -> FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).vlan(VLAN_ID).ipv4(src, IP_VLAN100).udp(flow, PORT_APP).payload(payload).build();
            case 5 -> BadFrame.values()[r.nextInt(BadFrame.values().length)].build(flow);
            case 6 -> FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(src, IP_ETH0).udp(flow, PORT_GENEVE)
                    .geneve(GENEVE_VNI, FrameBuilder.ethernet(MAC_GENEVE0, MAC_PEER).ipv4(src, IP_GENEVE_INNER).udp(1, PORT_APP)
                            .payload(payload).build()).build();
            default -> FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(src, IP_ETH0).udp(flow, PORT_APP + r.nextInt(APP_SOCKETS))
                    .payload(payload).build();
        };
    }

    static byte[] mutate(SplittableRandom r, byte[] frame) {
        byte[] f = frame.clone();
        switch (r.nextInt(4)) {
            case 0 -> {
                for (int k = 1 + r.nextInt(4); k > 0 && f.length > 0; k--) {
                    f[r.nextInt(f.length)] ^= (byte) (1 + r.nextInt(255));
                }
            }
            case 1 -> f = java.util.Arrays.copyOf(f, r.nextInt(f.length + 1));
            case 2 -> {
                f = java.util.Arrays.copyOf(f, f.length + 1 + r.nextInt(64));
                for (int i = frame.length; i < f.length; i++) {
                    f[i] = (byte) r.nextInt(256);
                }
            }
            default -> {
                // a header byte set to an extreme value
                int i = r.nextInt(Math.min(f.length, 80) + 1);
                if (i < f.length) {
                    f[i] = (byte) (r.nextBoolean() ? 0 : 0xFF);
                }
            }
        }
        return f;
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void noExceptionEscapesAndEveryPacketEndsOnce(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        NetStack stack = Topology.build(StackOptions.DEFAULT.withTaps((int) (seed % 2)));
        String[] devices = {"eth0", "eth0", "eth0", "eth1", "eth2", "eth3", "veth0"};
        List<byte[]> frames = new ArrayList<>();
        List<NetDevice> ingress = new ArrayList<>();
        for (int i = 0; i < FRAMES; i++) {
            byte[] valid = validFrame(r);
            frames.add(r.nextInt(3) == 0 ? valid : mutate(r, valid));
            ingress.add(stack.device(devices[r.nextInt(devices.length)]));
        }
        try (FrameRing ring = new FrameRing(frames, ingress, UnpooledByteBufAllocator.DEFAULT)) {
            ring.replay(stack, 2L * FRAMES, 1 + r.nextInt(256));
            for (int i = 0; i < FRAMES; i++) {
                assertThat(ring.lastOutcome(i)).as("frame %d", i).isNotNull();
            }
        }
        Counters c = stack.counters;
        assertThat(c.received()).isEqualTo(2L * FRAMES);
        assertThat(c.delivered() + c.dropped()).isEqualTo(c.received());
        assertThat(c.inFlight()).isZero();
        assertThat(c.delivered()).as("some frames survive").isPositive();
        assertThat(c.dropped()).as("some frames are broken").isPositive();
    }
}
