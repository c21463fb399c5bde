package io.icpbench.harness;

import io.icpbench.harness.traffic.TrafficSource;
import io.icpbench.stack.Counters;
import io.icpbench.stack.FrameRing;
import io.icpbench.stack.NetStack;
import io.icpbench.stack.StackOptions;
import io.icpbench.stack.Topology;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * One run of a traffic source (a profile, or a capture with its host) through a fresh stack: an optional warmup on a throwaway stack (so
 * the JIT has compiled the path), then the measured packets.
 */
public final class StackRun {
    /** Packets replayed between progress reports and clock reads. */
    static final long CHUNK = 1 << 16;

    /** Called between chunks with the packets done so far. */
    public interface Progress {
        void report(long done, long total, long elapsedNanos);
    }

    /**
     * The outcome of a run.
     *
     * @param nanos     wall time of the measured packets only
     * @param patchCost the in-run estimate of one patch's cost ({@link PatchCost}, chunks of the measured packets)
     */
    public record Result(TrafficSource.Traffic profile, StackOptions options, long packets, int batch, long nanos, Counters counters,
            Fingerprint fingerprint, PatchCost.Estimate patchCost) {
        public double packetsPerSecond() {
            return packets * 1e9 / Math.max(1, nanos);
        }

        public double nanosPerPacket() {
            return nanos / (double) Math.max(1, packets);
        }
    }

    private StackRun() {
    }

    /**
     * What a run delivered, beyond the counters: per socket the datagrams queued and read, per
     * device the packets seen, what the readers read, and a digest of how each ring slot's last
     * packet ended. Equal fingerprints mean the same packets took the same paths and ended the same way.
     */
    public record Fingerprint(java.util.Map<String, Long> socketsQueued, java.util.Map<String, Long> devicesRx, long datagramsRead,
            long bytesRead, long outcomeDigest) {
        static Fingerprint of(NetStack stack, FrameRing ring) {
            java.util.Map<String, Long> socks = new java.util.TreeMap<>();
            for (io.icpbench.stack.udp.UdpSock sk : stack.udp.sockets()) {
                socks.put(sk.name, sk.dataReadyCalls);
            }
            java.util.Map<String, Long> devs = new java.util.TreeMap<>();
            for (io.icpbench.stack.NetDevice d : stack.devices()) {
                devs.put(d.name, d.rxPackets);
            }
            long digest = 1;
            for (int i = 0; i < ring.size(); i++) {
                io.icpbench.stack.Outcome o = ring.lastOutcome(i);
                digest = digest * 31 + (o == null ? -1 : o.ordinal());
            }
            return new Fingerprint(socks, devs, ring.recvBuffer().datagrams, ring.recvBuffer().bytes, digest);
        }
    }

    /**
     * @param packets packets to measure, at least 1
     * @param batch   frames per net_rx_action round, 1..1024 and at most the profile's frames
     * @param warmup  packets replayed first on a separate stack, not counted
     */
    public static Result run(TrafficSource.Traffic profile, StackOptions options, long packets, int batch, long warmup, Progress progress) {
        return run(profile, options, packets, batch, warmup, progress, () -> { });
    }

    /** As above; {@code measureStart} runs after the warmup, right before the measured packets. */
    public static Result run(TrafficSource.Traffic profile, StackOptions options, long packets, int batch, long warmup, Progress progress,
            Runnable measureStart) {
        if (packets < 1) {
            throw new IllegalArgumentException("packets=" + packets + ", expected at least 1");
        }
        int maxBatch = Math.min(profile.frames(), Topology.RING_SIZE);
        if (batch < 1 || batch > maxBatch) {
            throw new IllegalArgumentException("batch=" + batch + ", expected 1.." + maxBatch);
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("warmup=" + warmup + ", expected 0 or more packets");
        }
        if (warmup > 0) {
            NetStack scratch = profile.newStack(options);
            try (FrameRing ring = profile.ring(scratch, PooledByteBufAllocator.DEFAULT)) {
                ring.replay(scratch, warmup, batch);
            }
        }
        NetStack stack = profile.newStack(options);
        try (FrameRing ring = profile.ring(stack, PooledByteBufAllocator.DEFAULT)) {
            long done = 0;
            measureStart.run();
            // Timed in chunks of PatchCost.CHUNK_PACKETS for the patch cost; progress every CHUNK packets.
            PatchCost chunks = new PatchCost(io.icpbench.dispatch.DynamicSite.totalPatches());
            long t0 = System.nanoTime();
            long chunkStart = t0;
            long nextProgress = CHUNK;
            while (done < packets) {
                long n = Math.min(PatchCost.CHUNK_PACKETS, packets - done);
                ring.replay(stack, n, batch);
                done += n;
                long now = System.nanoTime();
                if (n == PatchCost.CHUNK_PACKETS) {
                    chunks.record(chunkStart, now, io.icpbench.dispatch.DynamicSite.totalPatches());
                }
                chunkStart = now;
                if (progress != null && (done >= nextProgress || done == packets)) {
                    nextProgress += CHUNK;
                    progress.report(done, packets, now - t0);
                    chunkStart = System.nanoTime();
                }
            }
            long nanos = System.nanoTime() - t0;
            return new Result(profile, options, packets, batch, nanos, stack.counters, Fingerprint.of(stack, ring), chunks.estimate());
        }
    }
}
