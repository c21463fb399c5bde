package io.icpbench.harness.cli;

import io.icpbench.dispatch.Dispatch;
import io.icpbench.dispatch.Mode;
import io.icpbench.harness.run.Forks;
import io.icpbench.harness.traffic.Nstat;
import io.icpbench.harness.traffic.Pcap;
import io.icpbench.harness.traffic.TrafficSource;
import io.icpbench.stack.FrameRing;
import io.icpbench.stack.NetStack;
import io.icpbench.stack.StackOptions;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code icpbench replay FILE}: a pcap or pcapng capture through the modeled stack. */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the frames of a pcap or pcapng file (Ethernet) through the modeled stack and print the counters.",
            "",
            "Without --host the frames go to the default modeled host: pcapng interface names that match one of its devices put "
                + "frames back on that device (files from 'icpbench stack --write-pcap' do); other frames arrive on --device. "
                + "With --host the capture's own host receives them on its eth0: inferred from the capture (auto) or read from a "
                + "host file (docs/captures.md describes the format); the frames the host sent are left out, frames for other hosts "
                + "end as otherhost, as in the kernel. After the last frame the clock moves past the reassembly timeout, as if "
                + "nstat were read later. A truncated or corrupt capture is replayed up to the problem, which is reported with "
                + "its offset (exit code 1); a bad host or nstat file is exit code 2."})
public final class ReplayCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The capture.")
    Path file;

    @Option(names = "--host", paramLabel = "auto|FILE",
            description = "The receiving host: 'auto' infers it from the capture (its MAC, addresses, UDP sockets, tunnels, VLANs), "
                + "FILE reads a host description.")
    String host;

    @Option(names = "--write-host", paramLabel = "FILE",
            description = "Write the host description used (with how each fact was inferred, as comments) to FILE, to read and edit.")
    Path writeHost;

    @Option(names = "--nstat", paramLabel = "FILE",
            description = "nstat's output for the capture's window on the real host (the deltas 'nstat' prints): print the kernel's "
                + "counters beside the model's.")
    Path nstat;

    @Option(names = "--mode", description = "Dispatch mode (its own JVM). Default: this JVM's.")
    String mode;

    @Option(names = "--device", defaultValue = "eth0",
            description = "Without --host: the device for frames without a known interface. Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--loops", defaultValue = "1", description = "Passes over the capture. Default: ${DEFAULT-VALUE}.")
    int loops;

    @Option(names = "--all-counters", description = "Print zero counters too.")
    boolean allCounters;

    @Override
    public Integer call() throws IOException {
        Mode m = mode == null ? Dispatch.MODE : Mode.parse(mode);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such capture file: " + file);
        }
        if (loops < 1) {
            throw new IllegalArgumentException("--loops=" + loops + ", expected at least 1");
        }
        if (writeHost != null && host == null) {
            throw new IllegalArgumentException("--write-host writes the host of --host auto (or FILE): give --host");
        }
        Map<String, Long> kernel = null;
        if (nstat != null) {
            if (!Files.isRegularFile(nstat)) {
                throw new IllegalArgumentException("no such nstat file: " + nstat);
            }
            kernel = Nstat.parse(nstat.toString(), Files.readString(nstat));
        }
        if (!Forks.runsHere(m)) {
            return Forks.run(Forks.command(m, Map.of(), List.of(), spec.commandLine().getParseResult().originalArgs()));
        }
        Pcap.Capture capture = Pcap.read(file);
        String hostArg = host == null || host.equals(TrafficSource.AUTO) ? host : Path.of(host).toString();
        TrafficSource.Traffic traffic = capture.packets().isEmpty() ? null
                : TrafficSource.capture(file.getFileName().toString(), capture.packets(), hostArg);
        NetStack stack = traffic != null ? traffic.newStack(StackOptions.DEFAULT)
                : io.icpbench.stack.Topology.build(StackOptions.DEFAULT);
        if (traffic != null && traffic.host() == null) {
            stack.device(device);
        }
        int frames = traffic == null ? 0 : traffic.frames();
        System.out.printf(Locale.ROOT, "icpbench replay: %s, %d frames%s, mode %s, %d pass(es)%n", file, capture.packets().size(),
                traffic != null && traffic.host() != null ? String.format(Locale.ROOT, " (%d sent by the host left out: %d replayed, "
                        + "on the host's eth0)", traffic.sentByHost(), frames) : "", Dispatch.MODE.cliName(), loops);
        if (traffic != null && traffic.host() != null) {
            System.out.printf(Locale.ROOT, "host: %s%n", host.equals(TrafficSource.AUTO) ? "inferred from the capture" : host);
            System.out.print(indent(traffic.host().format(List.of())));
        }
        if (writeHost != null && traffic != null && traffic.host() != null) {
            TrafficSource.writeHost(writeHost, traffic);
            System.out.println("(host description written to " + writeHost + ")");
        }
        if (frames > 0) {
            try (FrameRing ring = traffic.host() != null ? traffic.ring(stack, PooledByteBufAllocator.DEFAULT)
                    : TrafficSource.ring(capture, stack, stack.device(device), PooledByteBufAllocator.DEFAULT)) {
                ring.replay(stack, (long) frames * loops, Math.min(256, frames));
                // As if nstat were read after the reassembly timeout: queues still open time out.
                ring.settle(stack);
            }
            System.out.println();
            StackCommand.printCounters(System.out, stack.counters, allCounters);
            if (kernel != null) {
                System.out.println();
                System.out.println("kernel (" + nstat + ") and model" + (loops > 1 ? " (" + loops + " passes: the model's counts are "
                        + loops + "x)" : ""));
                Nstat.print(System.out, Nstat.compare(kernel, stack.counters));
            }
        }
        if (capture.error() != null) {
            System.err.println("icpbench replay: " + file + ": " + capture.error() + "; the " + capture.packets().size()
                    + " frames before it were replayed");
            return 1;
        }
        return stack.counters.inFlight() == 0 ? 0 : 1;
    }

    private static String indent(String text) {
        StringBuilder s = new StringBuilder();
        for (String line : text.split("\n")) {
            s.append("  ").append(line).append('\n');
        }
        return s.toString();
    }
}
