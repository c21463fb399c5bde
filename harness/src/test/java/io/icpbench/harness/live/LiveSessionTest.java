package io.icpbench.harness.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThatCode;

import io.icpbench.harness.traffic.TrafficProfile;
import io.icpbench.stack.NetStack;
import io.icpbench.stack.Outcome;
import io.icpbench.stack.StackOptions;
import io.icpbench.stack.Topology;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Real datagrams over loopback: the sender processes, the Netty receiver, the kernel's counts and
 * the model's, reconciled. Rates are kept low where a test compares counts, so that the kernel
 * has no reason to drop; where it must drop, the receive buffer is made tiny.
 */
class LiveSessionTest {
    static LiveSession.Result run(LiveSession.Config c, NetStack stack) throws Exception {
        LiveSession.Result r = LiveSession.run(c, stack, null, null).result();
        LiveSession.print(r, System.out);
        return r;
    }

    @Test
    void aPacedJavaSenderIsReadInFullAndTheModelSeesWhatItWouldInProcess() throws Exception {
        NetStack live = Topology.build(StackOptions.DEFAULT);
        LiveSession.Result r = run(new LiveSession.Config("default", null, LiveSession.SENDER_JAVA, 10_000, 32, 4 << 20, 1.5), live);
        assertThat(r.reconciled()).isTrue();
        assertThat(r.sent()).isBetween(10_000L, 15_500L);
        assertThat(r.socketDrops()).as("10k datagrams/s into a 4 MiB buffer: a second's worth of slack").isZero();
        assertThat(r.datagrams()).isEqualTo(r.sent());
        assertThat(r.modelReceived()).isEqualTo(r.datagrams());
        assertThat(r.latencyCount() + r.unstamped()).isEqualTo(r.datagrams());
        assertThat(r.unstamped()).isZero();
        assertThat(r.latencyUs().get("p50")).isPositive();

        // Loopback keeps order and dropped nothing: Netty read datagrams 0, 1, 2, ... of the ring,
        // so the same datagrams fed in-process end the same way, outcome by outcome.
        List<byte[]> ring = LiveDatagrams.of(TrafficProfile.load("default"));
        NetStack direct = Topology.build(StackOptions.DEFAULT);
        java.util.ArrayList<byte[]> sent = new java.util.ArrayList<>();
        for (long i = 0; i < r.datagrams(); i++) {
            sent.add(ring.get((int) (i % ring.size())));
        }
        LiveDatagramsTest.feed(direct, sent);
        assertThat(r.outcomes()).isEqualTo(direct.counters.outcomeNames());
        assertThat(r.delivered() + r.dropped()).isEqualTo(r.modelReceived());
    }

    @Test
    void kernelDropsAtATinyReceiveBufferAreCountedAndReconciled() throws Exception {
        NetStack stack = Topology.build(StackOptions.DEFAULT);
        // Two senders flat out into the smallest buffer the kernel grants: it must drop, and every
        // drop must show up in the socket's count.
        LiveSession.Result r = run(new LiveSession.Config("udp-only", 6, LiveSession.SENDER_JAVA, 0, 32, 1024, 1.5, 2), stack);
        assertThat(r.socketDrops()).isPositive();
        assertThat(r.unexplained()).isZero();
        assertThat(r.reconciled()).isTrue();
        assertThat(r.udpDelta().get("RcvbufErrors")).as("system-wide, so at least ours").isGreaterThanOrEqualTo(r.socketDrops());
        assertThat(r.outcomes()).containsOnlyKeys("udp_queued");
    }

    @Test
    void theCSenderSendsTheSameDatagrams() throws Exception {
        assumeThatCode(NativeTool::udpblast).as("a C compiler to build udpblast").doesNotThrowAnyException();
        NetStack stack = Topology.build(StackOptions.DEFAULT);
        LiveSession.Result r = run(new LiveSession.Config("udp-only", null, LiveSession.SENDER_C, 10_000, 32, 4 << 20, 1.0), stack);
        assertThat(r.reconciled()).isTrue();
        assertThat(r.sent()).isBetween(7_500L, 10_500L);
        assertThat(r.datagrams()).isEqualTo(r.sent());
        assertThat(r.outcomes()).containsOnlyKeys("udp_queued");
        assertThat(r.unstamped()).as("C stamps CLOCK_MONOTONIC like System.nanoTime").isZero();
    }

    @Test
    void datagramsTooShortForAStampAndBadHeadersAreCountedNotLost() throws Exception {
        NetStack stack = Topology.build(StackOptions.DEFAULT);
        byte[] good = LiveDatagrams.of(TrafficProfile.load("udp-only")).get(0);
        byte[] badFlags = good.clone();
        badFlags[0] = 0;
        try (LiveReceiver rx = new LiveReceiver(stack, 0, 1 << 20); DatagramChannel tx = DatagramChannel.open(java.net.StandardProtocolFamily.INET)) {
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", rx.port());
            ByteBuffer stamped = ByteBuffer.wrap(good.clone());
            stamped.putLong(good.length - 8, System.nanoTime());
            tx.send(stamped, to);
            tx.send(ByteBuffer.wrap(new byte[5]), to);
            tx.send(ByteBuffer.wrap(new byte[0]), to);
            tx.send(ByteBuffer.wrap(badFlags), to); // its stamp is 0: far in the past
            tx.send(ByteBuffer.wrap(new byte[LiveDatagrams.MAX_DATAGRAM + 100]), to);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (rx.datagrams() < 5 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            LiveReceiver.Snapshot s = rx.snapshot();
            assertThat(s.datagrams()).isEqualTo(5);
            assertThat(s.runts()).isEqualTo(2);
            assertThat(s.oversize()).isEqualTo(1);
            assertThat(s.model().received()).isEqualTo(2);
            assertThat(s.model().get(Outcome.UDP_QUEUED)).isEqualTo(1);
            assertThat(s.model().get(Outcome.VXLAN_INVALID_HDR)).isEqualTo(1);
            assertThat(s.unstamped()).isEqualTo(1);
            assertThat(s.latency().getTotalCount()).isEqualTo(1);
        }
    }
}
