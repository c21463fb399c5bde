package io.icpbench.harness.traffic;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A declarative traffic profile: which kinds of frames, in what proportion, how many distinct
 * frames and flows. Read from a small text file a person can edit:
 *
 * <pre>
 * # comment
 * description = mostly IPv4 UDP
 * frames  = 4096        # distinct frames in the replay ring (16..1048576)
 * flows   = 64          # distinct sources per traffic class (1..65536)
 * payload = 64-256      # UDP payload bytes, one size or a range (0..1400)
 * seed    = 1           # the generator's seed
 * mix.udp4 = 70         # weight of a traffic class (see {@link TrafficClass})
 * mix.udp6 = 10
 * </pre>
 *
 * Errors name the file, the line and what was expected.
 */
public record TrafficProfile(String name, String description, int frames, int flows, int payloadMin, int payloadMax,
        long seed, Map<TrafficClass, Integer> mix) {

    /** The built-in profiles, in the order {@code icpbench profiles} lists them. */
    public static final List<String> BUILT_IN = List.of("default", "udp-only", "vxlan-heavy", "uniform");

    public TrafficProfile {
        mix = Collections.unmodifiableMap(new EnumMap<>(mix));
        if (mix.isEmpty()) {
            throw new IllegalArgumentException("profile " + name + ": no traffic class has a weight (add mix.CLASS = N)");
        }
        if (frames < 16 || frames > 1 << 20) {
            throw new IllegalArgumentException("profile " + name + ": frames=" + frames + ", expected 16..1048576");
        }
        if (frames < mix.size()) {
            throw new IllegalArgumentException("profile " + name + ": frames=" + frames + " but " + mix.size()
                    + " traffic classes have a weight; frames must be at least the number of weighted classes");
        }
        if (flows < 1 || payloadMin < 0 || payloadMax < payloadMin || payloadMax > 1400) {
            throw new IllegalArgumentException("profile " + name + ": flows=" + flows + ", payload=" + payloadMin + "-"
                    + payloadMax + ", expected flows >= 1 and 0 <= MIN <= MAX <= 1400");
        }
    }

    /** The sum of all weights. */
    public int totalWeight() {
        int sum = 0;
        for (int w : mix.values()) {
            sum += w;
        }
        return sum;
    }

    /**
     * A built-in profile by name, or a profile file by path.
     *
     * @throws IllegalArgumentException naming the problem, for an unknown name or a bad file
     */
    public static TrafficProfile load(String nameOrPath) {
        if (BUILT_IN.contains(nameOrPath)) {
            return parse(nameOrPath, builtInText(nameOrPath));
        }
        Path p = Path.of(nameOrPath);
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("unknown profile '" + nameOrPath + "': not a built-in profile ("
                    + String.join(", ", BUILT_IN) + ") and no such file");
        }
        try {
            return parse(p.toString(), Files.readString(p, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read profile " + p + ": " + e.getMessage(), e);
        }
    }

    /** The text of a built-in profile (to print, copy and edit). */
    public static String builtInText(String name) {
        try (InputStream in = TrafficProfile.class.getResourceAsStream("/io/icpbench/harness/profiles/" + name + ".profile")) {
            if (in == null) {
                throw new IllegalArgumentException("unknown built-in profile '" + name + "', expected one of " + BUILT_IN);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read built-in profile " + name, e);
        }
    }

    /** Parses profile text; {@code source} names it in errors. */
    public static TrafficProfile parse(String source, String text) {
        String name = source.replaceAll("^.*/", "").replaceAll("\\.profile$", "");
        String description = "";
        int frames = 4096;
        int flows = 64;
        int payloadMin = 64;
        int payloadMax = 64;
        long seed = 1;
        Map<TrafficClass, Integer> mix = new EnumMap<>(TrafficClass.class);
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            if (hash >= 0) {
                line = line.substring(0, hash);
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = source + " line " + (i + 1);
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException(where + ": '" + line + "' is not 'key = value'");
            }
            String key = line.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(eq + 1).strip();
            switch (key) {
                case "name" -> name = value;
                case "description" -> description = value;
                case "frames" -> frames = intValue(where, key, value, 16, 1 << 20);
                case "flows" -> flows = intValue(where, key, value, 1, 65536);
                case "seed" -> seed = longValue(where, key, value);
                case "payload" -> {
                    int dash = value.indexOf('-');
                    if (dash > 0) {
                        payloadMin = intValue(where, key, value.substring(0, dash).strip(), 0, 1400);
                        payloadMax = intValue(where, key, value.substring(dash + 1).strip(), 0, 1400);
                        if (payloadMax < payloadMin) {
                            throw new IllegalArgumentException(where + ": payload range " + value + " is empty, expected MIN-MAX with MIN <= MAX");
                        }
                    } else {
                        payloadMin = payloadMax = intValue(where, key, value, 0, 1400);
                    }
                }
                default -> {
                    if (!key.startsWith("mix.")) {
                        throw new IllegalArgumentException(where + ": unknown key '" + key
                                + "', expected name, description, frames, flows, payload, seed or mix.CLASS");
                    }
                    TrafficClass c = TrafficClass.byName(key.substring(4));
                    if (c == null) {
                        throw new IllegalArgumentException(where + ": unknown traffic class '" + key.substring(4)
                                + "', expected one of " + TrafficClass.names());
                    }
                    int w = intValue(where, key, value, 0, 1_000_000);
                    if (w > 0) {
                        mix.put(c, w);
                    } else {
                        mix.remove(c);
                    }
                }
            }
        }
        if (mix.isEmpty()) {
            throw new IllegalArgumentException(source + ": no traffic class has a weight (add a line mix.CLASS = N)");
        }
        if (frames < mix.size()) {
            throw new IllegalArgumentException(source + ": frames=" + frames + " but " + mix.size()
                    + " traffic classes have a weight; frames must be at least the number of weighted classes");
        }
        return new TrafficProfile(name, description, frames, flows, payloadMin, payloadMax, seed, mix);
    }

    private static int intValue(String where, String key, String value, int min, int max) {
        long v = longValue(where, key, value);
        if (v < min || v > max) {
            throw new IllegalArgumentException(where + ": " + key + "=" + value + ", expected " + min + ".." + max);
        }
        return (int) v;
    }

    private static long longValue(String where, String key, String value) {
        try {
            return Long.parseLong(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": " + key + "=" + value + " is not a whole number", e);
        }
    }

    /** The classes with a weight, heaviest first. */
    public List<Map.Entry<TrafficClass, Integer>> mixByWeight() {
        List<Map.Entry<TrafficClass, Integer>> list = new ArrayList<>(mix.entrySet());
        list.sort((a, b) -> b.getValue() - a.getValue());
        return list;
    }
}
