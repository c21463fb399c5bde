package io.icpbench.analysis;

import io.icpbench.results.RunResults;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Interleaved runs drawn from a model of the noise real forks show, with known truths: the ground
 * on which {@link SimulationTest} proves the analysis and {@link RoundComponentsTest} the choice of
 * iterations. Unlike {@link SyntheticRuns} (a few runs shaped for reports), every part of the
 * noise here is one the interleaved design meets, each with its own known size, so that what the
 * analysis claims (false-positive rate, coverage, power, r*) can be checked against the truth.
 *
 * <p>THE MODEL, on ln(ns/packet) of one turn (one measured iteration) of fork f of arm a in block
 * b, round k, at time t: ln 400 − ln(truth_a) + block_b + fork_f + round_bk + drift(t) + turn.
 * <ul>
 *   <li>block_b ~ N(0, blockSd²): what a block's forks share (their hour on the machine);
 *   <li>fork_f ~ N(0, forkSd²), plus ln(slowFactor) in a share slowShare of forks: the JVM-to-JVM
 *       difference, with the bimodal mixture real forks show (a fork whose JIT took another path runs
 *       slow for its whole life);
 *   <li>round_bk ~ N(0, roundSd²), shared by every fork's turn in that round: a burst of another
 *       tenant lasts longer than one turn (pairing removes it; Kalibera and Jones' within-fork variance keeps it);
 *   <li>drift(t) = driftPerHour·t/3600 + wobble·sin(2πt/600 s): the machine's slow change, on the run's clock;
 *   <li>turn = N(0, turnSd²) + Exp(mean tailMean) in a share tailShare of turns: right-tailed noise of one turn.
 * </ul>
 * Time runs as in InterleavedBlock: a block's forks start together (10 s), then rounds of one
 * {@link #TURN_SECONDS} turn per fork in a random order, warmup rounds first; blocks follow each other.
 */
final class SimulatedRuns {
    /** One turn's length. */
    static final double TURN_SECONDS = 0.1;
    /** A block's start before its first turn (its JVMs). */
    static final double BLOCK_START_SECONDS = 10;

    private SimulatedRuns() {
    }

    /** The noise model (see the class comment); every SD on the ln scale. */
    record Model(String name, int blocks, int warmup, int iterations, double blockSd, double forkSd, double slowShare, double slowFactor,
            double turnSd, double tailShare, double tailMean, double roundSd, double driftPerHour, double wobble) {
        Model withName(String n) {
            return new Model(n, blocks, warmup, iterations, blockSd, forkSd, slowShare, slowFactor, turnSd, tailShare, tailMean, roundSd,
                    driftPerHour, wobble);
        }

        Model withBlocks(int b) {
            return new Model(name, b, warmup, iterations, blockSd, forkSd, slowShare, slowFactor, turnSd, tailShare, tailMean, roundSd,
                    driftPerHour, wobble);
        }

        Model withBlockSd(double sd) {
            return new Model(name, blocks, warmup, iterations, sd, forkSd, slowShare, slowFactor, turnSd, tailShare, tailMean, roundSd,
                    driftPerHour, wobble);
        }

        Model withIterations(int r) {
            return new Model(name, blocks, warmup, r, blockSd, forkSd, slowShare, slowFactor, turnSd, tailShare, tailMean, roundSd,
                    driftPerHour, wobble);
        }

        Model withForks(double sd, double share, double factor) {
            return new Model(name, blocks, warmup, iterations, blockSd, sd, share, factor, turnSd, tailShare, tailMean, roundSd,
                    driftPerHour, wobble);
        }

        Model withTurnNoise(double sd, double share, double mean) {
            return new Model(name, blocks, warmup, iterations, blockSd, forkSd, slowShare, slowFactor, sd, share, mean, roundSd, driftPerHour,
                    wobble);
        }

        Model withRounds(double sd) {
            return new Model(name, blocks, warmup, iterations, blockSd, forkSd, slowShare, slowFactor, turnSd, tailShare, tailMean, sd,
                    driftPerHour, wobble);
        }

        Model withDrift(double perHour, double w) {
            return new Model(name, blocks, warmup, iterations, blockSd, forkSd, slowShare, slowFactor, turnSd, tailShare, tailMean, roundSd,
                    perHour, w);
        }

        /** The variance of a turn's own noise (what pairing round by round leaves): normal part plus the tail's Bernoulli × exponential. */
        double turnVariance() {
            double secondMoment = tailShare * 2 * tailMean * tailMean;
            double mean = tailShare * tailMean;
            return turnSd * turnSd + secondMoment - mean * mean;
        }

        /** The variance between forks that neither the block nor the iterations explain: normal part plus the slow-state mixture. */
        double forkVariance() {
            double slow = Math.log(slowFactor);
            return forkSd * forkSd + slowShare * (1 - slowShare) * slow * slow;
        }

        /** The true Kalibera–Jones optimum for the paired interleaved design, √(c_fork/c_iter · S_w²/S_b²), S_w² and S_b² the true ones. */
        double trueOptimalIterations(double forkSeconds, double iterationSeconds) {
            return Math.sqrt(forkSeconds / iterationSeconds * turnVariance() / forkVariance());
        }
    }

    /**
     * The model the simulation starts from, near what issue 12's runs showed on this machine: a
     * turn varies by about 23% (ln SD; 0.12 of it shared by the round, a right tail in 10% of turns,
     * 20% longer on average),
     * forks of a block differ by 2%, blocks by 5%, the machine drifts 10% an hour with a 3% wobble
     * of 10 minutes; 5 blocks of 40 warmup and 100 measured turns. No slow fork state: {@link #BIMODAL} adds it.
     */
    static final Model NORMAL = new Model("normal fork effects", 5, 40, 100, 0.05, 0.02, 0, 1, 0.17, 0.10, 0.2, 0.12, 0.10, 0.03);

    /** {@link #NORMAL} with the bimodal mixture: 1 fork in 7 runs 30% slow for its whole life. */
    static final Model BIMODAL = NORMAL.withForks(0.02, 1.0 / 7, 1.3).withName("1 fork in 7 30% slow");

    /** An arm of a simulated run and its true rate ratio against the baseline. */
    record Arm(RunResults.Arm arm, double trueRatio) {
    }

    /** The baseline. */
    static Arm baseline() {
        return new Arm(RunResults.Arm.ofMode("virtual"), 1);
    }

    /** The A/A control: the baseline under another name, true ratio 1. */
    static Arm aa() {
        return new Arm(new RunResults.Arm("aa", "virtual", null, null, null, null, null, List.of()), 1);
    }

    /** The planted control: the baseline with {@code planted=percent}, true ratio 1/(1 + percent/100). */
    static Arm planted(double percent) {
        return new Arm(new RunResults.Arm("planted", "virtual", null, null, null, null, null, List.of(), Double.toString(percent)),
                1 / (1 + percent / 100));
    }

    /** A question: an arm of mode {@code mode} whose rate is {@code trueRatio} times the baseline's. */
    static Arm question(String mode, double trueRatio) {
        return new Arm(RunResults.Arm.ofMode(mode), trueRatio);
    }

    /** A simulated run and, when asked for, its turns as turns.csv would hold them (null otherwise). */
    record Simulated(RunResults run, Turns turns) {
    }

    /**
     * One interleaved run of model {@code m}: per block one fork of every arm (the first is the
     * baseline), forks numbered in block order, each block's order random.
     *
     * @param withTurns whether to record every turn (warmup included), for turns.csv
     */
    static Simulated run(Model m, List<Arm> arms, long seed, boolean withTurns) {
        SplittableRandom random = new SplittableRandom(seed);
        int perBlock = arms.size();
        int rounds = m.warmup() + m.iterations();
        double blockSeconds = BLOCK_START_SECONDS + rounds * perBlock * TURN_SECONDS;
        double slow = Math.log(m.slowFactor());
        List<RunResults.PlannedFork> plan = new ArrayList<>();
        List<RunResults.ForkResult> forks = new ArrayList<>();
        List<Turns.Turn> turns = withTurns ? new ArrayList<>() : null;
        double[][] ln = new double[perBlock][m.iterations()];
        for (int b = 0; b < m.blocks(); b++) {
            int[] order = shuffled(perBlock, random);
            double block = m.blockSd() * random.nextGaussian();
            double[] forkEffect = new double[perBlock];
            for (int i = 0; i < perBlock; i++) {
                forkEffect[i] = m.forkSd() * random.nextGaussian() + (random.nextDouble() < m.slowShare() ? slow : 0);
            }
            double start = b * blockSeconds + BLOCK_START_SECONDS;
            for (int k = 0; k < rounds; k++) {
                boolean measured = k >= m.warmup();
                double round = m.roundSd() * random.nextGaussian();
                int[] turnOrder = shuffled(perBlock, random);
                for (int pos = 0; pos < perBlock; pos++) {
                    int i = turnOrder[pos];
                    double t0 = start + (k * perBlock + pos) * TURN_SECONDS;
                    if (withTurns) {
                        turns.add(new Turns.Turn(b, k, b * perBlock + position(order, i), arms.get(i).arm().name(), measured,
                                Math.round(t0 * 1e6), Math.round((t0 + TURN_SECONDS) * 1e6)));
                    }
                    if (!measured) {
                        continue;
                    }
                    double mid = t0 + TURN_SECONDS / 2;
                    double drift = m.driftPerHour() * mid / 3600 + m.wobble() * Math.sin(2 * Math.PI * mid / 600);
                    double turn = m.turnSd() * random.nextGaussian() + (random.nextDouble() < m.tailShare() ? m.tailMean() * random.nextExponential() : 0);
                    ln[i][k - m.warmup()] = Math.log(400 / arms.get(i).trueRatio()) + block + forkEffect[i] + round + drift + turn;
                }
            }
            for (int pos = 0; pos < perBlock; pos++) {
                int i = order[pos];
                int index = b * perBlock + pos;
                RunResults.Arm a = arms.get(i).arm();
                Double[] ns = Arrays.stream(ln[i]).map(Math::exp).boxed().toArray(Double[]::new);
                double mean = Arrays.stream(ln[i]).map(Math::exp).average().orElseThrow();
                plan.add(new RunResults.PlannedFork(index, b, a.name(), a.mode()));
                forks.add(new RunResults.ForkResult(index, b, a.name(), a.mode(), Arrays.asList(ns), 1e9 / mean, Map.of(), Map.of(), Map.of(),
                        RunResults.Accounting.unknown(), null, null, blockSeconds));
            }
        }
        List<RunResults.Arm> settingsArms = arms.stream().map(Arm::arm).toList();
        RunResults.Settings s = new RunResults.Settings(settingsArms, "default", 0, 1, "all", m.blocks(), m.warmup(), m.iterations(), TURN_SECONDS,
                seed, false, settingsArms.get(0).name(), RunResults.Settings.INTERLEAVED);
        RunResults.Provenance p = new RunResults.Provenance("25.0.3+9-LTS", List.of(), "Intel(R) Xeon(R) Processor", "Linux 6.18", 2, "1a2b3c4",
                "2026-12-03T10:12:00Z");
        return new Simulated(new RunResults(RunResults.SCHEMA, s, p, plan, forks), withTurns ? new Turns(turns) : null);
    }

    /** {@code turns} as turns.csv holds them (InterleavedBlock.appendTurns's format). */
    static String turnsCsv(Turns turns) {
        StringBuilder b = new StringBuilder(Turns.HEADER).append('\n');
        for (Turns.Turn t : turns.turns()) {
            b.append(t.block()).append(',').append(t.round()).append(',').append(t.fork()).append(',').append(t.arm()).append(',')
                    .append(t.measured() ? "measurement" : "warmup").append(',').append(t.startUs()).append(',').append(t.endUs()).append('\n');
        }
        return b.toString();
    }

    /** 0..n-1 in a random order (Fisher–Yates). */
    private static int[] shuffled(int n, SplittableRandom random) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    private static int position(int[] order, int arm) {
        for (int pos = 0; pos < order.length; pos++) {
            if (order[pos] == arm) {
                return pos;
            }
        }
        throw new IllegalArgumentException("arm " + arm + " not in the block's order");
    }

    /**
     * A run whose per-block log ratios of every arm but the first against the first are exactly
     * {@code sd} times a fixed standardized pattern (mean 0, SD 1), one iteration per fork: what
     * the analysis reports for a design whose true SD of the paired differences is {@code sd} (its
     * MDE, its power), as the analysis itself computes it.
     */
    static RunResults design(List<Arm> arms, int blocks, double sd) {
        double[] z = new double[blocks];
        for (int b = 0; b < blocks; b++) {
            z[b] = b - (blocks - 1) / 2.0;
        }
        double scale = Stats.sd(z);
        List<RunResults.PlannedFork> plan = new ArrayList<>();
        List<RunResults.ForkResult> forks = new ArrayList<>();
        for (int b = 0; b < blocks; b++) {
            for (int i = 0; i < arms.size(); i++) {
                int index = b * arms.size() + i;
                RunResults.Arm a = arms.get(i).arm();
                double ns = i == 0 ? 400 : 400 * Math.exp(-sd * z[b] / scale);
                plan.add(new RunResults.PlannedFork(index, b, a.name(), a.mode()));
                forks.add(new RunResults.ForkResult(index, b, a.name(), a.mode(), List.of(ns), 1e9 / ns, Map.of(), Map.of(), Map.of(),
                        RunResults.Accounting.unknown(), null, null, 1));
            }
        }
        List<RunResults.Arm> settingsArms = arms.stream().map(Arm::arm).toList();
        RunResults.Settings s = new RunResults.Settings(settingsArms, "default", 0, 1, "all", blocks, 0, 1, TURN_SECONDS, 1, false,
                settingsArms.get(0).name(), RunResults.Settings.INTERLEAVED);
        RunResults.Provenance p = new RunResults.Provenance("25.0.3+9-LTS", List.of(), "cpu", "Linux", 2, "x", "2026-12-03T10:12:00Z");
        return new RunResults(RunResults.SCHEMA, s, p, plan, forks);
    }
}
