package io.icpbench.analysis;

import io.icpbench.results.RunResults;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * {@code report.md}: plain text that pastes into a mailing-list reply. It answers first: one
 * sentence per arm against the baseline from the primary analysis ({@link #headlines}), then the
 * numbers behind it, why that analysis is primary (measured in the run), the arms with their noise,
 * the patch accounting, Welch's test on fork means in the form of the original discussion
 * ({@code promoted vs virtual: +0.8% [-0.6%, +2.2%], Welch t-test p=0.27 (Holm 0.54), n=6 vs 6: inconclusive ...}),
 * the forks flagged as run under interference, and diagnostics. Every comparison shows both of its
 * facts ({@link #facts}): whether it is significant (its p, the 95% CI) and whether it is shown
 * within the equivalence margin (TOST's p, the 90% CI); the verdict word follows {@link Stats#decide}.
 *
 * <p>It prints a {@link RunAnalysis} ({@link #render(RunAnalysis)}, {@link #headlines(RunAnalysis)})
 * and computes no statistic itself; the entry points that take a {@code RunResults} analyse it first.
 */
public final class MarkdownReport {
    /** Where prose is wrapped; tables are not. */
    static final int WIDTH = 110;

    private MarkdownReport() {
    }

    /** Packets per second of each finished fork, by arm, in the settings' arm order (a {@link RunAnalysis.ForkSummary} holds an arm's). */
    public static Map<String, double[]> forkRates(RunResults r) {
        return RunAnalysis.forkRates(r);
    }

    /**
     * The secondary analysis: Welch's test on fork means, every arm (at least 2 forks) against the
     * baseline, Holm-corrected over the whole run's questions; the controls keep their own p. A
     * façade: {@link RunAnalysis#welch} holds the same.
     */
    public static List<Stats.Comparison> welchVsBaseline(RunResults r, double margin) {
        return RunAnalysis.welchVsBaseline(r, margin);
    }

    /**
     * The answer: one sentence per arm against the baseline from the primary analysis, e.g.
     * "dynamic-call is 38.1% slower than virtual: rate ratio 0.619 [0.601, 0.638] (paired over 6
     * blocks); significant (Holm p=3e-05, 95% CI), not shown within ±1% (TOST p=1.000, 90% CI); MDE
     * 2.9% at 80% power." The controls' sentences say whether the instrument saw what it should:
     * the A/A arm not significant, the planted arm's interval covering its truth.
     *
     * <p>A façade that analyses the run again (power planned for {@code margin}); the sentences do
     * not depend on the planned effect, so {@link #headlines(RunAnalysis)} of the report's analysis says the same.
     *
     * @param margin equivalence margin, a relative change (0.01: ±1%)
     */
    public static List<String> headlines(RunResults r, double margin) {
        return headlines(RunAnalysis.of(r, margin, margin));
    }

    /** The answer of an analysed run: one sentence per arm, then one per question and phase (see {@link #headlines(RunResults, double)}). */
    public static List<String> headlines(RunAnalysis a) {
        List<String> out = new ArrayList<>(a.primary().stream().map(MarkdownReport::headline).toList());
        for (Stats.PhaseComparison pc : a.phases()) {
            for (Stats.LogRatio x : pc.ratios()) {
                if (!x.role().control()) {
                    out.add(phaseLine(pc, x));
                }
            }
        }
        return out;
    }

    /**
     * One arm against the baseline within one phase, e.g. "phase 2 (ipv6): dynamic-call vs virtual:
     * rate ratio 1.052 [1.031, 1.074], faster (paired over 6 blocks); significant (Holm p=3e-04,
     * 95% CI), not shown within ±1% (TOST p=0.998, 90% CI); MDE 2.1% at 80% power." Holm's p is the
     * run's one family's ({@link Stats.Family}).
     */
    static String phaseLine(Stats.PhaseComparison pc, Stats.LogRatio x) {
        return String.format(Locale.ROOT, "phase %d (%s): %s vs %s: rate ratio %s [%s, %s], %s (%s); %s; MDE %.1f%% at 80%% power.", pc.number(),
                pc.phase().name(), x.arm(), x.reference(), ratio(x.ratio()), ratio(x.ratioLow()), ratio(x.ratioHigh()), x.verdict().word(),
                method(x), facts(x), 100 * x.mde());
    }

    /** "phases: 1 ipv4 = measured iterations 0-49 (the warmup replays it), 2 ipv6 = 50-99". */
    public static String phasesLine(RunResults.Settings s) {
        StringBuilder b = new StringBuilder("phases (the traffic's mix changed during the run): ");
        List<RunResults.Phase> phases = s.phases();
        for (int k = 0; k < phases.size(); k++) {
            RunResults.Phase p = phases.get(k);
            b.append(k == 0 ? "" : ", ").append(k + 1).append(' ').append(p.name()).append(" = ").append(k == 0 ? "measured iterations " : "")
                    .append(p.first()).append('-').append(p.last()).append(k == 0 ? " (the warmup replays it)" : "");
        }
        return b.toString();
    }

    /** The per-phase analysis: each phase's iterations alone, every arm against the baseline, as the whole run is analysed. */
    static void appendPhases(StringBuilder b, RunAnalysis a) {
        List<Stats.PhaseComparison> phases = a.phases();
        if (phases.isEmpty()) {
            return;
        }
        b.append(String.format(Locale.ROOT, "per phase, each arm against %s (the same paired analysis on the forks' means over each phase's "
                + "iterations only):%n", a.run().settings().baseline()));
        for (Stats.PhaseComparison pc : phases) {
            b.append(String.format(Locale.ROOT, "  phase %d %s, measured iterations %d-%d%s:%n", pc.number(), pc.phase().name(), pc.phase().first(),
                    pc.phase().last(), pc.number() == 1 ? " (its traffic also warmed the forks up: C2 compiled on it)" : ""));
            if (pc.ratios().isEmpty()) {
                b.append("    no arm has enough forks with iterations in this phase to compare\n");
            }
            for (Stats.LogRatio x : pc.ratios()) {
                b.append(wrap(phaseLine(pc, x), "    ", "      "));
            }
        }
        b.append(wrap("(The phases' questions are in the run's one Holm family with the whole run's (" + a.family().describe()
                + "), and MDE is planned at α over its size; the controls are uncorrected, as above. The phases' analyses are not "
                + "independent tests of one question: a difference between them is read from their intervals, not tested here.)", ""));
    }

    static String headline(Stats.LogRatio x) {
        String ci = String.format(Locale.ROOT, "rate ratio %s [%s, %s] (%s); %s", ratio(x.ratio()), ratio(x.ratioLow()), ratio(x.ratioHigh()),
                method(x), facts(x));
        String head = switch (x.verdict()) {
            case FASTER -> String.format(Locale.ROOT, "%s is %.1f%% faster than %s: ", x.arm(), 100 * x.change(), x.reference());
            case SLOWER -> String.format(Locale.ROOT, "%s is %.1f%% slower than %s: ", x.arm(), -100 * x.change(), x.reference());
            case EQUIVALENT -> String.format(Locale.ROOT, "%s is equivalent to %s within ±%s: ", x.arm(), x.reference(), percent(x.margin()));
            case INCONCLUSIVE -> String.format(Locale.ROOT, "%s vs %s is inconclusive: ", x.arm(), x.reference());
        };
        StringBuilder b = new StringBuilder(head).append(ci)
                .append(String.format(Locale.ROOT, "; MDE %.1f%% at 80%% power.", 100 * x.mde()));
        switch (x.role().role()) {
            case AA -> b.append(x.significant() ? String.format(Locale.ROOT, " A/A control: significant, p=%s: a false alarm (expected in 5%% of "
                    + "runs).", pValue(x.p())) : String.format(Locale.ROOT, " A/A control: not significant, p=%s, as it should be.", pValue(x.p())));
            case PLANTED -> {
                if (Double.isNaN(x.role().trueRatio())) {
                    b.append(" Planted control on another arm than the baseline: no known truth against ").append(x.reference()).append('.');
                } else {
                    b.append(String.format(Locale.ROOT, " Planted control (true ratio %s): its 95%% CI %s the truth%s.", ratio(x.role().trueRatio()),
                            x.coversTruth() ? "covers" : "misses", x.verdict() == Stats.Verdict.SLOWER ? ", and it is called slower"
                                    : ", but it is not called slower"));
                }
            }
            case QUESTION -> {
            }
        }
        return b.toString();
    }

    /** "paired over 6 blocks", or what the fallback was. */
    static String method(Stats.LogRatio x) {
        return switch (x.method()) {
            case PAIRED -> "paired over " + x.n() + " blocks";
            case WELCH_LOG -> "Welch on log rates, " + x.n() + " vs " + x.nReference() + " forks: fewer than 2 blocks held both";
            case BETWEEN_RUNS -> x.n() + " and " + x.nReference() + " blocks";
        };
    }

    /** "Holm p=3e-05" for a question, "p=0.02 uncorrected" for a control. */
    static String pLabel(Stats.LogRatio x) {
        return x.role().control() ? "p=" + pValue(x.p()) + " uncorrected" : "Holm p=" + pValue(x.pAdjusted());
    }

    /**
     * Both facts of a comparison, each with its p and its interval: "significant (Holm p=3e-05, 95%
     * CI), not shown within ±1% (TOST p=0.998, 90% CI)", "not significant (p=0.43 uncorrected, 95%
     * CI), within ±1% (TOST p=0.012, 90% CI)".
     */
    static String facts(Stats.LogRatio x) {
        return String.format(Locale.ROOT, "%s (%s, 95%% CI), %s", x.significant() ? "significant" : "not significant", pLabel(x),
                equivalence(x.equivalent(), x.margin(), x.tostP()));
    }

    /** "within ±1% (TOST p=0.012, 90% CI)" or "not shown within ±1% (TOST p=0.4, 90% CI)". */
    static String equivalence(boolean equivalent, double margin, double tostP) {
        return String.format(Locale.ROOT, "%swithin ±%s (TOST p=%s, 90%% CI)", equivalent ? "" : "not shown ", percent(margin), pValue(tostP));
    }

    /** report.md of {@code r}: a façade for {@link #render(RunAnalysis)} of {@link RunAnalysis#of}. */
    public static String render(RunResults r, double margin, double planEffect) {
        return render(RunAnalysis.of(r, margin, planEffect));
    }

    /** report.md of an analysed run. */
    public static String render(RunAnalysis a) {
        RunResults r = a.run();
        RunResults.Settings s = r.settings();
        RunResults.Provenance p = r.provenance();
        String base = s.baseline();
        StringBuilder b = new StringBuilder();
        b.append(wrap(String.format(Locale.ROOT, "icpbench report — run %s, %sJDK %s, %d cores (%s), %s, commit %s", p.started(),
                p.host() == null ? "" : (p.host().contains(",") ? "hosts " : "host ") + p.host() + ", ", p.jdk(), p.cores(), p.cpuModel(),
                p.kernel(), p.gitCommit()), "        "));
        b.append(wrap("design: " + design(r), "        "));
        b.append(wrap(String.format(Locale.ROOT, "profile %s, work %s ns/handler, %d RX worker(s), sites converted: %s; %d of %d forks finished",
                s.profile(), s.workNs(), s.workers(), s.sites(), r.forks().size(), r.plan().size()), "        "));
        if (!s.phases().isEmpty()) {
            b.append(wrap(phasesLine(s), "        "));
        }
        for (RunAnalysis.ArmAnalysis arm : a.arms()) {
            Stats.ArmRole role = arm.baseline() ? null : arm.role();
            String what = role == null ? "" : switch (role.role()) {
                case AA -> "  (A/A control: the baseline again, true ratio 1)";
                case PLANTED -> Double.isNaN(role.trueRatio()) ? "  (planted control)"
                        : String.format(Locale.ROOT, "  (planted control: true ratio %s)", ratio(role.trueRatio()));
                case QUESTION -> "";
            };
            if (!arm.spec().equals(arm.name()) || !what.isEmpty()) {
                b.append(String.format(Locale.ROOT, "arm %s = %s%s%n", arm.name(), arm.spec(), what));
            }
        }
        Diagnostics.Findings d = a.diagnostics();
        if (d.weakRun() != null) {
            b.append(wrap("WARNING: " + d.weakRun() + ".", "  "));
        } else {
            b.append(wrap(noiseLine(d.noise()), "        "));
        }
        b.append('\n');

        List<Stats.LogRatio> primary = a.primary();
        b.append(String.format(Locale.ROOT, "answer, each arm against %s (primary analysis: paired by block on log rates, 95%% CIs):%n", base));
        if (primary.isEmpty()) {
            b.append("  no arm has enough forks to compare (2 blocks holding it and the baseline, or 2 forks of each)\n");
        }
        for (Stats.LogRatio x : primary) {
            b.append(wrap(headline(x), "  ", "    "));
        }
        b.append('\n');
        appendPrimaryTable(b, a);
        b.append('\n');
        if (!s.phases().isEmpty()) {
            appendPhases(b, a);
            b.append('\n');
        }
        appendArms(b, a);
        b.append('\n');
        appendPatchCosts(b, a.costs());
        b.append('\n');
        b.append(String.format(Locale.ROOT, "secondary analysis: Welch's t-test on fork means (packets/s), each arm against %s:%n", base));
        for (RunAnalysis.ArmAnalysis arm : a.arms()) {
            if (arm.welch() != null) {
                b.append(line(arm, a.planEffect())).append('\n');
            }
        }
        b.append(wrap(String.format(Locale.ROOT, "(Welch's test ignores the blocks, so the drift the arms share stays in its variance: "
                + "faster or slower when significant (two-sided, α = 0.05, Holm-corrected over the whole run's questions, the controls "
                + "uncorrected: the 95%% CI), else equivalent by TOST within ±%s of the baseline's mean (the 90%% CI inside it); MDE at 80%% "
                + "power at α = 0.05 (non-central t); intervals of the change by Fieller's method.)", percent(a.margin())), ""));
        if (!d.flaggedForks().isEmpty()) {
            b.append("\nforks run under interference:\n");
            d.flaggedForks().forEach(l -> b.append("  ").append(l).append('\n'));
        }
        List<String> diag = d.lines();
        if (!diag.isEmpty()) {
            b.append("\ndiagnostics:\n");
            diag.forEach(l -> b.append("  ").append(l).append('\n'));
        }
        a.jit().appendMarkdown(b);
        return b.toString();
    }

    /** The design in words: arms, forks per arm, blocks, order, iterations. */
    static String design(RunResults r) {
        RunResults.Settings s = r.settings();
        Map<String, Long> planned = new LinkedHashMap<>();
        s.armNames().forEach(a -> planned.put(a, r.plan().stream().filter(f -> f.arm().equals(a)).count()));
        long blocks = r.plan().stream().mapToInt(RunResults.PlannedFork::block).distinct().count();
        long baseForks = planned.getOrDefault(s.baseline(), 0L);
        boolean same = planned.entrySet().stream().filter(e -> !e.getKey().equals(s.baseline())).mapToLong(Map.Entry::getValue).distinct().count() <= 1;
        String forks = same ? String.format(Locale.ROOT, "%d forks each", planned.entrySet().stream().filter(e -> !e.getKey().equals(s.baseline()))
                .mapToLong(Map.Entry::getValue).findFirst().orElse(baseForks)) : "forks per arm as planned";
        String how = switch (s.design()) {
            case RunResults.Settings.SEQUENTIAL -> "sequential: one fork at a time";
            case RunResults.Settings.DUET -> "duet: a block's forks alive together, taking turns two at a time (one per core), one "
                    + "measurement iteration each, in a random order per round";
            default -> "interleaved: a block's forks alive together, taking turns one measurement iteration each in a random order per round";
        };
        return String.format(Locale.ROOT, "%d arms, baseline %s (%d forks), the others %s, in %d randomized complete blocks (seed %d), %s; "
                + "%d x %s s warmup, %d x %s s measurement; %s", s.arms().size(), s.baseline(), baseForks, forks, blocks, s.seed(), how,
                s.warmupIterations(), seconds(s.iterationSeconds()), s.iterations(), seconds(s.iterationSeconds()), levers(s));
    }

    /** "levers in force in every fork, every arm alike: pin, fixed-heap", or that there were none. */
    static String levers(RunResults.Settings s) {
        return s.levers().isEmpty() ? "no levers (every fork as the JVM starts it)"
                : "levers in force in every fork, every arm alike: " + String.join(", ", s.levers());
    }

    /** "noise: 3 of 39 forks flagged as run under interference; steal 0.4%, others 2.1% on average", or that none was recorded (null). */
    static String noiseLine(Diagnostics.RunNoise n) {
        if (n == null) {
            return "noise: not recorded (forks of an icpbench before results schema 3)";
        }
        return String.format(Locale.ROOT, "noise: %d of %d forks flagged as run under interference; on average steal %.1f%%, other processes "
                + "%.1f%% of all CPUs, load %.1f", n.flagged(), n.recorded(), n.stealPercent(), n.othersPercent(), n.loadAverage());
    }

    /** The primary analysis' table, and in words why it is primary, with the SDs that say so measured in this run. */
    static void appendPrimaryTable(StringBuilder b, RunAnalysis a) {
        List<Stats.LogRatio> primary = a.primary();
        if (primary.isEmpty()) {
            return;
        }
        double planEffect = a.planEffect();
        String needed = String.format(Locale.ROOT, "n for %s", percent(planEffect));
        b.append(String.format(Locale.ROOT, "%-18s %-7s %8s %-25s %9s %8s %8s %-12s %6s %6s %10s %8s %8s%n", "arm", "role", "n", "rate ratio [95% CI]",
                "p", "Holm p", "TOST p", "verdict", "MDE", "power", needed, "SD unp.", "SD pair"));
        for (Stats.LogRatio x : primary) {
            RunAnalysis.Spread sd = a.arm(x.arm()).spread();
            String n = x.method() == Stats.Method.PAIRED ? x.n() + " bl." : x.n() + "/" + x.nReference() + " f.";
            String ci = String.format(Locale.ROOT, "%s [%s, %s]", ratio(x.ratio()), ratio(x.ratioLow()), ratio(x.ratioHigh()));
            b.append(String.format(Locale.ROOT, "%-18s %-7s %8s %-25s %9s %8s %8s %-12s %5.1f%% %5.0f%% %10s %8s %8s%n", x.arm(), x.role().role().word(),
                    n, ci, pValue(x.p()), x.role().control() ? "-" : pValue(x.pAdjusted()), pValue(x.tostP()), x.verdict().word(), 100 * x.mde(),
                    100 * x.power(), x.needed() >= Stats.MAX_UNITS ? ">10,000" : Integer.toString(x.needed()), PatchCosts.fmt(sd.unpaired(), 4),
                    PatchCosts.fmt(sd.paired(), 4)));
        }
        int m = a.family().size();
        StringBuilder why = new StringBuilder("(Why paired is primary: the machine drifts during a run and every arm in a block sees the same "
                + "machine, so the arms drift together; a block's log ratio removes what its forks share.");
        if (a.pairing() != null) {
            double u = a.pairing().unpaired();
            double d = a.pairing().paired();
            why.append(String.format(Locale.ROOT, " Measured here (median over the arms): the SD of the log-rate difference of two unpaired "
                    + "forks is %.4f (SD unp.: √(var A + var B) of the forks' ln rates), that of the paired block differences %.4f (SD pair): %s",
                    u, d, d <= u ? String.format(Locale.ROOT, "pairing cut the SD by %.0f%%.", 100 * (1 - d / u))
                            : String.format(Locale.ROOT, "in this run pairing did not help (it raised the SD by %.0f%%): its blocks shared little "
                                    + "of their forks' variation, and the paired test pays for its fewer degrees of freedom.", 100 * (d / u - 1))));
        }
        why.append(String.format(Locale.ROOT, " %s. MDE (the smallest change in rate the design detects at 80%% power), power against a %s "
                + "change and the units needed for it (n: blocks paired, or forks per arm for Welch) are planned at α/%d = %.4f, Holm's "
                + "first step (Bonferroni), for the two-sided t test (non-central t). The controls (A/A, planted) are tested and planned at "
                + "α = 0.05 uncorrected: they measure the error rate of one comparison. Verdict: faster or slower when significant (Holm "
                + "p < 0.05, two-sided: the 95%% CI), else equivalent when TOST p < 0.05 (the 90%% CI inside ±%s on the log scale), else "
                + "inconclusive; each sentence above gives both facts. Intervals are per comparison.)", a.family().describe(),
                percent(planEffect), Math.max(1, m), Stats.ALPHA / Math.max(1, m), percent(primary.get(0).margin())));
        b.append(wrap(why.toString(), ""));
    }

    /** Per arm: forks, rate, spread, and its noise records beside them. */
    static void appendArms(StringBuilder b, RunAnalysis a) {
        b.append(String.format(Locale.ROOT, "%-18s %4s %8s %7s %20s %9s %9s %8s %7s %7s%n", "arm", "n", "Mpps", "CV", "95% CI", "within SD",
                "ns/packet", "flagged", "steal", "others"));
        for (RunAnalysis.ArmAnalysis arm : a.arms()) {
            RunAnalysis.ForkSummary f = arm.forks();
            if (f.n() == 0) {
                b.append(String.format(Locale.ROOT, "%-18s %4d%n", arm.name(), 0));
                continue;
            }
            Stats.Summary sum = f.stats();
            Diagnostics.ArmNoise n = arm.noise();
            b.append(String.format(Locale.ROOT, "%-18s %4d %8.3f %6.1f%% %20s %6.1f ns %9.1f %8s %7s %7s%n", arm.name(), sum.n(), f.mpps(),
                    100 * sum.cv(), f.n() > 1 ? String.format(Locale.ROOT, "[%.3f, %.3f]", sum.ciLow() / 1e6, sum.ciHigh() / 1e6) : "-",
                    f.withinSd(), f.nsPerPacket(), n.recorded() == 0 ? "-" : n.flagged() + "/" + n.recorded(),
                    n.recorded() == 0 ? "-" : PatchCosts.fmt(n.stealPercent(), 1) + "%", n.recorded() == 0 ? "-" : PatchCosts.fmt(n.othersPercent(), 1) + "%"));
        }
        b.append(wrap("(n = forks; Mpps: the mean of the forks' rates, each its packets over its measured time; CV between forks; within SD: the SD of a fork's iterations (ns/packet), "
                + "averaged over its forks; flagged: forks run under interference of those with a noise record; steal, others: mean "
                + "share of all CPUs' time stolen by the hypervisor and used by other processes while the forks measured)", ""));
    }

    /** The patch accounting table: one row per arm, its footnotes and the kernel's price of a patch. */
    static void appendPatchCosts(StringBuilder b, Map<String, PatchCosts.ArmCost> costs) {
        b.append(String.format(Locale.ROOT, "patch accounting (per fork, over the measurement)%n"));
        b.append(String.format(Locale.ROOT, "%-18s %9s %s%n", "arm", "ns/packet", PatchCosts.header()));
        for (PatchCosts.ArmCost c : costs.values()) {
            if (c.forks() > 0) {
                b.append(String.format(Locale.ROOT, "%-18s %9.1f %s%n", c.arm(), c.nsPerPacket(), PatchCosts.columns(c)));
            }
        }
        b.append(wrap("(" + PatchCosts.COLUMNS_NOTE + ")", ""));
        PatchCosts.twinLines(costs).forEach(l -> b.append('(').append(l).append(")\n"));
        b.append(wrap("(" + PatchCosts.KERNEL_NOTE + ")", ""));
    }

    /** One arm's Welch comparison as the original discussion wrote it; a control's p is its own, not Holm's. */
    public static String line(RunAnalysis.ArmAnalysis arm, double planEffect) {
        Stats.Comparison c = Objects.requireNonNull(arm.welch(), () -> arm.name() + ": no Welch comparison (fewer than 2 forks of it or the baseline)");
        boolean control = arm.role().control();
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%s vs %s: %+.1f%% [%+.1f%%, %+.1f%%], Welch t-test p=%s (%s), n=%d vs %d: %s",
                c.a(), c.b(), 100 * c.ratio(), 100 * c.ratioLow(), 100 * c.ratioHigh(), pValue(c.p()),
                control ? "control, uncorrected" : "Holm " + pValue(c.pHolm()), c.nA(), c.nB(), c.verdict().word()));
        switch (c.verdict()) {
            case EQUIVALENT -> b.append(' ').append(equivalence(true, c.margin(), c.tostP()));
            case INCONCLUSIVE -> b.append(String.format(Locale.ROOT, ": MDE %.1f%% at 80%% power; about %s forks per arm needed for %.1f%%",
                    100 * c.mde(), arm.welchForksNeeded() >= Stats.MAX_UNITS ? "more than 10,000" : Integer.toString(arm.welchForksNeeded()),
                    100 * planEffect));
            default -> {
                b.append(String.format(Locale.ROOT, " (Hedges' g %.2f, Mann-Whitney p=%s)", c.hedgesG(), pValue(c.mannWhitneyP())));
                if (c.equivalent()) {
                    // significant, and smaller than the margin: both are said
                    b.append(", ").append(equivalence(true, c.margin(), c.tostP()));
                }
            }
        }
        return b.toString();
    }

    public static String pValue(double p) {
        return p < 0.001 ? String.format(Locale.ROOT, "%.0e", p) : String.format(Locale.ROOT, "%.3f", p);
    }

    /** Seconds without trailing zeros: 1 → "1", 0.1 → "0.1", 0.25 → "0.25". */
    static String seconds(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    /** A rate ratio with 3 decimals (0.1% steps). */
    static String ratio(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    /** A relative change as a percentage without trailing zeros: 0.01 → "1%", 0.015 → "1.5%". */
    public static String percent(double v) {
        return java.math.BigDecimal.valueOf(100 * v).setScale(2, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString() + "%";
    }

    /** {@link #wrap(String, String, String)} with no indent on the first line. */
    static String wrap(String text, String indent) {
        return wrap(text, "", indent);
    }

    /**
     * Wraps prose at {@link #WIDTH} columns at blanks, the first line indented by {@code first},
     * the others by {@code rest}; each line ends in a newline. A word longer than the width stays whole.
     */
    static String wrap(String text, String first, String rest) {
        StringBuilder out = new StringBuilder();
        StringBuilder line = new StringBuilder(first);
        boolean empty = true;
        for (String word : text.split(" ")) {
            if (!empty && line.length() + 1 + word.length() > WIDTH) {
                out.append(line).append('\n');
                line.setLength(0);
                line.append(rest);
                empty = true;
            }
            if (!empty) {
                line.append(' ');
            }
            line.append(word);
            empty = false;
        }
        return out.append(line).append('\n').toString();
    }
}
