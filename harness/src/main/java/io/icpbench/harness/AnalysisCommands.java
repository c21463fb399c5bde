package io.icpbench.harness;

import io.icpbench.analysis.Diagnostics;
import io.icpbench.analysis.MarkdownReport;
import io.icpbench.analysis.Stats;
import io.icpbench.results.ResultsFiles;
import io.icpbench.results.RunResults;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The statistics commands that read finished runs: plan, calibrate, compare. */
final class AnalysisCommands {
    private AnalysisCommands() {
    }

    static double percent(String option, double value) {
        if (!(value > 0 && value < 100)) {
            throw new IllegalArgumentException(option + "=" + value + ", expected a percentage between 0 and 100");
        }
        return value / 100;
    }

    /** {@code icpbench plan DIR --effect 1}: forks per mode needed, from a pilot run's variances. */
    @Command(name = "plan", mixinStandardHelpOptions = true,
            description = {"From a pilot run, the forks per mode needed to detect an effect (80%% power, α = 0.05), per pair of modes."})
    static final class Plan implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", description = "The pilot run's directory.")
        Path dir;

        @Option(names = "--effect", paramLabel = "PERCENT", defaultValue = "1",
                description = "The relative effect to detect, percent. Default: ${DEFAULT-VALUE}.")
        double effect;

        @Override
        public Integer call() {
            double e = percent("--effect", effect);
            RunResults r = ResultsFiles.read(dir);
            Map<String, double[]> rates = MarkdownReport.forkRates(r);
            List<String> modes = new ArrayList<>(rates.keySet());
            System.out.printf(Locale.ROOT, "forks per mode to detect %.2f%% at 80%% power (α = 0.05), from %s:%n", 100 * e, dir);
            for (int j = 0; j < modes.size(); j++) {
                for (int i = j + 1; i < modes.size(); i++) {
                    double[] a = rates.get(modes.get(i));
                    double[] b = rates.get(modes.get(j));
                    if (a.length < 2 || b.length < 2) {
                        System.out.printf("  %s vs %s: needs at least 2 pilot forks of each%n", modes.get(i), modes.get(j));
                        continue;
                    }
                    Stats.Comparison c = Stats.compare(modes.get(i), a, modes.get(j), b, e);
                    int n = Stats.forksNeeded(a, b, e);
                    System.out.printf(Locale.ROOT, "  %s vs %s: %s forks per mode (pilot: n=%d vs %d, MDE %.2f%% now, CV %.1f%% and %.1f%%)%n",
                            modes.get(i), modes.get(j), n >= 10_000 ? "more than 10,000" : Integer.toString(n), a.length, b.length, 100 * c.mde(),
                            100 * Stats.sd(a) / Stats.mean(a), 100 * Stats.sd(b) / Stats.mean(b));
                }
            }
            return 0;
        }
    }

    /** {@code icpbench calibrate DIR}: the A/A false-positive rate of the Welch test, by resampling a run. */
    @Command(name = "calibrate", mixinStandardHelpOptions = true,
            description = {"A/A calibration: split one mode's forks at random into two arms many times and report how often the "
                + "Welch test calls them different at α = 0.05 (an honest test: about 5%%)."})
    static final class Calibrate implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", description = "A run directory.")
        Path dir;

        @Option(names = "--mode", description = "The mode to split. Default: every mode with at least 4 forks.")
        String mode;

        @Option(names = "--rounds", defaultValue = "10000", description = "Random splits. Default: ${DEFAULT-VALUE}.")
        int rounds;

        @Option(names = "--seed", defaultValue = "1", description = "Seed of the splits. Default: ${DEFAULT-VALUE}.")
        long seed;

        @Override
        public Integer call() {
            if (rounds < 100 || rounds > 10_000_000) {
                throw new IllegalArgumentException("--rounds=" + rounds + ", expected 100..10000000");
            }
            RunResults r = ResultsFiles.read(dir);
            Map<String, double[]> rates = MarkdownReport.forkRates(r);
            if (mode != null && !rates.containsKey(mode)) {
                throw new IllegalArgumentException("no mode '" + mode + "' in " + dir + ", expected one of " + rates.keySet());
            }
            System.out.printf(Locale.ROOT, "A/A calibration by resampling %s (%d random splits each, α = 0.05):%n", dir, rounds);
            for (Map.Entry<String, double[]> e : rates.entrySet()) {
                if ((mode != null && !e.getKey().equals(mode)) || e.getValue().length < 4) {
                    continue;
                }
                double fpr = Diagnostics.falsePositiveRate(e.getValue(), rounds, seed);
                System.out.printf(Locale.ROOT, "  %s: %d forks, two arms of %d: false-positive rate %.1f%%%n", e.getKey(), e.getValue().length,
                        e.getValue().length / 2, 100 * fpr);
            }
            return 0;
        }
    }

    /** {@code icpbench compare A B}: two runs (another JDK, commit, machine), mode by mode. */
    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = {"Compare two runs mode by mode with the same statistics: B against A for every mode both ran."})
    static final class Compare implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "A", description = "The baseline run.")
        Path a;

        @Parameters(index = "1", paramLabel = "B", description = "The other run.")
        Path b;

        @Option(names = "--margin", defaultValue = "1", description = "Equivalence margin, percent. Default: ${DEFAULT-VALUE}.")
        double margin;

        @Override
        public Integer call() {
            double m = percent("--margin", margin);
            RunResults ra = ResultsFiles.read(a);
            RunResults rb = ResultsFiles.read(b);
            Map<String, double[]> xa = MarkdownReport.forkRates(ra);
            Map<String, double[]> xb = MarkdownReport.forkRates(rb);
            List<Stats.Comparison> cs = new ArrayList<>();
            for (String mode : xa.keySet()) {
                if (xb.containsKey(mode) && xa.get(mode).length >= 2 && xb.get(mode).length >= 2) {
                    cs.add(Stats.compare(mode + " (B)", xb.get(mode), mode + " (A)", xa.get(mode), m));
                }
            }
            if (cs.isEmpty()) {
                throw new IllegalArgumentException("the runs share no mode with at least 2 forks in each");
            }
            System.out.printf("A: %s (commit %s, JDK %s)%nB: %s (commit %s, JDK %s)%n", a, ra.provenance().gitCommit(), ra.provenance().jdk(), b,
                    rb.provenance().gitCommit(), rb.provenance().jdk());
            for (Stats.Comparison c : Stats.holm(cs.toArray(new Stats.Comparison[0]))) {
                String mode = c.a().replace(" (B)", "");
                System.out.println(MarkdownReport.line(c, xb.get(mode), xa.get(mode), 0.015));
            }
            return 0;
        }
    }
}
