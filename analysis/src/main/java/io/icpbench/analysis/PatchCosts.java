package io.icpbench.analysis;

import io.icpbench.dispatch.Learning;
import io.icpbench.dispatch.Mode;
import io.icpbench.results.RunResults;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What the learned sites' patches cost each arm of a run, from its forks' {@link RunResults.Accounting}:
 * per fork, on average, updates, patches, compiled methods invalidated, JIT compilations and time,
 * the CPU of the whole process per packet, and the cost of one patch in µs by two estimates.
 *
 * <p>IMPLEMENTATION NOTES. Two estimates of one patch's cost to an RX worker, never mixed:
 * <ul>
 * <li><b>fork</b>: measured inside each fork (see {@code PatchCost} in the harness): the measured
 *     packets are timed in chunks; the chunks within a recovery horizon after a patch are compared
 *     with the median chunk long after any patch, and their summed excess is divided by the patches.
 *     Defined only in forks that patched and still had quiet stretches; averaged over those forks.</li>
 * <li><b>diff</b>: the differential estimate, when the run holds the arm's {@code learn-once} twin
 *     (same mode, placement and other settings, policy {@code P,learn-once}, which patches during
 *     warmup only): (ns/packet(arm) - ns/packet(twin)) x packets per worker per fork / patches per
 *     fork. It charges every ns of difference to the patches, the cost of counting statistics on
 *     the fast path included (learn-once stops counting), so it is an upper bound.</li>
 * </ul>
 */
public final class PatchCosts {
    /** The kernel's price of a patch, with its source, for the footnote beside every table of patch costs. */
    public static final String KERNEL_NOTE = "kernel: a static_call_update/text_poke_bp costs up to 3 broadcast IPIs; Bristot (LKML, Dec 2018) "
            + "measured 57 ms to flip a static key with 56 sites one by one on a 24-CPU Xeon (about 1 ms per site), 1.4 ms batched";

    /** What the columns mean, for the footnote under a table. */
    public static final String COLUMNS_NOTE = "per fork over the measurement: updates (relearns) and patches of all learned sites; invalid. = compiled "
            + "methods made not entrant by a dependency change (JIT log, 'marked for deoptimization'); JIT = compilations and compiler "
            + "time; CPU = the whole process's CPU (RX workers, learner, JIT, GC) per packet, next to the worker's ns/packet; µs/patch: "
            + "fork = excess chunk time after patches in the fork, diff = against the arm's learn-once twin (upper bound); - = not defined";

    private PatchCosts() {
    }

    /**
     * One arm's accounting, means per fork over its forks that recorded each figure (-1 or NaN: none did).
     *
     * @param forks          forks of the arm
     * @param nsPerPacket    mean of the fork means, ns per packet per worker
     * @param packets        packets measured per fork, all workers
     * @param updates        updates per fork, measurement
     * @param patches        patches per fork, measurement
     * @param patchesTotal   patches per fork, warmup included
     * @param invalidations  compiled methods invalidated by a dependency change per fork
     * @param compilations   JIT compilations per fork
     * @param jitMillis      JIT compiler time per fork, ms
     * @param cpuNsPerPacket process CPU per packet, ns
     * @param forkUsPerPatch the in-fork estimate, µs, NaN when no fork defined it
     * @param diffUsPerPatch the differential estimate, µs, NaN without a twin or patches
     * @param twin           the learn-once twin's name, or null
     */
    public record ArmCost(String arm, int forks, double nsPerPacket, double packets, double updates, double patches, double patchesTotal,
            double invalidations, double compilations, double jitMillis, double cpuNsPerPacket, double forkUsPerPatch, double diffUsPerPatch,
            String twin) {
    }

    /** Every arm's costs, in the run's arm order. */
    public static Map<String, ArmCost> perArm(RunResults r) {
        Map<String, ArmCost> out = new LinkedHashMap<>();
        for (RunResults.Arm arm : r.settings().arms()) {
            out.put(arm.name(), own(r, arm));
        }
        for (RunResults.Arm arm : r.settings().arms()) {
            RunResults.Arm twin = learnOnceTwin(r.settings().arms(), arm);
            ArmCost a = out.get(arm.name());
            if (twin == null) {
                continue;
            }
            ArmCost t = out.get(twin.name());
            double workers = Math.max(1, r.settings().workers());
            double diff = Double.NaN;
            if (a.patches() > 0 && a.packets() > 0 && a.forks() > 0 && t.forks() > 0) {
                diff = (a.nsPerPacket() - t.nsPerPacket()) * (a.packets() / workers) / a.patches() / 1e3;
            }
            out.put(arm.name(), new ArmCost(a.arm(), a.forks(), a.nsPerPacket(), a.packets(), a.updates(), a.patches(), a.patchesTotal(),
                    a.invalidations(), a.compilations(), a.jitMillis(), a.cpuNsPerPacket(), a.forkUsPerPatch(), diff, twin.name()));
        }
        return out;
    }

    private static ArmCost own(RunResults r, RunResults.Arm arm) {
        List<RunResults.ForkResult> fs = r.forks().stream().filter(f -> f.arm().equals(arm.name())).toList();
        List<RunResults.Accounting> as = fs.stream().map(RunResults.ForkResult::accounting).toList();
        double ns = fs.isEmpty() ? Double.NaN : fs.stream().mapToDouble(RunResults.ForkResult::meanNsPerPacket).average().orElse(Double.NaN);
        List<Double> us = new ArrayList<>();
        for (RunResults.Accounting a : as) {
            if (a.usPerPatch() != null && Double.isFinite(a.usPerPatch())) {
                us.add(a.usPerPatch());
            }
        }
        return new ArmCost(arm.name(), fs.size(), ns, mean(as, a -> a.packets()), mean(as, a -> a.updates()), mean(as, a -> a.patches()),
                mean(as, a -> a.patchesTotal()), mean(as, a -> a.invalidations()), mean(as, a -> a.compilations()), mean(as, a -> a.jitMillis()),
                mean(as, a -> a.cpuNsPerPacket()), us.isEmpty() ? Double.NaN : us.stream().mapToDouble(Double::doubleValue).average().orElseThrow(),
                Double.NaN, null);
    }

    /** The mean of a figure over the forks that recorded it (>= 0), NaN if none did. */
    private static double mean(List<RunResults.Accounting> as, java.util.function.ToDoubleFunction<RunResults.Accounting> f) {
        return as.stream().mapToDouble(f).filter(v -> v >= 0 && Double.isFinite(v)).average().orElse(Double.NaN);
    }

    /**
     * The arm's learn-once twin in {@code arms}: same mode (a learned one), placement, statistics,
     * thresholds, sites and JVM flags, and the policy with ",learn-once" added; null if the arm
     * learns once itself, is not learned, or has no twin.
     */
    public static RunResults.Arm learnOnceTwin(List<RunResults.Arm> arms, RunResults.Arm arm) {
        Learning l = learning(arm);
        if (l == null || l.policy().learnOnce()) {
            return null;
        }
        for (RunResults.Arm t : arms) {
            Learning tl = t == arm ? null : learning(t);
            if (tl != null && t.mode().equals(arm.mode()) && tl.policy().text().equals(l.policy().text() + ",learn-once")
                    && tl.placement() == l.placement() && tl.stats() == l.stats() && tl.thresholds().equals(l.thresholds())
                    && Objects.equals(t.sites(), arm.sites()) && t.jvm().equals(arm.jvm()) && Objects.equals(t.planted(), arm.planted())) {
                return t;
            }
        }
        return null;
    }

    /** An arm's learned settings, its mode's defaults filled in; null for a mode that does not learn (or an arm that does not read). */
    private static Learning learning(RunResults.Arm a) {
        try {
            return Mode.parse(a.mode()).learns() ? Learning.of(a.policy(), a.placement(), a.stats(), a.thresholds()) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The header of the accounting columns, matching {@link #columns}. */
    public static String header() {
        return String.format(Locale.ROOT, "%9s %8s %8s %8s %7s %8s %9s %9s", "CPU ns/p", "updates", "patches", "invalid.", "JIT n", "JIT ms",
                "µs/p fork", "µs/p diff");
    }

    /** An arm's accounting columns, matching {@link #header}. */
    public static String columns(ArmCost c) {
        return String.format(Locale.ROOT, "%9s %8s %8s %8s %7s %8s %9s %9s", fmt(c.cpuNsPerPacket(), 1), fmt(c.updates(), 0), fmt(c.patches(), 0),
                fmt(c.invalidations(), 0), fmt(c.compilations(), 0), fmt(c.jitMillis(), 0), fmt(c.forkUsPerPatch(), 0), fmt(c.diffUsPerPatch(), 0));
    }

    /** A figure with {@code decimals} decimals, "-" when not defined. */
    public static String fmt(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "-";
    }

    /** Lines naming each arm's learn-once twin, for the footnote. */
    public static List<String> twinLines(Map<String, ArmCost> costs) {
        List<String> out = new ArrayList<>();
        costs.values().stream().filter(c -> c.twin() != null)
                .forEach(c -> out.add("µs/p diff of " + c.arm() + " is against " + c.twin()));
        return out;
    }
}
