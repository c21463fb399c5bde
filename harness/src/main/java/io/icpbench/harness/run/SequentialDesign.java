package io.icpbench.harness.run;

import io.icpbench.results.RunResults;
import java.io.IOException;
import java.nio.file.Path;

/** One fork at a time, each whole: the design of {@code --source live}, and of runs before the interleaved design. */
public final class SequentialDesign implements Design {
    static final SequentialDesign INSTANCE = new SequentialDesign();
    /** Seconds one fork takes besides its iterations: JVM start, traffic build, JIT (measured here: about 3). */
    static final double FORK_OVERHEAD_SECONDS = 4;

    private SequentialDesign() {
    }

    @Override
    public String name() {
        return RunResults.Settings.SEQUENTIAL;
    }

    @Override
    public int together() {
        return 1;
    }

    @Override
    public boolean choosesIterations() {
        return false;
    }

    @Override
    public int defaultWarmupIterations(boolean quick) {
        return quick ? 2 : 5;
    }

    @Override
    public int defaultIterations(boolean quick) {
        return quick ? 3 : 10;
    }

    @Override
    public double defaultIterationSeconds(boolean quick) {
        return quick ? 0.5 : 1.0;
    }

    @Override
    public double blockSeconds(int forks, int warmupIterations, int iterations, double iterationSeconds) {
        return forks * FORK_OVERHEAD_SECONDS + forks * (warmupIterations + iterations) * iterationSeconds;
    }

    @Override
    public RunResults run(RunEngine engine, RunSpec spec, RunResults results, Path dir) throws IOException {
        RunSpec.Budget s = spec.budget();
        int total = results.plan().size();
        Progress.Eta eta = new Progress.Eta(results.forks().size());
        for (RunResults.PlannedFork planned : results.plan()) {
            if (results.finished(planned.index())) {
                continue;
            }
            int done = results.forks().size();
            Progress.forks(System.err, done, total, planned, eta.secondsLeft(done, total, blockSeconds(1, s.warmupIterations(), s.iterations(),
                    s.iterationSeconds())));
            results = engine.saved(dir, results.with(engine.runFork(dir, spec, planned)));
        }
        return results;
    }
}
