package io.icpbench.harness.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import io.icpbench.stack.FrameRing;
import io.icpbench.stack.NetStack;
import io.icpbench.stack.StackOptions;
import io.icpbench.stack.Topology;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** How a profile becomes frames: the per-class allocation, and determinism. */
class TrafficGeneratorTest {
    static final List<String> BUILT_IN = TrafficProfile.BUILT_IN;

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 20);
    }

    @ParameterizedTest
    @FieldSource("BUILT_IN")
    void builtInAllocationsSumToFramesAndRespectWeights(String name) {
        checkAllocation(TrafficProfile.load(name));
    }

    /** Random weights (log-uniform 1..10^4) over random subsets of the classes, random frame counts 16..5000. */
    @ParameterizedTest
    @MethodSource("seeds")
    void randomProfileAllocationsSumToFramesAndRespectWeights(long seed) {
        checkAllocation(randomProfile(seed));
    }

    @Test
    void aSingleClassGetsEveryFrame() {
        TrafficProfile p = TrafficProfile.parse("t", "frames = 100\nmix.gre = 7");
        assertThat(TrafficGenerator.allocation(p)).isEqualTo(Map.of(TrafficClass.GRE, 100));
    }

    @Test
    void anExactDivisionIsExact() {
        TrafficProfile p = TrafficProfile.parse("t", "frames = 100\nmix.udp4 = 3\nmix.udp6 = 1\nmix.icmp = 1");
        assertThat(TrafficGenerator.allocation(p)).isEqualTo(Map.of(TrafficClass.UDP4, 60, TrafficClass.UDP6, 20, TrafficClass.ICMP, 20));
    }

    @Test
    void asManyClassesAsFramesGiveOneFrameEach() {
        StringBuilder text = new StringBuilder("frames = 16\n");
        for (int i = 0; i < 16; i++) {
            text.append("mix.").append(TrafficClass.values()[i].profileName()).append(" = ").append(i == 0 ? 1000 : 1).append('\n');
        }
        Map<TrafficClass, Integer> a = TrafficGenerator.allocation(TrafficProfile.parse("t", text.toString()));
        assertThat(a).hasSize(16);
        assertThat(a.values()).containsOnly(1);
    }

    /**
     * A counterexample found by hand: 13 classes in 16 frames, udp4 (weight 11) heavier than udp6
     * (weight 10). The eleven light classes are rounded up to one frame each, and taking those
     * frames back from the heavy classes must not leave udp4 with fewer frames than udp6.
     */
    @Test
    void aHeavierClassNeverGetsFewerFramesWhenFramesAreTakenBack() {
        StringBuilder text = new StringBuilder("frames = 16\nmix.udp4 = 11\nmix.udp6 = 10\n");
        for (TrafficClass c : List.of(TrafficClass.ICMP, TrafficClass.ICMP6, TrafficClass.TCP, TrafficClass.TCP6, TrafficClass.GRE,
                TrafficClass.ARP, TrafficClass.FORWARD, TrafficClass.FORWARD6, TrafficClass.NOPORT, TrafficClass.BLOCKED,
                TrafficClass.FRAGMENT)) {
            text.append("mix.").append(c.profileName()).append(" = 1\n");
        }
        checkAllocation(TrafficProfile.parse("t", text.toString()));
    }

    @ParameterizedTest
    @FieldSource("BUILT_IN")
    void theSameProfileGivesByteIdenticalFrames(String name) {
        TrafficProfile p = TrafficProfile.load(name);
        List<TrafficClass.Frame> a = TrafficGenerator.frames(p);
        List<TrafficClass.Frame> b = TrafficGenerator.frames(TrafficProfile.load(name));
        assertThat(a).hasSize(p.frames());
        assertThat(b).hasSize(p.frames());
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).bytes()).as("frame %d", i).isEqualTo(a.get(i).bytes());
            assertThat(b.get(i).device()).as("device of frame %d", i).isEqualTo(a.get(i).device());
        }
    }

    @Test
    void theRingHoldsTheFramesInOrderOnTheirDevices() {
        TrafficProfile p = TrafficProfile.load("default");
        List<TrafficClass.Frame> frames = TrafficGenerator.frames(p);
        NetStack stack = Topology.build(StackOptions.DEFAULT);
        try (FrameRing ring = TrafficGenerator.ring(p, stack, UnpooledByteBufAllocator.DEFAULT)) {
            assertThat(ring.size()).isEqualTo(p.frames());
            for (int i = 0; i < ring.size(); i++) {
                assertThat(ByteBufUtil.getBytes(ring.frame(i))).as("slot %d", i).isEqualTo(frames.get(i).bytes());
                assertThat(ring.ingress(i)).isSameAs(stack.device(frames.get(i).device()));
            }
        }
    }

    @ParameterizedTest
    @FieldSource("BUILT_IN")
    void aDifferentSeedGivesDifferentFrames(String name) {
        TrafficProfile p = TrafficProfile.load(name);
        TrafficProfile other = new TrafficProfile(p.name(), p.description(), p.frames(), p.flows(), p.payloadMin(), p.payloadMax(),
                p.seed() + 1, p.mix());
        List<TrafficClass.Frame> a = TrafficGenerator.frames(p);
        List<TrafficClass.Frame> b = TrafficGenerator.frames(other);
        assertThat(b).hasSameSizeAs(a);
        long differing = IntStream.range(0, a.size()).filter(i -> !Arrays.equals(a.get(i).bytes(), b.get(i).bytes())).count();
        assertThat(differing).as("frames that differ between seed %d and %d", p.seed(), other.seed()).isGreaterThan(a.size() / 2);
        // the same multiset of classes though: the allocation does not depend on the seed
        assertThat(TrafficGenerator.allocation(other)).isEqualTo(TrafficGenerator.allocation(p));
    }

    @Test
    void aDifferentSeedChangesRandomPayloads() {
        TrafficProfile one = TrafficProfile.parse("t", "frames = 16\npayload = 64\nseed = 1\nmix.udp4 = 1");
        TrafficProfile two = TrafficProfile.parse("t", "frames = 16\npayload = 64\nseed = 2\nmix.udp4 = 1");
        Set<String> a = payloads(TrafficGenerator.frames(one));
        Set<String> b = payloads(TrafficGenerator.frames(two));
        assertThat(a).hasSize(16);
        assertThat(b).doesNotContainAnyElementsOf(a);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 8, 64})
    void eachClassUsesFlowsDistinctSources(int flows) {
        TrafficProfile p = TrafficProfile.parse("t", "frames = 256\nflows = " + flows + "\nmix.udp4 = 1");
        Set<Integer> sources = new HashSet<>();
        for (TrafficClass.Frame f : TrafficGenerator.frames(p)) {
            sources.add(ipv4Source(f.bytes()));
        }
        assertThat(sources).hasSize(flows);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "100", "64-256", "1400"})
    void udpPayloadsStayInTheProfileRange(String payload) {
        TrafficProfile p = TrafficProfile.parse("t", "frames = 512\npayload = " + payload + "\nmix.udp4 = 1");
        int[] sizes = TrafficGenerator.frames(p).stream().mapToInt(f -> f.bytes().length - 14 - 20 - 8).toArray();
        for (int s : sizes) {
            assertThat(s).isBetween(p.payloadMin(), p.payloadMax());
        }
        if (p.payloadMin() < p.payloadMax()) {
            assertThat(IntStream.of(sizes).min().getAsInt()).isLessThan(IntStream.of(sizes).max().getAsInt());
        }
    }

    @ParameterizedTest
    @FieldSource("BUILT_IN")
    void everyFrameArrivesOnADeviceOfTheModeledHost(String name) {
        NetStack stack = Topology.build(StackOptions.DEFAULT);
        for (TrafficClass.Frame f : TrafficGenerator.frames(TrafficProfile.load(name))) {
            assertThat(stack.device(f.device())).isNotNull();
            assertThat(f.bytes()).isNotEmpty();
        }
    }

    // ------------------------------------------------------------------------------- helpers

    static void checkAllocation(TrafficProfile p) {
        Map<TrafficClass, Integer> a = TrafficGenerator.allocation(p);
        assertThat(a.keySet()).as("classes allocated").isEqualTo(p.mix().keySet());
        assertThat(a.values().stream().mapToInt(Integer::intValue).sum()).as("frames allocated for %s", p).isEqualTo(p.frames());
        assertThat(a.values()).as("every weighted class gets a frame: %s", a).allSatisfy(n -> assertThat(n).isPositive());
        for (TrafficClass heavy : a.keySet()) {
            for (TrafficClass light : a.keySet()) {
                if (p.mix().get(heavy) > p.mix().get(light)) {
                    assertThat(a.get(heavy)).as("%s (weight %d) vs %s (weight %d) in %s", heavy, p.mix().get(heavy), light,
                            p.mix().get(light), a).isGreaterThanOrEqualTo(a.get(light));
                }
            }
        }
        assertThat(TrafficGenerator.frames(p)).hasSize(p.frames());
    }

    /**
     * A random profile, through the parser: 16..5000 frames (log-uniform, so small rings are
     * common), 1..min(frames, all) classes, weights log-uniform in 1..10^4.
     */
    static TrafficProfile randomProfile(long seed) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L);
        int frames = (int) Math.round(Math.exp(r.nextDouble(Math.log(16), Math.log(5000))));
        frames = Math.clamp(frames, 16, 5000);
        List<TrafficClass> classes = new ArrayList<>(List.of(TrafficClass.values()));
        for (int i = classes.size() - 1; i > 0; i--) {
            java.util.Collections.swap(classes, i, r.nextInt(i + 1));
        }
        int k = 1 + r.nextInt(Math.min(frames, classes.size()));
        Map<TrafficClass, Integer> weights = new EnumMap<>(TrafficClass.class);
        StringBuilder text = new StringBuilder("# random profile, seed " + seed + "\nframes = " + frames + "\nflows = "
                + (1 + r.nextInt(64)) + "\npayload = 16-128\nseed = " + seed + "\n");
        for (TrafficClass c : classes.subList(0, k)) {
            int w = (int) Math.max(1, Math.round(Math.pow(10, r.nextDouble(0, 4))));
            weights.put(c, w);
            text.append("mix.").append(c.profileName()).append(" = ").append(w).append('\n');
        }
        TrafficProfile p = TrafficProfile.parse("random-" + seed, text.toString());
        assertThat(p.mix()).isEqualTo(weights);
        return p;
    }

    private static Set<String> payloads(List<TrafficClass.Frame> frames) {
        Set<String> set = new HashSet<>();
        for (TrafficClass.Frame f : frames) {
            set.add(Arrays.toString(Arrays.copyOfRange(f.bytes(), 14 + 20 + 8, f.bytes().length)));
        }
        return set;
    }

    private static int ipv4Source(byte[] frame) {
        int o = 14 + 12;
        return (frame[o] & 0xFF) << 24 | (frame[o + 1] & 0xFF) << 16 | (frame[o + 2] & 0xFF) << 8 | (frame[o + 3] & 0xFF);
    }
}
