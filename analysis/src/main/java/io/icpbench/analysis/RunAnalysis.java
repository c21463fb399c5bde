package io.icpbench.analysis;

import io.icpbench.results.RunResults;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The analysis of one run, computed once ({@link #of}): every number that report.md
 * ({@link MarkdownReport}), report.html ({@link HtmlReport}), a sweep's rows ({@link SweepReport})
 * and the run's summary ({@link SummaryTable}) print. The renderers read this value; none of them
 * computes a statistic itself.
 *
 * <p>IMPLEMENTATION NOTES. Before this value each renderer computed what it printed, so one number
 * could be computed twice in two ways (the summary's Mpps from packets/s in millions, report.md's
 * from packets/s), and a new statistic touched every renderer that showed it. Now a statistic is a
 * component here (of the run, or of {@link ArmAnalysis} for one arm), computed in {@link #of}, and
 * printed by whichever renderer wants it. {@link #of} must hold for any run the harness writes,
 * partial ones included (a sweep analyses a point while it runs): an arm with no fork or one fork
 * gets NaN or null where a figure is not defined, never an exception. The arrays held here (fork
 * rates) are not copied: read them, never write them.
 *
 * @param run         the run analysed
 * @param margin      the equivalence margin, a relative change (0.01: ±1%)
 * @param planEffect  the change power, MDE and the units needed are planned for, relative (0.01: 1%)
 * @param arms        every arm of the run, the baseline included, in the settings' order
 * @param phases      the primary analysis per phase of the traffic ({@link Stats#vsBaselineByPhase}); empty without phases
 * @param family      the one family Holm corrected the primary analysis over: the questions of the whole run and of each phase
 * @param pairing     what pairing by block bought: the medians, over the arms compared by pairs, of their {@link Spread}; null
 *                    when no arm was compared by pairs
 * @param diagnostics the run's checks: weak run, noise, flagged forks, outliers, forks not steady, drift
 * @param jit         every arm's forks grouped by JIT fingerprint, and what divides them ({@link JitFingerprints})
 */
public record RunAnalysis(RunResults run, double margin, double planEffect, List<ArmAnalysis> arms, List<Stats.PhaseComparison> phases,
        Stats.Family family, Spread pairing, Diagnostics.Findings diagnostics, JitFingerprints jit) {
    public RunAnalysis {
        Objects.requireNonNull(run, "run");
        arms = List.copyOf(arms);
        phases = List.copyOf(phases);
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(diagnostics, "diagnostics");
        Objects.requireNonNull(jit, "jit");
    }

    /** An analysis whose fingerprint groups are computed from {@code run}. */
    public RunAnalysis(RunResults run, double margin, double planEffect, List<ArmAnalysis> arms, List<Stats.PhaseComparison> phases,
            Stats.Family family, Spread pairing, Diagnostics.Findings diagnostics) {
        this(run, margin, planEffect, arms, phases, family, pairing, diagnostics, JitFingerprints.of(run));
    }

    /**
     * One arm of the run: its forks described, and each analysis against the baseline.
     *
     * @param name             the arm's name; spec its settings as the run records them
     * @param role             a question or a control with its true ratio ({@link Stats#role}); see also baseline
     * @param baseline         whether this arm is the run's baseline (then primary, spread, welch and pairedComponents are null)
     * @param forks            its forks' rates and their description
     * @param noise            what else the machine did while its forks measured
     * @param cost             its patch accounting ({@link PatchCosts})
     * @param primary          the primary analysis against the baseline (paired by block); null with too few forks
     * @param spread           the SDs that say what pairing bought for this arm; null without a primary estimate
     * @param welch            Welch's test on fork means against the baseline, Holm over the questions; null unless it and the
     *                         baseline have 2 forks each
     * @param welchForksNeeded the forks per arm Welch's test needs to detect planEffect at 80% power ({@link Stats#forksNeeded}),
     *                         at most {@link Stats#MAX_UNITS}; -1 without welch
     * @param components       where the variance of its fork means comes from ({@link Stats#varianceComponents})
     * @param pairedComponents the same for the differences paired with the baseline: round by round in the interleaved
     *                         designs ({@link RoundComponents}, what pairing removes not counted within forks), per fork
     *                         in the sequential one ({@link Stats#pairedVarianceComponents}); null
     *                         for the baseline
     */
    public record ArmAnalysis(String name, String spec, Stats.ArmRole role, boolean baseline, ForkSummary forks, Diagnostics.ArmNoise noise,
            PatchCosts.ArmCost cost, Stats.LogRatio primary, Spread spread, Stats.Comparison welch, int welchForksNeeded,
            Components components, Components pairedComponents) {
    }

    /**
     * An arm's finished forks described, on the scale the reports compare (packets per second).
     *
     * @param rates       packets per second of each fork ({@link RunResults.ForkResult#rate}), in the order they finished
     * @param stats       mean, SD, CV and 95% CI of the rates; null without forks
     * @param nsPerPacket the mean of the forks' mean ns/packet; NaN without forks
     * @param withinSd    the SD of a fork's iterations (ns/packet), averaged over its forks; NaN without a fork of 2 iterations
     */
    public record ForkSummary(double[] rates, Stats.Summary stats, double nsPerPacket, double withinSd) {
        /** Forks finished. */
        public int n() {
            return rates.length;
        }

        /** The mean of the forks' packets per second, in millions; NaN without forks. */
        public double mpps() {
            return stats == null ? Double.NaN : stats.mean() / 1e6;
        }

        /** The coefficient of variation between the forks' rates; NaN with fewer than 2 forks. */
        public double cv() {
            return stats == null ? Double.NaN : stats.cv();
        }
    }

    /**
     * The SD of an arm's log-rate difference to the baseline, two ways: of two unpaired forks
     * (√(var A + var B) of the forks' ln rates) and of the paired block differences (NaN unless the
     * arm was compared by pairs).
     */
    public record Spread(double unpaired, double paired) {
    }

    /** Variance components, or why they could not be estimated (too few forks, blocks or iterations). */
    public record Components(Stats.VarianceComponents value, String missing) {
        /** Whether they were estimated. */
        public boolean estimated() {
            return value != null;
        }

        static Components of(Supplier<Stats.VarianceComponents> estimate) {
            try {
                return new Components(estimate.get(), null);
            } catch (IllegalArgumentException e) {
                // Stats says why with the counts it saw ("1 forks; ... need at least 2"): kept as the reason, for the plan command to print.
                return new Components(null, e.getMessage());
            }
        }
    }

    /**
     * Analyses {@code r}: the primary analysis, the per-phase analyses, Welch's test, every arm's
     * description, noise, patch costs and variance components, and the diagnostics.
     *
     * @param margin     equivalence margin, a relative change in (0, 1) (0.01: ±1%)
     * @param planEffect the change power and units needed are planned for, relative, in (0, 1) (0.01: 1%)
     * @throws IllegalArgumentException when margin or planEffect is outside (0, 1)
     */
    public static RunAnalysis of(RunResults r, double margin, double planEffect) {
        return of(r, margin, planEffect, null);
    }

    /**
     * {@link #of(RunResults, double, double)} with the run's turns (its {@code turns.csv}, {@link
     * Turns#read}; null: none), from which the diagnostics place each fork in time (drift against
     * time rather than fork order, see {@link Diagnostics#drift(RunResults, Turns)}).
     */
    public static RunAnalysis of(RunResults r, double margin, double planEffect, Turns turns) {
        Objects.requireNonNull(r, "run");
        if (!(margin > 0 && margin < 1) || !(planEffect > 0 && planEffect < 1)) {
            throw new IllegalArgumentException("margin " + margin + ", plan effect " + planEffect + ": expected relative changes in (0, 1), "
                    + "such as 0.01 for 1%");
        }
        RunResults.Settings s = r.settings();
        String base = s.baseline();
        Stats.Primary analysed = Stats.primary(r, margin, planEffect);
        Map<String, Stats.LogRatio> primary = new LinkedHashMap<>();
        analysed.whole().forEach(x -> primary.put(x.arm(), x));
        Map<String, Stats.Comparison> welch = new LinkedHashMap<>();
        welchVsBaseline(r, margin).forEach(c -> welch.put(c.a(), c));
        Map<String, double[]> rates = forkRates(r);
        Map<String, PatchCosts.ArmCost> costs = PatchCosts.perArm(r);
        Map<String, Diagnostics.ArmNoise> noise = new LinkedHashMap<>();
        Diagnostics.noise(r).forEach(n -> noise.put(n.arm(), n));
        double baseVariance = Stats.variance(Stats.logRates(r, base));
        List<ArmAnalysis> arms = new ArrayList<>();
        List<Double> unpaired = new ArrayList<>();
        List<Double> paired = new ArrayList<>();
        // The interleaved designs pair round by round too: their paired components come from the per-round differences.
        boolean byRound = !s.design().equals(RunResults.Settings.SEQUENTIAL);
        for (RunResults.Arm a : s.arms()) {
            String arm = a.name();
            boolean isBase = arm.equals(base);
            double[] x = rates.get(arm);
            double ns = r.forks().stream().filter(f -> f.arm().equals(arm)).mapToDouble(RunResults.ForkResult::meanNsPerPacket).average()
                    .orElse(Double.NaN);
            ForkSummary forks = new ForkSummary(x, x.length == 0 ? null : Stats.summarize(arm, x), ns, Diagnostics.withinForkSd(r, arm));
            Stats.LogRatio p = primary.get(arm);
            Spread spread = null;
            if (p != null) {
                spread = new Spread(Math.sqrt(Stats.variance(Stats.logRates(r, arm)) + baseVariance),
                        p.method() == Stats.Method.PAIRED ? Stats.sd(Stats.blockDifferences(r, arm, base)) : Double.NaN);
                if (p.method() == Stats.Method.PAIRED && Double.isFinite(spread.unpaired())) {
                    unpaired.add(spread.unpaired());
                    paired.add(spread.paired());
                }
            }
            Stats.Comparison w = welch.get(arm);
            arms.add(new ArmAnalysis(arm, a.spec(), Stats.role(s, arm), isBase, forks, noise.get(arm), costs.get(arm), p, spread, w,
                    w == null ? -1 : Stats.forksNeeded(x, rates.get(base), planEffect), Components.of(() -> Stats.varianceComponents(r, arm)),
                    isBase ? null : Components.of(() -> byRound ? RoundComponents.of(r, arm, base) : Stats.pairedVarianceComponents(r, arm, base))));
        }
        Spread pairing = paired.isEmpty() ? null : new Spread(Stats.median(unpaired.stream().mapToDouble(Double::doubleValue).toArray()),
                Stats.median(paired.stream().mapToDouble(Double::doubleValue).toArray()));
        return new RunAnalysis(r, margin, planEffect, arms, analysed.phases(), analysed.family(), pairing, Diagnostics.of(r, turns),
                JitFingerprints.of(r));
    }

    /** Packets per second of each finished fork ({@link RunResults.ForkResult#rate}), by arm, in the settings' arm order. */
    static Map<String, double[]> forkRates(RunResults r) {
        Map<String, double[]> rates = new LinkedHashMap<>();
        for (String arm : r.settings().armNames()) {
            rates.put(arm, r.forks().stream().filter(f -> f.arm().equals(arm)).mapToDouble(RunResults.ForkResult::rate).toArray());
        }
        return rates;
    }

    /**
     * The secondary analysis: Welch's test on fork means (the forks' rates), every arm (at least 2
     * forks) against the baseline, Holm-corrected over the whole run's questions (the primary
     * analysis' family adds each phase's); the controls keep their own p.
     */
    static List<Stats.Comparison> welchVsBaseline(RunResults r, double margin) {
        Map<String, double[]> rates = forkRates(r);
        String base = r.settings().baseline();
        List<Stats.Comparison> cs = new ArrayList<>();
        List<Integer> family = new ArrayList<>();
        for (String arm : rates.keySet()) {
            if (!arm.equals(base) && rates.get(arm).length >= 2 && rates.get(base).length >= 2) {
                if (!Stats.role(r.settings(), arm).control()) {
                    family.add(cs.size());
                }
                cs.add(Stats.compare(arm, rates.get(arm), base, rates.get(base), margin));
            }
        }
        Stats.Comparison[] adjusted = Stats.holm(family.stream().map(cs::get).toArray(Stats.Comparison[]::new));
        for (int k = 0; k < family.size(); k++) {
            cs.set(family.get(k), adjusted[k]);
        }
        return cs;
    }

    /** The arm named {@code name}. */
    public ArmAnalysis arm(String name) {
        for (ArmAnalysis a : arms) {
            if (a.name().equals(name)) {
                return a;
            }
        }
        throw new IllegalArgumentException("arm " + name + ": expected one of the run's arms " + run.settings().armNames());
    }

    /** The baseline's arm. */
    public ArmAnalysis baselineArm() {
        return arm(run.settings().baseline());
    }

    /** The primary analysis: every arm with enough forks against the baseline, in arm order ({@link Stats#vsBaseline}). */
    public List<Stats.LogRatio> primary() {
        return arms.stream().map(ArmAnalysis::primary).filter(Objects::nonNull).toList();
    }

    /** Welch's test on fork means: every arm with 2 forks against the baseline, in arm order. */
    public List<Stats.Comparison> welch() {
        return arms.stream().map(ArmAnalysis::welch).filter(Objects::nonNull).toList();
    }

    /** The arms that ask a question (not the baseline, not a control) and have a primary estimate over the whole run. */
    public int questions() {
        return (int) primary().stream().filter(x -> !x.role().control()).count();
    }

    /** Every arm's patch accounting, in arm order. */
    public Map<String, PatchCosts.ArmCost> costs() {
        Map<String, PatchCosts.ArmCost> out = new LinkedHashMap<>();
        arms.forEach(a -> out.put(a.name(), a.cost()));
        return out;
    }
}
