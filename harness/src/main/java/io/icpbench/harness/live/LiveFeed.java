package io.icpbench.harness.live;

import io.icpbench.stack.NetDevice;
import io.icpbench.stack.NetStack;
import io.icpbench.stack.SkBuff;
import io.icpbench.stack.udp.RecvBuffer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.HdrHistogram.Histogram;

/**
 * What the live RX worker does with each datagram, apart from the socket: copy it into a slot of
 * its own ring of pooled direct buffers (the stack sees the same buffer class as in the
 * benchmarks), take the send time from its trailer, and hand its VXLAN payload to the model
 * ({@link NetStack#vxlanSocketRcv}); after {@link #BATCH} datagrams, or when the caller's read
 * burst ends ({@link #runBatch}), run {@code net_rx_action}, let the applications read their
 * sockets, and record each datagram's one-way latency, send time to the end of its batch.
 *
 * <p>{@link LiveReceiver} feeds it from Netty; {@code LiveFeedBenchmark} feeds it from memory, which
 * measures this part alone. Allocates nothing per datagram. Single-threaded.
 */
public final class LiveFeed implements AutoCloseable {
    /** Datagrams per model batch (the kernel's NAPI weight). */
    public static final int BATCH = 64;
    /** Latency range: 1 ns to 60 s, 3 significant digits. */
    static final long MAX_LATENCY_NS = 60_000_000_000L;

    private final NetStack stack;
    /** The device the outer datagram came in on, as far as the model is told. */
    private final NetDevice lo;
    private final ByteBuf[] slots = new ByteBuf[BATCH];
    private final ByteBuf[] owners = new ByteBuf[BATCH];
    private final SkBuff[] skbs = new SkBuff[BATCH];
    private final long[] stamps = new long[BATCH];
    private final RecvBuffer msg = new RecvBuffer();
    private final Histogram latency = new Histogram(MAX_LATENCY_NS, 3);
    private int pending;
    private long datagrams;
    private long runts;
    private long oversize;
    private long unstamped;

    public LiveFeed(NetStack stack) {
        this.stack = stack;
        this.lo = stack.device("lo");
        for (int i = 0; i < BATCH; i++) {
            ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(LiveDatagrams.MAX_DATAGRAM, LiveDatagrams.MAX_DATAGRAM);
            ByteBuf inner = b.unwrap(); // see FrameRing: the stack reads the leak detector's wrapped buffer
            owners[i] = b;
            slots[i] = inner != null ? inner : b;
            skbs[i] = new SkBuff(i);
        }
    }

    /** One datagram: the readable bytes of {@code c} (left as they are). */
    public void datagram(ByteBuf c) {
        datagrams++;
        int len = c.readableBytes();
        if (len < LiveDatagrams.TRAILER) {
            runts++;
            return;
        }
        if (len >= LiveDatagrams.MAX_DATAGRAM) {
            // recvmmsg cut it at the slot size: not the datagram that was sent.
            oversize++;
            return;
        }
        int k = pending;
        int frame = len - LiveDatagrams.TRAILER;
        ByteBuf slot = slots[k];
        slot.setBytes(0, c, c.readerIndex(), frame);
        stamps[k] = c.getLong(c.readerIndex() + frame);
        stack.vxlanSocketRcv(skbs[k].reset(slot, 0, frame, lo));
        if (++pending == BATCH) {
            runBatch();
        }
    }

    /** Ends the batch: net_rx_action, the sockets read, latencies recorded. Returns the time it ended. */
    public long runBatch() {
        if (pending > 0) {
            // The stack runs on the wall clock here (one read a batch): fragment queues time out as they do in the kernel.
            stack.advanceTime(System.nanoTime());
            stack.netRxAction();
            stack.drainSockets(msg);
        }
        long now = System.nanoTime();
        for (int i = 0; i < pending; i++) {
            long l = now - stamps[i];
            if (l >= 0 && l <= MAX_LATENCY_NS) {
                latency.recordValue(l);
            } else {
                unstamped++;
            }
        }
        pending = 0;
        return now;
    }

    /** Datagrams seen. */
    public long datagrams() {
        return datagrams;
    }

    /** Datagrams too short for a send time (not given to the model). */
    public long runts() {
        return runts;
    }

    /** Datagrams cut at the slot size (not given to the model). */
    public long oversize() {
        return oversize;
    }

    /** Datagrams whose send time was out of range (not in the histogram). */
    public long unstamped() {
        return unstamped;
    }

    /** The one-way latency histogram (ns); the caller may reset it between batches. */
    public Histogram latency() {
        return latency;
    }

    @Override
    public void close() {
        for (ByteBuf b : owners) {
            if (b.refCnt() > 0) {
                b.release();
            }
        }
    }
}
