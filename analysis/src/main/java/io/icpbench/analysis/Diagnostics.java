package io.icpbench.analysis;

import io.icpbench.results.RunResults;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.math3.stat.regression.SimpleRegression;

/** Checks on a run that a reader should see before trusting its comparisons. */
public final class Diagnostics {
    private Diagnostics() {
    }

    /**
     * A run's diagnostics, computed once for {@link RunAnalysis}.
     *
     * @param weakRun      why the run is weak ({@link #weakRun}), or null when it is not
     * @param noise        the forks' noise records over the whole run ({@link #runNoise}), or null when none recorded any
     * @param flaggedForks one line per fork run under interference ({@link #flaggedForks})
     * @param outliers     outlier forks ({@link #outliers}); notSteady forks still warming up ({@link #notSteady});
     *                     drift the slope against time (or run order) per arm ({@link #drift(RunResults, Turns)})
     * @param interference the cross-arm interference control ({@link Interference}); null when the run cannot give it
     */
    public record Findings(String weakRun, RunNoise noise, List<String> flaggedForks, List<String> outliers, List<String> notSteady,
            List<String> drift, Interference interference) {
        public Findings {
            flaggedForks = List.copyOf(flaggedForks);
            outliers = List.copyOf(outliers);
            notSteady = List.copyOf(notSteady);
            drift = List.copyOf(drift);
        }

        /** Findings without the interference control (a run without turns, or without a learning arm). */
        public Findings(String weakRun, RunNoise noise, List<String> flaggedForks, List<String> outliers, List<String> notSteady,
                List<String> drift) {
            this(weakRun, noise, flaggedForks, outliers, notSteady, drift, null);
        }

        /** The lines report.md lists under "diagnostics": outliers, then forks not steady, then drift, then interference. */
        public List<String> lines() {
            List<String> out = new ArrayList<>(outliers);
            out.addAll(notSteady);
            out.addAll(drift);
            if (interference != null) {
                out.add(interference.line());
            }
            return out;
        }
    }

    /** Every diagnostic of {@code r}, drift along fork order. */
    public static Findings of(RunResults r) {
        return of(r, null);
    }

    /** Every diagnostic of {@code r}; drift against time where {@code turns} (the run's turns.csv, or null) place its forks in time. */
    public static Findings of(RunResults r, Turns turns) {
        return new Findings(weakRun(r), runNoise(r), flaggedForks(r), outliers(r), notSteady(r), drift(r, turns), Interference.of(r, turns));
    }

    /**
     * The noise records of all forks of a run together.
     *
     * @param recorded       forks with a noise record
     * @param flagged        those flagged as run under interference
     * @param stealPercent   mean steal, percent of all CPUs' time; othersPercent the same for other processes' CPU
     * @param loadAverage    mean 1-minute load average at the forks' ends; maxLoadAverage the highest
     */
    public record RunNoise(int recorded, int flagged, double stealPercent, double othersPercent, double loadAverage, double maxLoadAverage) {
    }

    /** The forks' noise records summed up over the run; null when no fork recorded any (forks of schema 2 and older). */
    public static RunNoise runNoise(RunResults r) {
        List<RunResults.Noise> ns = r.forks().stream().map(RunResults.ForkResult::noise).filter(java.util.Objects::nonNull).toList();
        if (ns.isEmpty()) {
            return null;
        }
        return new RunNoise(ns.size(), (int) ns.stream().filter(RunResults.Noise::interfered).count(),
                ns.stream().mapToDouble(RunResults.Noise::stealPercent).average().orElseThrow(),
                ns.stream().mapToDouble(RunResults.Noise::othersPercent).average().orElseThrow(),
                ns.stream().mapToDouble(RunResults.Noise::loadAverage).average().orElseThrow(),
                ns.stream().mapToDouble(RunResults.Noise::loadAverage).max().orElseThrow());
    }

    /**
     * Forks whose rate ({@link RunResults.ForkResult#rate}, the scale every comparison uses) lies
     * more than 3.5 scaled median absolute deviations from their arm's median (Iglewicz and
     * Hoaglin's modified z-score), one line each.
     */
    public static List<String> outliers(RunResults r) {
        List<String> out = new ArrayList<>();
        for (String mode : r.settings().armNames()) {
            List<RunResults.ForkResult> fs = r.forks().stream().filter(f -> f.arm().equals(mode)).toList();
            double[] x = fs.stream().mapToDouble(f -> f.rate() / 1e6).toArray();
            if (x.length < 3) {
                continue;
            }
            double med = Stats.median(x);
            double[] dev = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                dev[i] = Math.abs(x[i] - med);
            }
            double mad = Stats.median(dev);
            for (int i = 0; i < x.length; i++) {
                double z = mad == 0 ? 0 : 0.6745 * (x[i] - med) / mad;
                if (Math.abs(z) > 3.5) {
                    out.add(String.format(Locale.ROOT, "outlier: fork %d (%s) %.3f Mpps, modified z %.1f against the arm's median %.3f",
                            fs.get(i).index(), mode, x[i], z, med));
                }
            }
        }
        return out;
    }

    /** Drift along run order (fork index): {@link #drift(RunResults, Turns)} without turns. */
    public static List<String> drift(RunResults r) {
        return drift(r, null);
    }

    /**
     * Drift: per arm, the slope of the forks' rates ({@link RunResults.ForkResult#rate}) against when
     * the fork measured, in percent of the arm's mean rate, with its p (a run whose machine slowed
     * down shows it here, as a negative slope). When {@code turns}
     * hold every one of the arm's forks, "when" is the mid-time of its measurement turns, seconds
     * from the run's first turn, and the slope is per 100 s: in the interleaved design a block's
     * forks measure at the same time, so fork index is not time (a block's forks are numbered one
     * after another, yet ran side by side). Otherwise (sequential runs, runs without turns.csv) it
     * is the fork index, per 10 forks of run order.
     *
     * @param turns the run's turns ({@link Turns#read}), or null
     */
    public static List<String> drift(RunResults r, Turns turns) {
        Map<Integer, Double> when = turns == null ? Map.of() : turns.measuredMidSeconds();
        List<String> out = new ArrayList<>();
        for (String mode : r.settings().armNames()) {
            List<RunResults.ForkResult> fs = r.forks().stream().filter(f -> f.arm().equals(mode)).toList();
            if (fs.size() < 3) {
                continue;
            }
            boolean timed = fs.stream().allMatch(f -> when.containsKey(f.index()));
            SimpleRegression reg = new SimpleRegression();
            double sum = 0;
            for (RunResults.ForkResult f : fs) {
                reg.addData(timed ? when.get(f.index()) : f.index(), f.rate());
                sum += f.rate();
            }
            double mean = sum / fs.size();
            double p = reg.getSignificance();
            String changed = p < 0.05 ? "  <- the machine changed during the run" : "";
            out.add(timed
                    ? String.format(Locale.ROOT, "drift: %s %+.2f%% packets/s per 100 s against time (s) (p=%s)%s", mode,
                            100 * 100 * reg.getSlope() / mean, MarkdownReport.pValue(p), changed)
                    : String.format(Locale.ROOT, "drift: %s %+.2f%% packets/s per 10 forks of run order (p=%s)%s", mode,
                            100 * 10 * reg.getSlope() / mean, MarkdownReport.pValue(p), changed));
        }
        return out;
    }

    /**
     * Warmup not reached: forks whose second half of measurement iterations is more than 5% and
     * significantly (Welch p &lt; 0.05) faster than the first half: they were still warming up.
     * With phases, the halves of each phase (a switch of the mix is no warmup).
     */
    public static List<String> notSteady(RunResults r) {
        List<RunResults.Phase> phases = r.settings().phases();
        if (!phases.isEmpty()) {
            // Traffic with phases changes its speed at each switch by design: each phase is judged on its own.
            List<String> out = new ArrayList<>();
            for (RunResults.Phase p : phases) {
                notSteady(r.inPhase(p)).forEach(l -> out.add(l + " (phase " + p.name() + ")"));
            }
            return out;
        }
        List<String> out = new ArrayList<>();
        for (RunResults.ForkResult f : r.forks()) {
            List<Double> s = f.scoresNsPerPacket();
            int h = s.size() / 2;
            if (h < 2) {
                continue;
            }
            double[] first = s.subList(0, h).stream().mapToDouble(Double::doubleValue).toArray();
            double[] second = s.subList(s.size() - h, s.size()).stream().mapToDouble(Double::doubleValue).toArray();
            double m1 = Stats.mean(first);
            double m2 = Stats.mean(second);
            if (m2 < 0.95 * m1 && Stats.variance(first) + Stats.variance(second) > 0
                    && new org.apache.commons.math3.stat.inference.TTest().tTest(first, second) < 0.05) {
                out.add(String.format(Locale.ROOT, "not steady: fork %d (%s) ran %.1f ns/packet in its first %d iterations, %.1f in its last %d",
                        f.index(), f.arm(), m1, h, m2, h));
            }
        }
        return out;
    }

    /** Within-fork SD of a mode: the mean over its forks of the SD of their measurement iterations, ns/packet. */
    public static double withinForkSd(RunResults r, String mode) {
        return r.forks().stream().filter(f -> f.arm().equals(mode) && f.scoresNsPerPacket().size() > 1)
                .mapToDouble(f -> Stats.sd(f.scoresNsPerPacket().stream().mapToDouble(Double::doubleValue).toArray())).average()
                .orElse(Double.NaN);
    }

    /**
     * One arm's noise records: what else the machine did while its forks measured.
     *
     * @param forks         the arm's finished forks
     * @param recorded      those with a noise record (forks of schema 2 and older have none)
     * @param flagged       those flagged as run under interference
     * @param stealPercent  mean steal over the recorded forks, percent of all CPUs' time
     * @param othersPercent mean CPU of other processes over the recorded forks, percent of all CPUs' time
     * @param loadAverage   mean 1-minute load average at the forks' ends
     */
    public record ArmNoise(String arm, int forks, int recorded, int flagged, double stealPercent, double othersPercent, double loadAverage) {
    }

    /** Every arm's noise, in arm order (NaN means where no fork of the arm recorded any). */
    public static List<ArmNoise> noise(RunResults r) {
        List<ArmNoise> out = new ArrayList<>();
        for (String arm : r.settings().armNames()) {
            List<RunResults.ForkResult> fs = r.forks().stream().filter(f -> f.arm().equals(arm)).toList();
            List<RunResults.Noise> ns = fs.stream().map(RunResults.ForkResult::noise).filter(java.util.Objects::nonNull).toList();
            out.add(new ArmNoise(arm, fs.size(), ns.size(), (int) ns.stream().filter(RunResults.Noise::interfered).count(),
                    ns.stream().mapToDouble(RunResults.Noise::stealPercent).average().orElse(Double.NaN),
                    ns.stream().mapToDouble(RunResults.Noise::othersPercent).average().orElse(Double.NaN),
                    ns.stream().mapToDouble(RunResults.Noise::loadAverage).average().orElse(Double.NaN)));
        }
        return out;
    }

    /** One line per fork flagged as run under interference, in run order, with what was measured and why it was flagged. */
    public static List<String> flaggedForks(RunResults r) {
        return r.forks().stream().filter(f -> f.noise() != null && f.noise().interfered())
                .sorted(java.util.Comparator.comparingInt(RunResults.ForkResult::index))
                .map(f -> String.format(Locale.ROOT, "fork %d (%s, block %d): steal %.1f%%, others %.1f%%, load %.1f: %s", f.index(), f.arm(),
                        f.block(), f.noise().stealPercent(), f.noise().othersPercent(), f.noise().loadAverage(),
                        f.noise().reason() == null ? "flagged" : f.noise().reason()))
                .toList();
    }

    /**
     * Why the run is weak, or null when it is not: more than half of the forks with a noise record
     * ran under interference (another tenant's steal, other processes' CPU), so their rates carry
     * the machine's noise and the intervals are wider than the machine can do when quiet.
     */
    public static String weakRun(RunResults r) {
        List<RunResults.Noise> ns = r.forks().stream().map(RunResults.ForkResult::noise).filter(java.util.Objects::nonNull).toList();
        List<RunResults.Noise> bad = ns.stream().filter(RunResults.Noise::interfered).toList();
        if (ns.isEmpty() || 2 * bad.size() <= ns.size()) {
            return null;
        }
        return String.format(Locale.ROOT, "weak run: %d of %d forks ran under interference (on average steal %.1f%% and other processes "
                + "%.1f%% of all CPUs, load %.1f, in the flagged forks), so its intervals are wider than this machine gives when quiet; "
                + "rerun when the machine is quiet", bad.size(), ns.size(), bad.stream().mapToDouble(RunResults.Noise::stealPercent).average().orElseThrow(),
                bad.stream().mapToDouble(RunResults.Noise::othersPercent).average().orElseThrow(),
                bad.stream().mapToDouble(RunResults.Noise::loadAverage).average().orElseThrow());
    }
}
