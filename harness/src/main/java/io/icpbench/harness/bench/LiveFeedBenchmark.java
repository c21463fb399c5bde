package io.icpbench.harness.bench;

import io.icpbench.harness.host.JvmFlags;
import io.icpbench.harness.live.LiveDatagrams;
import io.icpbench.harness.live.LiveFeed;
import io.icpbench.harness.live.LiveSession;
import io.icpbench.stack.NetStack;
import io.icpbench.stack.StackOptions;
import io.icpbench.stack.Topology;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The live receiver's own work per datagram, without the socket and without Netty: the
 * {@link LiveFeed} (copy into the worker's ring, send time, the model from vxlan_rcv on, latency
 * recording) over the datagrams {@code icpbench send} would send, from memory. One operation is
 * one datagram. Set against {@code icpbench live}'s CPU per datagram, the rest is Netty's and the
 * kernel's.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {JvmFlags.NATIVE_ACCESS, JvmFlags.UNSAFE_MEMORY_ACCESS})
public class LiveFeedBenchmark {
    /** The profile the datagrams come from. */
    @Param("udp-only")
    public String profile;

    /** UDP payload of every inner frame; -1 keeps the profile's (6: the 64-byte datagrams of 'icpbench live --baseline'). */
    @Param("6")
    public int payload;

    private NetStack stack;
    private LiveFeed feed;
    private ByteBuf[] datagrams;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        stack = Topology.build(StackOptions.DEFAULT);
        feed = new LiveFeed(stack);
        List<byte[]> ds = LiveDatagrams.of(LiveSession.profile(profile, payload < 0 ? null : payload));
        datagrams = new ByteBuf[ds.size()];
        long now = System.nanoTime();
        for (int i = 0; i < ds.size(); i++) {
            byte[] d = ds.get(i);
            ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(d.length, d.length);
            b.writeBytes(d, 0, d.length - LiveDatagrams.TRAILER);
            b.writeLong(now); // a send time a moment ago: recording stays in the histogram's range
            datagrams[i] = b;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        long inFlight = stack.counters.inFlight();
        feed.close();
        for (ByteBuf b : datagrams) {
            b.release();
        }
        if (inFlight != 0) {
            throw new IllegalStateException(inFlight + " packets never ended: the conservation law is broken");
        }
    }

    /** One batch of {@link LiveFeed#BATCH} datagrams (the feed ends the batch itself when it is full). */
    @Benchmark
    @OperationsPerInvocation(LiveFeed.BATCH)
    public long feed() {
        int i = next;
        for (int k = 0; k < LiveFeed.BATCH; k++) {
            feed.datagram(datagrams[i]);
            if (++i == datagrams.length) {
                i = 0;
            }
        }
        next = i;
        return feed.datagrams();
    }
}
