package io.icpbench.harness.traffic;

import io.icpbench.stack.FrameRing;
import io.icpbench.stack.NetDevice;
import io.icpbench.stack.NetStack;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Builds a profile's frames once, into a {@link FrameRing} of pooled direct buffers that replays
 * them without allocation.
 *
 * <p>Each class gets its share of the ring's frames (largest remainder rounding, at least one frame
 * for any class with a weight), and the ring is shuffled with the profile's seed, so the same
 * profile always gives the same frames in the same order.
 */
public final class TrafficGenerator {
    private TrafficGenerator() {
    }

    /** How many frames each class gets. */
    public static Map<TrafficClass, Integer> allocation(TrafficProfile profile) {
        int total = profile.totalWeight();
        int frames = profile.frames();
        Map<TrafficClass, Integer> counts = new EnumMap<>(TrafficClass.class);
        int assigned = 0;
        List<Map.Entry<TrafficClass, Integer>> byWeight = profile.mixByWeight();
        for (Map.Entry<TrafficClass, Integer> e : byWeight) {
            int n = Math.max(1, (int) ((long) frames * e.getValue() / total));
            counts.put(e.getKey(), n);
            assigned += n;
        }
        // Hand out (or take back) the rounding difference, heaviest classes first.
        for (int i = 0; assigned != frames; i = (i + 1) % byWeight.size()) {
            TrafficClass c = byWeight.get(i).getKey();
            if (assigned < frames) {
                counts.merge(c, 1, Integer::sum);
                assigned++;
            } else if (counts.get(c) > 1) {
                counts.merge(c, -1, Integer::sum);
                assigned--;
            }
        }
        return counts;
    }

    /** The frames of a profile, in ring order, with the device each arrives on. */
    public static List<TrafficClass.Frame> frames(TrafficProfile profile) {
        FrameFactory factory = new FrameFactory(profile.seed(), profile.payloadMin(), profile.payloadMax());
        List<TrafficClass.Frame> frames = new ArrayList<>(profile.frames());
        for (Map.Entry<TrafficClass, Integer> e : allocation(profile).entrySet()) {
            for (int i = 0; i < e.getValue(); i++) {
                frames.add(e.getKey().build(factory, i % profile.flows()));
            }
        }
        SplittableRandom shuffle = new SplittableRandom(profile.seed() ^ 0x5DEECE66DL);
        for (int i = frames.size() - 1; i > 0; i--) {
            int j = shuffle.nextInt(i + 1);
            TrafficClass.Frame t = frames.get(i);
            frames.set(i, frames.get(j));
            frames.set(j, t);
        }
        return frames;
    }

    /** Builds the ring for {@code stack}: frames in direct buffers from {@code alloc}. */
    public static FrameRing ring(TrafficProfile profile, NetStack stack, ByteBufAllocator alloc) {
        List<TrafficClass.Frame> frames = frames(profile);
        List<byte[]> bytes = new ArrayList<>(frames.size());
        List<NetDevice> devices = new ArrayList<>(frames.size());
        for (TrafficClass.Frame f : frames) {
            bytes.add(f.bytes());
            devices.add(stack.device(f.device()));
        }
        return new FrameRing(bytes, devices, alloc);
    }
}
