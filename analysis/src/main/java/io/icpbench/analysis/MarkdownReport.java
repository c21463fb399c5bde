package io.icpbench.analysis;

import io.icpbench.results.RunResults;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code report.md}: plain text that pastes into a mailing-list reply. The setup, a table per
 * arm, the patch accounting, and per pair of modes one line in the form of the original discussion:
 * {@code promoted vs virtual: +0.8% [-0.6%, +2.2%], Welch t-test p=0.27 (Holm 0.54), n=6 vs 6: inconclusive ...}.
 */
public final class MarkdownReport {
    private MarkdownReport() {
    }

    /** Packets per second of each finished fork, by arm, in the settings' arm order. */
    public static Map<String, double[]> forkRates(RunResults r) {
        Map<String, double[]> rates = new LinkedHashMap<>();
        for (String arm : r.settings().armNames()) {
            rates.put(arm, r.forks().stream().filter(f -> f.arm().equals(arm)).mapToDouble(f -> 1e9 / f.meanNsPerPacket()).toArray());
        }
        return rates;
    }

    /** Every pair (a, b) with a after b in arm order, Holm-corrected together. */
    public static List<Stats.Comparison> comparisons(RunResults r, double margin) {
        Map<String, double[]> rates = forkRates(r);
        List<String> modes = new ArrayList<>(rates.keySet());
        List<Stats.Comparison> cs = new ArrayList<>();
        for (int j = 0; j < modes.size(); j++) {
            for (int i = j + 1; i < modes.size(); i++) {
                double[] xa = rates.get(modes.get(i));
                double[] xb = rates.get(modes.get(j));
                if (xa.length >= 2 && xb.length >= 2) {
                    cs.add(Stats.compare(modes.get(i), xa, modes.get(j), xb, margin));
                }
            }
        }
        return List.of(Stats.holm(cs.toArray(new Stats.Comparison[0])));
    }

    public static String render(RunResults r, double margin, double planEffect) {
        RunResults.Settings s = r.settings();
        RunResults.Provenance p = r.provenance();
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "icpbench report — run %s, JDK %s, %d cores (%s), %s, commit %s%n", p.started(), p.jdk(),
                p.cores(), p.cpuModel(), p.kernel(), p.gitCommit()));
        b.append(String.format(Locale.ROOT, "design: %d arms x %d forks, blocked random order (seed %d), %d x %.1f s warmup, %d x %.1f s "
                + "measurement%n", s.arms().size(), s.forksPerArm(), s.seed(), s.warmupIterations(), s.iterationSeconds(), s.iterations(),
                s.iterationSeconds()));
        b.append(String.format(Locale.ROOT, "profile %s, work %s ns/handler, %d RX worker(s), sites converted: %s; %d of %d forks finished%n",
                s.profile(), s.workNs(), s.workers(), s.sites(), r.forks().size(), r.plan().size()));
        for (RunResults.Arm a : s.arms()) {
            if (!a.spec().equals(a.name())) {
                b.append(String.format(Locale.ROOT, "arm %s = %s%n", a.name(), a.spec()));
            }
        }
        b.append('\n');
        b.append(String.format(Locale.ROOT, "%-18s %4s %8s %7s %20s %9s %9s%n", "arm", "n", "Mpps", "CV", "95% CI", "within SD", "ns/packet"));
        Map<String, double[]> rates = forkRates(r);
        for (Map.Entry<String, double[]> e : rates.entrySet()) {
            double[] x = e.getValue();
            if (x.length == 0) {
                b.append(String.format(Locale.ROOT, "%-18s %4d%n", e.getKey(), 0));
                continue;
            }
            Stats.Summary sum = Stats.summarize(e.getKey(), x);
            double ns = r.forks().stream().filter(f -> f.arm().equals(e.getKey())).mapToDouble(RunResults.ForkResult::meanNsPerPacket)
                    .average().orElse(Double.NaN);
            b.append(String.format(Locale.ROOT, "%-18s %4d %8.3f %6.1f%% %20s %6.1f ns %9.1f%n", e.getKey(), sum.n(), sum.mean() / 1e6,
                    100 * sum.cv(), x.length > 1 ? String.format(Locale.ROOT, "[%.3f, %.3f]", sum.ciLow() / 1e6, sum.ciHigh() / 1e6) : "-",
                    Diagnostics.withinForkSd(r, e.getKey()), ns));
        }
        b.append('\n');
        appendPatchCosts(b, r);
        b.append('\n');
        for (Stats.Comparison c : comparisons(r, margin)) {
            b.append(line(c, rates.get(c.a()), rates.get(c.b()), planEffect)).append('\n');
        }
        b.append(String.format(Locale.ROOT, "%nWelch t-test on fork means (packets/s), two-sided, α = 0.05, Holm-corrected over the %d pairs; "
                + "equivalence by TOST within ±%.1f%%; MDE at 80%% power. Within SD: the SD of a fork's iterations (ns/packet), "
                + "averaged over its forks.%n", comparisons(r, margin).size(), 100 * margin));
        b.append(String.format(Locale.ROOT, "%npower (80%%, α = 0.05):%n"));
        for (Stats.Comparison c : comparisons(r, margin)) {
            b.append(String.format(Locale.ROOT, "  %s vs %s: MDE %.2f%%, power against a %.1f%% change %.0f%%, %s forks per arm for %.1f%%%n", c.a(),
                    c.b(), 100 * c.mde(), 100 * c.margin(), 100 * c.powerAtMargin(), forks(rates.get(c.a()), rates.get(c.b()), planEffect),
                    100 * planEffect));
        }
        List<String> diag = new ArrayList<>();
        diag.addAll(Diagnostics.outliers(r));
        diag.addAll(Diagnostics.notSteady(r));
        diag.addAll(Diagnostics.drift(r));
        if (!diag.isEmpty()) {
            b.append("\ndiagnostics:\n");
            diag.forEach(d -> b.append("  ").append(d).append('\n'));
        }
        return b.toString();
    }

    /** The patch accounting table: one row per arm, its footnotes and the kernel's price of a patch. */
    static void appendPatchCosts(StringBuilder b, RunResults r) {
        Map<String, PatchCosts.ArmCost> costs = PatchCosts.perArm(r);
        b.append(String.format(Locale.ROOT, "patch accounting (per fork, over the measurement)%n"));
        b.append(String.format(Locale.ROOT, "%-18s %9s %s%n", "arm", "ns/packet", PatchCosts.header()));
        for (PatchCosts.ArmCost c : costs.values()) {
            if (c.forks() > 0) {
                b.append(String.format(Locale.ROOT, "%-18s %9.1f %s%n", c.arm(), c.nsPerPacket(), PatchCosts.columns(c)));
            }
        }
        b.append(String.format(Locale.ROOT, "(%s)%n", PatchCosts.COLUMNS_NOTE));
        PatchCosts.twinLines(costs).forEach(l -> b.append('(').append(l).append(")\n"));
        b.append(String.format(Locale.ROOT, "(%s)%n", PatchCosts.KERNEL_NOTE));
    }

    /** One comparison as the original discussion wrote it. */
    public static String line(Stats.Comparison c, double[] xa, double[] xb, double planEffect) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%s vs %s: %+.1f%% [%+.1f%%, %+.1f%%], Welch t-test p=%s (Holm %s), n=%d vs %d: %s",
                c.a(), c.b(), 100 * c.ratio(), 100 * c.ratioLow(), 100 * c.ratioHigh(), pValue(c.p()), pValue(c.pHolm()), c.nA(), c.nB(),
                c.verdict().word()));
        switch (c.verdict()) {
            case EQUIVALENT -> b.append(String.format(Locale.ROOT, " within %.1f%% (TOST p=%s)", 100 * c.margin(), pValue(c.tostP())));
            case INCONCLUSIVE -> b.append(String.format(Locale.ROOT, ": MDE %.1f%% at 80%% power; about %s forks per arm needed for %.1f%%",
                    100 * c.mde(), forks(xa, xb, planEffect), 100 * planEffect));
            default -> b.append(String.format(Locale.ROOT, " (Hedges' g %.2f, Mann-Whitney p=%s)", c.hedgesG(), pValue(c.mannWhitneyP())));
        }
        return b.toString();
    }

    private static String forks(double[] a, double[] b, double effect) {
        int n = Stats.forksNeeded(a, b, effect);
        return n >= 10_000 ? "more than 10,000" : Integer.toString(n);
    }

    static String pValue(double p) {
        return p < 0.001 ? String.format(Locale.ROOT, "%.0e", p) : String.format(Locale.ROOT, "%.3f", p);
    }
}
