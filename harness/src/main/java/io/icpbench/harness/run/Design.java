package io.icpbench.harness.run;

import io.icpbench.results.RunResults;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * How a run's forks meet the machine: one at a time ({@link SequentialDesign}), or a block's forks
 * alive together taking turns ({@link InterleavedDesign}, and its duet variant). A design owns its
 * defaults, its time estimate and its loop; a new design is one class and a line in {@link #ALL}.
 */
public interface Design {
    /** Every design, by the name results files and {@code --design} use; the first is the default. */
    List<Design> ALL = List.of(InterleavedDesign.INTERLEAVED, SequentialDesign.INSTANCE, InterleavedDesign.DUET);

    /** The name on the command line and in results. */
    String name();

    /** Forks that run at the same time. */
    int together();

    /** Whether the run's measured iterations are chosen from earlier runs (Kalibera–Jones) when not given. */
    boolean choosesIterations();

    /** Warmup iterations per fork when not given. */
    int defaultWarmupIterations(boolean quick);

    /** Measurement iterations per fork when not given and not chosen. */
    int defaultIterations(boolean quick);

    /** Seconds per iteration when not given. */
    double defaultIterationSeconds(boolean quick);

    /** The expected seconds of one block of {@code forks} forks. */
    double blockSeconds(int forks, int warmupIterations, int iterations, double iterationSeconds);

    /**
     * Runs the forks of {@code results}' plan that are not finished yet, writing the results after
     * each as the design allows (a fork, a block), and returns them.
     */
    RunResults run(RunEngine engine, RunSpec spec, RunResults results, Path dir) throws IOException;

    /**
     * The design called {@code name}.
     *
     * @throws IllegalArgumentException naming the bad value and the designs there are
     */
    static Design of(String name) {
        return ALL.stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "--design=" + name + ", expected one of " + String.join(", ", names())));
    }

    /** The designs' names, the default first. */
    static List<String> names() {
        return ALL.stream().map(Design::name).toList();
    }
}
