package io.icpbench.harness.run;

import io.icpbench.analysis.RoundComponents;
import io.icpbench.analysis.Stats;
import io.icpbench.harness.host.Machine;
import io.icpbench.results.ResultsFiles;
import io.icpbench.results.RunResults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * How many measurement iterations per fork, and why, in words.
 *
 * @param iterations the iterations chosen
 * @param why        the reason, as the run prints it
 */
public record IterationChoice(int iterations, String why) {
    /** Blocks a run must hold for its paired t to have 4 degrees of freedom at least. */
    public static final int MIN_BLOCKS = 5;
    /**
     * The fewest measured iterations (turns) a fork of the interleaved design gets when the iterations
     * are chosen. Issue 20's lever table (96 forks, 32 blocks) measured the A/A difference's SD per
     * round at 0.169 and per fork beyond its rounds at 0.080 (ln rate), so r* is about 18 turns: most
     * of a fork's error is the fork itself, and more, shorter forks buy more than longer ones.
     */
    public static final int MIN_CHOSEN_ITERATIONS = 20;
    /**
     * The most: an earlier run's between-fork variance left by pairing is often estimated as 0 from
     * its few blocks (r* unbounded), while the validation runs showed forks of one block differing
     * by up to 5% JVM to JVM; a long budget then buys blocks rather than ever longer forks.
     */
    public static final int MAX_CHOSEN_ITERATIONS = 300;

    /**
     * Measurement iterations per fork from the last run like this one (Kalibera and Jones 2013):
     * the variance within a fork and the between-fork variance that pairing by block leaves, from
     * that run's A/A pair (the baseline against itself: the design's own noise; in the interleaved
     * designs aligned by round, {@link RoundComponents}, so that noise a round shares, which pairing
     * removes, is not counted within forks and S_b² does not read 0), give the optimal
     * iterations r* = √(c_fork/c_iter · S_w²/S_b²), where c_fork is what a fork spends not measuring
     * (its share of the block's start, its warmup turns). r* is kept between {@link
     * #MIN_CHOSEN_ITERATIONS} and what still leaves {@link #MIN_BLOCKS} blocks in the budget. Without
     * such a run: {@code fallback}.
     *
     * @param previous    earlier runs, any order (the newest that matches is used)
     * @param forBudget   seconds the budget leaves for the blocks
     */
    public static IterationChoice choose(List<RunResults> previous, String design, String profile, int forksPerBlock, int together,
            int warmup, double iterationSeconds, double forBudget, int fallback) {
        double perBlock = forBudget / MIN_BLOCKS;
        int fixedTurns = (int) Math.ceil(forksPerBlock / (double) together);
        double overhead = InterleavedDesign.overhead(forksPerBlock);
        int max = Math.min(MAX_CHOSEN_ITERATIONS, (int) Math.floor((perBlock - overhead) / (fixedTurns * iterationSeconds)) - warmup);
        RunResults last = previous.stream()
                .filter(r -> r.settings().design().equals(design) && r.settings().profile().equals(profile)
                        && r.settings().armNames().contains(Arms.AA) && r.provenance().cores() == Runtime.getRuntime().availableProcessors()
                        && r.provenance().cpuModel().equals(Machine.provenance().cpuModel()))
                .filter(r -> Stats.blockDifferences(r, Arms.AA, r.settings().baseline()).length >= 2)
                .max(Comparator.comparing(r -> r.provenance().started())).orElse(null);
        if (last == null) {
            return new IterationChoice(fallback, String.format(Locale.ROOT, "%d measurement iterations per fork (no earlier %s run of this "
                    + "profile with an A/A arm on this machine to choose them from)", fallback, design));
        }
        // The interleaved designs pair round by round too: their components come from the per-round A/A differences, since the
        // within-fork variance of Kalibera and Jones keeps the noise a round shares, which pairing removes (RoundComponents).
        boolean rounds = !last.settings().design().equals(RunResults.Settings.SEQUENTIAL);
        Stats.VarianceComponents v = rounds ? RoundComponents.of(last, Arms.AA, last.settings().baseline())
                : Stats.pairedVarianceComponents(last, Arms.AA, last.settings().baseline());
        double forkSeconds = overhead / forksPerBlock + warmup * iterationSeconds;
        int best = max < 1 ? MIN_CHOSEN_ITERATIONS : Stats.optimalIterations(v, forkSeconds, iterationSeconds, max);
        int chosen = Math.max(MIN_CHOSEN_ITERATIONS, best);
        return new IterationChoice(chosen, String.format(Locale.ROOT, "%d measurement iterations per fork, chosen from the A/A pair of the "
                + "run of %s: within-fork SD %.3f, between-fork SD left by pairing %.3f (ln rate%s), Kalibera-Jones optimum %s, "
                + "at most %d (to keep %d blocks in the budget, and %d at most)", chosen, last.provenance().started(), v.withinSd(), v.betweenSd(),
                rounds ? ", per fork, paired round by round" : "",
                v.between() > 0 ? Long.toString(Math.round(Math.sqrt(forkSeconds / iterationSeconds * v.within() / v.between()))) : "unbounded",
                Math.max(max, MIN_CHOSEN_ITERATIONS), MIN_BLOCKS, MAX_CHOSEN_ITERATIONS));
    }

    /** The runs of {@code design} under results/runs of this checkout that read (others are skipped). */
    public static List<RunResults> previousRuns(String design) {
        String home = System.getenv("ICPBENCH_HOME");
        Path runs = Path.of(home != null ? home : ".", "results", "runs");
        List<RunResults> out = new ArrayList<>();
        if (!Files.isDirectory(runs)) {
            return out;
        }
        try (java.util.stream.Stream<Path> dirs = Files.list(runs)) {
            for (Path p : dirs.filter(x -> Files.isRegularFile(x.resolve(ResultsFiles.RESULTS))).toList()) {
                try {
                    RunResults r = ResultsFiles.read(p);
                    if (r.settings().design().equals(design)) {
                        out.add(r);
                    }
                } catch (RuntimeException e) {
                    // A damaged or foreign run is no guide; it is reported when read on its own.
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }
}
