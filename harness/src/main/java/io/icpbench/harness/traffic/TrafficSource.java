package io.icpbench.harness.traffic;

import io.icpbench.stack.FrameRing;
import io.icpbench.stack.NetDevice;
import io.icpbench.stack.NetStack;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a benchmark's frames come from: a traffic profile (a built-in name or a profile file), or
 * a capture, written {@code pcap:FILE}, whose frames arrive on the devices their pcapng interfaces
 * name (eth0 for the others); or {@code live:PROFILE}, the profile's frames sent over loopback
 * (the forks of {@code icpbench run --source live}).
 */
public final class TrafficSource {
    public static final String PCAP_PREFIX = "pcap:";
    /** {@code live:PROFILE}: real datagrams of PROFILE over loopback ({@code icpbench run --source live}); no frame ring. */
    public static final String LIVE_PREFIX = "live:";

    private TrafficSource() {
    }

    /** Checks a source without building it; errors name the problem. */
    public static void validate(String spec) {
        if (spec.startsWith(LIVE_PREFIX)) {
            TrafficProfile.load(spec.substring(LIVE_PREFIX.length()));
        } else if (spec.startsWith(PCAP_PREFIX)) {
            capture(spec);
        } else {
            TrafficProfile.load(spec);
        }
    }

    /** The frame ring of a source for {@code stack}. */
    public static FrameRing ring(String spec, NetStack stack, ByteBufAllocator alloc) {
        if (spec.startsWith(LIVE_PREFIX)) {
            throw new IllegalArgumentException(spec + ": a live source comes from a socket, not from a frame ring");
        }
        if (!spec.startsWith(PCAP_PREFIX)) {
            return TrafficGenerator.ring(TrafficProfile.load(spec), stack, alloc);
        }
        return ring(capture(spec), stack, stack.device("eth0"), alloc);
    }

    /**
     * The ring of a capture's packets (at least one): each arrives on the device its pcapng
     * interface names, or on {@code fallback}.
     */
    public static FrameRing ring(Pcap.Capture c, NetStack stack, NetDevice fallback, ByteBufAllocator alloc) {
        List<byte[]> frames = new ArrayList<>();
        List<NetDevice> ingress = new ArrayList<>();
        for (Pcap.Packet p : c.packets()) {
            frames.add(p.frame());
            NetDevice d = stack.findDevice(p.device());
            ingress.add(d != null ? d : fallback);
        }
        return new FrameRing(frames, ingress, alloc);
    }

    private static Pcap.Capture capture(String spec) {
        Path file = Path.of(spec.substring(PCAP_PREFIX.length()));
        try {
            Pcap.Capture c = Pcap.read(file);
            if (c.error() != null) {
                throw new IllegalArgumentException(file + ": " + c.error());
            }
            if (c.packets().isEmpty()) {
                throw new IllegalArgumentException(file + ": no packets to replay");
            }
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
