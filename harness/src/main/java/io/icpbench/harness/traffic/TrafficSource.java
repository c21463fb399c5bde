package io.icpbench.harness.traffic;

import io.icpbench.stack.FrameRing;
import io.icpbench.stack.HostTopology;
import io.icpbench.stack.NetDevice;
import io.icpbench.stack.NetStack;
import io.icpbench.stack.StackOptions;
import io.icpbench.stack.Topology;
import io.icpbench.stack.host.HostSpec;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a benchmark's frames come from: a traffic profile (a built-in name or a profile file), or
 * a capture, written {@code pcap:FILE}, whose frames arrive on the devices their pcapng interfaces
 * name (eth0 for the others) of the default modeled host; or {@code pcap:FILE?host=auto} /
 * {@code pcap:FILE?host=HOSTFILE}, a capture received by its own host ({@link HostSpec}: inferred,
 * or read from a host file), every frame on that host's eth0 and the frames the host itself sent
 * left out; or {@code live:PROFILE}, the profile's frames sent over loopback (the forks of
 * {@code icpbench run --source live}).
 */
public final class TrafficSource {
    public static final String PCAP_PREFIX = "pcap:";
    /** {@code live:PROFILE}: real datagrams of PROFILE over loopback ({@code icpbench run --source live}); no frame ring. */
    public static final String LIVE_PREFIX = "live:";
    /** Joins a capture and its host: {@code pcap:FILE?host=auto}. */
    public static final String HOST_SEPARATOR = "?host=";
    /** {@code --host auto}: infer the host from the capture. */
    public static final String AUTO = "auto";

    /**
     * A source, loaded: a profile, or a capture with the host that receives it.
     *
     * @param name       what reports call it (the profile's name, or the capture's file name)
     * @param profile    the profile (null for a capture)
     * @param packets    the capture's frames that the ring replays (null for a profile)
     * @param host       the capture's host (null: the default modeled host)
     * @param hostNotes  how the host was inferred (empty if it was read or is the default)
     * @param sentByHost the capture's frames the host itself sent, left out of the ring
     */
    public record Traffic(String name, TrafficProfile profile, List<Pcap.Packet> packets, HostSpec host, List<String> hostNotes,
            int sentByHost) {
        /** Frames in one pass of the ring. */
        public int frames() {
            return profile != null ? profile.frames() : packets.size();
        }

        /** A fresh stack for this traffic: the host's, or the default modeled host. */
        public NetStack newStack(StackOptions options) {
            return host != null ? HostTopology.build(host, options) : Topology.build(options);
        }

        /** Whether the traffic's mix changes during a run (a profile with phases). */
        public boolean phased() {
            return profile != null && profile.phased();
        }

        /**
         * Where each phase lies in {@code units} measured units (iterations, packets): one span, the
         * whole run, without phases.
         *
         * @throws IllegalArgumentException when a phase would get no unit
         */
        public List<TrafficProfile.Span> spans(long units, String unitName) {
            return profile != null ? profile.spans(units, unitName) : List.of(new TrafficProfile.Span(name, 0, units - 1));
        }

        /**
         * One frame ring per phase, in phase order, for {@code stack}, built now: a phase switch then
         * only changes which prebuilt ring is replayed. Without phases: the one ring of {@link #ring}.
         */
        public List<FrameRing> rings(NetStack stack, ByteBufAllocator alloc) {
            if (!phased()) {
                return List.of(ring(stack, alloc));
            }
            List<FrameRing> rings = new ArrayList<>();
            for (int k = 0; k < profile.phases().size(); k++) {
                rings.add(TrafficGenerator.ring(profile.phase(k), stack, alloc));
            }
            return List.copyOf(rings);
        }

        /** The frame ring of this traffic for {@code stack} (one built by {@link #newStack}); with phases, the first phase's. */
        public FrameRing ring(NetStack stack, ByteBufAllocator alloc) {
            if (profile != null) {
                return TrafficGenerator.ring(profile.phase(0), stack, alloc);
            }
            NetDevice eth0 = stack.device("eth0");
            List<byte[]> frames = new ArrayList<>();
            List<NetDevice> ingress = new ArrayList<>();
            long[] timestamps = new long[packets.size()];
            for (int i = 0; i < packets.size(); i++) {
                Pcap.Packet p = packets.get(i);
                frames.add(p.frame());
                NetDevice d = host != null ? eth0 : stack.findDevice(p.device());
                ingress.add(d != null ? d : eth0);
                timestamps[i] = p.timestampNs();
            }
            // The capture's own clock: fragment queues time out as they did on the host.
            return new FrameRing(frames, ingress, timestamps, alloc);
        }
    }

    private TrafficSource() {
    }

    /** Checks a source without building a stack; errors name the problem. */
    public static void validate(String spec) {
        if (spec.startsWith(LIVE_PREFIX)) {
            TrafficProfile.load(spec.substring(LIVE_PREFIX.length())).requireNoPhases("live traffic");
        } else {
            load(spec);
        }
    }

    /**
     * The phases of a source over {@code units} measured units ({@link TrafficProfile#spans}), or
     * an empty list for a source without phases (a capture is not read for this).
     *
     * @throws IllegalArgumentException for a bad profile, or when a phase would get no unit
     */
    public static List<TrafficProfile.Span> phases(String spec, long units, String unitName) {
        if (spec.startsWith(PCAP_PREFIX)) {
            return List.of();
        }
        TrafficProfile p = TrafficProfile.load(spec.startsWith(LIVE_PREFIX) ? spec.substring(LIVE_PREFIX.length()) : spec);
        return p.phased() ? p.spans(units, unitName) : List.of();
    }

    /** {@code pcap:FILE} with {@code host} ("auto" or a host file) joined, or the capture alone if {@code host} is null. */
    public static String withHost(String pcapSpec, String host) {
        if (host == null) {
            return pcapSpec;
        }
        if (!pcapSpec.startsWith(PCAP_PREFIX)) {
            throw new IllegalArgumentException("--host describes the receiving host of a capture: it needs a pcap:FILE source");
        }
        return pcapSpec + HOST_SEPARATOR + (host.equals(AUTO) ? AUTO : Path.of(host).toAbsolutePath().toString());
    }

    /**
     * Loads a source: a profile name or file, {@code pcap:FILE}, or {@code pcap:FILE?host=auto|HOSTFILE}.
     *
     * @throws IllegalArgumentException for a bad profile, capture or host file (the message names it)
     */
    public static Traffic load(String spec) {
        if (spec.startsWith(LIVE_PREFIX)) {
            throw new IllegalArgumentException(spec + ": a live source comes from a socket, not from a frame ring");
        }
        if (!spec.startsWith(PCAP_PREFIX)) {
            TrafficProfile p = TrafficProfile.load(spec);
            return new Traffic(p.name(), p, null, null, List.of(), 0);
        }
        String rest = spec.substring(PCAP_PREFIX.length());
        int at = rest.lastIndexOf(HOST_SEPARATOR);
        Path file = Path.of(at < 0 ? rest : rest.substring(0, at));
        return capture(file.getFileName().toString(), capture(file).packets(), at < 0 ? null : rest.substring(at + HOST_SEPARATOR.length()));
    }

    /**
     * A capture's traffic: on the default modeled host ({@code host} null), or received by its own
     * host ({@code host} "auto" to infer it, or a host file), the frames the host sent left out.
     *
     * @throws IllegalArgumentException for a bad host file, or a capture with nothing the host received
     */
    public static Traffic capture(String name, List<Pcap.Packet> packets, String host) {
        if (host == null) {
            return new Traffic(name, null, packets, null, List.of(), 0);
        }
        HostSpec spec;
        List<String> notes;
        if (host.equals(AUTO)) {
            HostInference.Inferred inferred = HostInference.infer(packets);
            spec = inferred.host();
            notes = inferred.notes();
        } else {
            spec = readHost(Path.of(host));
            notes = List.of();
        }
        List<Pcap.Packet> received = new ArrayList<>();
        for (Pcap.Packet p : packets) {
            if (!sentBy(p.frame(), spec.mac())) {
                received.add(p);
            }
        }
        if (received.isEmpty()) {
            throw new IllegalArgumentException(name + ": all " + packets.size() + " frames were sent by the host (MAC "
                    + HostSpec.mac(spec.mac()) + "): nothing it received to replay");
        }
        return new Traffic(name, null, received, spec, notes, packets.size() - received.size());
    }

    /**
     * Writes the host of {@code traffic} to {@code file} (atomically, creating its directory), with
     * how each fact was inferred as comments on top.
     */
    public static void writeHost(Path file, Traffic traffic) {
        List<String> header = new ArrayList<>();
        header.add("icpbench host description: the receiving host of " + traffic.name()
                + (traffic.hostNotes().isEmpty() ? "" : ", inferred from the capture:"));
        for (String note : traffic.hostNotes()) {
            header.add("  " + note);
        }
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            io.icpbench.results.ResultsFiles.atomicWrite(file, traffic.host().format(header).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a host file; errors name the file and line. */
    public static HostSpec readHost(Path file) {
        try {
            return HostSpec.parse(file.toString(), Files.readString(file));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("no such host file: " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read host file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Whether a frame's source MAC is {@code mac}: the host sent it (the capture saw it leave). */
    static boolean sentBy(byte[] frame, long mac) {
        if (frame.length < 12) {
            return false;
        }
        long src = 0;
        for (int i = 6; i < 12; i++) {
            src = src << 8 | (frame[i] & 0xFF);
        }
        return src == mac;
    }

    /** The frame ring of a source for {@code stack} (built by {@code load(spec).newStack}). */
    public static FrameRing ring(String spec, NetStack stack, ByteBufAllocator alloc) {
        return load(spec).ring(stack, alloc);
    }

    /**
     * The ring of a capture's packets (at least one) on the default host: each arrives on the
     * device its pcapng interface names, or on {@code fallback}.
     */
    public static FrameRing ring(Pcap.Capture c, NetStack stack, NetDevice fallback, ByteBufAllocator alloc) {
        List<byte[]> frames = new ArrayList<>();
        List<NetDevice> ingress = new ArrayList<>();
        long[] timestamps = new long[c.packets().size()];
        for (Pcap.Packet p : c.packets()) {
            timestamps[frames.size()] = p.timestampNs();
            frames.add(p.frame());
            NetDevice d = stack.findDevice(p.device());
            ingress.add(d != null ? d : fallback);
        }
        return new FrameRing(frames, ingress, timestamps, alloc);
    }

    private static Pcap.Capture capture(Path file) {
        try {
            Pcap.Capture c = Pcap.read(file);
            if (c.error() != null) {
                throw new IllegalArgumentException(file + ": " + c.error());
            }
            if (c.packets().isEmpty()) {
                throw new IllegalArgumentException(file + ": no packets to replay");
            }
            return c;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("no such capture file: " + file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
