package io.icpbench.harness.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.icpbench.dispatch.Mode;
import io.icpbench.harness.run.Forks;
import io.icpbench.harness.traffic.TrafficProfile;
import io.icpbench.stack.Counters;
import io.icpbench.stack.NetStack;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One live run: the receiver in this JVM (the model in this JVM's mode), a sender in its own
 * process ({@code icpbench send}, or the C reference with the same datagrams), then the counts of
 * every party reconciled: what the sender sent is what Netty read plus what the kernel dropped.
 */
public final class LiveSession {
    /** Senders. */
    public static final String SENDER_JAVA = "java", SENDER_C = "c";

    /**
     * @param profile  the traffic profile (built-in name or file)
     * @param payload  UDP payload bytes of every inner frame, overriding the profile's; null keeps it
     * @param sender   {@link #SENDER_JAVA} or {@link #SENDER_C}
     * @param ratePps  datagrams per second, 0 for flat out
     * @param batch    datagrams per sendmmsg
     * @param rcvbuf   SO_RCVBUF to ask for
     * @param seconds  how long the sender sends
     * @param senders  sender processes (each sends the whole profile, at ratePps / senders); more than one
     *                 makes the receiver the bottleneck on a machine with the cores for them
     */
    public record Config(String profile, Integer payload, String sender, long ratePps, int batch, int rcvbuf, double seconds, int senders) {
        /** One sender. */
        public Config(String profile, Integer payload, String sender, long ratePps, int batch, int rcvbuf, double seconds) {
            this(profile, payload, sender, ratePps, batch, rcvbuf, seconds, 1);
        }

        public Config {
            if (senders < 1 || senders > 64) {
                throw new IllegalArgumentException("--senders=" + senders + ", expected 1..64");
            }
            if (ratePps > 0 && ratePps < senders) {
                throw new IllegalArgumentException("--rate=" + ratePps + " is less than one datagram per second for each of "
                        + senders + " senders");
            }
            if (!SENDER_JAVA.equals(sender) && !SENDER_C.equals(sender)) {
                throw new IllegalArgumentException("--sender=" + sender + ", expected java or c");
            }
            if (!(seconds > 0) || seconds > 86_400) {
                throw new IllegalArgumentException("duration " + seconds + " s, expected more than 0 and at most a day");
            }
            if (ratePps < 0) {
                throw new IllegalArgumentException("--rate=" + ratePps + ", expected >= 0 (0: flat out)");
            }
            if (batch < 1 || batch > 1024) {
                throw new IllegalArgumentException("--batch=" + batch + ", expected 1..1024");
            }
            if (rcvbuf < 1024) {
                throw new IllegalArgumentException("--rcvbuf=" + rcvbuf + ", expected at least 1024");
            }
            if (payload != null && (payload < 0 || payload > 1400)) {
                throw new IllegalArgumentException("--payload=" + payload + ", expected 0..1400");
            }
        }
    }

    /** Measurement windows for a fork of {@code icpbench run}: the rate of each, after warm-up windows. */
    public record Windows(int warmup, int iterations, long windowMs) {
        public double seconds() {
            return (warmup + iterations) * windowMs / 1000.0;
        }
    }

    /**
     * A live run's counts, as printed and as written with {@code --json}.
     *
     * @param sent               datagrams the sender handed to the kernel
     * @param sendFailed         writes the kernel refused
     * @param datagrams          datagrams Netty read
     * @param runts              datagrams too short for a send time (not given to the model)
     * @param oversize           datagrams cut at the receiver's slot size (not given to the model)
     * @param unstamped          datagrams whose send time was out of range (not in the latency histogram)
     * @param socketDrops        the receive socket's drops (its line in /proc/net/udp)
     * @param backlogDrops       per-CPU backlog drops during the run (/proc/net/softnet_stat, all CPUs)
     * @param udpDelta           the change of /proc/net/snmp's Udp counters (system-wide)
     * @param unexplained        sent - datagrams - socketDrops - backlogDrops: 0 when the counts reconcile
     * @param receiveRate        datagrams/s Netty read, first to last read burst
     * @param latencyUs          one-way latency percentiles, µs, over the measurement windows (all datagrams without windows)
     * @param allocatedBytesPerDatagram the receive thread's allocation per datagram
     * @param cpuNsPerDatagram   the receive thread's CPU time (user + system) per datagram
     * @param userNsPerDatagram  the user part of it (Netty and the model; the rest is the kernel's: epoll, recvmmsg)
     * @param windowRates        datagrams/s read in each measurement window after the warm-up ones (empty without windows)
     */
    public record Result(String mode, String profile, Integer payload, String sender, long ratePps, int senders, double seconds, int rcvbuf,
            long sent, long sendFailed, double senderRate, long datagrams, long runts, long oversize, long unstamped,
            long nettyErrors, long socketDrops, long backlogDrops, Map<String, Long> udpDelta, long unexplained,
            long modelReceived, long delivered, long dropped, Map<String, Long> outcomes, Map<String, Long> counters,
            double receiveRate, long latencyCount, Map<String, Double> latencyUs, double allocatedBytesPerDatagram,
            double cpuNsPerDatagram, double userNsPerDatagram, List<Double> windowRates) {
        /** Whether every datagram is accounted for, and every packet the model took ended. */
        @com.fasterxml.jackson.annotation.JsonProperty("reconciled")
        public boolean reconciled() {
            return unexplained == 0 && datagrams == runts + oversize + modelReceived && modelReceived == delivered + dropped;
        }
    }

    /** A result and its latency histogram. */
    public record Run(Result result, Histogram latency) {
    }

    private LiveSession() {
    }

    /** The profile with {@code payload} (if not null) as every frame's UDP payload size. */
    public static TrafficProfile profile(String spec, Integer payload) {
        TrafficProfile p = TrafficProfile.load(spec).requireNoPhases("live traffic");
        return payload == null ? p
                : new TrafficProfile(p.name(), p.description(), p.frames(), p.flows(), payload, payload, p.seed(), p.mix());
    }

    /**
     * Runs a live session.
     *
     * @param windows  measurement windows (the sender then runs their length plus a second), or null
     * @param progress where to print a line per second, or null
     */
    public static Run run(Config c, NetStack stack, Windows windows, PrintStream progress) throws IOException, InterruptedException {
        double sendSeconds = windows == null ? c.seconds() : windows.seconds() + 1.0;
        List<byte[]> datagrams = LiveDatagrams.of(profile(c.profile(), c.payload()));
        stack.counters.reset(); // a stack used again (warm-up rounds) counts this session only
        Path work = Files.createTempDirectory("icpbench-live");
        try (LiveReceiver rx = new LiveReceiver(stack, 0, c.rcvbuf())) {
            long inode = KernelUdp.socketInode(rx.fd());
            Map<String, Long> snmp0 = KernelUdp.snmp();
            long backlog0 = KernelUdp.backlogDrops();
            KernelUdp.Socket sock0 = requireSocket(inode);
            LiveReceiver.Snapshot start = rx.snapshot();
            List<Process> senders = new java.util.concurrent.CopyOnWriteArrayList<>();
            List<Double> windowRates = new ArrayList<>();
            // A receiver stopped by a signal takes its senders with it.
            Thread reaper = new Thread(() -> senders.forEach(Process::destroy), "icpbench-live-senders");
            Runtime.getRuntime().addShutdownHook(reaper);
            try {
                for (int i = 0; i < c.senders(); i++) {
                    long rate = c.ratePps() / c.senders() + (i < c.ratePps() % c.senders() ? 1 : 0);
                    senders.add(startSender(c, i, rate, rx.port(), sendSeconds, datagrams, work));
                }
                awaitFirst(rx, senders, work);
                if (windows != null) {
                    measureWindows(rx, windows, windowRates, progress);
                }
                long last = rx.datagrams();
                long tick = System.nanoTime();
                Process alive;
                while ((alive = senders.stream().filter(Process::isAlive).findFirst().orElse(null)) != null) {
                    alive.waitFor(200, TimeUnit.MILLISECONDS);
                    if (System.nanoTime() - tick >= 1_000_000_000L && progress != null) {
                        long now = rx.datagrams();
                        long t = System.nanoTime();
                        KernelUdp.Socket s = KernelUdp.socket(inode);
                        progress.printf(Locale.ROOT, "  received %,d datagrams (%,.0f /s), socket drops %,d%n", now,
                                (now - last) * 1e9 / (t - tick), s == null ? -1 : s.drops() - sock0.drops());
                        last = now;
                        tick = t;
                    }
                }
            } finally {
                for (Process p : senders) {
                    if (p.isAlive()) {
                        p.destroyForcibly();
                    }
                }
                try {
                    Runtime.getRuntime().removeShutdownHook(reaper);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running or has run
                }
            }
            long sentCount = 0;
            long sendFailed = 0;
            double senderRate = 0;
            for (int i = 0; i < senders.size(); i++) {
                JsonNode sent = senderResult(senders.get(i), i, work);
                sentCount += sent.path("sent").asLong();
                sendFailed += sent.path("failed").asLong();
                senderRate += sent.path("rate").asDouble();
            }
            drain(rx, inode);
            LiveReceiver.Snapshot snap = rx.snapshot();
            KernelUdp.Socket sock1 = requireSocket(inode);
            Map<String, Long> udp = KernelUdp.delta(snmp0, KernelUdp.snmp());
            long backlog = KernelUdp.backlogDrops() - backlog0;
            long socketDrops = sock1.drops() - sock0.drops();
            Counters m = snap.model();
            Map<String, Long> outcomes = m.outcomeNames();
            Histogram h = snap.latency();
            Map<String, Double> pct = new LinkedHashMap<>();
            for (double p : new double[] {50, 90, 99, 99.9}) {
                pct.put("p" + (p == Math.rint(p) ? Integer.toString((int) p) : Double.toString(p)), h.getValueAtPercentile(p) / 1000.0);
            }
            pct.put("max", h.getMaxValue() / 1000.0);
            Result r = new Result(io.icpbench.dispatch.Dispatch.MODE.cliName(), c.profile(), c.payload(), c.sender(), c.ratePps(),
                    c.senders(), sendSeconds, rx.receiveBufferSize(), sentCount, sendFailed, senderRate,
                    snap.datagrams(), snap.runts(), snap.oversize(), snap.unstamped(), snap.errors(), socketDrops, backlog, udp,
                    sentCount - snap.datagrams() - socketDrops - backlog, m.received(), m.delivered(), m.dropped(), outcomes,
                    m.snmpSnapshot(), snap.rate(), h.getTotalCount(), pct,
                    snap.datagrams() == 0 ? Double.NaN : (double) (snap.allocatedBytes() - start.allocatedBytes()) / snap.datagrams(),
                    snap.datagrams() == 0 ? Double.NaN : (double) (snap.cpuNs() - start.cpuNs()) / snap.datagrams(),
                    snap.datagrams() == 0 ? Double.NaN : (double) (snap.userNs() - start.userNs()) / snap.datagrams(), windowRates);
            return new Run(r, h);
        } finally {
            deleteTree(work);
        }
    }

    private static KernelUdp.Socket requireSocket(long inode) throws IOException {
        KernelUdp.Socket s = KernelUdp.socket(inode);
        if (s == null) {
            throw new IOException("the receive socket (inode " + inode + ") is not in /proc/net/udp");
        }
        return s;
    }

    private static Process startSender(Config c, int index, long rate, int port, double seconds, List<byte[]> datagrams, Path work)
            throws IOException {
        List<String> cmd;
        if (SENDER_C.equals(c.sender())) {
            Path file = work.resolve("datagrams.bin");
            if (!Files.exists(file)) {
                Files.write(file, LiveDatagrams.toBytes(datagrams));
            }
            cmd = List.of(NativeTool.udpblast().toString(), "send", Integer.toString(port), file.toString(),
                    Long.toString(Math.max(1, Math.round(seconds * 1000))), Long.toString(rate), Integer.toString(c.batch()));
        } else {
            List<String> args = new ArrayList<>(List.of("send", "--quiet", "--port", Integer.toString(port), "--profile", c.profile(),
                    "--seconds", Double.toString(seconds), "--rate", Long.toString(rate), "--batch", Integer.toString(c.batch())));
            if (c.payload() != null) {
                args.addAll(List.of("--payload", Integer.toString(c.payload())));
            }
            cmd = Forks.command(Mode.VIRTUAL, Map.of(), List.of(), args);
        }
        return new ProcessBuilder(cmd).redirectOutput(work.resolve("sender-" + index + ".out").toFile())
                .redirectError(work.resolve("sender-" + index + ".err").toFile()).start();
    }

    /** Waits for the first datagram (the sender's start-up), at most 60 s. */
    private static void awaitFirst(LiveReceiver rx, List<Process> senders, Path work) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (rx.datagrams() == 0) {
            if (senders.stream().noneMatch(Process::isAlive)) {
                return; // senderResult reports why
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("no datagram arrived within 60 s of starting the sender" + senderErrors(0, work));
            }
            Thread.sleep(2);
        }
    }

    private static void measureWindows(LiveReceiver rx, Windows w, List<Double> rates, PrintStream progress) throws InterruptedException {
        long windowNs = TimeUnit.MILLISECONDS.toNanos(w.windowMs());
        long t = System.nanoTime();
        long n = rx.datagrams();
        for (int i = 0; i < w.warmup() + w.iterations(); i++) {
            if (i == w.warmup()) {
                rx.resetLatency();
            }
            long until = t + windowNs;
            long left;
            while ((left = until - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.sleep(Math.min(left, 50_000_000L));
            }
            long t1 = System.nanoTime();
            long n1 = rx.datagrams();
            double rate = (n1 - n) * 1e9 / (t1 - t);
            if (i >= w.warmup()) {
                rates.add(rate);
            }
            if (progress != null) {
                progress.printf(Locale.ROOT, "  %s %d: %,.0f datagrams/s%n", i < w.warmup() ? "warm-up" : "iteration",
                        i < w.warmup() ? i + 1 : i - w.warmup() + 1, rate);
            }
            t = t1;
            n = n1;
        }
    }

    private static JsonNode senderResult(Process sender, int index, Path work) throws IOException {
        String out = Files.readString(work.resolve("sender-" + index + ".out")).strip();
        String lastLine = out.isEmpty() ? "" : out.substring(out.lastIndexOf('\n') + 1);
        if (sender.exitValue() != 0 || !lastLine.startsWith("{")) {
            throw new IOException("the sender failed (exit " + sender.exitValue() + ")" + senderErrors(index, work));
        }
        JsonNode n = new ObjectMapper().readTree(lastLine);
        if (!n.has("sent")) {
            throw new IOException("the sender's result has no 'sent' count: " + lastLine);
        }
        return n;
    }

    private static String senderErrors(int index, Path work) throws IOException {
        Path err = work.resolve("sender-" + index + ".err");
        String s = Files.exists(err) ? Files.readString(err).strip() : "";
        return s.isEmpty() ? "" : ":\n" + s;
    }

    /** Waits until the socket's queue is empty and Netty read nothing for 100 ms (at most 10 s). */
    private static void drain(LiveReceiver rx, long inode) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long last = -1;
        while (System.nanoTime() < deadline) {
            long n = rx.datagrams();
            KernelUdp.Socket s = KernelUdp.socket(inode);
            if (n == last && s != null && s.rxQueueBytes() == 0) {
                return;
            }
            last = n;
            Thread.sleep(100);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Prints a result the way {@code icpbench live} does. */
    public static void print(Result r, PrintStream out) {
        out.printf(Locale.ROOT, "icpbench live: sent for %.1f s, profile %s%s, %ssender %s, %s, mode %s, SO_RCVBUF %,d%n", r.seconds(),
                r.profile(), r.payload() == null ? "" : " (payload " + r.payload() + " B)", r.senders() == 1 ? "" : r.senders() + " x ",
                r.sender().equals(SENDER_C) ? "c (udpblast, sendmmsg)" : "java (icpbench send, Netty sendmmsg)",
                r.ratePps() == 0 ? "flat out" : String.format(Locale.ROOT, "%,d/s", r.ratePps()), r.mode(), r.rcvbuf());
        out.printf(Locale.ROOT, "  sender      sent %,14d datagrams  %,.0f /s; %,d refused%n", r.sent(), r.senderRate(), r.sendFailed());
        out.printf(Locale.ROOT, "  kernel      dropped %,11d at the receive socket (Udp RcvbufErrors %+,d, InErrors %+,d system-wide); "
                + "%,d in CPU backlogs%n", r.socketDrops(), r.udpDelta().getOrDefault("RcvbufErrors", 0L),
                r.udpDelta().getOrDefault("InErrors", 0L), r.backlogDrops());
        out.printf(Locale.ROOT, "  netty       read %,14d datagrams  %,.0f /s first to last read (recvmmsg, up to %d a call)%n",
                r.datagrams(), r.receiveRate(), LiveReceiver.BATCH);
        if (r.runts() + r.oversize() + r.nettyErrors() > 0) {
            out.printf(Locale.ROOT, "              of which %,d too short for a send time, %,d too long; %,d read errors%n", r.runts(),
                    r.oversize(), r.nettyErrors());
        }
        out.printf(Locale.ROOT, "  model       took %,14d packets: delivered %,d, dropped %,d%n", r.modelReceived(), r.delivered(), r.dropped());
        out.printf(Locale.ROOT, "  reconciled  sent %,d = read %,d + socket drops %,d + backlog drops %,d, %s%n", r.sent(), r.datagrams(),
                r.socketDrops(), r.backlogDrops(), r.reconciled() ? "nothing unexplained"
                        : String.format(Locale.ROOT, "%,d UNEXPLAINED", r.unexplained()));
        if (!r.windowRates().isEmpty()) {
            double[] w = r.windowRates().stream().mapToDouble(Double::doubleValue).toArray();
            out.printf(Locale.ROOT, "  rate        %,.0f datagrams/s read, mean of %d measured iteration%s (min %,.0f, max %,.0f)%n",
                    java.util.Arrays.stream(w).average().orElse(0), w.length, w.length == 1 ? "" : "s",
                    java.util.Arrays.stream(w).min().orElse(0), java.util.Arrays.stream(w).max().orElse(0));
        }
        Map<String, Double> l = r.latencyUs();
        out.printf(Locale.ROOT, "  latency     one-way, send time to the end of the model's batch, %,d datagrams: "
                + "p50 %.1f µs, p90 %.1f, p99 %.1f, p99.9 %.1f, max %.1f%n", r.latencyCount(), l.get("p50"), l.get("p90"),
                l.get("p99"), l.get("p99.9"), l.get("max"));
        out.printf(Locale.ROOT, "  cpu         %.0f ns/datagram on the receive thread: %.0f user (Netty, the model), %.0f system "
                + "(epoll, recvmmsg)%n", r.cpuNsPerDatagram(), r.userNsPerDatagram(), r.cpuNsPerDatagram() - r.userNsPerDatagram());
        out.printf(Locale.ROOT, "  allocation  %.0f B/datagram on the receive thread (Netty's DatagramPacket, address and slice; "
                + "the model allocates none)%n", r.allocatedBytesPerDatagram());
        if (!r.outcomes().isEmpty()) {
            out.println("  outcomes    " + String.join(", ", r.outcomes().entrySet().stream()
                    .filter(e -> e.getValue() > 0).map(e -> e.getKey() + " " + String.format(Locale.ROOT, "%,d", e.getValue())).toList()));
        }
    }
}
