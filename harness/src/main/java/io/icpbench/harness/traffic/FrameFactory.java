package io.icpbench.harness.traffic;

import static io.icpbench.stack.Topology.MAC_PEER;

import io.icpbench.stack.wire.FrameBuilder;
import java.util.SplittableRandom;

/** What traffic classes share while building frames: the seeded random source and the payload sizes. */
final class FrameFactory {
    final SplittableRandom random;
    private final int payloadMin;
    private final int payloadMax;

    FrameFactory(long seed, int payloadMin, int payloadMax) {
        this.random = new SplittableRandom(seed);
        this.payloadMin = payloadMin;
        this.payloadMax = payloadMax;
    }

    /** A peer source address for a flow: 10.1.0.0/16. */
    int src4(int flow) {
        return 0x0A01_0000 | ((flow * 7 + 10) & 0xFFFF);
    }

    /** A peer IPv6 source address for a flow: fd00:1::/64. */
    byte[] src6(int flow) {
        return addr6(0xfd00_0001_0000_0000L, 0x100 + flow);
    }

    int sport(int flow) {
        return 10000 + flow % 50000;
    }

    int payloadSize() {
        return payloadMin == payloadMax ? payloadMin : random.nextInt(payloadMin, payloadMax + 1);
    }

    /** A payload size of the profile's range that is the same for every frame of {@code flow}. */
    int payloadSize(int flow) {
        return payloadMin + Math.floorMod(flow * 0x9E3779B9, payloadMax - payloadMin + 1);
    }

    byte[] payload() {
        return payload(payloadSize());
    }

    byte[] payload(int size) {
        byte[] p = new byte[size];
        for (int i = 0; i < size; i++) {
            p[i] = (byte) random.nextInt(256);
        }
        return p;
    }

    TrafficClass.Frame udp4(String device, long dstMac, int saddr, int daddr, int sport, int dport) {
        return udp4(device, dstMac, saddr, daddr, sport, dport, payload());
    }

    TrafficClass.Frame udp4(String device, long dstMac, int saddr, int daddr, int sport, int dport, byte[] payload) {
        byte[] frame = FrameBuilder.ethernet(dstMac, MAC_PEER).ipv4(saddr, daddr).udp(sport, dport).payload(payload).build();
        return new TrafficClass.Frame(frame, device);
    }

    static byte[] addr6(long hi, long lo) {
        byte[] a = new byte[16];
        for (int i = 0; i < 8; i++) {
            a[i] = (byte) (hi >>> (56 - 8 * i));
            a[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        return a;
    }
}
