package io.icpbench.harness;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.icpbench.dispatch.DynamicSite;
import io.icpbench.dispatch.SiteRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the learned sites of a run learned, as {@code icpbench sites} prints it and as
 * {@code sites.json} keeps it.
 *
 * @param schema       format version of sites.json
 * @param mode         the dispatch mode of the run
 * @param profile      the traffic profile
 * @param packets      packets measured
 * @param deopts       JFR jdk.Deoptimization events during the measured run
 * @param compilations JFR jdk.Compilation events during the measured run
 */
public record SiteReport(int schema, String mode, String profile, long packets, long deopts, long compilations, List<Site> sites) {
    public static final int SCHEMA = 1;
    public static final String FILE = "sites.json";

    /**
     * One learned site.
     *
     * @param installed the learned targets, most frequent first (simple class names)
     * @param hits      calls that took a guard (exact or estimated, see the stats strategy)
     * @param misses    calls that reached the fallback while statistics were on
     * @param updates   updates that ran (relearns)
     * @param patches   setTarget calls
     * @param wipes     worker slot wipes
     */
    public record Site(String name, String policy, String stats, List<String> installed, long hits, long misses, long updates,
            long patches, long wipes) {
        public double hitRate() {
            long all = hits + misses;
            return all == 0 ? Double.NaN : hits / (double) all;
        }
    }

    /** The learned sites of this JVM now. */
    public static SiteReport capture(String mode, String profile, long packets, long deopts, long compilations) {
        List<Site> sites = new ArrayList<>();
        for (DynamicSite s : SiteRegistry.all()) {
            List<String> installed = s.installed().stream().map(SiteReport::shortName).toList();
            sites.add(new Site(s.name, s.policyName(), s.statsStrategy().name().toLowerCase(Locale.ROOT), installed, s.fastHits(),
                    s.misses(), s.updates(), s.patches(), s.wipes()));
        }
        return new SiteReport(SCHEMA, mode, profile, packets, deopts, compilations, sites);
    }

    /** "Drivers$VirtioNet" -> "Drivers.VirtioNet". */
    static String shortName(Class<?> c) {
        String n = c.getName();
        return n.substring(n.lastIndexOf('.') + 1).replace('$', '.');
    }

    private static ObjectMapper mapper() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    }

    /** Writes {@code dir/sites.json} atomically (a temporary file, then a rename). */
    public void write(Path dir) {
        io.icpbench.results.ResultsFiles.writeJson(dir.resolve(FILE), this);
    }

    /** Reads {@code dir/sites.json} (or the file itself); errors name the file and the problem. */
    public static SiteReport read(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve(FILE) : path;
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no " + FILE + " at " + path + ": run 'icpbench stack --mode dynamic-call' first");
        }
        try {
            SiteReport r = mapper().readValue(file.toFile(), SiteReport.class);
            if (r.schema() != SCHEMA) {
                throw new IllegalArgumentException(file + ": schema " + r.schema() + ", expected " + SCHEMA);
            }
            if (r.sites() == null) {
                throw new IllegalArgumentException(file + ": field 'sites' is missing");
            }
            return r;
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not a valid sites file: " + e.getMessage(), e);
        }
    }

    /** Prints the table. */
    public void print(PrintStream out) {
        out.printf(Locale.ROOT, "learned sites: mode %s, profile %s, %,d packets; JIT during the run: %d deoptimizations, %d compilations%n",
                mode, profile, packets, deopts, compilations);
        if (sites.isEmpty()) {
            out.println("  (no learned sites: mode " + mode + " learns nothing; try --mode dynamic-call)");
            return;
        }
        int nameWidth = 4;
        int targetWidth = 15;
        for (Site s : sites) {
            nameWidth = Math.max(nameWidth, s.name().length());
            targetWidth = Math.max(targetWidth, String.join(", ", s.installed()).length());
        }
        String row = "  %-" + nameWidth + "s  %-" + targetWidth + "s %8s %12s %10s %7s %7s %5s%n";
        out.printf(Locale.ROOT, row, "site", "learned targets", "hit rate", "hits", "misses", "updates", "patches", "wipes");
        for (Site s : sites) {
            String targets = s.installed().isEmpty() ? "(none)" : String.join(", ", s.installed());
            String rate = Double.isNaN(s.hitRate()) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * s.hitRate());
            out.printf(Locale.ROOT, row, s.name(), targets, rate, s.hits(), s.misses(), s.updates(), s.patches(), s.wipes());
        }
        if (!sites.isEmpty()) {
            out.println("  policy " + sites.get(0).policy() + ", statistics " + sites.get(0).stats()
                    + "; hit rate = calls that took a guard / calls counted");
        }
    }
}
