package io.icpbench.harness.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * A fork's side of the interleaved design: the forks of a block are alive together and take turns,
 * one iteration each, in an order the orchestrator draws per round. Before each iteration (warmup
 * and measurement) the fork waits for its turn, a {@link #GO} byte on a Unix socket; after it, it
 * sends {@link #DONE}. JMH times an iteration from after its {@code Setup(Level.Iteration)}, so
 * the wait is not measured.
 *
 * <p>With several RX workers (JMH threads, each with its own state) the first worker to reach an
 * iteration reads the turn for all, and the last to finish it reports it done.
 */
public final class Gate {
    /** The system property naming the orchestrator's socket; no gate when unset. */
    public static final String PROPERTY = "icpbench.gate";
    /** The system property with this fork's index, sent when it connects. */
    public static final String ID_PROPERTY = "icpbench.gate.id";
    /** Orchestrator to fork: run your next iteration. */
    public static final byte GO = 'g';
    /** Fork to orchestrator: my iteration is over. */
    public static final byte DONE = 'd';

    private static Gate instance;

    private final SocketChannel channel;
    private final ByteBuffer in = ByteBuffer.allocate(1);
    private final ByteBuffer out = ByteBuffer.allocate(1);
    private int released;
    private boolean reading;
    private int finishing;
    private int finishingIteration;
    private boolean finalRelease;

    private Gate(SocketChannel channel) {
        this.channel = channel;
    }

    /** This JVM's gate (connected on first use), or null when the fork is not interleaved. */
    public static synchronized Gate fromSystemProperty() {
        String path = System.getProperty(PROPERTY);
        if (path == null || path.isBlank()) {
            return null;
        }
        if (instance == null) {
            try {
                SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
                c.connect(UnixDomainSocketAddress.of(Path.of(path)));
                ByteBuffer id = ByteBuffer.allocate(4).putInt(Integer.getInteger(ID_PROPERTY, -1)).flip();
                while (id.hasRemaining()) {
                    c.write(id);
                }
                instance = new Gate(c);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot reach the orchestrator's gate " + path + ": " + e.getMessage(), e);
            }
        }
        return instance;
    }

    /**
     * Waits until the orchestrator releases iteration {@code iteration} (from 1, counted per worker).
     *
     * @throws IllegalStateException when the orchestrator closed the gate (it stopped the run)
     */
    public void awaitTurn(int iteration) {
        synchronized (this) {
            while (released < iteration && reading) {
                waitHere();
            }
            if (released >= iteration) {
                return;
            }
            reading = true;
        }
        boolean released = false;
        try {
            in.clear();
            while (in.hasRemaining()) {
                if (channel.read(in) < 0) {
                    throw new IllegalStateException("the orchestrator closed the gate before iteration " + iteration);
                }
            }
            if (in.get(0) != GO) {
                throw new IllegalStateException("the gate sent " + in.get(0) + ", expected " + GO);
            }
            released = true;
        } catch (IOException e) {
            throw new UncheckedIOException("the gate failed before iteration " + iteration + ": " + e.getMessage(), e);
        } finally {
            // Released and no longer reading in one step, so that a waiting worker never reads the next turn for this one.
            synchronized (this) {
                reading = false;
                if (released) {
                    this.released = Math.max(this.released, iteration);
                }
                notifyAll();
            }
        }
    }

    /**
     * Reports iteration {@code iteration} done once all {@code workers} workers have finished it.
     * After the {@code last} iteration every worker waits for one more {@link #GO}, the release:
     * the end of a fork (its teardown, files, exit) must not run beside another fork's turn.
     */
    public void turnDone(int iteration, int workers, boolean last) {
        synchronized (this) {
            if (finishingIteration != iteration) {
                finishingIteration = iteration;
                finishing = 0;
            }
            if (++finishing < workers) {
                while (last && !finalRelease) {
                    waitHere();
                }
                return;
            }
            try {
                out.clear();
                out.put(DONE).flip();
                while (out.hasRemaining()) {
                    channel.write(out);
                }
                if (last) {
                    // The other workers wait on this monitor (wait() releases it) while this one reads the release.
                    in.clear();
                    while (in.hasRemaining()) {
                        if (channel.read(in) < 0) {
                            throw new IllegalStateException("the orchestrator closed the gate before releasing the fork");
                        }
                    }
                    finalRelease = true;
                    notifyAll();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("the gate failed after iteration " + iteration + ": " + e.getMessage(), e);
            }
        }
    }

    private void waitHere() {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the turn", e);
        }
    }
}
