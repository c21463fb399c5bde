package io.icpbench.harness.fork;

import java.util.concurrent.atomic.AtomicLong;
import jdk.jfr.consumer.RecordingStream;

/**
 * Counts the JIT's compilations while a run is measured, from the JVM's own Flight Recorder events
 * ({@code jdk.Compilation}: every method compiled, recompilations after a patch included).
 *
 * <p>JFR's {@code jdk.Deoptimization} is not counted: it is posted for uncommon traps only, and a
 * {@code setTarget} patch invalidates the compiled code that inlined the site without one. The
 * invalidations come from the JIT log instead ({@link JitLog}).
 */
public final class JitEvents implements AutoCloseable {
    private final RecordingStream stream;
    private final AtomicLong compilations = new AtomicLong();

    private JitEvents(RecordingStream stream) {
        this.stream = stream;
    }

    /** Starts counting. */
    public static JitEvents start() {
        RecordingStream rs = new RecordingStream();
        JitEvents events = new JitEvents(rs);
        rs.enable("jdk.Compilation").withThreshold(java.time.Duration.ZERO);
        rs.onEvent("jdk.Compilation", e -> events.compilations.incrementAndGet());
        rs.startAsync();
        return events;
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
