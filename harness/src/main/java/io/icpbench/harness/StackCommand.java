package io.icpbench.harness;

import io.icpbench.harness.traffic.TrafficProfile;
import io.icpbench.stack.Counters;
import io.icpbench.stack.HandlerWork;
import io.icpbench.stack.Outcome;
import io.icpbench.stack.StackOptions;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code icpbench stack}: N packets of a profile through the modeled stack, then counters and rate. */
@Command(name = "stack", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run packets of a traffic profile through the modeled receive path; print counters and rate.",
            "",
            "Every packet ends delivered or dropped under one reason (delivered + dropped = received); "
                + "the counters are named as in /proc/net/snmp. Dispatch: plain virtual calls. "
                + "Exit code 1 if a packet never ended (a bug), 2 for bad options."})
final class StackCommand implements Callable<Integer> {
    @Option(names = "--profile", paramLabel = "NAME|FILE", defaultValue = "default",
            description = "A built-in profile (see 'icpbench profiles') or a profile file. Default: ${DEFAULT-VALUE}.")
    String profile;

    @Option(names = "--packets", paramLabel = "N", defaultValue = "1000000",
            description = "Packets to measure. Default: ${DEFAULT-VALUE}.")
    long packets;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "200000",
            description = "Packets replayed first on a throwaway stack so the JIT has compiled the path. Default: ${DEFAULT-VALUE}.")
    long warmup;

    @Option(names = "--batch", paramLabel = "N",
            description = "Frames posted per net_rx_action round (1..1024). Default: 256, or the profile's frames if fewer.")
    Integer batch;

    @Option(names = "--work", paramLabel = "NS", defaultValue = "0",
            description = "Calibrated work every handler does per call, in ns (0..1000000). Default: ${DEFAULT-VALUE}.")
    double workNs;

    @Option(names = "--max-encap-depth", paramLabel = "N", defaultValue = "4",
            description = "Encapsulations a packet may go through (0..16). Default: ${DEFAULT-VALUE}.")
    int maxEncapDepth;

    @Option(names = "--taps", paramLabel = "N", defaultValue = "0",
            description = "AF_PACKET taps listening on every device (0..4). Default: ${DEFAULT-VALUE}.")
    int taps;

    @Option(names = "--no-netfilter", description = "Register no netfilter hooks.")
    boolean noNetfilter;

    @Option(names = "--all-counters", description = "Print zero counters too.")
    boolean allCounters;

    @Override
    public Integer call() {
        TrafficProfile p = TrafficProfile.load(profile);
        if (packets < 1) {
            throw new IllegalArgumentException("--packets=" + packets + ", expected at least 1");
        }
        StackOptions options = new StackOptions(HandlerWork.calibrated(workNs), maxEncapDepth, !noNetfilter, taps, true);
        PrintStream err = System.err;
        boolean interactive = System.console() != null;
        long[] lastReport = {System.nanoTime()};
        int b = batch != null ? batch : Math.min(256, p.frames());
        StackRun.Result r = StackRun.run(p, options, packets, b, warmup, (done, total, elapsed) -> {
            long now = System.nanoTime();
            if (interactive && now - lastReport[0] > 1_000_000_000L && done < total) {
                lastReport[0] = now;
                double eta = elapsed / 1e9 * (total - done) / done;
                err.printf(Locale.ROOT, "\r  %,d / %,d packets (%.0f%%), %.1f s left   ", done, total, 100.0 * done / total, eta);
            }
        });
        if (interactive && r.nanos() > 1_000_000_000L) {
            err.print("\r" + " ".repeat(60) + "\r");
        }
        print(System.out, r, allCounters);
        return r.counters().inFlight() == 0 ? 0 : 1;
    }

    static void print(PrintStream out, StackRun.Result r, boolean allCounters) {
        Counters c = r.counters();
        out.printf(Locale.ROOT, "icpbench stack: profile %s (%d frames), dispatch virtual, work %s, batch %d%n",
                r.profile().name(), r.profile().frames(), r.options().work(), r.batch());
        out.printf(Locale.ROOT, "rate: %.3f Mpps (%.1f ns/packet), %,d packets in %.3f s, 1 RX worker%n%n",
                r.packetsPerSecond() / 1e6, r.nanosPerPacket(), r.packets(), r.nanos() / 1e9);
        out.printf(Locale.ROOT, "%-22s %14s %8s%n", "outcome", "packets", "share");
        Map<Outcome, Long> outcomes = c.outcomeSnapshot();
        for (boolean delivered : new boolean[] {true, false}) {
            for (Outcome o : Outcome.values()) {
                long n = outcomes.getOrDefault(o, 0L);
                if (o.delivered() == delivered && (n != 0 || allCounters)) {
                    out.printf(Locale.ROOT, "  %-20s %14d %7.2f%%%n", o.name().toLowerCase(Locale.ROOT), n, 100.0 * n / c.received());
                }
            }
            long sum = delivered ? c.delivered() : c.dropped();
            out.printf(Locale.ROOT, "%-22s %14d %7.2f%%%n", delivered ? "delivered" : "dropped", sum, 100.0 * sum / c.received());
        }
        out.printf(Locale.ROOT, "%-22s %14d          = delivered + dropped%s%n%n", "received", c.received(),
                c.inFlight() == 0 ? "" : " + " + c.inFlight() + " STILL IN FLIGHT (a bug)");
        out.println("counters (as in /proc/net/snmp; names as nstat prints them)");
        for (io.icpbench.stack.Counter k : io.icpbench.stack.Counter.values()) {
            long n = c.get(k);
            if (n != 0 || allCounters) {
                out.printf(Locale.ROOT, "  %-26s %14d%n", k.snmpName(), n);
            }
        }
    }
}
