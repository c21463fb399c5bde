package io.icpbench.harness.run;

import io.icpbench.harness.host.HostLoad;
import io.icpbench.results.RunResults;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A block's forks, one JVM per arm, start together and take turns one iteration each in a random
 * order per round ({@link InterleavedBlock}), so the machine's changes over seconds fall on every
 * arm alike. The duet variant runs two forks at a time, side by side on two cores (Bulej et al. 2020).
 */
public final class InterleavedDesign implements Design {
    static final InterleavedDesign INTERLEAVED = new InterleavedDesign(RunResults.Settings.INTERLEAVED, 1);
    static final InterleavedDesign DUET = new InterleavedDesign(RunResults.Settings.DUET, 2);
    /** Seconds a block takes besides its turns: its JVMs start together on the machine's cores, about 1.5 s of each. */
    static final double BLOCK_OVERHEAD_SECONDS = 3;
    static final double BLOCK_OVERHEAD_PER_FORK_SECONDS = 1.5;

    private final String name;
    private final int together;

    private InterleavedDesign(String name, int together) {
        this.name = name;
        this.together = together;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int together() {
        return together;
    }

    @Override
    public boolean choosesIterations() {
        return true;
    }

    @Override
    public int defaultWarmupIterations(boolean quick) {
        return quick ? 20 : 40;
    }

    @Override
    public int defaultIterations(boolean quick) {
        // Without an earlier run to choose from: r* as issue 20's lever table measured it (IterationChoice.MIN_CHOSEN_ITERATIONS).
        return quick ? 10 : IterationChoice.MIN_CHOSEN_ITERATIONS;
    }

    @Override
    public double defaultIterationSeconds(boolean quick) {
        return 0.1;
    }

    /** Seconds a block of {@code forks} spends besides its turns. */
    static double overhead(int forks) {
        return BLOCK_OVERHEAD_SECONDS + BLOCK_OVERHEAD_PER_FORK_SECONDS * forks;
    }

    @Override
    public double blockSeconds(int forks, int warmupIterations, int iterations, double iterationSeconds) {
        return overhead(forks) + Math.ceil(forks / (double) together) * (warmupIterations + iterations) * iterationSeconds;
    }

    @Override
    public RunResults run(RunEngine engine, RunSpec spec, RunResults results, Path dir) throws IOException {
        RunSpec.Budget s = spec.budget();
        int total = results.plan().size();
        Progress.Eta eta = new Progress.Eta(results.forks().size());
        for (List<RunResults.PlannedFork> block : InterleavedBlock.pendingBlocks(results)) {
            int done = results.forks().size();
            double left = eta.secondsLeft(done, total,
                    blockSeconds(spec.arms().size(), s.warmupIterations(), s.iterations(), s.iterationSeconds()) / spec.arms().size());
            int blockNo = block.get(0).block();
            InterleavedBlock b = new InterleavedBlock(dir, spec, block, spec.seed() * 1_000_003L + blockNo, together);
            long blockStart = System.nanoTime();
            int[] lastRound = {-1};
            Map<Integer, HostLoad.Accumulator> noise = new HashMap<>();
            InterleavedBlock.Outcome outcome = engine.runBlock(b, turn -> {
                double inBlock = (System.nanoTime() - blockStart) / 1e9;
                Progress.block(System.err, done, total, blockNo, turn, Math.max(0, left - inBlock), lastRound);
            }, new InterleavedBlock.TurnSampler() {
                @Override
                public Object before(int index, long pid) {
                    return RunEngine.HOST.snapshot(pid);
                }

                @Override
                public void after(int index, long pid, Object before) {
                    noise.computeIfAbsent(index, i -> new HostLoad.Accumulator()).add((HostLoad.Snapshot) before, RunEngine.HOST.snapshot(pid));
                }
            });
            for (RunResults.PlannedFork f : block) {
                HostLoad.Accumulator a = noise.get(f.index());
                results = results.with(outcome.forks().get(f.index()).withNoise(a == null ? null : a.result()));
            }
            results = engine.saved(dir, results);
        }
        return results;
    }
}
