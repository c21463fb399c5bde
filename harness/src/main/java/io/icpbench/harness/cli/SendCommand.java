package io.icpbench.harness.cli;

import io.icpbench.harness.live.LiveDatagrams;
import io.icpbench.harness.live.LiveSender;
import io.icpbench.harness.live.LiveSession;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code icpbench send}: the live sender, in its own process. */
@Command(name = "send", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Send a traffic profile as VXLAN datagrams to a UDP port on 127.0.0.1 (the live sender; 'icpbench live' starts it).",
            "",
            "Each datagram is a VXLAN header (VNI 42), a frame of the profile addressed to vxlan0, and 8 bytes of send time "
                + "(CLOCK_MONOTONIC ns). Netty's epoll transport writes a batch per sendmmsg. Prints one JSON line at the end: "
                + "{\"sent\":N,\"failed\":N,\"seconds\":S,\"rate\":R}."})
public final class SendCommand implements Callable<Integer> {
    @Option(names = "--port", required = true, paramLabel = "PORT", description = "The receiver's UDP port on 127.0.0.1.")
    int port;

    @Mixin
    ProfileOption profile = new ProfileOption();

    @Option(names = "--payload", paramLabel = "BYTES", description = "UDP payload of every inner frame, overriding the profile's (0..1400).")
    Integer payload;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "10", description = "How long to send. Default: ${DEFAULT-VALUE}.")
    double seconds;

    @Option(names = "--rate", paramLabel = "PPS", defaultValue = "0", description = "Datagrams per second; 0 sends flat out. Default: ${DEFAULT-VALUE}.")
    long rate;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "32", description = "Datagrams per sendmmsg (1..1024). Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--quiet", description = "No progress lines on stderr.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--port=" + port + ", expected 1..65535");
        }
        // The same checks as the receiver's session (rate, batch, payload, duration).
        new LiveSession.Config(profile.profile, payload, LiveSession.SENDER_JAVA, rate, batch, 1024, seconds);
        List<byte[]> datagrams = LiveDatagrams.of(LiveSession.profile(profile.profile, payload));
        if (!quiet) {
            System.err.printf(Locale.ROOT, "icpbench send: %d distinct datagrams of profile %s to 127.0.0.1:%d for %.1f s, %s%n",
                    datagrams.size(), profile.profile, port, seconds, rate == 0 ? "flat out" : String.format(Locale.ROOT, "%,d/s", rate));
        }
        LiveSender.Result r = LiveSender.send(datagrams, new InetSocketAddress("127.0.0.1", port), seconds, rate, batch,
                sent -> {
                    if (!quiet) {
                        System.err.printf(Locale.ROOT, "  sent %,d%n", sent);
                    }
                });
        System.out.println(r.json());
        return 0;
    }
}
