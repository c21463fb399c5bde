package io.icpbench.harness.live;

import io.icpbench.stack.Counters;
import io.icpbench.stack.NetStack;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The live receiver: a Netty epoll datagram channel bound on loopback whose event-loop thread is
 * the RX worker. Netty reads up to {@link #BATCH} datagrams per {@code recvmmsg} and hands each to
 * a {@link LiveFeed} (a copy into the worker's ring, the send time from the trailer, the VXLAN
 * payload into the model); each read burst ends the model's batch.
 *
 * <p>Netty allocates a {@code DatagramPacket}, a sender address and a buffer slice per datagram
 * (its API has no other way); the model allocates nothing. {@link Snapshot#allocatedBytes} counts
 * the event-loop thread's allocation so that a report can say how much, and {@link Snapshot#cpuNs}
 * its CPU time (user and system: recvmmsg, Netty, the model).
 */
public final class LiveReceiver implements AutoCloseable {
    /** Datagrams per recvmmsg (and per model batch: {@link LiveFeed#BATCH}). */
    public static final int BATCH = LiveFeed.BATCH;

    /** What the receiver saw, taken on its own thread. */
    public record Snapshot(long datagrams, long runts, long oversize, long unstamped, long errors, Counters model,
            Histogram latency, long allocatedBytes, long cpuNs, long userNs, long firstNs, long lastNs, long datagramsAtFirst, long datagramsAtLast) {
        /** Datagrams per second between the first and the last read burst (NaN before two bursts). */
        public double rate() {
            return lastNs > firstNs ? (datagramsAtLast - datagramsAtFirst) * 1e9 / (lastNs - firstNs) : Double.NaN;
        }
    }

    private final NetStack stack;
    private final LiveFeed feed;
    private final EventLoopGroup group;
    private final Channel channel;
    private long errors;
    private long firstNs;
    private long datagramsAtFirst;
    private volatile long datagrams;
    private volatile long lastNs;
    private volatile long datagramsAtLast;
    private volatile Throwable lastError;

    /**
     * Binds the receiver.
     *
     * @param stack   the model, used only by the receiver's thread from now on
     * @param port    the loopback port, 0 for an ephemeral one
     * @param rcvbuf  SO_RCVBUF to ask for (the kernel caps it at net.core.rmem_max)
     */
    public LiveReceiver(NetStack stack, int port, int rcvbuf) throws InterruptedException {
        requireEpoll();
        this.stack = stack;
        this.feed = new LiveFeed(stack);
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            channel = new Bootstrap().group(group).channelFactory(() -> new EpollDatagramChannel(io.netty.channel.socket.SocketProtocolFamily.INET))
                    .option(ChannelOption.SO_RCVBUF, rcvbuf)
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, LiveDatagrams.MAX_DATAGRAM)
                    // Room for BATCH datagrams: Netty's recvmmsg takes one per MAX_DATAGRAM bytes. (An
                    // adaptive buffer, which sets up fewer entries when reads are small, dropped
                    // datagrams at start-up here and saved no CPU under load.)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(LiveDatagrams.MAX_DATAGRAM * BATCH))
                    .handler(new Handler())
                    .bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            feed.close();
            throw e;
        }
    }

    /** Fails with the reason when Netty's epoll transport cannot run here. */
    static void requireEpoll() {
        if (!Epoll.isAvailable()) {
            throw new IllegalStateException("icpbench live needs Netty's epoll transport (Linux x86_64), which is unavailable: "
                    + Epoll.unavailabilityCause());
        }
    }

    /** The bound port. */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** The socket's file descriptor (for its line in /proc/net/udp). */
    public int fd() {
        return ((EpollDatagramChannel) channel).fd().intValue();
    }

    /** The SO_RCVBUF the kernel granted. */
    public int receiveBufferSize() {
        return ((EpollDatagramChannel) channel).config().getReceiveBufferSize();
    }

    /** Datagrams read so far (any thread). */
    public long datagrams() {
        return datagrams;
    }

    /** The last error Netty reported, or null. */
    public Throwable lastError() {
        return lastError;
    }

    /** A consistent snapshot, taken on the receiver's thread between batches. */
    public Snapshot snapshot() throws InterruptedException {
        return onLoop(() -> {
            Counters model = new Counters();
            model.add(stack.counters);
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            return new Snapshot(feed.datagrams(), feed.runts(), feed.oversize(), feed.unstamped(), errors, model, feed.latency().copy(),
                    threads.getCurrentThreadAllocatedBytes(), threads.getCurrentThreadCpuTime(), threads.getCurrentThreadUserTime(), firstNs, lastNs,
                    datagramsAtFirst, datagramsAtLast);
        });
    }

    /** Empties the latency histogram (the start of a measurement). */
    public void resetLatency() throws InterruptedException {
        onLoop(() -> {
            feed.latency().reset();
            feed.latency().setStartTimeStamp(System.currentTimeMillis());
            return null;
        });
    }

    private <T> T onLoop(java.util.concurrent.Callable<T> task) throws InterruptedException {
        try {
            return channel.eventLoop().submit(task).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the receiver's thread failed: " + e.getCause(), e.getCause());
        }
    }

    private final class Handler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object m) {
            if (m instanceof DatagramPacket p) {
                try {
                    feed.datagram(p.content());
                } finally {
                    p.release();
                }
            } else {
                ReferenceCountUtil.release(m);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            long now = feed.runBatch();
            long n = feed.datagrams();
            if (firstNs == 0 && n > 0) {
                firstNs = now;
                datagramsAtFirst = n;
            }
            datagramsAtLast = n;
            lastNs = now;
            datagrams = n;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors++;
            lastError = cause;
        }
    }

    @Override
    public void close() {
        try {
            channel.close().syncUninterruptibly();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            feed.close();
        }
    }
}
