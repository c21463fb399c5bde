package io.icpbench.stack;

import io.icpbench.stack.ip.Reassembly;
import io.icpbench.stack.udp.RecvBuffer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;

/**
 * A ring of pre-built frames in pooled direct buffers, each with its ingress device and its own
 * descriptor, replayed into a stack without allocation.
 *
 * <p>Replay posts a batch of frames to their devices (NIC rings, or the backlog), runs
 * {@code net_rx_action} until every NAPI context is idle, and lets the applications read their
 * sockets. Every packet of a batch has ended before the next batch starts, so a descriptor is
 * never reused while its packet is still inside the stack.
 *
 * <p>Time: each frame carries its arrival time ({@link SkBuff#tstamp}), and the stack's clock,
 * which fragment queue timers are measured by, moves to it when the stack takes the packet from
 * its queue ({@link Napi#take}). Frames are 1 µs apart, or as the capture's timestamps say; the
 * first frame of the first replay is at the stack's clock then. A ring replayed in a loop goes on
 * in time: each pass starts one pass length (the capture's span plus one mean gap) after the one
 * before, so a looped capture never goes back in time. {@link #settle} moves the clock past
 * every fragment timeout, so counters read after it match what {@code nstat} shows well after
 * the traffic. A ring feeds one stack.
 */
public final class FrameRing implements AutoCloseable {
    private final ByteBuf[] frames;
    private final ByteBuf[] owners;
    private final NetDevice[] ingress;
    private final SkBuff[] skbs;
    private final RecvBuffer msg = new RecvBuffer();
    /** Each frame's time from the first frame of a pass, ns (non-decreasing). */
    private final long[] offsetNs;
    /** One pass: the span from the first to the last frame plus one mean gap, ns (> 0). */
    private final long passNs;
    /** The time of the current pass's first frame; set on the first replay. */
    private long passStartNs;
    private boolean started;
    private int next;

    /**
     * Copies {@code frames} into direct buffers from {@code alloc}.
     *
     * @param frames  Ethernet frames, at least one
     * @param ingress for each frame, the device it arrives on (same size as frames)
     */
    public FrameRing(List<byte[]> frames, List<NetDevice> ingress, ByteBufAllocator alloc) {
        this(frames, ingress, null, alloc);
    }

    /**
     * Copies {@code frames} into direct buffers from {@code alloc}, with the time each frame was
     * captured.
     *
     * @param frames       Ethernet frames, at least one
     * @param ingress      for each frame, the device it arrives on (same size as frames)
     * @param timestampsNs for each frame, its capture time in ns (any epoch; same size as frames),
     *                     or null for frames 1 µs apart. A timestamp earlier than the one before
     *                     (captures may hold such) is taken as equal to it.
     */
    public FrameRing(List<byte[]> frames, List<NetDevice> ingress, long[] timestampsNs, ByteBufAllocator alloc) {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("a frame ring needs at least one frame");
        }
        if (frames.size() != ingress.size()) {
            throw new IllegalArgumentException(frames.size() + " frames but " + ingress.size() + " ingress devices");
        }
        int n = frames.size();
        if (timestampsNs != null && timestampsNs.length != n) {
            throw new IllegalArgumentException(n + " frames but " + timestampsNs.length + " timestamps");
        }
        this.offsetNs = new long[n];
        for (int i = 1; i < n; i++) {
            offsetNs[i] = timestampsNs == null ? i * 1_000L : Math.max(offsetNs[i - 1], timestampsNs[i] - timestampsNs[0]);
        }
        long span = offsetNs[n - 1];
        long meanGap = n > 1 && span > 0 ? Math.max(1, span / (n - 1)) : 1_000L;
        this.passNs = span + meanGap;
        this.frames = new ByteBuf[n];
        this.owners = new ByteBuf[n];
        this.ingress = new NetDevice[n];
        this.skbs = new SkBuff[n];
        for (int i = 0; i < n; i++) {
            byte[] f = frames.get(i);
            ByteBuf buf = alloc.directBuffer(Math.max(1, f.length), Math.max(1, f.length));
            buf.writeBytes(f);
            // Netty's leak detector wraps a sample of pooled buffers in a SimpleLeakAwareByteBuf. A
            // wrapper in the ring would make every frame access bimorphic (and megamorphic in the
            // virtual-noprofile JVM), so the stack reads the buffer inside; the ring still releases
            // the wrapper it was given, which closes the leak tracker.
            ByteBuf inner = buf.unwrap();
            this.frames[i] = inner != null ? inner : buf;
            this.owners[i] = buf;
            this.ingress[i] = ingress.get(i);
            this.skbs[i] = new SkBuff(i);
        }
    }

    public int size() {
        return frames.length;
    }

    /** The frame in slot {@code i} (read-only use). */
    public ByteBuf frame(int i) {
        return frames[i];
    }

    public NetDevice ingress(int i) {
        return ingress[i];
    }

    /** The application receive buffer the replay reads sockets into. */
    public RecvBuffer recvBuffer() {
        return msg;
    }

    /**
     * Replays {@code packets} frames, continuing where the last call stopped, in batches.
     *
     * @param batch frames per net_rx_action round, 1..min(ring size, NIC ring size)
     */
    public void replay(NetStack stack, long packets, int batch) {
        int n = frames.length;
        if (batch < 1 || batch > n || batch > Topology.RING_SIZE) {
            throw new IllegalArgumentException("batch=" + batch + ", expected 1.." + Math.min(n, Topology.RING_SIZE));
        }
        if (!started) {
            started = true;
            passStartNs = stack.now;
        }
        long left = packets;
        int i = next;
        long[] offsets = offsetNs;
        while (left > 0) {
            int b = (int) Math.min(batch, left);
            for (int k = 0; k < b; k++) {
                ByteBuf f = frames[i];
                SkBuff skb = skbs[i].reset(f, f.readerIndex(), f.readableBytes(), ingress[i]);
                skb.tstamp = passStartNs + offsets[i];
                stack.rxFrame(ingress[i], skb);
                if (++i == n) {
                    i = 0;
                    passStartNs += passNs;
                }
            }
            stack.netRxAction();
            stack.drainSockets(msg);
            left -= b;
        }
        next = i;
    }

    /**
     * Moves the stack's clock past the longest fragment timeout ({@link Reassembly#MAX_FRAG_TIMEOUT_NS},
     * IPv6's 60 s) and runs the timers: every fragment queue still open expires (ReasmFails and
     * ReasmTimeout), as it would in a kernel whose counters are read long after the traffic. A
     * replay calls it at the end. Replaying on afterwards continues after the new time.
     */
    public void settle(NetStack stack) {
        long before = stack.now;
        stack.advanceTime(before + Reassembly.MAX_FRAG_TIMEOUT_NS + 1);
        if (started) {
            passStartNs += stack.now - before;
        }
    }

    /** How the last packet replayed from slot {@code i} ended (null if it never ran). */
    public Outcome lastOutcome(int i) {
        return skbs[i].outcome;
    }

    @Override
    public void close() {
        for (ByteBuf f : owners) {
            if (f.refCnt() > 0) {
                f.release();
            }
        }
    }
}
