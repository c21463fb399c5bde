package io.icpbench.harness.fork;

import io.icpbench.dispatch.DynamicSite;
import io.icpbench.dispatch.SiteRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The learned sites phase by phase, for traffic whose mix changes during a run (a profile with
 * phases): at the end of each phase, what every learned site of this JVM had installed, and its
 * updates, patches and the target mix its statistics counted during the phase. The benchmark and
 * {@code icpbench stack} call {@link #endPhase} where a phase ends (a new phase's first iteration
 * or packet, and the end of the run); {@link SiteReport} keeps the result in {@code sites.json}.
 *
 * <p>Cold path only: a phase boundary reads one {@link DynamicSite#snapshot} per site and keeps the
 * difference to the last one ({@link DynamicSite.Snapshot#counted}: the counts merged by updates
 * and those not merged yet, so a site that never updates in a phase still shows its mix); nothing
 * here runs per packet. Phase 1 counts from the {@link #reset} before the warmup, so its warmup,
 * which replays phase 1's traffic, is in it. The mix is what the statistics counted: a policy that
 * stops counting (learn-once, after its patch) or counts only misses shows less, as it learns less.
 */
public final class PhaseSites {
    /** The phases ended so far, in order: per phase, its sites. */
    private static final List<List<SiteReport.PhaseSite>> ENDED = new ArrayList<>();
    /** Each site's snapshot at the end of the last phase ended (none before the first). */
    private static final Map<DynamicSite, DynamicSite.Snapshot> LAST = new IdentityHashMap<>();

    private PhaseSites() {
    }

    /**
     * Starts over (a new run in this JVM): forgets every phase, and phase 1 counts from now (the
     * sites that exist now are read as they are; a site made later counts from its first call).
     */
    public static synchronized void reset() {
        ENDED.clear();
        LAST.clear();
        for (DynamicSite s : SiteRegistry.all()) {
            LAST.put(s, s.snapshot());
        }
    }

    /**
     * Ends phase {@code k} (from 0) now, unless it has ended already: with several RX workers the
     * first to reach the boundary ends it. Phases end in order; ending phase k also ends any phase
     * before it that had not ended (with nothing in it).
     */
    public static synchronized void endPhase(int k) {
        while (ENDED.size() <= k) {
            List<SiteReport.PhaseSite> sites = new ArrayList<>();
            for (DynamicSite s : SiteRegistry.all()) {
                DynamicSite.Snapshot now = s.snapshot();
                DynamicSite.Snapshot before = LAST.get(s);
                LAST.put(s, now);
                sites.add(new SiteReport.PhaseSite(s.name, now.installed().stream().map(SiteReport::shortName).toList(),
                        now.updates() - (before == null ? 0 : before.updates()), now.patches() - (before == null ? 0 : before.patches()),
                        mixSince(before, now)));
            }
            ENDED.add(List.copyOf(sites));
        }
    }

    /** The phases ended so far: per phase, its sites. */
    public static synchronized List<List<SiteReport.PhaseSite>> ended() {
        return List.copyOf(ENDED);
    }

    /** The calls the site's statistics counted between two snapshots, by target's short name, most frequent first. */
    static Map<String, Long> mixSince(DynamicSite.Snapshot before, DynamicSite.Snapshot now) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Map.Entry<Class<?>, Long> e : now.counted().entrySet()) {
            long n = e.getValue() - (before == null ? 0 : before.counted().getOrDefault(e.getKey(), 0L));
            if (n > 0) {
                counts.merge(SiteReport.shortName(e.getKey()), n, Long::sum);
            }
        }
        Map<String, Long> sorted = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }
}
