package io.icpbench.harness.cli;

import io.icpbench.dispatch.Dispatch;
import io.icpbench.dispatch.Mode;
import io.icpbench.harness.live.LiveBaseline;
import io.icpbench.harness.live.LiveSession;
import io.icpbench.harness.run.Forks;
import io.icpbench.stack.NetStack;
import io.icpbench.stack.StackOptions;
import io.icpbench.stack.Topology;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code icpbench live}: real UDP over loopback through Netty into the modeled stack. */
@Command(name = "live", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Receive real UDP on 127.0.0.1 with Netty's epoll transport (recvmmsg) and feed each datagram's VXLAN "
                + "inner frame to the modeled stack (vxlan0's receive); a sender in its own process sends a traffic profile.",
            "",
            "Prints what the sender sent, what the kernel dropped (the socket's drops, /proc/net/snmp's Udp counters, the CPU "
                + "backlogs), what Netty read and what the model delivered or dropped, reconciled; the read rate; and one-way "
                + "latency percentiles (the sender's stamp to the end of the model's batch, HdrHistogram). "
                + "Exit code 1 if the counts do not reconcile.",
            "",
            "--baseline measures the reference instead: the C sender (sendmmsg) feeding a C recvmmsg receiver and this "
                + "receiver in turn, and prints both rates and their ratio. The C program is built with the system's cc on first use."})
public final class LiveCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--mode", paramLabel = "MODE", description = "Dispatch mode of the model (its own JVM). Default: this JVM's (virtual).")
    String mode;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "10",
            description = "Measurement: 1-second iterations (or one shorter one), each with its read rate; latency is recorded over "
                + "them. With --baseline, the length of each round. Default: ${DEFAULT-VALUE}.")
    double seconds;

    @Option(names = "--warmup", paramLabel = "S", defaultValue = "1",
            description = "Whole seconds of warm-up before the measurement (counted in the accounting, not in the rate or the "
                + "latency). Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(names = "--profile", paramLabel = "NAME|FILE",
            description = "Traffic profile the sender sends (see 'icpbench profiles'). Default: default, or udp-only with --baseline.")
    String profile;

    @Option(names = "--payload", paramLabel = "BYTES",
            description = "UDP payload of every inner frame, overriding the profile's (0..1400). With --baseline the default is 6: "
                + "64-byte datagrams.")
    Integer payload;

    @Option(names = "--rate", paramLabel = "PPS", defaultValue = "0", description = "Datagrams per second; 0 sends flat out. Default: ${DEFAULT-VALUE}.")
    long rate;

    @Option(names = "--sender", paramLabel = "java|c", defaultValue = "java",
            description = "java: 'icpbench send' (Netty, sendmmsg); c: the C reference sender with the same datagrams. Default: ${DEFAULT-VALUE}.")
    String sender;

    @Option(names = "--senders", paramLabel = "N", defaultValue = "1",
            description = "Sender processes, each sending the profile (at --rate / N): more than one can make the receiver the "
                + "bottleneck where there are cores for them. Default: ${DEFAULT-VALUE}.")
    int senders;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "32", description = "Datagrams per sendmmsg. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--rcvbuf", paramLabel = "BYTES", defaultValue = "4194304",
            description = "SO_RCVBUF to ask for; the kernel caps it at net.core.rmem_max. Default: ${DEFAULT-VALUE}.")
    int rcvbuf;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the counts as JSON to FILE.")
    Path json;

    @Option(names = "--baseline", description = "Measure the C recvmmsg reference and this receiver side by side (mode virtual).")
    boolean baseline;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "3", description = "Rounds of --baseline. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Override
    public Integer call() throws Exception {
        Mode m = mode == null ? (baseline ? Mode.VIRTUAL : Dispatch.MODE) : Mode.parse(mode);
        if (rounds < 1 || rounds > 100) {
            throw new IllegalArgumentException("--rounds=" + rounds + ", expected 1..100");
        }
        String prof = profile != null ? profile : baseline ? "udp-only" : "default";
        Integer pay = payload != null ? payload : baseline ? Integer.valueOf(6) : null;
        LiveSession.Config c = new LiveSession.Config(prof, pay, sender, rate, batch, rcvbuf, seconds, senders);
        LiveSession.profile(prof, pay); // a bad profile fails here, before any process starts
        if (!Forks.runsHere(m)) {
            return Forks.run(Forks.command(m, Map.of(), List.of(), spec.commandLine().getParseResult().originalArgs()));
        }
        if (baseline) {
            if (rate != 0 || !sender.equals(LiveSession.SENDER_JAVA)) {
                throw new IllegalArgumentException("--baseline sends flat out with the C sender; drop --rate and --sender");
            }
            LiveBaseline.Result r = LiveBaseline.run(c, rounds, System.out);
            if (json != null) {
                io.icpbench.results.ResultsFiles.writeJson(json, r);
            }
            return 0;
        }
        if (warmup < 0 || warmup > 3600) {
            throw new IllegalArgumentException("--warmup=" + warmup + ", expected 0..3600 s");
        }
        long windowMs = Math.min(1000, Math.round(seconds * 1000));
        LiveSession.Windows windows = new LiveSession.Windows((int) (warmup * 1000 / windowMs), (int) Math.max(1, Math.round(seconds * 1000 / windowMs)), windowMs);
        NetStack stack = Topology.build(StackOptions.DEFAULT);
        System.out.printf(java.util.Locale.ROOT, "icpbench live: receiving on 127.0.0.1, mode %s, %s sender%s, %d s warm-up, %.1f s measured...%n",
                Dispatch.MODE.cliName(), senders == 1 ? sender : senders + " x " + sender, senders == 1 ? "" : "s", warmup, windows.iterations() * windowMs / 1000.0);
        LiveSession.Result r = LiveSession.run(c, stack, windows, System.out).result();
        System.out.println();
        LiveSession.print(r, System.out);
        if (json != null) {
            io.icpbench.results.ResultsFiles.writeJson(json, r);
        }
        return r.reconciled() ? 0 : 1;
    }
}
