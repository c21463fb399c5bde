package io.icpbench.analysis;

import io.icpbench.results.ResultsException;
import io.icpbench.results.RunResults;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Variance components of the interleaved design, aligned by round: what decides how many
 * iterations a fork of the paired design should measure.
 *
 * <p>WHY NOT {@link Stats#pairedVarianceComponents}. Kalibera and Jones' within-fork variance is
 * the spread of one fork's iterations about its mean. In the interleaved design the forks of a
 * block take turns round by round, and much of what moves one turn (another tenant's burst, the
 * frequency, the caches) moves every turn of that round alike; pairing by block removes it, since
 * every fork of the block has one turn in every round. That shared noise is in the within-fork
 * variance, so S_b² = var(block differences) − S_w²/r subtracts noise the differences never had:
 * S_b² reads near 0 and r* = √(c_fork/c_iter · S_w²/S_b²) runs to its cap (in the simulation of
 * {@code RoundComponentsTest}: true r* 33, Kalibera–Jones 300, the cap given; round-aligned 32).
 *
 * <p>HOW. Per block that holds both arms, per round k: D_k = ln(ns/packet) of the arm's iteration
 * in round k minus the reference's in the same round (the mean over a side's forks when a block
 * holds two, such as two baseline forks). S_w² is the variance of the D_k about their block's mean,
 * pooled over blocks (what pairing round by round leaves); S_b² is var(block means of D) −
 * S_w²·mean(1/r), at least 0 (the fork-to-fork variance beyond it). Both are divided by
 * mean(1/k_arm + 1/k_reference), as {@link Stats#pairedVarianceComponents} does, so that they are
 * per fork and r* comes out of {@link Stats#optimalIterations} unchanged. A fork's n-th measured
 * iteration is the turn of round warmup + n in every fork of a block (InterleavedBlock), so the
 * rounds align by iteration index; given the run's {@link Turns}, the alignment is read from them
 * instead, and checked.
 */
public final class RoundComponents {
    private RoundComponents() {
    }

    /** {@link #of(RunResults, String, String, Turns)} aligning iterations by index (the same round in every fork of a block). */
    public static Stats.VarianceComponents of(RunResults r, String arm, String reference) {
        return of(r, arm, reference, null);
    }

    /**
     * The round-aligned components of {@code arm} against {@code reference}, on the ln scale, per fork.
     *
     * @param turns the run's turns (null: align by iteration index)
     * @throws IllegalArgumentException with fewer than 2 blocks holding both arms with at least 2 common rounds
     * @throws ResultsException         when {@code turns} disagree with the run (a fork whose measurement turns
     *                                  are not its iterations, in count, block or arm)
     */
    public static Stats.VarianceComponents of(RunResults r, String arm, String reference, Turns turns) {
        Map<Integer, List<Turns.Turn>> measured = turns == null ? null : turns.measuredByFork();
        // per block: round -> {sum of the arm's ln ns, its forks, the same for the reference}; and the forks of each side
        TreeMap<Integer, TreeMap<Integer, double[]>> blocks = new TreeMap<>();
        TreeMap<Integer, int[]> forksPerSide = new TreeMap<>();
        for (RunResults.ForkResult f : r.forks()) {
            int side = f.arm().equals(arm) ? 0 : f.arm().equals(reference) ? 2 : -1;
            if (side < 0) {
                continue;
            }
            int[] rounds = rounds(f, measured);
            TreeMap<Integer, double[]> block = blocks.computeIfAbsent(f.block(), k -> new TreeMap<>());
            for (int n = 0; n < rounds.length; n++) {
                double[] cell = block.computeIfAbsent(rounds[n], k -> new double[4]);
                cell[side] += Math.log(f.scoresNsPerPacket().get(n));
                cell[side + 1]++;
            }
            forksPerSide.computeIfAbsent(f.block(), k -> new int[2])[side / 2]++;
        }
        double ss = 0;
        double dof = 0;
        double inverseRounds = 0;
        double forkFactor = 0;
        List<Double> means = new ArrayList<>();
        for (Map.Entry<Integer, TreeMap<Integer, double[]>> b : blocks.entrySet()) {
            int[] k = forksPerSide.get(b.getKey());
            if (k[0] == 0 || k[1] == 0) {
                continue;
            }
            // rounds where every fork of both sides measured (a fork cut short ends early)
            double[] d = b.getValue().values().stream().filter(c -> c[1] == k[0] && c[3] == k[1]).mapToDouble(c -> c[0] / c[1] - c[2] / c[3])
                    .toArray();
            if (d.length < 2) {
                continue;
            }
            double m = Stats.mean(d);
            for (double v : d) {
                ss += (v - m) * (v - m);
            }
            dof += d.length - 1;
            inverseRounds += 1.0 / d.length;
            forkFactor += 1.0 / k[0] + 1.0 / k[1];
            means.add(m);
        }
        if (means.size() < 2) {
            throw new IllegalArgumentException(arm + " vs " + reference + ": " + means.size() + " blocks hold both with at least 2 common "
                    + "rounds; round-aligned variance components need at least 2");
        }
        int n = means.size();
        double within = ss / dof;
        double betweenDiff = Stats.variance(means.stream().mapToDouble(Double::doubleValue).toArray()) - within * inverseRounds / n;
        double c = forkFactor / n;
        return new Stats.VarianceComponents(arm + " vs " + reference, n, n / inverseRounds, within / c, Math.max(0, betweenDiff / c));
    }

    /** The round of each of the fork's measured iterations: from its measurement turns, or, without them, its iteration index. */
    private static int[] rounds(RunResults.ForkResult f, Map<Integer, List<Turns.Turn>> measured) {
        int iterations = f.scoresNsPerPacket().size();
        if (measured == null) {
            return java.util.stream.IntStream.range(0, iterations).toArray();
        }
        List<Turns.Turn> ts = measured.getOrDefault(f.index(), List.of());
        if (ts.size() != iterations) {
            throw new ResultsException(Turns.FILE + ": fork " + f.index() + " (" + f.arm() + ") has " + ts.size() + " measurement turns, but "
                    + iterations + " measured iterations in the results: its iterations cannot be put in their rounds");
        }
        int[] out = new int[iterations];
        for (int n = 0; n < iterations; n++) {
            Turns.Turn t = ts.get(n);
            if (t.block() != f.block() || !t.arm().equals(f.arm())) {
                throw new ResultsException(Turns.FILE + ": fork " + f.index() + "'s turn in round " + t.round() + " is of block " + t.block()
                        + ", arm " + t.arm() + "; the results say block " + f.block() + ", arm " + f.arm());
            }
            out[n] = t.round();
        }
        return out;
    }
}
