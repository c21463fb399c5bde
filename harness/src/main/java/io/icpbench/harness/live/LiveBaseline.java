package io.icpbench.harness.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.icpbench.stack.NetStack;
import io.icpbench.stack.StackOptions;
import io.icpbench.stack.Topology;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The side-by-side reference of {@code icpbench live --baseline}: the same C sender (sendmmsg,
 * flat out, the same datagrams) feeds, in alternating order, the C receiver (recvmmsg, reads the
 * datagrams and does nothing else) and the Netty receiver feeding the model in this JVM's mode.
 * Both rates are datagrams read per second between the first and the last read.
 */
public final class LiveBaseline {
    /** One round: each receiver's rate and the sender's. */
    public record Round(int round, String receiver, double rate, double senderRate, long received, long drops, double cpuNsPerDatagram) {
    }

    /**
     * All rounds, and the medians of the rates and of the receivers' CPU time per datagram.
     * {@link #capacityRatio} compares what each receiver could take with a CPU to itself.
     */
    public record Result(List<Round> rounds, double cMedian, double nettyMedian, double cCpuNs, double nettyCpuNs) {
        @com.fasterxml.jackson.annotation.JsonProperty("ratio")
        public double ratio() {
            return nettyMedian / cMedian;
        }

        @com.fasterxml.jackson.annotation.JsonProperty("capacityRatio")
        public double capacityRatio() {
            return cCpuNs / nettyCpuNs;
        }
    }

    private LiveBaseline() {
    }

    public static Result run(LiveSession.Config c, int rounds, PrintStream out) throws IOException, InterruptedException {
        Path exe = NativeTool.udpblast();
        out.printf(Locale.ROOT, "icpbench live --baseline: %d rounds of %.1f s, profile %s%s, %d C sender%s flat out (udpblast, sendmmsg of %d)%n",
                rounds, c.seconds(), c.profile(), c.payload() == null ? "" : " (payload " + c.payload() + " B)", c.senders(),
                c.senders() == 1 ? "" : "s", c.batch());
        List<byte[]> datagrams = LiveDatagrams.of(LiveSession.profile(c.profile(), c.payload()));
        out.printf(Locale.ROOT, "  datagrams of %d to %d bytes; a warm-up round of the Netty receiver first (not counted)%n",
                datagrams.stream().mapToInt(b -> b.length).min().orElse(0), datagrams.stream().mapToInt(b -> b.length).max().orElse(0));
        NetStack stack = Topology.build(StackOptions.DEFAULT);
        LiveSession.run(new LiveSession.Config(c.profile(), c.payload(), LiveSession.SENDER_C, 0, c.batch(), c.rcvbuf(),
                Math.min(3, c.seconds()), c.senders()), stack, null, null);
        List<Round> all = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            boolean cFirst = r % 2 == 1;
            for (int k = 0; k < 2; k++) {
                Round x = (k == 0) == cFirst ? cRound(exe, r, c, datagrams) : nettyRound(r, c, stack);
                out.printf(Locale.ROOT, "  round %d  %-26s %,10.0f datagrams/s  %,6.0f CPU ns/datagram  (sender %,.0f /s, %,d read, "
                        + "%,d dropped at the socket)%n", r, x.receiver(), x.rate(), x.cpuNsPerDatagram(), x.senderRate(), x.received(), x.drops());
                all.add(x);
            }
        }
        double cm = median(all, true, Round::rate);
        double nm = median(all, false, Round::rate);
        double cc = median(all, true, Round::cpuNsPerDatagram);
        double nc = median(all, false, Round::cpuNsPerDatagram);
        Result res = new Result(all, cm, nm, cc, nc);
        String mode = io.icpbench.dispatch.Dispatch.MODE.cliName();
        out.printf(Locale.ROOT, "  median    read rate: C recvmmsg %,.0f /s, Netty + model (%s) %,.0f /s: Netty at %.1f%% of C%n", cm, mode, nm,
                100 * res.ratio());
        out.printf(Locale.ROOT, "  median    CPU per datagram: C %,.0f ns, Netty + model %,.0f ns: one CPU takes %,.0f /s vs %,.0f /s, "
                + "Netty at %.1f%% of C%n", cc, nc, 1e9 / cc, 1e9 / nc, 100 * res.capacityRatio());
        long dropped = all.stream().mapToLong(Round::drops).sum();
        if (dropped == 0) {
            out.println("  note      no receiver dropped a datagram: both kept up with the sender, so the read rates are the sender's;");
            out.println("            the CPU per datagram says what each receiver would take with a CPU to itself.");
        }
        return res;
    }

    private static Round nettyRound(int round, LiveSession.Config c, NetStack stack) throws IOException, InterruptedException {
        LiveSession.Result r = LiveSession.run(new LiveSession.Config(c.profile(), c.payload(), LiveSession.SENDER_C, 0, c.batch(),
                c.rcvbuf(), c.seconds(), c.senders()), stack, null, null).result();
        if (!r.reconciled()) {
            throw new IllegalStateException("round " + round + ": the Netty receiver's counts do not reconcile (" + r.unexplained()
                    + " datagrams unexplained)");
        }
        return new Round(round, "Netty + model (" + r.mode() + ")", r.receiveRate(), r.senderRate(), r.datagrams(), r.socketDrops(),
                r.cpuNsPerDatagram());
    }

    /** The C receiver and the C sender, each a process. */
    static Round cRound(Path exe, int round, LiveSession.Config c, List<byte[]> datagrams) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory("icpbench-baseline");
        Path file = work.resolve("datagrams.bin");
        Files.write(file, LiveDatagrams.toBytes(datagrams));
        long ms = Math.max(1, Math.round(c.seconds() * 1000));
        Process rx = new ProcessBuilder(exe.toString(), "recv", "0", Long.toString(ms + 60_000), "300", "64")
                .redirectError(work.resolve("recv.err").toFile()).start();
        List<Process> txs = new ArrayList<>();
        try (BufferedReader rxOut = new BufferedReader(new InputStreamReader(rx.getInputStream(), StandardCharsets.UTF_8))) {
            String first = rxOut.readLine();
            if (first == null) {
                throw new IOException("the C receiver did not start: " + Files.readString(work.resolve("recv.err")).strip());
            }
            int port = new ObjectMapper().readTree(first).path("port").asInt();
            for (int i = 0; i < c.senders(); i++) {
                txs.add(new ProcessBuilder(exe.toString(), "send", Integer.toString(port), file.toString(), Long.toString(ms), "0",
                        Integer.toString(c.batch())).redirectError(work.resolve("send-" + i + ".err").toFile()).start());
            }
            long sentCount = 0;
            double senderRate = 0;
            for (int i = 0; i < txs.size(); i++) {
                String sent = new String(txs.get(i).getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (txs.get(i).waitFor() != 0 || sent.isEmpty()) {
                    throw new IOException("the C sender failed: " + Files.readString(work.resolve("send-" + i + ".err")).strip());
                }
                JsonNode s = new ObjectMapper().readTree(sent);
                sentCount += s.path("sent").asLong();
                senderRate += s.path("rate").asDouble();
            }
            String line;
            String last = null;
            while ((line = rxOut.readLine()) != null) {
                last = line;
            }
            if (rx.waitFor() != 0 || last == null) {
                throw new IOException("the C receiver failed: " + Files.readString(work.resolve("recv.err")).strip());
            }
            JsonNode r = new ObjectMapper().readTree(last);
            long received = r.path("received").asLong();
            long drops = r.path("drops").asLong();
            if (sentCount != received + drops) {
                throw new IllegalStateException("round " + round + ": the C pair's counts do not reconcile: sent " + sentCount
                        + ", received " + received + ", dropped " + drops);
            }
            return new Round(round, "C recvmmsg", r.path("rate").asDouble(), senderRate, received, drops,
                    received == 0 ? Double.NaN : r.path("cpu_ns").asDouble() / received);
        } finally {
            rx.destroyForcibly();
            txs.forEach(Process::destroyForcibly);
            LiveSession.deleteTree(work);
            rx.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** The median of {@code metric} over the C receiver's rounds ({@code c}) or the Netty receiver's. */
    private static double median(List<Round> rounds, boolean c, java.util.function.ToDoubleFunction<Round> metric) {
        return io.icpbench.analysis.Stats.median(rounds.stream().filter(x -> x.receiver().startsWith("C") == c).mapToDouble(metric).toArray());
    }
}
