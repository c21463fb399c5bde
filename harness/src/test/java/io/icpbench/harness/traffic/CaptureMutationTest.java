package io.icpbench.harness.traffic;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Broken captures, seeded: the committed tcpdump and tshark captures and a written pcapng of the
 * uniform profile, each mutated by 1 to 8 random edits (flipped bytes, 32-bit fields set to
 * extremes, truncation, deleted or repeated ranges). Every one is read with its packets all ending
 * in the stack, or refused with a message ({@link CaptureFuzzTest#checkCapture}). Jazzer cannot
 * instrument JDK 25 class files, so its fuzzing is blind here; these seeds are the guided part.
 */
class CaptureMutationTest {
    static final int SEEDS = Integer.getInteger("icpbench.mutationSeeds", 600);
    static final List<byte[]> BASES = new ArrayList<>();

    @BeforeAll
    static void bases(@TempDir Path tmp) throws IOException {
        for (String name : List.of("lo-udp.pcap", "lo-udp.pcapng")) {
            try (InputStream in = CaptureMutationTest.class.getResourceAsStream("/captures/" + name)) {
                BASES.add(in.readAllBytes());
            }
        }
        List<Pcap.Packet> packets = new ArrayList<>();
        List<TrafficClass.Frame> frames = TrafficGenerator.frames(TrafficProfile.load("uniform"));
        for (TrafficClass.Frame f : frames.subList(0, 64)) {
            packets.add(new Pcap.Packet(f.bytes(), f.device()));
        }
        Path file = tmp.resolve("uniform.pcapng");
        Pcap.writePcapng(file, packets);
        BASES.add(Files.readAllBytes(file));
    }

    static Stream<Integer> seeds() {
        return IntStream.range(0, SEEDS).boxed();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aMutatedCaptureIsReadOrRefused(int seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] data = mutate(BASES.get(seed % BASES.size()), r);
        CaptureFuzzTest.checkCapture(data);
    }

    static byte[] mutate(byte[] base, SplittableRandom r) {
        byte[] d = base.clone();
        int edits = 1 + r.nextInt(8);
        for (int e = 0; e < edits && d.length > 0; e++) {
            int at = r.nextInt(d.length);
            switch (r.nextInt(5)) {
                case 0 -> d[at] ^= (byte) (1 << r.nextInt(8));
                case 1 -> {
                    int word = at & ~3;
                    int[] extremes = {0, 1, 0x7FFF_FFFF, 0xFFFF_FFFF, 0x8000_0000, 28, 32, 65535, r.nextInt()};
                    int v = extremes[r.nextInt(extremes.length)];
                    for (int i = 0; i < 4 && word + i < d.length; i++) {
                        d[word + i] = (byte) (r.nextBoolean() ? v >>> (8 * i) : v >>> (24 - 8 * i));
                    }
                }
                case 2 -> d = Arrays.copyOf(d, at);
                case 3 -> {
                    int len = Math.min(d.length - at, 1 + r.nextInt(64));
                    byte[] out = new byte[d.length - len];
                    System.arraycopy(d, 0, out, 0, at);
                    System.arraycopy(d, at + len, out, at, d.length - at - len);
                    d = out;
                }
                default -> {
                    int len = Math.min(d.length - at, 1 + r.nextInt(64));
                    byte[] out = new byte[d.length + len];
                    System.arraycopy(d, 0, out, 0, at + len);
                    System.arraycopy(d, at, out, at + len, d.length - at);
                    d = out;
                }
            }
        }
        return d;
    }
}
