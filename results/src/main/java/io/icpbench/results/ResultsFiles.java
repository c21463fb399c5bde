package io.icpbench.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reading and writing a run directory: {@code results.json} (the model) and {@code forks.csv}
 * (fork x iteration). Every write goes to a temporary file in the same directory and is renamed
 * over the old file, so a reader (or a crash) never sees half a file.
 */
public final class ResultsFiles {
    public static final String RESULTS = "results.json";
    public static final String CSV = "forks.csv";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ResultsFiles() {
    }

    /** Writes results.json and forks.csv into {@code dir}, atomically each. */
    public static void write(Path dir, RunResults results) {
        try {
            Files.createDirectories(dir);
            atomicWrite(dir.resolve(RESULTS), MAPPER.writeValueAsBytes(results));
            atomicWrite(dir.resolve(CSV), csv(results).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write results to " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code value} as indented JSON to {@code file} atomically, creating its directory.
     *
     * @throws UncheckedIOException naming the file
     */
    public static void writeJson(Path file, Object value) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            atomicWrite(file, MAPPER.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code bytes} to a temporary file beside {@code file}, then renames it over {@code file}. */
    public static void atomicWrite(Path file, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), file.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, bytes);
            try {
                // Temporary files are private (rw-------); results are for everyone to read.
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system: keep its default permissions.
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** fork x iteration, one row per measured iteration. */
    public static String csv(RunResults results) {
        StringBuilder b = new StringBuilder("fork,block,arm,mode,iteration,ns_per_packet,packets_per_second\n");
        for (RunResults.ForkResult f : results.forks()) {
            List<Double> s = f.scoresNsPerPacket();
            for (int i = 0; i < s.size(); i++) {
                b.append(String.format(Locale.ROOT, "%d,%d,%s,%s,%d,%.4f,%.1f%n", f.index(), f.block(), f.arm(), f.mode(), i, s.get(i),
                        1e9 / s.get(i)));
            }
        }
        return b.toString();
    }

    /**
     * Reads and validates {@code dir/results.json} (or the file itself).
     *
     * @throws ResultsException naming the file, the field and the problem
     */
    public static RunResults read(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve(RESULTS) : path;
        if (!Files.isRegularFile(file)) {
            throw new ResultsException(file + ": no such results file");
        }
        JsonNode tree;
        try {
            tree = MAPPER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new ResultsException(file + ": not valid JSON (truncated or corrupt?) at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ResultsException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new ResultsException(file + ": expected a JSON object at the top");
        }
        JsonNode schema = tree.get("schema");
        if (schema == null || !schema.isInt()) {
            throw new ResultsException(file + ": field 'schema' is missing or not a number");
        }
        int found = schema.asInt();
        if (found < 1 || found > RunResults.SCHEMA) {
            throw new ResultsException(file + ": field 'schema' is " + found + ", this icpbench reads schemas 1 to " + RunResults.SCHEMA);
        }
        String as = found == RunResults.SCHEMA ? "" : " (schema " + found + ", read as " + RunResults.SCHEMA + ")";
        RunResults r;
        try {
            if (found == 1) {
                upgradeFromSchema1((com.fasterxml.jackson.databind.node.ObjectNode) tree);
            }
            if (found < 3) {
                upgradeFromSchema2((com.fasterxml.jackson.databind.node.ObjectNode) tree);
            }
            if (found < 4) {
                upgradeFromSchema3((com.fasterxml.jackson.databind.node.ObjectNode) tree);
            }
            // The host name joined the provenance within schema 4: files written before it have none.
            if (tree.get("provenance") instanceof com.fasterxml.jackson.databind.node.ObjectNode po && !po.has("host")) {
                po.putNull("host");
            }
            // The levers joined the settings within schema 4: a run before them had none.
            if (tree.get("settings") instanceof com.fasterxml.jackson.databind.node.ObjectNode so && !so.has("levers")) {
                so.putArray("levers");
            }
            // Forks gained their JIT fingerprint within schema 4: forks written before it have none.
            if (tree.get("forks") instanceof com.fasterxml.jackson.databind.node.ArrayNode forks) {
                for (JsonNode f : forks) {
                    if (f instanceof com.fasterxml.jackson.databind.node.ObjectNode fo && !fo.has("jit")) {
                        fo.putNull("jit");
                    }
                }
            }
            r = MAPPER.treeToValue(tree, RunResults.class);
        } catch (MismatchedInputException e) {
            throw new ResultsException(file + as + ": field '" + path(e) + "': " + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw new ResultsException(file + as + ": " + e.getOriginalMessage(), e);
        } catch (ClassCastException | IllegalArgumentException e) {
            throw new ResultsException(file + as + ": " + e.getMessage(), e);
        }
        validate(file, r);
        return r;
    }

    /**
     * Rewrites a schema-3 tree as schema 4, in place: schema 4 adds the traffic's phases to the
     * settings; a run before it had one mix throughout (no phases).
     */
    static void upgradeFromSchema3(com.fasterxml.jackson.databind.node.ObjectNode tree) {
        tree.put("schema", RunResults.SCHEMA);
        if (tree.get("settings") instanceof com.fasterxml.jackson.databind.node.ObjectNode so && !so.has("phases")) {
            so.putArray("phases");
        }
    }

    /**
     * Rewrites a schema-2 tree as schema 3, in place: schema 3 adds the run's baseline and design and
     * each fork's noise record; absent in schema 2, they read as the first arm, sequential and not
     * recorded.
     */
    static void upgradeFromSchema2(com.fasterxml.jackson.databind.node.ObjectNode tree) {
        tree.put("schema", RunResults.SCHEMA);
        if (tree.get("settings") instanceof com.fasterxml.jackson.databind.node.ObjectNode so) {
            if (!so.has("baseline")) {
                so.putNull("baseline");
            }
            if (!so.has("design")) {
                so.putNull("design");
            }
            // Arms gained their planted effect within schema 2: files written before it have none.
            if (so.get("arms") instanceof com.fasterxml.jackson.databind.node.ArrayNode arms) {
                for (JsonNode a : arms) {
                    if (a instanceof com.fasterxml.jackson.databind.node.ObjectNode ao && !ao.has("planted")) {
                        ao.putNull("planted");
                    }
                }
            }
        }
        if (tree.get("forks") instanceof com.fasterxml.jackson.databind.node.ArrayNode forks) {
            for (JsonNode f : forks) {
                if (f instanceof com.fasterxml.jackson.databind.node.ObjectNode fo && !fo.has("noise")) {
                    fo.putNull("noise");
                }
            }
        }
    }

    /**
     * Rewrites a schema-1 tree as schema 2, in place: each mode becomes an arm named after it,
     * {@code forksPerMode} becomes {@code forksPerArm}, plan entries and forks get their arm, and a
     * fork's counts move into its {@code accounting}. Schema 1 counted updates and patches over the
     * whole fork (they become the totals) and JFR deoptimization events, which miss the
     * invalidations a patch causes (dropped); what it did not record is -1.
     */
    static void upgradeFromSchema1(com.fasterxml.jackson.databind.node.ObjectNode tree) {
        tree.put("schema", RunResults.SCHEMA);
        JsonNode settings = tree.get("settings");
        if (settings instanceof com.fasterxml.jackson.databind.node.ObjectNode so) {
            com.fasterxml.jackson.databind.node.ArrayNode arms = so.putArray("arms");
            JsonNode modes = so.remove("modes");
            if (modes != null) {
                for (JsonNode m : modes) {
                    arms.add((JsonNode) MAPPER.valueToTree(RunResults.Arm.ofMode(m.asText())));
                }
            }
            JsonNode perMode = so.remove("forksPerMode");
            if (perMode != null) {
                so.set("forksPerArm", perMode);
            }
        }
        for (String list : new String[] {"plan", "forks"}) {
            JsonNode entries = tree.get(list);
            if (entries == null) {
                continue;
            }
            for (JsonNode e : entries) {
                if (!(e instanceof com.fasterxml.jackson.databind.node.ObjectNode o)) {
                    continue;
                }
                if (o.has("mode")) {
                    o.set("arm", o.get("mode"));
                }
                if (list.equals("forks")) {
                    RunResults.Accounting a = new RunResults.Accounting(-1, -1, -1, o.path("updates").asLong(-1), o.path("patches").asLong(-1), -1, -1,
                            o.path("compilations").asLong(-1), -1, -1, null, null, null);
                    for (String old : new String[] {"updates", "patches", "deopts", "compilations"}) {
                        o.remove(old);
                    }
                    o.set("accounting", MAPPER.valueToTree(a));
                }
            }
        }
    }

    private static String path(MismatchedInputException e) {
        StringBuilder b = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                b.append(b.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                b.append('[').append(ref.getIndex()).append(']');
            }
        }
        return b.isEmpty() ? "?" : b.toString();
    }

    /** Checks what the types cannot: sizes, ranges, references between plan and forks. */
    static void validate(Path file, RunResults r) {
        List<String> problems = new ArrayList<>();
        if (r.settings() == null) {
            problems.add("field 'settings' is missing");
        }
        if (r.provenance() == null) {
            problems.add("field 'provenance' is missing");
        }
        if (r.settings() != null) {
            java.util.Set<String> names = new java.util.HashSet<>();
            for (RunResults.Arm a : r.settings().arms()) {
                if (a.name() == null || a.mode() == null || !names.add(a.name())) {
                    problems.add("settings.arms has an arm without a name or mode, or a name twice: " + a.name());
                }
            }
            if (r.settings().arms().isEmpty()) {
                problems.add("settings.arms is empty");
            }
            List<RunResults.Phase> phases = r.settings().phases();
            if (!phases.isEmpty() && phases.getLast().last() != r.settings().iterations() - 1) {
                problems.add("settings.phases end at measured iteration " + phases.getLast().last() + ", but the forks measure "
                        + r.settings().iterations() + " iterations (0 to " + (r.settings().iterations() - 1) + ")");
            }
            for (RunResults.PlannedFork p : r.plan()) {
                if (!names.contains(p.arm())) {
                    problems.add("plan entry " + p.index() + " runs arm '" + p.arm() + "', which settings.arms does not define");
                    break;
                }
            }
        }
        for (int i = 0; i < r.forks().size(); i++) {
            RunResults.ForkResult f = r.forks().get(i);
            String where = "forks[" + i + "]";
            if (f.scoresNsPerPacket().isEmpty()) {
                problems.add(where + ".scoresNsPerPacket is empty");
            }
            for (double d : f.scoresNsPerPacket()) {
                if (!(d > 0) || Double.isInfinite(d)) {
                    problems.add(where + ".scoresNsPerPacket has " + d + ", expected positive numbers");
                    break;
                }
            }
            if (r.plan().stream().noneMatch(p -> p.index() == f.index() && p.arm().equals(f.arm()) && p.mode().equals(f.mode()))) {
                problems.add(where + " (index " + f.index() + ", arm " + f.arm() + ", mode " + f.mode() + ") is not in the plan");
            }
            if (f.accounting() == null) {
                problems.add(where + ".accounting is missing");
            }
        }
        if (!problems.isEmpty()) {
            throw new ResultsException(file + ": " + String.join("; ", problems));
        }
    }

    /**
     * Merges runs (several machines or sessions) into one: forks renumbered after each other, each
     * keeping its arm and mode; settings and provenance of the first, with the arms of all (an arm
     * that two runs define differently is an error). Blocks are renumbered run after run, so a block
     * of the merged run holds the forks of one block of one run: of one machine. The provenance's host
     * lists every machine that contributed ({@link #hosts}).
     */
    public static RunResults merge(List<RunResults> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("nothing to merge");
        }
        List<RunResults.PlannedFork> plan = new ArrayList<>();
        List<RunResults.ForkResult> forks = new ArrayList<>();
        java.util.Map<String, RunResults.Arm> arms = new java.util.LinkedHashMap<>();
        int offset = 0;
        int blockOffset = 0;
        for (RunResults r : runs) {
            if (!r.settings().levers().equals(runs.get(0).settings().levers())) {
                throw new IllegalArgumentException("the runs ran under different levers (" + runs.get(0).settings().levers() + " and "
                        + r.settings().levers() + "): a lever changes every arm's forks, so their blocks do not belong to one run");
            }
            for (RunResults.Arm a : r.settings().arms()) {
                RunResults.Arm before = arms.putIfAbsent(a.name(), a);
                if (before != null && !before.equals(a)) {
                    throw new IllegalArgumentException("arm '" + a.name() + "' is " + before.spec() + " in one run and " + a.spec()
                            + " in another: rename one before merging");
                }
            }
            int maxIndex = -1;
            int maxBlock = -1;
            for (RunResults.PlannedFork p : r.plan()) {
                plan.add(new RunResults.PlannedFork(p.index() + offset, p.block() + blockOffset, p.arm(), p.mode()));
                maxIndex = Math.max(maxIndex, p.index());
                maxBlock = Math.max(maxBlock, p.block());
            }
            for (RunResults.ForkResult f : r.forks()) {
                forks.add(f.moved(f.index() + offset, f.block() + blockOffset, f.jmhJson(), f.hlog()));
            }
            offset += maxIndex + 1;
            blockOffset += maxBlock + 1;
        }
        RunResults first = runs.get(0);
        RunResults.Settings s = first.settings();
        RunResults.Settings settings = new RunResults.Settings(new ArrayList<>(arms.values()), s.profile(), s.workNs(), s.workers(), s.sites(),
                s.forksPerArm(), s.warmupIterations(), s.iterations(), s.iterationSeconds(), s.seed(), s.quick(), s.baseline(), s.design(),
                s.phases(), s.levers());
        List<String> hosts = hosts(runs);
        RunResults.Provenance provenance = hosts.size() > 1 ? first.provenance().withHost(String.join(",", hosts)) : first.provenance();
        return new RunResults(RunResults.SCHEMA, settings, provenance, plan, forks);
    }

    /** The machines that ran {@code runs}: their provenance's host names, distinct, in order ("unknown" for a run without one). */
    public static List<String> hosts(List<RunResults> runs) {
        java.util.Set<String> hosts = new java.util.LinkedHashSet<>();
        for (RunResults r : runs) {
            String h = r.provenance().host();
            for (String one : (h == null || h.isBlank() ? "unknown" : h).split(",")) {
                hosts.add(one.strip());
            }
        }
        return new ArrayList<>(hosts);
    }

    /** Writes results as JSON to a writer (for tests and tools). */
    public static void writeJson(Writer out, RunResults r) throws IOException {
        MAPPER.writeValue(out, r);
    }
}
