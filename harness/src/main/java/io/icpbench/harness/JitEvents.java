package io.icpbench.harness;

import java.util.concurrent.atomic.AtomicLong;
import jdk.jfr.consumer.RecordingStream;

/**
 * Counts the JIT's deoptimizations and compilations while a run is measured, from the JVM's own
 * Flight Recorder events ({@code jdk.Deoptimization}: uncommon traps, such as a guard that failed;
 * {@code jdk.Compilation}: every method compiled, recompilations after a patch included).
 *
 * <p>A {@code setTarget} patch invalidates the compiled code that inlined the site without an
 * uncommon trap, so it shows up as recompilations, not as deoptimization events; the learned
 * sites count their patches themselves.
 */
public final class JitEvents implements AutoCloseable {
    private final RecordingStream stream;
    private final AtomicLong deopts = new AtomicLong();
    private final AtomicLong compilations = new AtomicLong();

    private JitEvents(RecordingStream stream) {
        this.stream = stream;
    }

    /** Starts counting. */
    public static JitEvents start() {
        RecordingStream rs = new RecordingStream();
        JitEvents events = new JitEvents(rs);
        rs.enable("jdk.Deoptimization");
        rs.enable("jdk.Compilation").withThreshold(java.time.Duration.ZERO);
        rs.onEvent("jdk.Deoptimization", e -> events.deopts.incrementAndGet());
        rs.onEvent("jdk.Compilation", e -> events.compilations.incrementAndGet());
        rs.startAsync();
        return events;
    }

    public long deoptimizations() {
        return deopts.get();
    }

    public long compilations() {
        return compilations.get();
    }

    /** Stops counting (flushes the events seen so far first). */
    @Override
    public void close() {
        try {
            stream.stop();
        } catch (RuntimeException e) {
            // stop() fails only if the stream never started; the counts stand as they are.
        }
        stream.close();
    }
}
