package io.icpbench.harness.fork;

import io.icpbench.dispatch.DynamicSite;
import io.icpbench.dispatch.SiteRegistry;
import io.icpbench.results.RunResults;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One measurement window's patch accounting for the whole JVM: the learned sites' updates and
 * patches, the compiled methods their patches invalidated ({@link JitLog}), the JIT's compilations
 * (JFR {@code jdk.Compilation}) and compiler time ({@link CompilationMXBean}), and the CPU time of
 * the whole process (RX workers, the learner, the compiler threads, GC:
 * {@code com.sun.management.OperatingSystemMXBean.getProcessCpuTime}).
 *
 * <p>Start it right before the measured packets and stop it right after them: everything the
 * process does in between is charged to those packets.
 */
public final class PatchAccounting {
    private final long cpuStart;
    private final double jitMillisStart;
    private final Map<String, long[]> sitesStart;
    private final JitEvents jfr;
    private final JitLog log;

    /**
     * What the window saw.
     *
     * @param cpuNanos     process CPU time, ns (-1 if the JVM cannot tell)
     * @param jitMillis    compiler time, ms (-1 if the JVM cannot tell)
     * @param compilations JFR compilation events
     * @param jit          the JIT log's invalidations
     * @param updates      learning updates, all sites
     * @param patches      patches, all sites
     * @param sites        per site: placement, updates, patches, wipes
     */
    public record Window(long cpuNanos, double jitMillis, long compilations, JitLog.Counts jit, long updates, long patches,
            Map<String, RunResults.SiteAccounting> sites) {
        /** The fork's accounting, given the packets of the window and the in-fork µs per patch. */
        public RunResults.Accounting accounting(long packets, Double usPerPatch) {
            long updatesTotal = 0;
            long patchesTotal = 0;
            for (DynamicSite s : SiteRegistry.all()) {
                updatesTotal += s.updates();
                patchesTotal += s.patches();
            }
            return new RunResults.Accounting(packets, updates, patches, updatesTotal, patchesTotal, jit.invalidations(), jit.uncommonTraps(),
                    compilations, jitMillis, cpuNanos >= 0 && packets > 0 ? cpuNanos / (double) packets : -1, usPerPatch, jit.methods(), sites);
        }
    }

    private PatchAccounting(boolean jitLog) {
        // The slow parts first, so the counters start after them: JFR (its start-up compiles and
        // invalidates code of its own, which the JIT log must not see), then the log.
        this.jfr = JitEvents.start();
        this.log = jitLog ? JitLog.start() : null;
        this.sitesStart = siteCounts();
        this.jitMillisStart = jitMillis();
        this.cpuStart = processCpu();
    }

    /** Opens a window; {@code jitLog}: whether to switch the JIT log on for it. */
    public static PatchAccounting start(boolean jitLog) {
        return new PatchAccounting(jitLog);
    }

    /** Closes the window; the JIT log, if any, is kept as {@code keepLog} (null: deleted). */
    public Window stop(Path keepLog) {
        long cpu = processCpu();
        double jit = jitMillis();
        Map<String, long[]> now = siteCounts();
        jfr.close();
        long compilations = jfr.compilations();
        JitLog.Counts counts = log != null ? log.stop(keepLog) : JitLog.Counts.unknown();
        Map<String, RunResults.SiteAccounting> sites = new LinkedHashMap<>();
        long updates = 0;
        long patches = 0;
        Map<String, String> placements = new HashMap<>();
        for (DynamicSite s : SiteRegistry.all()) {
            placements.put(s.name, SiteReport.placementOf(s));
        }
        for (Map.Entry<String, long[]> e : now.entrySet()) {
            long[] before = sitesStart.getOrDefault(e.getKey(), new long[3]);
            long[] c = e.getValue();
            sites.put(e.getKey(), new RunResults.SiteAccounting(placements.get(e.getKey()), c[0] - before[0], c[1] - before[1], c[2] - before[2]));
            updates += c[0] - before[0];
            patches += c[1] - before[1];
        }
        return new Window(cpuStart >= 0 && cpu >= 0 ? cpu - cpuStart : -1, jitMillisStart >= 0 ? jit - jitMillisStart : -1, compilations, counts,
                updates, patches, sites);
    }

    /** Site name to {updates, patches, wipes}; sites of the same name (one per worker's table, say) add up. */
    private static Map<String, long[]> siteCounts() {
        Map<String, long[]> out = new LinkedHashMap<>();
        List<DynamicSite> all = SiteRegistry.all();
        for (DynamicSite s : all) {
            long[] c = out.computeIfAbsent(s.name, k -> new long[3]);
            c[0] += s.updates();
            c[1] += s.patches();
            c[2] += s.wipes();
        }
        return out;
    }

    /** CPU time of the whole process, ns; -1 if the JVM cannot tell. */
    static long processCpu() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    private static double jitMillis() {
        CompilationMXBean c = ManagementFactory.getCompilationMXBean();
        return c != null && c.isCompilationTimeMonitoringSupported() ? c.getTotalCompilationTime() : -1;
    }
}
