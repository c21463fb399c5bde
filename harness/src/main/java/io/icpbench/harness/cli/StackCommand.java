package io.icpbench.harness.cli;

import io.icpbench.dispatch.Dispatch;
import io.icpbench.dispatch.Learning;
import io.icpbench.dispatch.Mode;
import io.icpbench.harness.fork.PatchAccounting;
import io.icpbench.harness.fork.PromotedCheck;
import io.icpbench.harness.fork.SiteReport;
import io.icpbench.harness.run.Forks;
import io.icpbench.harness.run.StackRun;
import io.icpbench.harness.traffic.TrafficSource;
import io.icpbench.stack.Counters;
import io.icpbench.stack.HandlerWork;
import io.icpbench.stack.Outcome;
import io.icpbench.stack.StackOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code icpbench stack}: N packets of a profile through the modeled stack, then counters and rate. */
@Command(name = "stack", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run packets of a traffic profile through the modeled receive path; print counters and rate.",
            "",
            "Every packet ends delivered or dropped under one reason (delivered + dropped = received); "
                + "the counters are named as in /proc/net/snmp. A mode other than this JVM's runs in a JVM of its own. "
                + "Learned sites are saved to OUT/sites.json for 'icpbench sites'. "
                + "Exit code 1 if a packet never ended (a bug), 2 for bad options."})
public final class StackCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--mode", paramLabel = "MODE",
            description = "Dispatch mode: virtual, virtual-noprofile, virtual-megamorphic, indirect-call, dynamic-call, promoted, devirtualized. "
                + "Default: this JVM's (-Dicpbench.mode, else virtual).")
    String mode;

    @picocli.CommandLine.Mixin
    LearningOptions learning = new LearningOptions();

    @Option(names = "--sites", paramLabel = "SITES",
            description = "Which of the " + io.icpbench.stack.Site.COUNT + " call sites the mode converts (the ops sites and the taps of deliver_skb), the rest stay plain: all, none, "
                + "or sites and ranges such as 1-5,9. Default: all.")
    String sites;

    @Option(names = "--exclude", paramLabel = "SITE", split = ",",
            description = "Promoted mode: sites the rewriter leaves alone (prefixes of site names, e.g. nf_hook_entry->hook).")
    List<String> exclude;

    @Option(names = "--write-pcap", paramLabel = "FILE",
            description = "Also write the profile's frames (one pass over the ring) as pcapng, one interface per device: "
                + "opens in Wireshark; 'icpbench replay FILE' puts each frame back on its device.")
    Path writePcap;

    @Option(names = "--json", paramLabel = "FILE",
            description = "Also write the run's counters, outcomes and delivery fingerprint as JSON to FILE.")
    Path json;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Where sites.json goes. Default: results/runs/stack-latest under the project.")
    Path out;
    @Option(names = "--profile", paramLabel = "NAME|FILE|pcap:FILE", defaultValue = "default",
            description = "A built-in profile (see 'icpbench profiles'), a profile file, or pcap:FILE, a capture replayed in a loop. "
                + "Default: ${DEFAULT-VALUE}.")
    String profile;

    @Option(names = "--host", paramLabel = "auto|FILE",
            description = "With pcap:FILE: the capture's receiving host, inferred (auto) or read from a host file (see 'icpbench replay "
                + "--help'); without it the capture goes to the default modeled host.")
    String host;

    @Option(names = "--write-host", paramLabel = "FILE", description = "Write the host description of --host to FILE.")
    Path writeHost;

    @Option(names = "--packets", paramLabel = "N", defaultValue = "1000000",
            description = "Packets to measure. Default: ${DEFAULT-VALUE}.")
    long packets;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "200000",
            description = "Packets replayed first on a throwaway stack so the JIT has compiled the path. Default: ${DEFAULT-VALUE}.")
    long warmup;

    @Option(names = "--batch", paramLabel = "N",
            description = "Frames posted per net_rx_action round (1..1024). Default: 256, or the profile's frames if fewer.")
    Integer batch;

    @Mixin
    WorkOption work = new WorkOption();

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

    /**
     * The default output directory: results/runs/stack-latest under ICPBENCH_HOME (set by the
     * launcher), else under the temporary directory (tests, the uber-jar), never the working tree.
     */
    static Path defaultOut() {
        String home = System.getenv("ICPBENCH_HOME");
        return home != null ? Path.of(home, "results", "runs", "stack-latest")
                : Path.of(System.getProperty("java.io.tmpdir"), "icpbench", "stack-latest");
    }

    @Override
    public Integer call() {
        Mode m = mode == null ? Dispatch.MODE : Mode.parse(mode);
        if (writeHost != null && host == null) {
            throw new IllegalArgumentException("--write-host writes the host of --host auto (or FILE): give --host");
        }
        TrafficSource.Traffic p = TrafficSource.load(TrafficSource.withHost(profile, host));
        if (packets < 1) {
            throw new IllegalArgumentException("--packets=" + packets + ", expected at least 1");
        }
        LinkedHashMap<String, String> props = new LinkedHashMap<>();
        Learning asked = learning.learning();
        if (sites != null) {
            io.icpbench.stack.SiteSelection.parse(sites);
            props.put(io.icpbench.stack.SiteSelection.PROPERTY, sites);
        }
        if (exclude != null && !exclude.isEmpty()) {
            props.put(Forks.EXCLUDE_PROPERTY, String.join(",", exclude));
        }
        boolean learningHere = !m.learns() || !learning.given() || asked.equals(Learning.current());
        if (!Forks.runsHere(m) || !learningHere || !props.entrySet().stream().allMatch(e -> e.getValue().equals(System.getProperty(e.getKey())))) {
            // originalArgs() is the whole command line, "stack" included.
            return Forks.run(Forks.command(m, asked, props, List.of(), spec.commandLine().getParseResult().originalArgs()));
        }
        StackOptions options = new StackOptions(HandlerWork.calibrated(work.workNs), maxEncapDepth, !noNetfilter, taps, true);
        PrintStream err = System.err;
        boolean interactive = System.console() != null;
        long[] lastReport = {System.nanoTime()};
        if (writeHost != null) {
            TrafficSource.writeHost(writeHost, p);
            System.err.println("icpbench stack: wrote the host description to " + writeHost);
        }
        if (writePcap != null) {
            java.util.List<io.icpbench.harness.traffic.Pcap.Packet> packets = new java.util.ArrayList<>();
            if (p.profile() != null) {
                // With phases: one pass over each phase's ring, in phase order.
                for (int k = 0; k < p.profile().ringCount(); k++) {
                    for (io.icpbench.harness.traffic.TrafficClass.Frame f : io.icpbench.harness.traffic.TrafficGenerator.frames(p.profile().phase(k))) {
                        packets.add(new io.icpbench.harness.traffic.Pcap.Packet(f.bytes(), f.device()));
                    }
                }
            } else {
                packets.addAll(p.packets());
            }
            try {
                io.icpbench.harness.traffic.Pcap.writePcapng(writePcap, packets);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot write " + writePcap + ": " + e.getMessage(), e);
            }
            System.err.println("icpbench stack: wrote " + packets.size() + " frames to " + writePcap);
        }
        int b = batch != null ? batch : Math.min(256, p.frames());
        PatchAccounting[] window = new PatchAccounting[1];
        StackRun.Result r = StackRun.run(p, options, packets, b, warmup, (done, total, elapsed) -> {
            long now = System.nanoTime();
            if (interactive && now - lastReport[0] > 1_000_000_000L && done < total) {
                lastReport[0] = now;
                double eta = elapsed / 1e9 * (total - done) / done;
                err.printf(Locale.ROOT, "\r  %,d / %,d packets (%.0f%%), %.1f s left   ", done, total, 100.0 * done / total, eta);
            }
        }, () -> {
            // After a warmup every site of the path has run: a promoted JVM must have its sites now.
            if (warmup > 0) {
                PromotedCheck.verify(sites != null ? sites : "all");
            }
            window[0] = PatchAccounting.start(true);
        });
        Path dir = out != null ? out : defaultOut();
        try {
            java.nio.file.Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        PatchAccounting.Window w = window[0].stop(dir.resolve("jit.log"));
        PromotedCheck.verify(sites != null ? sites : "all");
        if (interactive && r.nanos() > 1_000_000_000L) {
            err.print("\r" + " ".repeat(60) + "\r");
        }
        print(System.out, r, allCounters);
        SiteReport learned = SiteReport.capture(Dispatch.MODE.cliName(), p.name(), r.packets(), r.nanosPerPacket(),
                w.accounting(r.counters().received(), r.patchCost().usPerPatch()),
                r.phases().stream().map(StackRun.PhaseResult::span).toList(), "packet");
        learned.write(dir);
        if (json != null) {
            writeJson(json, r);
        }
        System.out.println();
        if (Dispatch.MODE_ID == Dispatch.PROMOTED) {
            System.out.printf(Locale.ROOT, "promoted: %d call sites in %d classes rewritten as they loaded (%d classes failed and "
                    + "loaded unchanged); class files on disk unchanged: %s%n", io.icpbench.dispatch.promote.PromotionAgent.rewrittenSites(),
                    io.icpbench.dispatch.promote.PromotionAgent.rewrittenClasses(), io.icpbench.dispatch.promote.PromotionAgent.failedClasses(),
                    stackClassesDigest());
        }
        if (Dispatch.MODE.learns()) {
            learned.print(System.out);
        } else {
            System.out.printf(Locale.ROOT, "CPU: %s ns/packet (whole process: RX worker, JIT, GC) for %.1f ns/packet of the RX worker%n",
                    io.icpbench.analysis.PatchCosts.fmt(learned.accounting().cpuNsPerPacket(), 1), r.nanosPerPacket());
            SiteReport.printAccounting(System.out, learned.accounting());
        }
        System.out.println("(sites saved to " + dir.resolve(SiteReport.FILE) + ", the JIT log of the measured packets to "
                + dir.resolve("jit.log") + ")");
        return r.counters().inFlight() == 0 ? 0 : 1;
    }

    /** The machine-readable summary of a run (schema 1). */
    static void writeJson(Path file, StackRun.Result r) {
        Counters c = r.counters();
        LinkedHashMap<String, Object> root = new LinkedHashMap<>();
        root.put("schema", 1);
        root.put("mode", Dispatch.MODE.cliName());
        root.put("profile", r.profile().name());
        root.put("packets", r.packets());
        root.put("nanos", r.nanos());
        root.put("packetsPerSecond", r.packetsPerSecond());
        root.put("received", c.received());
        root.put("delivered", c.delivered());
        root.put("dropped", c.dropped());
        root.put("outcomes", c.outcomeNames());
        root.put("counters", c.snmpSnapshot());
        root.put("fingerprint", r.fingerprint());
        root.put("stackClassesSha256", stackClassesDigest());
        if (!r.phases().isEmpty()) {
            java.util.List<Map<String, Object>> phases = new java.util.ArrayList<>();
            for (StackRun.PhaseResult ph : r.phases()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", ph.span().name());
                m.put("firstPacket", ph.span().first());
                m.put("lastPacket", ph.span().last());
                m.put("nanos", ph.nanos());
                m.put("received", ph.counters().received());
                m.put("outcomes", ph.counters().outcomeNames());
                m.put("counters", ph.counters().snmpSnapshot());
                phases.add(m);
            }
            root.put("phases", phases);
        }
        io.icpbench.results.ResultsFiles.writeJson(file, root);
    }

    /**
     * SHA-256 of the stack's class files as they are on disk (its jar, or every class file of its
     * directory in name order): the same in every mode, since promotion rewrites only in memory.
     */
    static String stackClassesDigest() {
        try {
            Path loc = Path.of(io.icpbench.stack.NetStack.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            if (java.nio.file.Files.isDirectory(loc)) {
                try (var files = java.nio.file.Files.walk(loc)) {
                    for (Path f : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                        md.update(loc.relativize(f).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        md.update(java.nio.file.Files.readAllBytes(f));
                    }
                }
            } else {
                md.update(java.nio.file.Files.readAllBytes(loc));
            }
            return "sha256:" + java.util.HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (Exception e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    static void print(PrintStream out, StackRun.Result r, boolean allCounters) {
        Counters c = r.counters();
        out.printf(Locale.ROOT, "icpbench stack: profile %s (%d frames), mode %s, work %s, batch %d%n",
                r.profile().name(), r.profile().frames(), Dispatch.MODE.cliName(), r.options().work(), r.batch());
        out.printf(Locale.ROOT, "rate: %.3f Mpps (%.1f ns/packet), %,d packets in %.3f s, 1 RX worker%n%n",
                r.packetsPerSecond() / 1e6, r.nanosPerPacket(), r.packets(), r.nanos() / 1e9);
        printCounters(out, c, allCounters);
        printPhases(out, r, allCounters);
    }

    /**
     * A run with phases: per phase its packets, rate, outcomes and counters, side by side (a row
     * per outcome or counter that any phase counted).
     */
    static void printPhases(PrintStream out, StackRun.Result r, boolean allCounters) {
        List<StackRun.PhaseResult> phases = r.phases();
        if (phases.isEmpty()) {
            return;
        }
        out.println();
        out.printf(Locale.ROOT, "per phase (%s; a warmup replays phase 1):%n", r.profile().profile().phasesInWords());
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-26s", "phase"));
        StringBuilder packets = new StringBuilder(String.format(Locale.ROOT, "%-26s", "  measured packets"));
        StringBuilder rate = new StringBuilder(String.format(Locale.ROOT, "%-26s", "  ns/packet"));
        for (int k = 0; k < phases.size(); k++) {
            StackRun.PhaseResult ph = phases.get(k);
            head.append(String.format(Locale.ROOT, " %22s", (k + 1) + " " + ph.span().name()));
            packets.append(String.format(Locale.ROOT, " %22s", ph.span().first() + "-" + ph.span().last()));
            rate.append(String.format(Locale.ROOT, " %22.1f", ph.nanosPerPacket()));
        }
        out.println(head);
        out.println(packets);
        out.println(rate);
        for (Outcome o : Outcome.values()) {
            if (allCounters || phases.stream().anyMatch(ph -> ph.counters().get(o) != 0)) {
                StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "  %-24s", o.name().toLowerCase(Locale.ROOT)));
                phases.forEach(ph -> b.append(String.format(Locale.ROOT, " %22d", ph.counters().get(o))));
                out.println(b);
            }
        }
        for (io.icpbench.stack.Counter k : io.icpbench.stack.Counter.values()) {
            if (allCounters || phases.stream().anyMatch(ph -> ph.counters().get(k) != 0)) {
                StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "  %-24s", k.snmpName()));
                phases.forEach(ph -> b.append(String.format(Locale.ROOT, " %22d", ph.counters().get(k))));
                out.println(b);
            }
        }
    }

    /** How every packet ended and the SNMP counters. */
    static void printCounters(PrintStream out, Counters c, boolean allCounters) {
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
