package io.icpbench.harness.run;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.icpbench.results.ResultsFiles;
import io.icpbench.results.RunResults;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What one fork is told, as one file ({@code fork-NNN/spec.json}) that the orchestrator writes and
 * the fork reads whole (JMH sends its {@code OptionsFrame} the same way): its place in the plan,
 * its arm and the run's settings. The fork's JVM flags (its mode, the agent) are on its command line
 * because they must be there before {@code main}; everything else is here.
 *
 * @param schema      {@link #SCHEMA}
 * @param index       the fork's place in the run order
 * @param block       its randomized block
 * @param arm         its arm (name, mode and settings)
 * @param runDir      the run directory (absolute)
 * @param traffic     the traffic, as {@link TrafficSpec#encoded()}
 * @param workNs      handler work, ns
 * @param workers     RX workers
 * @param warmupIterations warmup iterations
 * @param iterations  measured iterations
 * @param iterationMs milliseconds per iteration
 * @param phases      which measured iterations belong to which traffic phase, as the run computed them (empty for one mix)
 */
public record ForkSpec(int schema, int index, int block, RunResults.Arm arm, String runDir, String traffic, double workNs, int workers,
        int warmupIterations, int iterations, long iterationMs, List<RunResults.Phase> phases) {
    public static final int SCHEMA = 1;
    /** The spec's file in a fork's directory. */
    public static final String FILE = "spec.json";

    /** The spec of the planned fork {@code planned} of the run {@code s} in {@code dir}. */
    public static ForkSpec of(Path dir, RunSpec s, RunResults.PlannedFork planned) {
        RunSpec.Budget b = s.budget();
        return new ForkSpec(SCHEMA, planned.index(), planned.block(), s.arm(planned.arm()).written(), dir.toAbsolutePath().toString(),
                s.traffic().encoded(), s.workNs(), s.workers(), b.warmupIterations(), b.iterations(), Math.round(b.iterationSeconds() * 1000),
                s.phases());
    }

    /**
     * This spec as a class data sharing training run ({@code ClassDataSharing}): the same arm,
     * traffic and work, as fork 0 of block 0 in {@code dir}, short: 1 warmup and 1 measurement
     * iteration of 200 ms; traffic with phases keeps its measured iterations (every phase needs
     * its own), at 10 ms each.
     */
    public ForkSpec forTraining(Path dir) {
        int measured = phases.isEmpty() ? 1 : iterations;
        return new ForkSpec(schema, 0, 0, arm, dir.toAbsolutePath().toString(), traffic, workNs, workers, 1, measured, phases.isEmpty() ? 200 : 10,
                phases);
    }

    /** The traffic, typed. */
    public TrafficSpec trafficSpec() {
        return TrafficSpec.decode(traffic);
    }

    /** Writes the spec to {@code file} (atomically). */
    public void write(Path file) throws IOException {
        ResultsFiles.writeJson(file, this);
    }

    /**
     * Reads a spec, checked: its schema, every field present and in range, no unknown field.
     *
     * @throws IllegalArgumentException naming the file and what is wrong
     */
    public static ForkSpec read(Path file) {
        ForkSpec s;
        try {
            s = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                    .readValue(file.toFile(), ForkSpec.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not a fork spec: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (s.schema() != SCHEMA) {
            throw new IllegalArgumentException(file + ": fork spec schema " + s.schema() + ", expected " + SCHEMA);
        }
        if (s.arm() == null || s.runDir() == null || s.traffic() == null || s.phases() == null || s.index() < 0 || s.block() < 0 || s.workers() < 1
                || s.warmupIterations() < 0 || s.iterations() < 1 || s.iterationMs() < 1 || !(s.workNs() >= 0)) {
            throw new IllegalArgumentException(file + ": fork spec " + s + " has a missing or out-of-range field");
        }
        return s;
    }
}
