package io.icpbench.harness;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.icpbench.analysis.PatchCosts;
import io.icpbench.dispatch.DynamicSite;
import io.icpbench.dispatch.SiteRegistry;
import io.icpbench.results.RunResults;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the learned sites of a run learned and what their patches cost, as {@code icpbench sites}
 * prints it and as {@code sites.json} keeps it.
 *
 * @param schema      format version of sites.json
 * @param mode        the dispatch mode of the run
 * @param profile     the traffic profile
 * @param packets     packets measured
 * @param nsPerPacket the RX worker's wall time per measured packet
 * @param accounting  the patch accounting over the measured packets (the same fields as a fork's in results.json)
 */
public record SiteReport(int schema, String mode, String profile, long packets, double nsPerPacket, RunResults.Accounting accounting,
        List<Site> sites) {
    /** Schema 3 added each site's target mix ({@link Site#targets}); schema 2 files read with none. */
    public static final int SCHEMA = 3;
    public static final String FILE = "sites.json";

    /**
     * One learned site.
     *
     * @param placement    where its guard chain lives (stub, inline, mh-field, adaptive)
     * @param installed    the learned targets, most frequent first (simple class names)
     * @param hits         calls that took a guard (exact or estimated, see the stats strategy)
     * @param misses       calls that reached the fallback while statistics were on
     * @param updates      updates that ran (relearns) over the measured packets
     * @param patches      patches (installs of new targets) over the measured packets
     * @param patchesTotal patches since the JVM started, warmup included
     * @param wipes        worker slot wipes, since the JVM started
     * @param targets      the targets the statistics saw, with their counts, most frequent first: the site's skew
     */
    public record Site(String name, String policy, String stats, String placement, List<String> installed, long hits, long misses,
            long updates, long patches, long patchesTotal, long wipes, java.util.Map<String, Long> targets) {
        public Site {
            targets = targets == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(targets));
        }

        /** "IpRcv 71%, Ipv6Rcv 29%": the target mix as shares (the first {@code max}, then the rest as "others"). */
        public String mix(int max) {
            long total = targets.values().stream().mapToLong(Long::longValue).sum();
            if (total == 0) {
                return "-";
            }
            StringBuilder b = new StringBuilder();
            int i = 0;
            long shown = 0;
            for (java.util.Map.Entry<String, Long> e : targets.entrySet()) {
                if (i++ == max) {
                    break;
                }
                shown += e.getValue();
                b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(percent(e.getValue(), total));
            }
            if (shown < total) {
                b.append(", others ").append(percent(total - shown, total));
            }
            return b.toString();
        }

        private static String percent(long n, long total) {
            double p = 100.0 * n / total;
            return p >= 9.95 || p == 0 ? String.format(Locale.ROOT, "%.0f%%", p) : String.format(Locale.ROOT, "%.1f%%", p);
        }

        public double hitRate() {
            long all = hits + misses;
            return all == 0 ? Double.NaN : hits / (double) all;
        }
    }

    /** The learned sites of this JVM now, with the accounting of the measured packets. */
    public static SiteReport capture(String mode, String profile, long packets, double nsPerPacket, RunResults.Accounting accounting) {
        List<Site> sites = new ArrayList<>();
        for (DynamicSite s : SiteRegistry.all()) {
            List<String> installed = s.installed().stream().map(SiteReport::shortName).toList();
            RunResults.SiteAccounting a = accounting.siteAccounting().get(s.name);
            sites.add(new Site(s.name, s.policyName(), s.statsStrategy().name().toLowerCase(Locale.ROOT),
                    placementOf(s), installed, s.fastHits(), s.misses(), a != null ? a.updates() : -1,
                    a != null ? a.patches() : -1, s.patches(), s.wipes(), targets(s)));
        }
        return new SiteReport(SCHEMA, mode, profile, packets, nsPerPacket, accounting, sites);
    }

    /** The site's observed targets by short name, most frequent first. */
    static java.util.Map<String, Long> targets(DynamicSite s) {
        java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
        for (io.icpbench.dispatch.LearningPolicy.Candidate c : s.observed()) {
            m.merge(shortName(c.target()), c.count(), Long::sum);
        }
        return m;
    }

    /** A site's placement as reports show it: "adaptive>stub" once an adaptive site has moved out of line. */
    static String placementOf(DynamicSite s) {
        if (s.placement() == null) {
            return "?";
        }
        return s.placement() == io.icpbench.dispatch.Placement.ADAPTIVE && s.outOfLine() ? "adaptive>stub" : s.placement().cliName();
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
            throw new IllegalArgumentException("no " + FILE + " at " + path + ": a run's fork of a mode that learns nothing has none; "
                    + "for a stack run, run 'icpbench stack --mode dynamic-call' first");
        }
        try {
            com.fasterxml.jackson.databind.JsonNode tree = mapper().readTree(file.toFile());
            int schema = tree == null ? -1 : tree.path("schema").asInt(-1);
            if (schema != SCHEMA && schema != 2) {
                throw new IllegalArgumentException(file + ": schema " + schema + ", this icpbench reads schema " + SCHEMA
                        + (schema == 1 ? " (schema 1 counted JFR deoptimizations, not what a patch costs): run 'icpbench stack' again" : ""));
            }
            SiteReport r = mapper().treeToValue(tree, SiteReport.class);
            if (r.sites() == null) {
                throw new IllegalArgumentException(file + ": field 'sites' is missing");
            }
            return r;
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not a valid sites file: " + e.getMessage(), e);
        }
    }

    /** Prints the accounting, the table of sites and the kernel's price of a patch. */
    public void print(PrintStream out) {
        RunResults.Accounting a = accounting;
        out.printf(Locale.ROOT, "learned sites: mode %s, profile %s, %,d packets at %.1f ns/packet (RX worker), %s ns/packet CPU (whole process)%n",
                mode, profile, packets, nsPerPacket, PatchCosts.fmt(a.cpuNsPerPacket(), 1));
        printAccounting(out, a);
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
        String row = "  %-" + nameWidth + "s  %-13s %-" + targetWidth + "s %8s %12s %10s %7s %7s %7s %5s%n";
        out.printf(Locale.ROOT, row, "site", "placement", "learned targets", "hit rate", "hits", "misses", "updates", "patches", "total", "wipes");
        for (Site s : sites) {
            String targets = s.installed().isEmpty() ? "(none)" : String.join(", ", s.installed());
            String rate = Double.isNaN(s.hitRate()) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * s.hitRate());
            out.printf(Locale.ROOT, row, s.name(), s.placement(), targets, rate, s.hits(), s.misses(), count(s.updates()), count(s.patches()),
                    s.patchesTotal(), s.wipes());
        }
        out.println("  policy " + sites.get(0).policy() + ", statistics " + sites.get(0).stats()
                + "; hit rate = calls that took a guard / calls counted; updates and patches over the measured packets, total with the warmup");
        printMix(out);
        if (!a.invalidatedMethods().isEmpty()) {
            StringBuilder b = new StringBuilder("  invalidated most (compiled methods made not entrant by a dependency change):");
            a.invalidatedMethods().entrySet().stream().limit(8).forEach(e -> b.append(' ').append(e.getKey()).append(" x").append(e.getValue()).append(','));
            out.println(b.substring(0, b.length() - 1));
        }
    }

    /** Each site's target mix (its skew, as the learner's statistics saw it), one line per site. */
    public void printMix(PrintStream out) {
        if (sites.stream().allMatch(s -> s.targets().isEmpty())) {
            return;
        }
        int nameWidth = sites.stream().mapToInt(s -> s.name().length()).max().orElse(4);
        out.println("target mix per site (the skew the statistics saw over every update; share of the calls counted):");
        for (Site s : sites) {
            long total = s.targets().values().stream().mapToLong(Long::longValue).sum();
            out.printf(Locale.ROOT, "  %-" + nameWidth + "s  %s%s%n", s.name(), s.mix(4), total == 0 ? "" : "  (" + total + " counted)");
        }
    }

    /** The run's patch accounting in three lines (learned or not: the JIT figures count in every mode). */
    static void printAccounting(PrintStream out, RunResults.Accounting a) {
        out.printf(Locale.ROOT, "patches: %s over the measured packets (%s with the warmup), %s updates; compiled methods invalidated: %s "
                + "(dependency changes), %s uncommon traps%n", count(a.patches()), count(a.patchesTotal()), count(a.updates()),
                count(a.invalidations()), count(a.uncommonTraps()));
        out.printf(Locale.ROOT, "JIT: %s compilations, %s ms compiling; one patch costs the RX worker %s%n", count(a.compilations()),
                PatchCosts.fmt(a.jitMillis(), 0), a.usPerPatch() != null ? String.format(Locale.ROOT, "%.0f µs (in-run estimate: excess time of "
                + "the chunks after each patch)", a.usPerPatch()) : "- µs (not defined: no patch, or no quiet stretch after the patches)");
        out.println("(" + PatchCosts.KERNEL_NOTE + ")");
    }

    private static String count(long n) {
        return n < 0 ? "-" : Long.toString(n);
    }
}
