package io.icpbench.harness.run;

import io.icpbench.harness.traffic.TrafficSource;
import io.icpbench.results.RunResults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a run's frames come from, typed once at the edge (the command line, a results file) and
 * never split apart again: a synthetic profile, a capture with its receiving host, or live
 * datagrams of a profile over loopback.
 *
 * <p>IMPLEMENTATION NOTES. Results files (schemas 1–4) and the benchmark's JMH parameter keep the
 * traffic as one string ({@code default}, {@code pcap:/abs/file.pcap?host=auto}, {@code live:default});
 * {@link #encoded()} writes it and {@link #decode} is the one place it is read back.
 */
public sealed interface TrafficSpec {
    /** The traffic as results files and the benchmark's {@code profile} parameter carry it. */
    String encoded();

    /** Frames built from a profile (a name or a profile file). */
    record Synthetic(String profile) implements TrafficSpec {
        @Override
        public String encoded() {
            return profile;
        }
    }

    /**
     * A capture replayed in a loop.
     *
     * @param file absolute path of the pcap or pcapng file
     * @param host null (the default modeled host), "auto" (inferred from the capture) or a host file's absolute path
     */
    record Capture(Path file, String host) implements TrafficSpec {
        @Override
        public String encoded() {
            return TrafficSource.withHost(TrafficSource.PCAP_PREFIX + file, host);
        }
    }

    /** The profile's frames as VXLAN datagrams from {@code icpbench send}, over loopback into a Netty receiver. */
    record Live(String profile) implements TrafficSpec {
        @Override
        public String encoded() {
            return TrafficSource.LIVE_PREFIX + profile;
        }
    }

    /**
     * The traffic the options of {@code run} and {@code sweep} ask for: {@code --source}
     * (synthetic, pcap:FILE or live), {@code --profile} and {@code --host}. Files become absolute:
     * forks start elsewhere.
     *
     * @throws IllegalArgumentException for a bad combination or a bad source, naming it
     */
    static TrafficSpec of(String source, String profile, String host) {
        TrafficSpec t;
        if ("live".equals(source)) {
            t = new Live(Files.isRegularFile(Path.of(profile)) ? Path.of(profile).toAbsolutePath().toString() : profile);
        } else if (source == null || source.equals("synthetic")) {
            t = new Synthetic(profile);
        } else if (source.startsWith(TrafficSource.PCAP_PREFIX)) {
            String h = host == null || host.equals(TrafficSource.AUTO) ? host : Path.of(host).toAbsolutePath().toString();
            t = new Capture(Path.of(source.substring(TrafficSource.PCAP_PREFIX.length())).toAbsolutePath(), h);
        } else {
            throw new IllegalArgumentException("--source=" + source + ", expected synthetic, pcap:FILE or live");
        }
        if (host != null && !(t instanceof Capture)) {
            throw new IllegalArgumentException("--host describes the receiving host of a capture: give --source pcap:FILE");
        }
        TrafficSource.validate(t.encoded());
        return t;
    }

    /** Reads {@link #encoded()} back (a results file's profile). */
    static TrafficSpec decode(String encoded) {
        if (encoded.startsWith(TrafficSource.LIVE_PREFIX)) {
            return new Live(encoded.substring(TrafficSource.LIVE_PREFIX.length()));
        }
        if (encoded.startsWith(TrafficSource.PCAP_PREFIX)) {
            String rest = encoded.substring(TrafficSource.PCAP_PREFIX.length());
            int at = rest.lastIndexOf(TrafficSource.HOST_SEPARATOR);
            return new Capture(Path.of(at < 0 ? rest : rest.substring(0, at)), at < 0 ? null : rest.substring(at + TrafficSource.HOST_SEPARATOR.length()));
        }
        return new Synthetic(encoded);
    }

    /**
     * Which measured iterations of every fork belong to which phase (a profile with phases), empty
     * for one mix; computed once per run and kept in its settings.
     *
     * @throws IllegalArgumentException when a phase would get no measured iteration
     */
    default List<RunResults.Phase> phases(int iterations) {
        return TrafficSource.phases(encoded(), iterations, "measured iteration").stream()
                .map(p -> new RunResults.Phase(p.name(), (int) p.first(), (int) p.last())).toList();
    }
}
