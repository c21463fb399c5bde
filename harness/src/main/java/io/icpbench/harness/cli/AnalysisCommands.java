package io.icpbench.harness.cli;

import io.icpbench.analysis.Calibration;
import io.icpbench.analysis.MarkdownReport;
import io.icpbench.analysis.RunAnalysis;
import io.icpbench.analysis.Stats;
import io.icpbench.results.ResultsFiles;
import io.icpbench.results.RunResults;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The statistics commands that read finished runs: plan, calibrate, compare. All use the primary analysis (paired by block). */
public final class AnalysisCommands {
    /** What a fork costs besides its measurement and warmup: JVM start and set-up, as the orchestrator budgets it. */
    static final double FORK_START_SECONDS = 4;

    private AnalysisCommands() {
    }

    static double percent(String option, double value) {
        if (!(value > 0 && value < 100)) {
            throw new IllegalArgumentException(option + "=" + value + ", expected a percentage between 0 and 100");
        }
        return value / 100;
    }

    /** "12" or "more than 10,000". */
    static String units(int n) {
        return n >= Stats.MAX_UNITS ? "more than 10,000" : Integer.toString(n);
    }

    /**
     * {@code icpbench plan DIR}: from a pilot run, where the variance is (Kalibera and Jones: within
     * forks and between them), the best iterations per fork, and the blocks each arm needs against
     * the baseline under the paired design.
     */
    @Command(name = "plan", mixinStandardHelpOptions = true,
            description = {"From a pilot run: the variance within forks and between forks per arm (Kalibera & Jones), the best number "
                + "of iterations per fork, and the blocks (forks per arm) each arm needs against the baseline to detect --effect at "
                + "80%% power under the paired design (the two-sided t test's power, from the non-central t; questions at α/m for the "
                + "run's one Holm family, Holm's first step; controls at α = 0.05)."})
    public static final class Plan implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", description = "The pilot run's directory.")
        Path dir;

        @Option(names = "--effect", paramLabel = "PERCENT", defaultValue = "1",
                description = "The relative effect to detect, percent. Default: ${DEFAULT-VALUE}.")
        double effect;

        @Option(names = "--fork-seconds", paramLabel = "S",
                description = "What a fork costs besides its measurement iterations (JVM start, set-up, warmup), seconds. "
                    + "Default: 4 plus the run's warmup.")
        Double forkSeconds;

        @Option(names = "--max-iterations", paramLabel = "N", defaultValue = "100",
                description = "The most iterations per fork to suggest. Default: ${DEFAULT-VALUE}.")
        int maxIterations;

        @Override
        public Integer call() {
            double e = percent("--effect", effect);
            if (maxIterations < 1) {
                throw new IllegalArgumentException("--max-iterations=" + maxIterations + ", expected at least 1");
            }
            RunResults r = ResultsFiles.read(dir);
            RunResults.Settings s = r.settings();
            double cFork = forkSeconds != null ? forkSeconds : FORK_START_SECONDS + s.warmupIterations() * s.iterationSeconds();
            if (!(cFork > 0)) {
                throw new IllegalArgumentException("--fork-seconds=" + forkSeconds + ", expected a positive number");
            }
            double cIter = s.iterationSeconds();
            System.out.printf(Locale.ROOT, "plan from %s: %d arms, %d forks, %d x %.1f s iterations per fork; a fork costs %.1f s besides "
                    + "its iterations%n%n", dir, s.arms().size(), r.forks().size(), s.iterations(), cIter, cFork);
            System.out.printf(Locale.ROOT, "variance components per arm (ln of each iteration's rate: an SD of 0.010 is about 1%%):%n");
            System.out.printf(Locale.ROOT, "  %-18s %6s %6s %10s %11s %11s%n", "arm", "forks", "iter.", "within SD", "between SD", "best iter.");
            RunAnalysis a = RunAnalysis.of(r, e, e);
            for (String arm : s.armNames()) {
                RunAnalysis.Components c = a.arm(arm).components();
                if (c.estimated()) {
                    Stats.VarianceComponents v = c.value();
                    System.out.printf(Locale.ROOT, "  %-18s %6d %6.0f %10.4f %11.4f %11d%n", arm, v.forks(), v.iterations(), v.withinSd(),
                            v.betweenSd(), Stats.optimalIterations(v, cFork, cIter, maxIterations));
                } else {
                    System.out.printf(Locale.ROOT, "  %-18s %s%n", arm, c.missing());
                }
            }
            String base = s.baseline();
            System.out.printf(Locale.ROOT, "%nagainst %s, paired by block: the variance pairing does not remove, and the blocks (forks per arm) "
                    + "needed to detect %s at 80%% power:%n", base, MarkdownReport.percent(e));
            System.out.printf(Locale.ROOT, "  %-18s %-7s %6s %10s %11s %11s %8s %7s %8s %s%n", "arm", "role", "blocks", "within SD", "between SD",
                    "best iter.", "SD pair", "α", "MDE now", "blocks for " + MarkdownReport.percent(e));
            for (String arm : s.armNames()) {
                if (arm.equals(base)) {
                    continue;
                }
                Stats.LogRatio x = a.arm(arm).primary();
                if (x == null) {
                    System.out.printf(Locale.ROOT, "  %-18s too few forks (2 blocks holding it and %s, or 2 forks of each)%n", arm, base);
                    continue;
                }
                RunAnalysis.Components paired = a.arm(arm).pairedComponents();
                Stats.VarianceComponents v = paired.value();
                String components = paired.estimated() ? String.format(Locale.ROOT, "%10.4f %11.4f %11d", v.withinSd(), v.betweenSd(),
                        Stats.optimalIterations(v, cFork, cIter, maxIterations)) : String.format(Locale.ROOT, "%10s %11s %11s", "-", "-", "-");
                String n = x.method() == Stats.Method.PAIRED ? Integer.toString(x.n()) : "none";
                System.out.printf(Locale.ROOT, "  %-18s %-7s %6s %s %8.4f %7.4f %7.1f%% %s%s%n", arm, x.role().role().word(), n, components,
                        x.sampleSize().sd(), x.planAlpha(), 100 * x.mde(), units(x.needed()),
                        x.method() == Stats.Method.PAIRED ? "" : " (no 2 blocks hold both: Welch on log rates, forks per arm)");
            }
            System.out.printf(Locale.ROOT, "(best iter.: Kalibera & Jones' r* = √((c_fork/c_iter)·S_w²/S_b²) with c_fork = %.1f s, c_iter = %.1f s, "
                    + "at most %d; the paired one uses the between-fork variance of the block differences, per fork. α: questions at α/m, "
                    + "Holm's first step, m from the run's family (%s); controls at 0.05. MDE and blocks: the two-sided t test's power, "
                    + "from the non-central t.)%n", cFork, cIter, maxIterations, a.family().describe());
            return 0;
        }
    }

    /**
     * {@code icpbench calibrate DIR...}: the built-in controls over runs. Each run is one trial of
     * the whole design (its blocks and order intact): how often the A/A arm is significant (a
     * false alarm, equivalence notwithstanding), how often the planted arm is significantly slower
     * and its CI covers its truth.
     */
    @Command(name = "calibrate", mixinStandardHelpOptions = true,
            description = {"Checks the instrument over runs that hold the built-in controls: applies the primary analysis (paired by "
                + "block) to each run's A/A arm (the baseline again) and planted arm (a known effect) and reports how often the A/A arm "
                + "was significant, p < 0.05 (false alarms: about 5%% for an honest test), how often the planted arm was significantly "
                + "slower (the power against it) and how often its 95%% CI covered its true ratio (about 95%%), with exact 95%% "
                + "intervals of those shares, and the mean MDE. For example: five default runs, then 'icpbench calibrate results/runs/*'."})
    public static final class Calibrate implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", arity = "1..*", description = "Run directories.")
        List<Path> dirs;

        @Option(names = "--margin", paramLabel = "PERCENT", defaultValue = "1",
                description = "Equivalence margin, percent. Default: ${DEFAULT-VALUE}.")
        double margin;

        @Option(names = "--json", paramLabel = "FILE", description = "Also write the trials and the counts as JSON, for programs.")
        Path json;

        @Override
        public Integer call() {
            double m = percent("--margin", margin);
            Map<String, RunResults> runs = new LinkedHashMap<>();
            for (Path d : dirs) {
                runs.put(d.toString(), ResultsFiles.read(d));
            }
            Calibration.Summary c = Calibration.of(runs, m);
            if (c.aa().isEmpty() && c.planted().isEmpty()) {
                throw new IllegalArgumentException("no run holds an A/A arm (the baseline's spec again) or a planted arm (planted=PERCENT on "
                        + "the baseline) with enough forks: " + String.join("; ", c.skipped()));
            }
            System.out.printf(Locale.ROOT, "calibration over %d run(s): the primary analysis (paired by block), controls at α = 0.05 "
                    + "uncorrected and judged by significance (p, 95%% CI); TOST within ±%s (90%% CI) beside it%n", runs.size(),
                    MarkdownReport.percent(m));
            System.out.printf(Locale.ROOT, "  %-40s %-12s %-8s %6s %-25s %8s %8s %-12s %-7s %6s%n", "run", "arm", "role", "blocks",
                    "rate ratio [95% CI]", "p", "TOST p", "verdict", "covers", "MDE");
            for (Calibration.Trial t : java.util.stream.Stream.concat(c.aa().stream(), c.planted().stream()).toList()) {
                System.out.printf(Locale.ROOT, "  %-40s %-12s %-8s %6s %-25s %8s %8s %-12s %-7s %5.1f%%%n", t.run(), t.arm(), t.role(),
                        t.method().equals("PAIRED") ? Integer.toString(t.n()) : "none", String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", t.ratio(),
                                t.ratioLow(), t.ratioHigh()), MarkdownReport.pValue(t.p()), MarkdownReport.pValue(t.tostP()), t.verdict(),
                        t.coversTruth() ? "yes" : "NO", 100 * t.mde());
            }
            c.skipped().forEach(sk -> System.out.println("  (skipped: " + sk + ")"));
            System.out.println();
            if (c.aaSignificant().trials() > 0) {
                System.out.println(tally("A/A arm significant, p < 0.05 (false alarms)", c.aaSignificant(), "expected about 5%"));
                System.out.println(tally("A/A arm's 95% CI covered 1", c.aaCovered(), "expected about 95%"));
            }
            if (c.plantedSlower().trials() > 0) {
                System.out.println(tally("planted arm significantly slower", c.plantedSlower(), "the power against the planted effect"));
                System.out.println(tally("planted arm's 95% CI covered its true ratio", c.plantedCovered(), "expected about 95%"));
            }
            System.out.printf(Locale.ROOT, "mean MDE at 80%% power (α = 0.05): %s%n", String.join(", ",
                    java.util.stream.Stream.of(c.aa().isEmpty() ? null : String.format(Locale.ROOT, "A/A %.1f%%", 100 * c.aaMeanMde()),
                            c.planted().isEmpty() ? null : String.format(Locale.ROOT, "planted %.1f%%", 100 * c.plantedMeanMde()))
                            .filter(java.util.Objects::nonNull).toList()));
            if (json != null) {
                ResultsFiles.writeJson(json, c);
                System.out.println("(written to " + json + ")");
            }
            return 0;
        }

        /** "planted arm significantly slower: 4 of 5 (80.0%, exact 95% CI 28.4%-99.5%; the power ...)". */
        static String tally(String what, Calibration.Tally t, String note) {
            return String.format(Locale.ROOT, "%s: %d of %d (%.1f%%, exact 95%% CI %.1f%%-%.1f%%; %s)", what, t.hits(), t.trials(), 100 * t.share(),
                    100 * t.low(), 100 * t.high(), note);
        }
    }

    /**
     * {@code icpbench compare A B}: two runs (another JDK, commit or machine), arm by arm, through
     * each arm's ratio to its own run's baseline, so that what the machine did between the runs
     * (it drifts: -14% per 10 forks was measured within one run) cancels.
     */
    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = {"Compare two runs arm by arm: each arm's rate ratio to its own run's baseline (paired by block), B's ratio "
                + "against A's (SE √(seA² + seB²), Welch–Satterthwaite df, Holm over the arms that are questions). Absolute rates "
                + "are not compared: one run each gives no estimate of how much a machine's speed varies between runs. "
                + "The CI of B/A covers the within-run uncertainty of each run only; run-to-run variation of the ratio is not in it, "
                + "and needs repeated runs (for example icpbench calibrate over several runs of each)."})
    public static final class Compare implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "A", description = "The reference run.")
        Path a;

        @Parameters(index = "1", paramLabel = "B", description = "The other run.")
        Path b;

        @Option(names = "--margin", paramLabel = "PERCENT", defaultValue = "1",
                description = "Equivalence margin, percent. Default: ${DEFAULT-VALUE}.")
        double margin;

        @Override
        public Integer call() {
            double m = percent("--margin", margin);
            RunResults ra = ResultsFiles.read(a);
            RunResults rb = ResultsFiles.read(b);
            List<Stats.RunChange> cs = Stats.betweenRuns(ra, rb, m, m);
            String base = ra.settings().baseline();
            System.out.printf("A: %s (commit %s, JDK %s, started %s)%nB: %s (commit %s, JDK %s, started %s)%n", a, ra.provenance().gitCommit(),
                    ra.provenance().jdk(), ra.provenance().started(), b, rb.provenance().gitCommit(), rb.provenance().jdk(), rb.provenance().started());
            System.out.printf(Locale.ROOT, "%neach arm's rate ratio to its own run's baseline %s (paired by block, 95%% CIs), and B's ratio "
                    + "against A's:%n", base);
            System.out.printf(Locale.ROOT, "  %-18s %-7s %-24s %-24s %-24s %8s %8s %8s %s%n", "arm", "role", "A: ratio", "B: ratio", "B/A",
                    "p", "Holm p", "TOST p", "verdict");
            for (Stats.RunChange c : cs) {
                Stats.LogRatio x = c.change();
                String verdict = switch (x.verdict()) {
                    case FASTER -> "faster in B";
                    case SLOWER -> "slower in B";
                    case EQUIVALENT -> "equivalent";
                    case INCONCLUSIVE -> "inconclusive: MDE " + String.format(Locale.ROOT, "%.1f%%", 100 * x.mde());
                };
                if (x.significant() && x.equivalent()) {
                    verdict += "; within ±" + MarkdownReport.percent(m);
                }
                System.out.printf(Locale.ROOT, "  %-18s %-7s %-24s %-24s %-24s %8s %8s %8s %s%n", c.arm(), x.role().role().word(), ci(c.inA()),
                        ci(c.inB()), ci(x), MarkdownReport.pValue(x.p()), x.role().control() ? "-" : MarkdownReport.pValue(x.pAdjusted()),
                        MarkdownReport.pValue(x.tostP()), verdict);
            }
            for (RunResults.Arm arm : ra.settings().arms()) {
                if (rb.settings().armNames().contains(arm.name()) && !rb.settings().arm(arm.name()).spec().equals(arm.spec())) {
                    System.out.printf("  (note: %s is '%s' in A and '%s' in B)%n", arm.name(), arm.spec(), rb.settings().arm(arm.name()).spec());
                }
            }
            double xa = RunAnalysis.of(ra, m, m).arm(base).forks().mpps();
            double xb = RunAnalysis.of(rb, m, m).arm(base).forks().mpps();
            System.out.printf(Locale.ROOT, "%n%s (the baseline): %.3f Mpps in A, %.3f Mpps in B (%+.1f%%), for information only: absolute "
                    + "rates across runs are not compared, because one run each gives no estimate of how much they vary between runs "
                    + "(machine state, other tenants, drift); the ratios above are taken against the baseline in the same blocks, which "
                    + "cancels that.%n", base, xa, xb, 100 * (xb / xa - 1));
            System.out.printf(Locale.ROOT, "(B/A: the change of an arm's ratio to %s from A to B; faster/slower in B when significant, "
                    + "Holm's p over the questions < 0.05 (the 95%% CI), the controls uncorrected (their truth is no change); else "
                    + "equivalent when TOST p < 0.05 (the 90%% CI within ±%s); else inconclusive.)%n", base, MarkdownReport.percent(m));
            System.out.println("(" + Stats.BETWEEN_RUNS_LIMIT + ")");
            return 0;
        }

        private static String ci(Stats.LogRatio x) {
            return String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", x.ratio(), x.ratioLow(), x.ratioHigh());
        }
    }
}
