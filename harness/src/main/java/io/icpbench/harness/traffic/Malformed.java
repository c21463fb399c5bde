package io.icpbench.harness.traffic;

import io.icpbench.stack.BadFrame;

/** The "malformed" class: a broken frame drawn from the stack's catalogue of {@link BadFrame}s. */
final class Malformed {
    private static final BadFrame[] KINDS = BadFrame.values();

    private Malformed() {
    }

    static TrafficClass.Frame build(FrameFactory f, int flow) {
        BadFrame kind = KINDS[f.random.nextInt(KINDS.length)];
        return new TrafficClass.Frame(kind.build(flow), "eth0");
    }
}
