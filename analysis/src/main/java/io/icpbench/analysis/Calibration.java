package io.icpbench.analysis;

import io.icpbench.results.RunResults;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether the instrument sees what it should, over runs that hold the built-in controls: the
 * primary analysis ({@link Stats#vsBaseline}) of each run's A/A arm (the baseline again: true ratio
 * 1) and planted arm (true ratio {@link Stats#plantedTruth}), counted across runs. Each run is one
 * trial of the whole design, its time and block structure intact. The controls are judged by
 * significance (their own p &lt; α, two-sided), never by the verdict, which equivalence could
 * mask: a calibrated instrument finds the A/A arm significant in about 5% of runs (false alarms)
 * and covers the planted truth in about 95%, and the share of runs that find the planted arm
 * significantly slower is the design's power against that effect.
 */
public final class Calibration {
    private Calibration() {
    }

    /**
     * One control arm in one run, as the primary analysis saw it.
     *
     * @param run            the run (its directory, as given)
     * @param role           "A/A" or "planted"
     * @param method         how its ratio was estimated (PAIRED, or WELCH_LOG without blocks)
     * @param n              blocks (paired) or its forks
     * @param trueRatio      its true rate ratio against the baseline
     * @param p              its two-sided p (a control's own, uncorrected); significant: p &lt; α (its 95% CI misses 1)
     * @param tostP          TOST's p for the margin; equivalent: tostP &lt; α (its 90% CI inside the margin)
     * @param verdict        the verdict ({@link Stats#decide}): faster or slower exactly when significant
     * @param coversTruth    whether its 95% CI holds the true ratio
     * @param mde            the smallest relative change its design detects at 80% power (α = 0.05: a control is uncorrected)
     */
    public record Trial(String run, String arm, String role, String method, int n, double trueRatio, double ratio, double ratioLow,
            double ratioHigh, double p, boolean significant, double tostP, boolean equivalent, String verdict, boolean coversTruth, double mde) {
        static Trial of(String run, Stats.LogRatio x) {
            return new Trial(run, x.arm(), x.role().role().word(), x.method().name(), x.n(), x.role().trueRatio(), x.ratio(), x.ratioLow(),
                    x.ratioHigh(), x.p(), x.significant(), x.tostP(), x.equivalent(), x.verdict().word(), x.coversTruth(), x.mde());
        }

        /** Significant and below 1: the planted arm found slower. */
        public boolean significantlySlower() {
            return significant && ratio < 1;
        }
    }

    /** {@code hits} of {@code trials}, its share and the share's exact 95% interval (Clopper–Pearson); NaN without trials. */
    public record Tally(int hits, int trials, double share, double low, double high) {
        static Tally of(int hits, int trials) {
            if (trials == 0) {
                return new Tally(0, 0, Double.NaN, Double.NaN, Double.NaN);
            }
            double[] ci = Stats.proportionCi(hits, trials);
            return new Tally(hits, trials, hits / (double) trials, ci[0], ci[1]);
        }
    }

    /**
     * Calibration over runs.
     *
     * @param runs            the runs read, in the order given
     * @param aa              every A/A arm of every run
     * @param planted         every planted arm whose truth against the baseline is known
     * @param skipped         why a run or arm gave no trial (no control, too few forks, a planted arm on another arm)
     * @param aaSignificant   A/A arms with p &lt; 0.05 (false alarms: a calibrated test has about 5%), equivalent or not
     * @param aaCovered       A/A arms whose 95% CI holds 1 (about 95%)
     * @param plantedSlower   planted arms significantly slower (p &lt; 0.05: the power against the planted effect)
     * @param plantedCovered  planted arms whose 95% CI holds the truth (about 95%)
     * @param aaMeanMde       mean MDE of the A/A trials; plantedMeanMde of the planted ones
     */
    public record Summary(List<String> runs, double margin, List<Trial> aa, List<Trial> planted, List<String> skipped, Tally aaSignificant,
            Tally aaCovered, Tally plantedSlower, Tally plantedCovered, double aaMeanMde, double plantedMeanMde) {
    }

    /**
     * Applies the primary analysis to each run and counts its controls' outcomes. A façade for
     * {@link #ofAnalyses} of each run's {@link RunAnalysis} (power planned for the margin).
     *
     * @param runs   runs by name (a directory), in order
     * @param margin the equivalence margin (0.01: ±1%)
     */
    public static Summary of(Map<String, RunResults> runs, double margin) {
        Map<String, RunAnalysis> analyses = new LinkedHashMap<>();
        runs.forEach((name, r) -> analyses.put(name, RunAnalysis.of(r, margin, margin)));
        return ofAnalyses(analyses, margin);
    }

    /**
     * Counts the controls' outcomes in analysed runs.
     *
     * @param runs   each run's analysis by the run's name (a directory), in order
     * @param margin the equivalence margin every analysis was made with (0.01: ±1%)
     * @throws IllegalArgumentException when a run was analysed with another margin
     */
    public static Summary ofAnalyses(Map<String, RunAnalysis> runs, double margin) {
        List<Trial> aa = new ArrayList<>();
        List<Trial> planted = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Map.Entry<String, RunAnalysis> e : runs.entrySet()) {
            RunAnalysis a = e.getValue();
            if (a.margin() != margin) {
                throw new IllegalArgumentException(e.getKey() + " was analysed with margin " + a.margin() + ", expected " + margin
                        + " as every run of a calibration");
            }
            RunResults r = a.run();
            List<RunAnalysis.ArmAnalysis> controls = a.arms().stream().filter(x -> !x.baseline() && x.role().control()).toList();
            if (controls.isEmpty()) {
                skipped.add(e.getKey() + ": no A/A or planted arm");
                continue;
            }
            for (RunAnalysis.ArmAnalysis control : controls) {
                String arm = control.name();
                Stats.LogRatio x = control.primary();
                if (x == null) {
                    skipped.add(e.getKey() + ": " + arm + " has too few forks to compare with " + r.settings().baseline());
                } else if (x.role().role() == Stats.Role.AA) {
                    aa.add(Trial.of(e.getKey(), x));
                } else if (Double.isNaN(x.role().trueRatio())) {
                    skipped.add(e.getKey() + ": " + arm + " plants its effect on another arm than the baseline: no known truth against "
                            + r.settings().baseline());
                } else {
                    planted.add(Trial.of(e.getKey(), x));
                }
            }
        }
        return new Summary(List.copyOf(runs.keySet()), margin, aa, planted, skipped,
                Tally.of((int) aa.stream().filter(Trial::significant).count(), aa.size()),
                Tally.of((int) aa.stream().filter(Trial::coversTruth).count(), aa.size()),
                Tally.of((int) planted.stream().filter(Trial::significantlySlower).count(), planted.size()),
                Tally.of((int) planted.stream().filter(Trial::coversTruth).count(), planted.size()),
                aa.stream().mapToDouble(Trial::mde).average().orElse(Double.NaN),
                planted.stream().mapToDouble(Trial::mde).average().orElse(Double.NaN));
    }
}
