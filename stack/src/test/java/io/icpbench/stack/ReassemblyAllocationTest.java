package io.icpbench.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.icpbench.stack.wire.FrameBuilder;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reassembly allocates nothing per packet: a ring of IPv4 and IPv6 fragments (in order and out
 * of order) that reassemble into datagrams, replayed in a loop, allocates no byte on the
 * replaying thread once the queues, the ring and the JIT are warm.
 */
class ReassemblyAllocationTest {
    private static final int PASSES = 16_000;

    @Test
    void replayingFragmentsThatReassembleAllocatesNothing() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        NetStack stack = Topology.build(StackOptions.DEFAULT);
        List<byte[]> frames = new ArrayList<>();
        for (int d = 0; d < 4; d++) {
            byte[] frame = ReassemblyTest.udp4(ReassemblyTest.payload(3000 + 100 * d, d));
            List<byte[]> frags = new ArrayList<>(FrameBuilder.fragments(frame, 1480, 40 + d));
            if (d % 2 == 1) {
                Collections.reverse(frags);
            }
            frames.addAll(frags);
        }
        for (int d = 0; d < 2; d++) {
            List<byte[]> frags = new ArrayList<>(FrameBuilder.fragments(ReassemblyTest.udp6(ReassemblyTest.payload(4000, 10 + d)), 1448, 50 + d));
            Collections.swap(frags, 0, frags.size() - 1);
            frames.addAll(frags);
        }
        List<NetDevice> ingress = Collections.nCopies(frames.size(), stack.device("eth0"));
        try (FrameRing ring = new FrameRing(frames, ingress, UnpooledByteBufAllocator.DEFAULT)) {
            int batch = frames.size();
            long packets = (long) PASSES * frames.size();
            ring.replay(stack, packets, batch);
            long before = mx.getCurrentThreadAllocatedBytes();
            ring.replay(stack, packets, batch);
            long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            long datagrams = 2L * PASSES * 6;
            assertThat(stack.counters.get(Counter.IP_REASM_OKS) + stack.counters.get(Counter.IP6_REASM_OKS)).isEqualTo(datagrams);
            assertThat(stack.counters.get(Counter.IP_REASM_FAILS) + stack.counters.get(Counter.IP6_REASM_FAILS)).isZero();
            assertThat(stack.counters.get(Outcome.UDP_QUEUED)).isEqualTo(datagrams);
            assertThat(allocated).as("bytes allocated replaying %,d fragments", packets).isZero();
        }
    }
}
