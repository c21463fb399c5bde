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
 * <p><b>Phases.</b> Traffic whose mix changes during a run: each {@code [phase NAME]} line starts
 * a phase, which lasts {@code length = P%} of the run's measured part (the measured iterations of
 * a benchmark fork, the measured packets of {@code icpbench stack}) and has its own mix:
 *
 * <pre>
 * mix.icmp = 1          # lines before the first [phase]: every phase's starting mix
 *
 * [phase ipv4]          # phase 1; the warmup replays it too
 * length = 50%
 * mix.udp4 = 90         # added to (or, for a class already there, replacing) the starting mix
 *
 * [phase ipv6]          # phase 2
 * length = 50%          # may be left out in the last phase: the rest
 * mix.udp6 = 90
 * mix.icmp = 0          # 0 takes a class out of this phase's mix
 * </pre>
 *
 * A phase's mix is the starting mix changed by its own {@code mix.CLASS} lines; only {@code
 * length} and {@code mix.CLASS} lines go in a phase (the frames, flows, payload and seed are the
 * whole profile's, so every phase's ring has the same size). Phase names are letters, digits,
 * '.', '_' and '-', each used once; a profile has no phase or at least two; lengths are whole
 * percents from 1 to 99 that add up to 100. A profile without phases is one mix for the whole run,
 * as it always was.
 *
 * <p>Errors name the file, the line and what was expected.
 *
 * @param mix    the mix of the whole run, or with phases the first phase's (what the warmup and
 *               every user that knows nothing of phases replays)
 * @param phases the phases in order, or empty: one mix for the whole run
 */
public record TrafficProfile(String name, String description, int frames, int flows, int payloadMin, int payloadMax,
        long seed, Map<TrafficClass, Integer> mix, List<Phase> phases) {

    /** The built-in profiles, in the order {@code icpbench profiles} lists them. */
    public static final List<String> BUILT_IN = List.of("default", "udp-only", "vxlan-heavy", "uniform", "phase-shift");

    /**
     * One phase of a profile.
     *
     * @param name    its name (letters, digits, '.', '_', '-')
     * @param percent its length, a share of the run's measured part, in percent (1..99)
     * @param mix     its traffic mix
     */
    public record Phase(String name, int percent, Map<TrafficClass, Integer> mix) {
        public Phase {
            mix = Collections.unmodifiableMap(new EnumMap<>(mix));
        }
    }

    /**
     * Where a phase lies in a run's measured part: units {@code first} to {@code last}, both
     * included, counted from 0 (measured iterations, or measured packets).
     */
    public record Span(String name, long first, long last) {
        /** Units in the phase. */
        public long length() {
            return last - first + 1;
        }
    }

    /** A profile without phases. */
    public TrafficProfile(String name, String description, int frames, int flows, int payloadMin, int payloadMax, long seed,
            Map<TrafficClass, Integer> mix) {
        this(name, description, frames, flows, payloadMin, payloadMax, seed, mix, List.of());
    }

    public TrafficProfile {
        phases = phases == null ? List.of() : List.copyOf(phases);
        if (!phases.isEmpty()) {
            mix = phases.get(0).mix();
        }
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
        if (phases.size() == 1) {
            throw new IllegalArgumentException("profile " + name + ": one phase is the profile without phases; give two or more, or none");
        }
        int sum = 0;
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Phase p : phases) {
            if (p.mix().isEmpty() || p.mix().size() > frames) {
                throw new IllegalArgumentException("profile " + name + ", phase " + p.name() + ": " + p.mix().size()
                        + " traffic classes have a weight, expected 1.." + frames + " (frames)");
            }
            if (p.percent() < 1 || p.percent() > 99 || !names.add(p.name())) {
                throw new IllegalArgumentException("profile " + name + ", phase " + p.name() + ": length " + p.percent()
                        + "% or a name used twice; expected 1..99% and one name per phase");
            }
            sum += p.percent();
        }
        if (!phases.isEmpty() && sum != 100) {
            throw new IllegalArgumentException("profile " + name + ": the phases' lengths add up to " + sum + "%, expected 100%");
        }
    }

    /** Whether the mix changes during a run. */
    public boolean phased() {
        return !phases.isEmpty();
    }

    /**
     * Phase {@code k} (from 0) as a profile of its own, without phases: the same frames, flows,
     * payload and seed, the phase's mix. Without phases, k = 0 is this profile.
     */
    public TrafficProfile phase(int k) {
        if (phases.isEmpty()) {
            if (k != 0) {
                throw new IndexOutOfBoundsException("profile " + name + " has no phases: only phase 0, not " + k);
            }
            return this;
        }
        Phase p = phases.get(k);
        return new TrafficProfile(name, description, frames, flows, payloadMin, payloadMax, seed, p.mix());
    }

    /** Phases to build a ring for: the phases' count, or 1 without phases. */
    public int ringCount() {
        return Math.max(1, phases.size());
    }

    /**
     * How {@code units} measured units (iterations, packets) split into the phases: phase k starts
     * at round(units × (the lengths of the phases before it) / 100), half up, and ends where the
     * next starts. Every run with the same units gets the same switch points.
     *
     * @throws IllegalArgumentException when a phase would get no unit (too few iterations or packets)
     */
    public List<Span> spans(long units, String unitName) {
        if (phases.isEmpty()) {
            return List.of(new Span(name, 0, units - 1));
        }
        List<Span> out = new ArrayList<>();
        long before = 0;
        int cum = 0;
        for (int k = 0; k < phases.size(); k++) {
            cum += phases.get(k).percent();
            long end = k == phases.size() - 1 ? units : Math.floorDiv(units * cum + 50, 100);
            if (end <= before) {
                throw new IllegalArgumentException("profile " + name + ": phase " + phases.get(k).name() + " (" + phases.get(k).percent()
                        + "%) gets no " + unitName + " of " + units + ": give more " + unitName + "s");
            }
            out.add(new Span(phases.get(k).name(), before, end - 1));
            before = end;
        }
        return out;
    }

    /** Phase k's first unit, for each k, from {@link #spans}; one element, 0, without phases. */
    public long[] phaseStarts(long units, String unitName) {
        return spans(units, unitName).stream().mapToLong(Span::first).toArray();
    }

    /** "phase ipv4 50%, ipv6 50%", or "" without phases. */
    public String phasesInWords() {
        if (phases.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("phases ");
        for (Phase p : phases) {
            b.append(b.length() == 7 ? "" : ", ").append(p.name()).append(' ').append(p.percent()).append('%');
        }
        return b.toString();
    }

    /**
     * Refuses a profile with phases where one mix must serve a whole session ({@code what}: live
     * traffic, whose sender loops one set of datagrams).
     */
    public TrafficProfile requireNoPhases(String what) {
        if (!phases.isEmpty()) {
            throw new IllegalArgumentException("profile " + name + " has phases (" + phasesInWords().substring(7) + "); " + what
                    + " replays one mix: use a profile without [phase] sections");
        }
        return this;
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
        // Phases as read: name, length (-1: not given), own mix lines in order, and the line of their [phase] header.
        List<String> phaseNames = new ArrayList<>();
        List<Integer> phasePercent = new ArrayList<>();
        List<Map<TrafficClass, Integer>> phaseLines = new ArrayList<>();
        List<String> phaseWhere = new ArrayList<>();
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
            if (line.startsWith("[")) {
                java.util.regex.Matcher m = PHASE_HEADER.matcher(line);
                if (!m.matches()) {
                    throw new IllegalArgumentException(where + ": '" + line + "' is not a section header, expected [phase NAME] "
                            + "(NAME: letters, digits, '.', '_', '-')");
                }
                if (phaseNames.contains(m.group(1))) {
                    throw new IllegalArgumentException(where + ": phase '" + m.group(1) + "' is named twice, expected one name per phase");
                }
                phaseNames.add(m.group(1));
                phasePercent.add(-1);
                phaseLines.add(new java.util.LinkedHashMap<>());
                phaseWhere.add(where);
                continue;
            }
            boolean inPhase = !phaseNames.isEmpty();
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException(where + ": '" + line + "' is not 'key = value'");
            }
            String key = line.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(eq + 1).strip();
            if (inPhase && !key.startsWith("mix.") && !key.equals("length")) {
                throw new IllegalArgumentException(where + ": '" + key + "' in phase " + phaseNames.getLast() + ": a phase has only length "
                        + "and mix.CLASS lines; " + key + " is the whole profile's, put it before the first [phase]");
            }
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
                case "length" -> {
                    if (!inPhase) {
                        throw new IllegalArgumentException(where + ": 'length' outside a phase: it goes after a [phase NAME] line");
                    }
                    if (phasePercent.getLast() >= 0) {
                        throw new IllegalArgumentException(where + ": phase " + phaseNames.getLast() + " has a length already");
                    }
                    if (!value.endsWith("%")) {
                        throw new IllegalArgumentException(where + ": length=" + value + ", expected a share of the measured run such as 50%");
                    }
                    phasePercent.set(phasePercent.size() - 1, intValue(where, key, value.substring(0, value.length() - 1).strip(), 1, 99));
                }
                default -> {
                    if (!key.startsWith("mix.")) {
                        throw new IllegalArgumentException(where + ": unknown key '" + key
                                + "', expected name, description, frames, flows, payload, seed or mix.CLASS (or a [phase NAME] line)");
                    }
                    TrafficClass c = TrafficClass.byName(key.substring(4));
                    if (c == null) {
                        throw new IllegalArgumentException(where + ": unknown traffic class '" + key.substring(4)
                                + "', expected one of " + TrafficClass.names());
                    }
                    int w = intValue(where, key, value, 0, 1_000_000);
                    if (inPhase) {
                        phaseLines.getLast().put(c, w);
                    } else if (w > 0) {
                        mix.put(c, w);
                    } else {
                        mix.remove(c);
                    }
                }
            }
        }
        if (phaseNames.isEmpty()) {
            checkMix(source, mix, frames);
            return new TrafficProfile(name, description, frames, flows, payloadMin, payloadMax, seed, mix);
        }
        if (phaseNames.size() == 1) {
            throw new IllegalArgumentException(phaseWhere.get(0) + ": only one [phase]: a single phase is the profile without phases; "
                    + "give two or more phases, or none");
        }
        List<Phase> phases = new ArrayList<>();
        int sum = 0;
        int last = phaseNames.size() - 1;
        for (int k = 0; k <= last; k++) {
            int percent = phasePercent.get(k);
            String where = phaseWhere.get(k) + ": phase " + phaseNames.get(k);
            if (percent < 0 && k < last) {
                throw new IllegalArgumentException(where + " has no length, expected a line such as 'length = 50%' (only the last phase "
                        + "may leave it out and take the rest)");
            }
            if (percent < 0) {
                percent = 100 - sum;
                if (percent < 1) {
                    throw new IllegalArgumentException(where + " has no length and the phases before it take " + sum
                            + "% already: nothing is left for it");
                }
            }
            sum += percent;
            if (sum > 100 || (k == last && sum != 100)) {
                throw new IllegalArgumentException(where + ": the phases' lengths add up to " + sum + "%" + (k < last ? " already" : "")
                        + ", expected 100%");
            }
            Map<TrafficClass, Integer> phaseMix = new EnumMap<>(mix);
            phaseLines.get(k).forEach((c, w) -> {
                if (w > 0) {
                    phaseMix.put(c, w);
                } else {
                    phaseMix.remove(c);
                }
            });
            checkMix(where, phaseMix, frames);
            phases.add(new Phase(phaseNames.get(k), percent, phaseMix));
        }
        return new TrafficProfile(name, description, frames, flows, payloadMin, payloadMax, seed, phases.get(0).mix(), phases);
    }

    /** A phase header: {@code [phase NAME]}. */
    private static final java.util.regex.Pattern PHASE_HEADER = java.util.regex.Pattern.compile("\\[\\s*phase\\s+([A-Za-z0-9._-]+)\\s*]",
            java.util.regex.Pattern.CASE_INSENSITIVE);

    private static void checkMix(String where, Map<TrafficClass, Integer> mix, int frames) {
        if (mix.isEmpty()) {
            throw new IllegalArgumentException(where + ": no traffic class has a weight (add a line mix.CLASS = N)");
        }
        if (frames < mix.size()) {
            throw new IllegalArgumentException(where + ": frames=" + frames + " but " + mix.size()
                    + " traffic classes have a weight; frames must be at least the number of weighted classes");
        }
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
