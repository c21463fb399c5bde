package io.icpbench.analysis;

import io.icpbench.results.RunResults;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.commons.math3.stat.regression.SimpleRegression;

/** Checks on a run that a reader should see before trusting its comparisons. */
public final class Diagnostics {
    private Diagnostics() {
    }

    /**
     * Forks whose mean lies more than 3.5 scaled median absolute deviations from their mode's
     * median (Iglewicz and Hoaglin's modified z-score), one line each.
     */
    public static List<String> outliers(RunResults r) {
        List<String> out = new ArrayList<>();
        for (String mode : r.settings().armNames()) {
            List<RunResults.ForkResult> fs = r.forks().stream().filter(f -> f.arm().equals(mode)).toList();
            double[] x = fs.stream().mapToDouble(RunResults.ForkResult::meanNsPerPacket).toArray();
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
                    out.add(String.format(Locale.ROOT, "outlier: fork %d (%s) %.1f ns/packet, modified z %.1f against the arm's median %.1f",
                            fs.get(i).index(), mode, x[i], z, med));
                }
            }
        }
        return out;
    }

    /**
     * Drift along run order: per mode, the slope of fork mean against fork index, in percent of the
     * mode's mean per 10 forks, with its p (a run whose machine slowed down shows it here).
     */
    public static List<String> drift(RunResults r) {
        List<String> out = new ArrayList<>();
        for (String mode : r.settings().armNames()) {
            List<RunResults.ForkResult> fs = r.forks().stream().filter(f -> f.arm().equals(mode)).toList();
            if (fs.size() < 3) {
                continue;
            }
            SimpleRegression reg = new SimpleRegression();
            double sum = 0;
            for (RunResults.ForkResult f : fs) {
                reg.addData(f.index(), f.meanNsPerPacket());
                sum += f.meanNsPerPacket();
            }
            double mean = sum / fs.size();
            double p = reg.getSignificance();
            out.add(String.format(Locale.ROOT, "drift: %s %+.2f%% ns/packet per 10 forks of run order (p=%s)%s", mode,
                    100 * 10 * reg.getSlope() / mean, MarkdownReport.pValue(p), p < 0.05 ? "  <- the machine changed during the run" : ""));
        }
        return out;
    }

    /**
     * Warmup not reached: forks whose second half of measurement iterations is more than 5% and
     * significantly (Welch p &lt; 0.05) faster than the first half: they were still warming up.
     */
    public static List<String> notSteady(RunResults r) {
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
     * A/A calibration by resampling: splits one mode's forks at random into two arms of equal size,
     * {@code rounds} times, and returns the share of splits where Welch's test says p &lt; α. An
     * honest test gives about α.
     */
    public static double falsePositiveRate(double[] forks, int rounds, long seed) {
        if (forks.length < 4) {
            throw new IllegalArgumentException(forks.length + " forks: an A/A split needs at least 4");
        }
        SplittableRandom random = new SplittableRandom(seed);
        int half = forks.length / 2;
        int positives = 0;
        double[] x = forks.clone();
        for (int round = 0; round < rounds; round++) {
            for (int i = x.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                double t = x[i];
                x[i] = x[j];
                x[j] = t;
            }
            double[] a = java.util.Arrays.copyOfRange(x, 0, half);
            double[] b = java.util.Arrays.copyOfRange(x, half, 2 * half);
            if (new org.apache.commons.math3.stat.inference.TTest().tTest(a, b) < Stats.ALPHA) {
                positives++;
            }
        }
        return positives / (double) rounds;
    }
}
