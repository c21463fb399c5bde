package io.icpbench.harness.fork;

import io.icpbench.results.RunResults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedObject;
import jdk.jfr.consumer.RecordingFile;

/**
 * A Flight Recorder recording of what the JIT does in this JVM, from the start of a fork to its end,
 * read into the fork's JIT fingerprint ({@link JitFingerprinter}): C2's inlining decisions
 * ({@code jdk.CompilerInlining}, off in JFR's own settings), every compilation
 * ({@code jdk.Compilation} with no threshold) and every uncommon trap ({@code jdk.Deoptimization}
 * without its stack trace). Nothing else is recorded, so the recording costs the fork little
 * beyond JFR's start (the patch accounting starts JFR in every fork anyway, {@link JitEvents}).
 *
 * <p>Why a fork needs it (issue 20): about one fork in seven runs 30–40% slower for its whole
 * life, in every mode, because its C2 compile of the receive path did not inline a few small
 * methods that the other forks' compiles inlined. The fingerprint says which forks compiled alike.
 *
 * <p>The recording is written to {@code fork-NNN/jit.jfr} and deleted once read, unless the fork
 * runs with {@code -Dicpbench.keepJfr=true} ({@link #KEEP_PROPERTY}; {@code icpbench run} passes its
 * own setting on to its forks), for {@code jfr print --events jdk.CompilerInlining}.
 */
public final class JitRecording implements AutoCloseable {
    /** The system property that keeps the recording. */
    public static final String KEEP_PROPERTY = "icpbench.keepJfr";
    /** The recording's file in the fork's directory. */
    public static final String FILE = "jit.jfr";
    static final String INLINING = "jdk.CompilerInlining";
    static final String COMPILATION = "jdk.Compilation";
    static final String DEOPTIMIZATION = "jdk.Deoptimization";

    private final Recording recording;
    private final Path file;
    private boolean done;

    private JitRecording(Recording recording, Path file) {
        this.recording = recording;
        this.file = file;
    }

    /**
     * Starts recording; the file goes to {@code dir}. A JVM whose Flight Recorder cannot start gives
     * a recording that yields no fingerprint, with a warning: the fork's measurement does not depend on it.
     */
    public static JitRecording start(Path dir) {
        Path file = dir.resolve(FILE);
        Recording r = null;
        try {
            r = new Recording();
            r.setName("icpbench-jit");
            r.setToDisk(true);
            r.enable(INLINING);
            r.enable(COMPILATION).withThreshold(Duration.ZERO);
            r.enable(DEOPTIMIZATION).withoutStackTrace();
            r.start();
            return new JitRecording(r, file);
        } catch (RuntimeException | Error e) {
            System.err.println("icpbench: warning: no JIT fingerprint (the Flight Recorder did not start: " + e + ")");
            if (r != null) {
                r.close();
            }
            return new JitRecording(null, file);
        }
    }

    /**
     * Stops recording and reads the fingerprint; deletes the file unless {@link #KEEP_PROPERTY} is
     * set. Returns null, with a warning, when there was no recording or it cannot be read.
     */
    public RunResults.JitFingerprint finish() {
        if (recording == null || done) {
            return null;
        }
        done = true;
        try {
            recording.stop();
            recording.dump(file);
            return read(file);
        } catch (IOException | RuntimeException e) {
            System.err.println("icpbench: warning: no JIT fingerprint (cannot read the recording " + file + ": " + e + ")");
            return null;
        } finally {
            recording.close();
            deleteUnlessKept();
        }
    }

    /** Ends an unfinished recording (the fork failed) and deletes its file unless kept. */
    @Override
    public void close() {
        if (recording != null && !done) {
            done = true;
            recording.close();
            deleteUnlessKept();
        }
    }

    private void deleteUnlessKept() {
        if (Boolean.getBoolean(KEEP_PROPERTY)) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            System.err.println("icpbench: warning: cannot delete " + file + ": " + e.getMessage());
        }
    }

    /** The fingerprint of a recording file's events. */
    public static RunResults.JitFingerprint read(Path file) throws IOException {
        List<JitFingerprinter.Compilation> compilations = new ArrayList<>();
        List<JitFingerprinter.Inlining> inlinings = new ArrayList<>();
        List<JitFingerprinter.Deoptimization> deopts = new ArrayList<>();
        try (RecordingFile in = new RecordingFile(file)) {
            while (in.hasMoreEvents()) {
                RecordedEvent e = in.readEvent();
                switch (e.getEventType().getName()) {
                    case INLINING -> {
                        RecordedObject callee = e.getValue("callee");
                        inlinings.add(new JitFingerprinter.Inlining(e.getLong("compileId"), method(e.getValue("caller")),
                                JitFingerprinter.MethodRef.of(callee.getString("type"), callee.getString("name"), callee.getString("descriptor")),
                                e.getBoolean("succeeded"), e.getString("message"), e.getInt("bci")));
                    }
                    // "succeded": the field's name in the JDK.
                    case COMPILATION -> compilations.add(new JitFingerprinter.Compilation(e.getLong("compileId"), method(e.getValue("method")),
                            e.getInt("compileLevel"), e.getBoolean("isOsr"), e.getBoolean("succeded"), e.getLong("codeSize"), e.getLong("inlinedBytes")));
                    case DEOPTIMIZATION -> deopts.add(new JitFingerprinter.Deoptimization(e.getString("reason"), e.getString("action"),
                            method(e.getValue("method")), e.getInt("bci")));
                    default -> {
                        // Only the three event types are enabled.
                    }
                }
            }
        }
        return JitFingerprinter.fingerprint(compilations, inlinings, deopts);
    }

    private static JitFingerprinter.MethodRef method(RecordedMethod m) {
        return m == null ? JitFingerprinter.MethodRef.of("?", "?", "?") : JitFingerprinter.MethodRef.of(m.getType().getName(), m.getName(), m.getDescriptor());
    }
}
