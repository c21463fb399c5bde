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

    /**
     * How many frames each class gets: the largest remainder method over the weights (ties to the
     * heavier class), then every class left with none gets one, taken from the class with the
     * most frames (the lightest of them on a tie). The counts sum to {@code frames}, every weighted
     * class gets a frame, and a heavier class never gets fewer frames than a lighter one.
     */
    public static Map<TrafficClass, Integer> allocation(TrafficProfile profile) {
        List<Map.Entry<TrafficClass, Integer>> byWeight = profile.mixByWeight();
        int k = byWeight.size();
        int frames = profile.frames();
        long total = profile.totalWeight();
        int[] count = new int[k];
        long[] remainder = new long[k];
        int assigned = 0;
        for (int i = 0; i < k; i++) {
            long share = (long) frames * byWeight.get(i).getValue();
            count[i] = (int) (share / total);
            remainder[i] = share % total;
            assigned += count[i];
        }
        Integer[] order = new Integer[k];
        for (int i = 0; i < k; i++) {
            order[i] = i;
        }
        // byWeight is heaviest first and the sort is stable: equal remainders go to the heavier class.
        java.util.Arrays.sort(order, (a, b) -> Long.compare(remainder[b], remainder[a]));
        for (int j = 0; assigned < frames; j++) {
            count[order[j]]++;
            assigned++;
        }
        for (int i = 0; i < k; i++) {
            if (count[i] == 0) {
                int donor = 0;
                for (int j = 1; j < k; j++) {
                    if (count[j] >= count[donor]) {
                        donor = j;
                    }
                }
                count[donor]--;
                count[i] = 1;
            }
        }
        Map<TrafficClass, Integer> counts = new EnumMap<>(TrafficClass.class);
        for (int i = 0; i < k; i++) {
            counts.put(byWeight.get(i).getKey(), count[i]);
        }
        return counts;
    }

    /**
     * The frames of a profile, in ring order, with the device each arrives on. A profile with
     * phases gives its first phase's frames ({@link TrafficProfile#phase}: one phase's frames each).
     */
    public static List<TrafficClass.Frame> frames(TrafficProfile profile) {
        if (profile.phased()) {
            profile = profile.phase(0);
        }
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
