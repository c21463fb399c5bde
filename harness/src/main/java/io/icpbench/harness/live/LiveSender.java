package io.icpbench.harness.live;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * {@code icpbench send}'s sender: a Netty epoll datagram channel whose event loop writes batches
 * of datagrams and flushes each batch with one {@code sendmmsg}, flat out or paced to a rate. Each
 * datagram's last 8 bytes get the batch's send time ({@link System#nanoTime}, which is
 * CLOCK_MONOTONIC on Linux, the clock the receiver reads).
 */
public final class LiveSender {
    /** What a send run did. {@code sent} datagrams went to the kernel; {@code failed} writes were refused. */
    public record Result(long sent, long failed, double seconds) {
        public double rate() {
            return seconds > 0 ? sent / seconds : 0;
        }

        /** One JSON line, the same fields as the C sender's. */
        public String json() {
            return String.format(Locale.ROOT, "{\"sent\":%d,\"failed\":%d,\"seconds\":%.6f,\"rate\":%.1f}", sent, failed, seconds, rate());
        }
    }

    private LiveSender() {
    }

    /**
     * Sends {@code datagrams} in a loop to {@code target} for {@code seconds}.
     *
     * @param ratePps  datagrams per second, 0 for flat out
     * @param batch    datagrams per sendmmsg, 1..1024
     * @param progress called on the sender's thread about every second with the datagrams sent so far
     */
    public static Result send(List<byte[]> datagrams, InetSocketAddress target, double seconds, long ratePps, int batch,
            LongConsumer progress) throws InterruptedException {
        if (datagrams.isEmpty()) {
            throw new IllegalArgumentException("nothing to send: no datagrams");
        }
        if (batch < 1 || batch > 1024) {
            throw new IllegalArgumentException("batch=" + batch + ", expected 1..1024");
        }
        if (!(seconds > 0)) {
            throw new IllegalArgumentException("seconds=" + seconds + ", expected > 0");
        }
        if (ratePps < 0) {
            throw new IllegalArgumentException("rate=" + ratePps + ", expected >= 0 (0: flat out)");
        }
        LiveReceiver.requireEpoll();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            Pump pump = new Pump(datagrams, target, seconds, ratePps, batch, progress);
            Channel ch = new Bootstrap().group(group).channelFactory(() -> new EpollDatagramChannel(io.netty.channel.socket.SocketProtocolFamily.INET))
                    .option(ChannelOption.SO_SNDBUF, 4 << 20)
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 4 << 20))
                    .handler(pump)
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            pump.start(ch);
            try {
                return pump.done.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("the sender failed: " + e.getCause(), e.getCause());
            } finally {
                ch.close().syncUninterruptibly();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Runs on the event loop: one batch per turn, then gives the loop back for I/O. */
    private static final class Pump extends ChannelInboundHandlerAdapter implements Runnable {
        final CompletableFuture<Result> done = new CompletableFuture<>();
        private final byte[][] datagrams;
        private final InetSocketAddress target;
        private final long durationNs;
        private final long rate;
        private final int batch;
        private final LongConsumer progress;
        private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
        private Channel ch;
        private long start;
        private long nextProgress;
        private long written;
        private long failed;
        private int next;
        private boolean ending;

        Pump(List<byte[]> datagrams, InetSocketAddress target, double seconds, long rate, int batch, LongConsumer progress) {
            this.datagrams = datagrams.toArray(new byte[0][]);
            this.target = target;
            this.durationNs = (long) (seconds * 1e9);
            this.rate = rate;
            this.batch = batch;
            this.progress = progress;
        }

        void start(Channel channel) {
            this.ch = channel;
            channel.eventLoop().execute(() -> {
                start = System.nanoTime();
                nextProgress = start + 1_000_000_000L;
                run();
            });
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A write the kernel refused (the void promise reports it here): counted, not sent.
            failed++;
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable() && !ending) {
                ctx.channel().eventLoop().execute(this);
            }
        }

        @Override
        public void run() {
            if (done.isDone()) {
                return;
            }
            long now = System.nanoTime();
            if (now >= nextProgress) {
                nextProgress += 1_000_000_000L;
                progress.accept(written - failed);
            }
            if (ending || now - start >= durationNs) {
                finish(now);
                return;
            }
            if (!ch.isWritable()) {
                return; // channelWritabilityChanged resumes
            }
            long want = batch;
            if (rate > 0) {
                long due = (long) ((now - start) * (rate / 1e9));
                if (due <= written) {
                    long waitNs = (long) ((written + 1) * (1e9 / rate)) - (now - start);
                    if (waitNs > 50_000) {
                        ch.eventLoop().schedule(this, waitNs - 20_000, TimeUnit.NANOSECONDS);
                    } else {
                        ch.eventLoop().execute(this);
                    }
                    return;
                }
                want = Math.min(want, due - written);
            }
            for (int i = 0; i < want; i++) {
                byte[] d = datagrams[next];
                if (++next == datagrams.length) {
                    next = 0;
                }
                ByteBuf b = alloc.directBuffer(d.length, d.length);
                b.writeBytes(d, 0, d.length - LiveDatagrams.TRAILER);
                b.writeLong(now);
                ch.write(new DatagramPacket(b, target), ch.voidPromise());
            }
            written += want;
            ch.flush();
            ch.eventLoop().execute(this);
        }

        /** Waits (on the loop) until Netty has handed every written datagram to the kernel. */
        private void finish(long now) {
            ending = true;
            ch.flush();
            ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
            if (out != null && !out.isEmpty() && ch.isActive()) {
                ch.eventLoop().schedule(this, 1, TimeUnit.MILLISECONDS);
                return;
            }
            done.complete(new Result(written - failed, failed, (now - start) / 1e9));
        }
    }
}
