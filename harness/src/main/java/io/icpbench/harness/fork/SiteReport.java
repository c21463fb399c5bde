package io.icpbench.harness.fork;

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
 * @param phases      traffic with phases ({@link io.icpbench.harness.traffic.TrafficProfile}): each phase, with what each
 *                    site did in it ({@link PhaseSites}); empty for traffic without phases
 */
public record SiteReport(int schema, String mode, String profile, long packets, double nsPerPacket, RunResults.Accounting accounting,
        List<Site> sites, List<Phase> phases) {
    /**
     * Schema 4 added the phases ({@link #phases}), schema 3 each site's target mix ({@link Site#targets}); schema 3
     * files read without phases, schema 2 files without mix either.
     */
    public static final int SCHEMA = 4;
    public static final String FILE = "sites.json";

    public SiteReport {
        phases = phases == null ? List.of() : List.copyOf(phases);
    }

    /** A report of traffic without phases. */
    public SiteReport(int schema, String mode, String profile, long packets, double nsPerPacket, RunResults.Accounting accounting,
            List<Site> sites) {
        this(schema, mode, profile, packets, nsPerPacket, accounting, sites, List.of());
    }

    /**
     * One phase of the traffic and what the learned sites did in it.
     *
     * @param name  the phase's name in the profile
     * @param first the first measured unit of the phase (from 0); {@code last} its last, both included
     * @param unit  what the units are: "iteration" (a benchmark fork's measured iterations) or "packet" ({@code icpbench stack}'s
     *              measured packets); phase 1 also holds the warmup, which replays its traffic
     * @param sites each learned site in the phase
     */
    public record Phase(String name, long first, long last, String unit, List<PhaseSite> sites) {
        public Phase {
            sites = sites == null ? List.of() : List.copyOf(sites);
        }

        /** The site called {@code name} in this phase, or null. */
        public PhaseSite site(String name) {
            return sites.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
        }
    }

    /**
     * One learned site in one phase.
     *
     * @param installed the targets installed at the end of the phase, most frequent first when installed
     * @param updates   updates (relearns) during the phase
     * @param patches   patches during the phase
     * @param targets   the calls its statistics counted during the phase, by target, most frequent first ({@link PhaseSites})
     */
    public record PhaseSite(String name, List<String> installed, long updates, long patches, java.util.Map<String, Long> targets) {
        public PhaseSite {
            installed = installed == null ? List.of() : List.copyOf(installed);
            targets = targets == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(targets));
        }

        /** The most frequent target of the phase, or null if the site counted nothing in it. */
        public String dominant() {
            return targets.isEmpty() ? null : targets.keySet().iterator().next();
        }

        /** The phase's target mix as shares, as {@link Site#mix}. */
        public String mix(int max) {
            return Site.mix(targets, max);
        }
    }

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
            return mix(targets, max);
        }

        /** {@code targets} (most frequent first) as shares: the first {@code max}, then the rest as "others"; "-" if empty. */
        static String mix(java.util.Map<String, Long> targets, int max) {
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

        static String percent(long n, long total) {
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

    /**
     * As {@link #capture(String, String, long, double, RunResults.Accounting)}, with the phases of the traffic: {@code spans}
     * say where each phase lay in the measured {@code unit}s, {@link PhaseSites} what each site did in the phases that ended.
     */
    public static SiteReport capture(String mode, String profile, long packets, double nsPerPacket, RunResults.Accounting accounting,
            List<io.icpbench.harness.traffic.TrafficProfile.Span> spans, String unit) {
        SiteReport r = capture(mode, profile, packets, nsPerPacket, accounting);
        List<List<PhaseSite>> ended = PhaseSites.ended();
        List<Phase> phases = new ArrayList<>();
        for (int k = 0; k < spans.size() && k < ended.size() && spans.size() > 1; k++) {
            io.icpbench.harness.traffic.TrafficProfile.Span sp = spans.get(k);
            phases.add(new Phase(sp.name(), sp.first(), sp.last(), unit, ended.get(k)));
        }
        return new SiteReport(SCHEMA, mode, profile, packets, nsPerPacket, accounting, r.sites(), phases);
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
            if (schema != SCHEMA && schema != 3 && schema != 2) {
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
        printPhases(out);
    }

    /** "measured iterations 0-49", "measured packets 100000-199999". */
    static String span(Phase p) {
        return String.format(Locale.ROOT, "measured %ss %d-%d", p.unit(), p.first(), p.last());
    }

    /**
     * The phases: for the first, what each site learned in it; at each boundary, whether each site
     * relearned (its installed targets before and after, its updates and patches in the new phase)
     * and how its dominant target moved; then the sites whose dominant target changed.
     */
    public void printPhases(PrintStream out) {
        if (phases.isEmpty()) {
            return;
        }
        int nameWidth = 4;
        for (Phase p : phases) {
            for (PhaseSite s : p.sites()) {
                nameWidth = Math.max(nameWidth, s.name().length());
            }
        }
        String row = "    %-" + nameWidth + "s  %s%n";
        out.println("phases (installed: the targets at the phase's end; updates, patches and mix: during the phase, the mix as the site's "
                + "statistics counted it; phase 1 includes the warmup):");
        Phase first = phases.get(0);
        out.printf(Locale.ROOT, "  phase 1 %s, %s and the warmup:%n", first.name(), span(first));
        for (PhaseSite s : first.sites()) {
            out.printf(Locale.ROOT, row, s.name(), String.format(Locale.ROOT, "learned %s with %s in %s; mix %s", installed(s.installed()),
                    plural(s.patches(), "patch", "patches"), plural(s.updates(), "update", "updates"), s.mix(3)));
        }
        java.util.Set<String> changed = new java.util.LinkedHashSet<>();
        for (int k = 1; k < phases.size(); k++) {
            Phase before = phases.get(k - 1);
            Phase now = phases.get(k);
            out.printf(Locale.ROOT, "  phase %d → %d (%s → %s), %s:%n", k, k + 1, before.name(), now.name(), span(now));
            for (PhaseSite s : now.sites()) {
                PhaseSite b = before.site(s.name());
                List<String> was = b == null ? List.of() : b.installed();
                boolean same = was.size() == s.installed().size() && was.containsAll(s.installed());
                String learned = same && s.patches() == 0 ? String.format(Locale.ROOT, "kept %s (%s, no patch)", installed(s.installed()),
                        plural(s.updates(), "update", "updates"))
                        : same ? String.format(Locale.ROOT, "ended on %s again (%s in %s)", installed(s.installed()),
                                plural(s.patches(), "patch", "patches"), plural(s.updates(), "update", "updates"))
                        : String.format(Locale.ROOT, "relearned %s → %s with %s in %s", installed(was), installed(s.installed()),
                                plural(s.patches(), "patch", "patches"), plural(s.updates(), "update", "updates"));
                String d0 = b == null ? null : b.dominant();
                String d1 = s.dominant();
                String dominant;
                if (d0 == null || d1 == null) {
                    dominant = "mix " + s.mix(3);
                } else if (d0.equals(d1)) {
                    dominant = "dominant still " + d1 + " " + share(s.targets(), d1);
                } else if (dominantChanged(b, s)) {
                    dominant = "dominant " + d0 + " " + share(b.targets(), d0) + " → " + d1 + " " + share(s.targets(), d1);
                    changed.add(s.name());
                } else {
                    dominant = "no clear dominant: " + d1 + " " + share(s.targets(), d1) + ", " + d0 + " " + share(s.targets(), d0)
                            + " (within " + TIE_POINTS + " points)";
                }
                out.printf(Locale.ROOT, row, s.name(), learned + "; " + dominant);
            }
        }
        out.println(changed.isEmpty() ? "  the dominant target changed at no site"
                : "  the dominant target changed at " + plural(changed.size(), "site", "sites") + ": " + String.join(", ", changed));
    }

    /** Shares (percentage points) within which two targets are a tie, not a change of the dominant one. */
    static final int TIE_POINTS = 5;

    /**
     * Whether the dominant target changed from phase {@code before} to {@code now}: the new phase's
     * top target is another, and in the new phase it leads the old top target by more than {@link
     * #TIE_POINTS} points of the calls counted (five hooks called equally often swap their order by
     * chance; that is no change).
     */
    static boolean dominantChanged(PhaseSite before, PhaseSite now) {
        String d0 = before.dominant();
        String d1 = now.dominant();
        if (d0 == null || d1 == null || d0.equals(d1)) {
            return false;
        }
        long total = now.targets().values().stream().mapToLong(Long::longValue).sum();
        long lead = now.targets().get(d1) - now.targets().getOrDefault(d0, 0L);
        return lead * 100 > (long) TIE_POINTS * total;
    }

    /** The sites whose dominant target changed from phase k to phase k + 1 ({@link #dominantChanged}), by name. */
    public List<String> dominantChanges(int k) {
        List<String> out = new ArrayList<>();
        for (PhaseSite s : phases.get(k + 1).sites()) {
            PhaseSite b = phases.get(k).site(s.name());
            if (b != null && dominantChanged(b, s)) {
                out.add(s.name());
            }
        }
        return out;
    }

    private static String installed(List<String> targets) {
        return targets.isEmpty() ? "(none)" : String.join(", ", targets);
    }

    private static String plural(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    /** The share of {@code target} in {@code targets}, as {@link Site#mix} writes it. */
    private static String share(java.util.Map<String, Long> targets, String target) {
        long total = targets.values().stream().mapToLong(Long::longValue).sum();
        return Site.percent(targets.getOrDefault(target, 0L), total);
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
    public static void printAccounting(PrintStream out, RunResults.Accounting a) {
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
