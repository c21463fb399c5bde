package io.icpbench.harness;

import io.icpbench.dispatch.Dispatch;
import io.icpbench.dispatch.Mode;
import io.icpbench.harness.traffic.Pcap;
import io.icpbench.harness.traffic.TrafficSource;
import io.icpbench.stack.FrameRing;
import io.icpbench.stack.NetDevice;
import io.icpbench.stack.NetStack;
import io.icpbench.stack.StackOptions;
import io.icpbench.stack.Topology;
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
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Run the frames of a pcap or pcapng file (Ethernet) through the modeled stack and print the counters.",
            "",
            "pcapng interface names that match a device of the modeled host put frames back on that device (files from "
                + "'icpbench stack --write-pcap' do); other frames arrive on --device. A truncated or corrupt file is replayed "
                + "up to the problem, which is reported with its offset (exit code 1)."})
final class ReplayCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The capture.")
    Path file;

    @Option(names = "--mode", description = "Dispatch mode (its own JVM). Default: this JVM's.")
    String mode;

    @Option(names = "--device", defaultValue = "eth0", description = "Device for frames without a known interface. Default: ${DEFAULT-VALUE}.")
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
        if (!Forks.runsHere(m)) {
            return Forks.run(Forks.command(m, Map.of(), List.of(), spec.commandLine().getParseResult().originalArgs()));
        }
        Pcap.Capture capture = Pcap.read(file);
        NetStack stack = Topology.build(StackOptions.DEFAULT);
        NetDevice fallback = stack.device(device);
        int frames = capture.packets().size();
        System.out.printf(Locale.ROOT, "icpbench replay: %s, %d frames, mode %s, %d pass(es)%n", file, frames, Dispatch.MODE.cliName(), loops);
        if (frames > 0) {
            try (FrameRing ring = TrafficSource.ring(capture, stack, fallback, PooledByteBufAllocator.DEFAULT)) {
                ring.replay(stack, (long) frames * loops, Math.min(256, frames));
            }
            System.out.println();
            StackCommand.printCounters(System.out, stack.counters, allCounters);
        }
        if (capture.error() != null) {
            System.err.println("icpbench replay: " + file + ": " + capture.error() + "; the " + frames + " frames before it were replayed");
            return 1;
        }
        return stack.counters.inFlight() == 0 ? 0 : 1;
    }
}
