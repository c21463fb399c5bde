package io.icpbench.stack;

import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;

/** Builds a stack of the default topology and feeds it frames, for tests. */
final class StackFixture {
    final NetStack stack;
    /** The application buffer of the last {@link #send}: the last datagram read, and counts. */
    io.icpbench.stack.udp.RecvBuffer lastRead;

    StackFixture() {
        this(StackOptions.DEFAULT);
    }

    StackFixture(StackOptions options) {
        this.stack = Topology.build(options);
    }

    /** Sends the frames, all arriving on {@code device}, in one batch; returns how each ended. */
    List<Outcome> send(String device, byte[]... frames) {
        List<NetDevice> devs = new ArrayList<>();
        for (int i = 0; i < frames.length; i++) {
            devs.add(stack.device(device));
        }
        try (FrameRing ring = new FrameRing(List.of(frames), devs, UnpooledByteBufAllocator.DEFAULT)) {
            ring.replay(stack, frames.length, frames.length);
            lastRead = ring.recvBuffer();
            List<Outcome> outcomes = new ArrayList<>();
            for (int i = 0; i < frames.length; i++) {
                outcomes.add(ring.lastOutcome(i));
            }
            return outcomes;
        }
    }

    /** Sends one frame on {@code device}; returns how it ended. */
    Outcome sendOne(String device, byte[] frame) {
        return send(device, frame).get(0);
    }

    Counters counters() {
        return stack.counters;
    }
}
