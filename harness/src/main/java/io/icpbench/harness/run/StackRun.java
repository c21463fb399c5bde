package io.icpbench.harness.run;

import io.icpbench.harness.fork.PatchCost;
import io.icpbench.harness.fork.PhaseSites;
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
 *
 * <p>A profile with phases: the warmup replays phase 1, and the measured packets are split by the
 * phases' lengths ({@link io.icpbench.harness.traffic.TrafficProfile#spans}); one ring per phase is
 * built before the first packet, and at each phase's first packet the run switches to its ring,
 * ends the phase before for {@link PhaseSites} and keeps that phase's counters and time.
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
     * @param phases    each phase's packets, time and counters (empty without phases)
     */
    public record Result(TrafficSource.Traffic profile, StackOptions options, long packets, int batch, long nanos, Counters counters,
            Fingerprint fingerprint, PatchCost.Estimate patchCost, java.util.List<PhaseResult> phases) {
        public Result {
            phases = phases == null ? java.util.List.of() : java.util.List.copyOf(phases);
        }

        public double packetsPerSecond() {
            return packets * 1e9 / Math.max(1, nanos);
        }

        public double nanosPerPacket() {
            return nanos / (double) Math.max(1, packets);
        }
    }

    /**
     * One phase of a run with phases.
     *
     * @param span     its measured packets (from 0, both ends included)
     * @param nanos    wall time of its packets
     * @param counters what its packets counted (the stack's counters at its end minus at its start; a packet
     *                 that enters in one phase and ends in the next, a fragment held for reassembly, counts
     *                 as received in the one and ended in the other)
     */
    public record PhaseResult(io.icpbench.harness.traffic.TrafficProfile.Span span, long nanos, Counters counters) {
        public double nanosPerPacket() {
            return nanos / (double) Math.max(1, span.length());
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
        static Fingerprint of(NetStack stack, java.util.List<FrameRing> rings) {
            java.util.Map<String, Long> socks = new java.util.TreeMap<>();
            for (io.icpbench.stack.udp.UdpSock sk : stack.udp.sockets()) {
                socks.put(sk.name, sk.dataReadyCalls);
            }
            java.util.Map<String, Long> devs = new java.util.TreeMap<>();
            for (io.icpbench.stack.NetDevice d : stack.devices()) {
                devs.put(d.name, d.rxPackets);
            }
            long digest = 1;
            long datagrams = 0;
            long bytes = 0;
            for (FrameRing ring : rings) {
                for (int i = 0; i < ring.size(); i++) {
                    io.icpbench.stack.Outcome o = ring.lastOutcome(i);
                    digest = digest * 31 + (o == null ? -1 : o.ordinal());
                }
                datagrams += ring.recvBuffer().datagrams;
                bytes += ring.recvBuffer().bytes;
            }
            return new Fingerprint(socks, devs, datagrams, bytes, digest);
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
        if (profile.phased()) {
            PhaseSites.reset();
        }
        if (warmup > 0) {
            NetStack scratch = profile.newStack(options);
            try (FrameRing ring = profile.ring(scratch, PooledByteBufAllocator.DEFAULT)) {
                ring.replay(scratch, warmup, batch);
            }
        }
        java.util.List<io.icpbench.harness.traffic.TrafficProfile.Span> spans = profile.spans(packets, "measured packet");
        NetStack stack = profile.newStack(options);
        java.util.List<FrameRing> rings = profile.rings(stack, PooledByteBufAllocator.DEFAULT);
        try {
            long done = 0;
            measureStart.run();
            // Timed in chunks of PatchCost.CHUNK_PACKETS for the patch cost; progress every CHUNK packets.
            PatchCost chunks = new PatchCost(io.icpbench.dispatch.DynamicSite.totalPatches());
            java.util.List<PhaseResult> phases = new java.util.ArrayList<>();
            int phase = 0;
            FrameRing ring = rings.get(0);
            Counters atPhaseStart = new Counters();
            long phaseNanos = 0;
            long t0 = System.nanoTime();
            long chunkStart = t0;
            long nextProgress = CHUNK;
            while (done < packets) {
                long phaseEnd = spans.get(phase).last() + 1;
                long n = Math.min(Math.min(PatchCost.CHUNK_PACKETS, packets - done), phaseEnd - done);
                long s0 = rings.size() > 1 ? System.nanoTime() : 0;
                ring.replay(stack, n, batch);
                done += n;
                long now = System.nanoTime();
                phaseNanos += now - s0;
                if (n == PatchCost.CHUNK_PACKETS) {
                    chunks.record(chunkStart, now, io.icpbench.dispatch.DynamicSite.totalPatches());
                }
                chunkStart = now;
                if (rings.size() > 1 && done == phaseEnd) {
                    // The phase's end: its counters and time, the sites' record, and the next phase's ring.
                    Counters atEnd = copy(stack.counters);
                    phases.add(new PhaseResult(spans.get(phase), phaseNanos, minus(atEnd, atPhaseStart)));
                    PhaseSites.endPhase(phase);
                    atPhaseStart = atEnd;
                    phaseNanos = 0;
                    if (phase + 1 < rings.size()) {
                        ring = rings.get(++phase);
                    }
                    chunkStart = System.nanoTime();
                }
                if (progress != null && (done >= nextProgress || done == packets)) {
                    nextProgress += CHUNK;
                    progress.report(done, packets, now - t0);
                    chunkStart = System.nanoTime();
                }
            }
            long nanos = System.nanoTime() - t0;
            return new Result(profile, options, packets, batch, nanos, stack.counters, Fingerprint.of(stack, rings), chunks.estimate(), phases);
        } finally {
            for (FrameRing r : rings) {
                r.close();
            }
        }
    }

    /** A copy of {@code c} (cold: at a phase boundary). */
    static Counters copy(Counters c) {
        Counters out = new Counters();
        out.add(c);
        return out;
    }

    /** {@code a} minus {@code b}, counter by counter. */
    static Counters minus(Counters a, Counters b) {
        Counters out = copy(a);
        out.subtract(b);
        return out;
    }
}
