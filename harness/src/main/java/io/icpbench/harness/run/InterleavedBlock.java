package io.icpbench.harness.run;

import io.icpbench.harness.bench.Gate;
import io.icpbench.results.RunResults;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * One block of the interleaved design: the block's forks (one JVM per arm, each in its own mode)
 * start together and then take turns, one iteration each, in an order drawn afresh every round,
 * until each has run its warmup and measurement iterations; only one fork runs at a time. What
 * the machine does over a few seconds (another tenant, frequency, the cache's other users) then
 * falls on every arm of the block alike, and the block's paired comparison removes it: the
 * sequential design spreads a block over minutes.
 *
 * <p>The forks stay whole JVMs of their own mode, and each fork is still one unit of replication:
 * its mean over its measurement iterations. Turns go over a Unix socket ({@link Gate}): the
 * orchestrator sends {@link Gate#GO}, the fork runs one JMH iteration and answers {@link
 * Gate#DONE}.
 */
public final class InterleavedBlock {
    /** A fork's turn that takes longer than this many iteration times (and at least {@link #MIN_TURN_MS}) has hung. */
    static final int TURN_TIMEOUT_FACTOR = 20;
    static final long MIN_TURN_MS = 120_000;
    /** Time a fork's JVM may take to start and connect. */
    static final long CONNECT_MS = 180_000;

    /** What a finished block hands back: each fork's result, by plan index. */
    public record Outcome(Map<Integer, RunResults.ForkResult> forks) {
    }

    private final Path dir;
    private final RunSpec spec;
    private final List<RunResults.PlannedFork> forks;
    private final SplittableRandom random;
    private final List<Process> processes = new ArrayList<>();
    private final int together;

    /**
     * @param seed     the seed of this block's turn orders (the run's seed and the block, so a rerun draws the same)
     * @param together forks that take their turn at the same time: 1 (interleaved) or 2 (duet: on two
     *                 cores, a pair of forks runs side by side through the same moment of the machine)
     */
    public InterleavedBlock(Path dir, RunSpec spec, List<RunResults.PlannedFork> forks, long seed, int together) {
        if (together < 1) {
            throw new IllegalArgumentException("together=" + together + ", expected 1 or more forks at a time");
        }
        this.together = together;
        if (forks.isEmpty()) {
            throw new IllegalArgumentException("an empty block: no forks, expected at least one");
        }
        this.dir = dir;
        this.spec = spec;
        this.forks = List.copyOf(forks);
        this.random = new SplittableRandom(seed);
    }

    /** The processes of the block's forks while it runs (so a stopped run can kill them). */
    synchronized List<Process> processes() {
        return List.copyOf(processes);
    }

    /**
     * Runs the block.
     *
     * @param turns    called before each turn with the round and the fork (progress)
     * @param sampler  samples the machine around each measured turn (null: no noise record)
     * @throws IllegalStateException when a fork fails or hangs: its error and the end of its log (the other forks are stopped)
     */
    public Outcome run(Consumer<String> turns, TurnSampler sampler) throws IOException {
        Path sockDir = Files.createTempDirectory("icpbench-gate");
        Path sock = sockDir.resolve("gate.sock");
        Map<Integer, SocketChannel> channels = new HashMap<>();
        Map<Integer, Process> byIndex = new LinkedHashMap<>();
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                Selector selector = Selector.open()) {
            server.bind(UnixDomainSocketAddress.of(sock));
            for (RunResults.PlannedFork f : forks) {
                // The block's JMH instances are alive together by design: each must skip JMH's one-instance lock.
                Process p = RunEngine.startFork(dir, spec, f, Map.of(Gate.PROPERTY, sock.toString(),
                        Gate.ID_PROPERTY, Integer.toString(f.index()), "jmh.ignoreLock", "true"));
                synchronized (this) {
                    processes.add(p);
                }
                byIndex.put(f.index(), p);
            }
            connect(server, channels, byIndex);
            int rounds = spec.budget().warmupIterations() + spec.budget().iterations();
            long turnMs = Math.max(MIN_TURN_MS, Math.round(TURN_TIMEOUT_FACTOR * spec.budget().iterationSeconds() * 1000));
            ByteBuffer one = ByteBuffer.allocate(1);
            StringBuilder turnLog = new StringBuilder();
            for (int round = 0; round < rounds; round++) {
                List<RunResults.PlannedFork> order = new ArrayList<>(forks);
                for (int i = order.size() - 1; i > 0; i--) {
                    int j = random.nextInt(i + 1);
                    RunResults.PlannedFork t = order.get(i);
                    order.set(i, order.get(j));
                    order.set(j, t);
                }
                boolean measured = round >= spec.budget().warmupIterations();
                // Turns of `together` forks at once: 1 in the interleaved design, 2 in the duet (both cores busy, each
                // pair exposed to the same moment of the machine).
                for (int g = 0; g < order.size(); g += together) {
                    List<RunResults.PlannedFork> group = order.subList(g, Math.min(order.size(), g + together));
                    turns.accept(String.format(java.util.Locale.ROOT, "%s %d/%d, %s", measured ? "round" : "warmup round", round + 1, rounds,
                            String.join(" + ", group.stream().map(Progress::armLabel).toList())));
                    Object[] before = new Object[group.size()];
                    for (int i = 0; i < group.size(); i++) {
                        Process p = byIndex.get(group.get(i).index());
                        before[i] = measured && sampler != null ? sampler.before(group.get(i).index(), p.pid()) : null;
                    }
                    long t0 = System.nanoTime();
                    for (RunResults.PlannedFork f : group) {
                        go(channels.get(f.index()), one, f, byIndex.get(f.index()));
                    }
                    long[] ends = new long[group.size()];
                    for (int i = 0; i < group.size(); i++) {
                        RunResults.PlannedFork f = group.get(i);
                        Process p = byIndex.get(f.index());
                        awaitDone(selector, channels.get(f.index()), f, p, turnMs);
                        ends[i] = System.nanoTime();
                        if (before[i] != null) {
                            sampler.after(f.index(), p.pid(), before[i]);
                        }
                    }
                    for (int i = 0; i < group.size(); i++) {
                        RunResults.PlannedFork f = group.get(i);
                        turnLog.append(String.format(java.util.Locale.ROOT, "%d,%d,%d,%s,%s,%d,%d%n", f.block(), round, f.index(), f.arm(),
                                measured ? "measurement" : "warmup", epochMicros(t0), epochMicros(ends[i])));
                    }
                }
            }
            // Every fork waits after its last turn for this release, so that no fork's teardown ran beside another's turn.
            for (RunResults.PlannedFork f : forks) {
                go(channels.get(f.index()), one, f, byIndex.get(f.index()));
            }
            appendTurns(turnLog);
            Map<Integer, RunResults.ForkResult> results = new LinkedHashMap<>();
            for (RunResults.PlannedFork f : forks) {
                Process p = byIndex.get(f.index());
                int rc = waitFor(p);
                results.put(f.index(), RunEngine.collectFork(dir, f, rc));
            }
            return new Outcome(results);
        } catch (IOException | RuntimeException e) {
            stopAll();
            throw e;
        } finally {
            for (SocketChannel c : channels.values()) {
                c.close();
            }
            Files.deleteIfExists(sock);
            Files.deleteIfExists(sockDir);
        }
    }

    /** Accepts every fork's connection (each sends its plan index), or fails on a fork that exits or takes too long to start. */
    private void connect(ServerSocketChannel server, Map<Integer, SocketChannel> channels, Map<Integer, Process> byIndex) throws IOException {
        server.configureBlocking(false);
        long deadline = System.nanoTime() + CONNECT_MS * 1_000_000;
        while (channels.size() < forks.size()) {
            SocketChannel c = server.accept();
            if (c == null) {
                for (RunResults.PlannedFork f : forks) {
                    Process p = byIndex.get(f.index());
                    if (!channels.containsKey(f.index()) && !p.isAlive()) {
                        throw new IllegalStateException(RunEngine.failure(f, logOf(f), "exited with code " + p.exitValue()
                                + " before its first iteration"));
                    }
                }
                if (System.nanoTime() > deadline) {
                    RunResults.PlannedFork late = forks.stream().filter(f -> !channels.containsKey(f.index())).findFirst().orElseThrow();
                    throw new IllegalStateException(RunEngine.failure(late, logOf(late), "did not reach its first iteration in "
                            + CONNECT_MS / 1000 + " s"));
                }
                sleep(20);
                continue;
            }
            c.configureBlocking(true);
            ByteBuffer id = ByteBuffer.allocate(4);
            while (id.hasRemaining()) {
                if (c.read(id) < 0) {
                    throw new IOException("a fork closed the gate before naming itself");
                }
            }
            int index = id.flip().getInt();
            if (!byIndex.containsKey(index) || channels.containsKey(index)) {
                c.close();
                throw new IOException("the gate got an unknown fork index " + index);
            }
            channels.put(index, c);
        }
    }

    /** Waits for the fork's {@link Gate#DONE}, failing if it exits, hangs or sends anything else. */
    private void awaitDone(Selector selector, SocketChannel c, RunResults.PlannedFork f, Process p, long turnMs) throws IOException {
        c.configureBlocking(false);
        SelectionKey key = c.register(selector, SelectionKey.OP_READ);
        try {
            ByteBuffer one = ByteBuffer.allocate(1);
            long deadline = System.nanoTime() + turnMs * 1_000_000;
            while (true) {
                int n;
                try {
                    n = c.read(one);
                } catch (IOException e) {
                    throw gateBroke(f, p, e);
                }
                if (n < 0) {
                    int rc = waitFor(p);
                    throw new IllegalStateException(RunEngine.failure(f, logOf(f), "exited with code " + rc + " during its turn"));
                }
                if (n == 1) {
                    if (one.get(0) != Gate.DONE) {
                        throw new IOException("fork " + f.index() + " sent " + one.get(0) + " on the gate, expected " + Gate.DONE);
                    }
                    return;
                }
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new IllegalStateException(RunEngine.failure(f, logOf(f), "did not finish its turn in " + turnMs / 1000 + " s"));
                }
                selector.select(Math.min(left, 1000));
                selector.selectedKeys().clear();
            }
        } finally {
            key.cancel();
            selector.selectNow();
            c.configureBlocking(true);
        }
    }

    /** Sends {@link Gate#GO} to fork {@code f}, failing as {@link #gateBroke} if it is gone. */
    private void go(SocketChannel c, ByteBuffer one, RunResults.PlannedFork f, Process p) throws IOException {
        one.clear();
        one.put(Gate.GO).flip();
        try {
            c.write(one);
        } catch (IOException e) {
            throw gateBroke(f, p, e);
        }
    }

    /**
     * A fork whose gate broke under a read or write has exited: with its GO unread the connection
     * is reset, after it the pipe is broken (the end of stream only when it read everything).
     */
    private IllegalStateException gateBroke(RunResults.PlannedFork f, Process p, IOException e) throws IOException {
        return new IllegalStateException(RunEngine.failure(f, logOf(f), "exited with code " + waitFor(p) + " during its turn"), e);
    }

    /** The file of every turn of the run's interleaved blocks (see {@link #appendTurns}). */
    public static final String TURNS = "turns.csv";
    private static final String TURNS_HEADER = "block,round,fork,arm,phase,start_us,end_us";
    private final long originNanos = System.nanoTime();
    private final long originMicros = java.time.Instant.now().getEpochSecond() * 1_000_000 + java.time.Instant.now().getNano() / 1_000;

    /** A {@link System#nanoTime} reading as microseconds since the epoch (to line turns up with other logs). */
    private long epochMicros(long nanos) {
        return originMicros + (nanos - originNanos) / 1_000;
    }

    /**
     * Appends a block's turns to {@code turns.csv}: block, round (from 0), fork, arm, phase (warmup or
     * measurement) and the turn's start and end in µs since the epoch, from the GO sent to the DONE
     * read. A fork's n-th measurement iteration is the turn of round warmup + n.
     */
    private void appendTurns(CharSequence rows) throws IOException {
        Path file = dir.resolve(TURNS);
        if (!Files.exists(file)) {
            Files.writeString(file, TURNS_HEADER + System.lineSeparator());
        }
        Files.writeString(file, rows, java.nio.file.StandardOpenOption.APPEND);
    }

    private Path logOf(RunResults.PlannedFork f) {
        return dir.resolve(RunEngine.forkName(f.index())).resolve("fork.log");
    }

    private static int waitFor(Process p) {
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Kills every fork of the block still alive. */
    public void stopAll() {
        for (Process p : processes()) {
            p.destroyForcibly();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Samples the machine around a fork's measured turns (the noise record). */
    public interface TurnSampler {
        /** Before the turn of fork {@code index} (its JVM's {@code pid}); the returned token goes to {@link #after}. */
        Object before(int index, long pid);

        void after(int index, long pid, Object before);
    }

    /** Forks of {@code plan} not yet finished, grouped by block, blocks in run order. */
    public static List<List<RunResults.PlannedFork>> pendingBlocks(RunResults r) {
        Map<Integer, List<RunResults.PlannedFork>> blocks = new LinkedHashMap<>();
        r.plan().stream().sorted(Comparator.comparingInt(RunResults.PlannedFork::index)).filter(f -> !r.finished(f.index()))
                .forEach(f -> blocks.computeIfAbsent(f.block(), b -> new ArrayList<>()).add(f));
        return new ArrayList<>(blocks.values());
    }
}
