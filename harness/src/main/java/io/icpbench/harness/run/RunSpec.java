package io.icpbench.harness.run;

import io.icpbench.harness.host.Machine;
import io.icpbench.results.RunResults;
import java.util.List;

/**
 * One run, typed once: what {@code run} and {@code sweep} build from their options (through
 * {@link RunRequest}), what a results file is read back into, and what the engine, the designs and
 * the forks ({@link ForkSpec}) are given. Nothing downstream parses a setting from a string.
 *
 * @param arms          the arms compared, in report order (controls included), typed
 * @param baseline      the arm every other arm is compared with
 * @param design        how the forks meet the machine
 * @param traffic       where the frames come from
 * @param workNs        handler work, ns
 * @param workers       RX workers per fork
 * @param sites         which call sites the modes convert, for arms that do not set their own (checked)
 * @param budget        forks and iterations
 * @param seed          the seed of the fork order (and of each block's turn order)
 * @param quick         whether this is a --quick run
 * @param baselineForks forks of the baseline in every block
 * @param phases        which measured iterations belong to which traffic phase (empty for one mix)
 * @param levers        what every fork runs under, whatever its arm ({@link Lever}); empty for none
 */
public record RunSpec(List<ArmSpec> arms, String baseline, Design design, TrafficSpec traffic, double workNs, int workers,
        String sites, Budget budget, long seed, boolean quick, int baselineForks, List<RunResults.Phase> phases, List<Lever> levers) {
    public RunSpec {
        arms = List.copyOf(arms);
        phases = List.copyOf(phases);
        levers = List.copyOf(levers);
    }

    /**
     * Forks and iterations of a run.
     *
     * @param forksPerArm      forks (blocks) of each arm
     * @param warmupIterations warmup iterations per fork
     * @param iterations       measured iterations per fork
     * @param iterationSeconds seconds per iteration (a turn, in the interleaved designs)
     */
    public record Budget(int forksPerArm, int warmupIterations, int iterations, double iterationSeconds) {
    }

    /** The spec as results files keep it (schema 4's settings). */
    public RunResults.Settings settings() {
        return new RunResults.Settings(arms.stream().map(ArmSpec::written).toList(), traffic.encoded(), workNs, workers, sites, budget.forksPerArm(), budget.warmupIterations(),
                budget.iterations(), budget.iterationSeconds(), seed, quick, baseline, design.name(), phases,
                levers.stream().map(Lever::written).toList());
    }

    /** A results file's settings, typed (the file is the edge where they are read). */
    public static RunSpec of(RunResults.Settings s) {
        return new RunSpec(s.arms().stream().map(ArmSpec::of).toList(), s.baseline(), Design.of(s.design()), TrafficSpec.decode(s.profile()), s.workNs(), s.workers(), s.sites(),
                new Budget(s.forksPerArm(), s.warmupIterations(), s.iterations(), s.iterationSeconds()), s.seed(), s.quick(), 1, s.phases(),
                Lever.parseAll(s.levers()));
    }

    /** The results of this run as it starts: its settings, this machine's provenance and the planned forks; nothing finished. */
    public RunResults start() {
        return new RunResults(RunResults.SCHEMA, settings(), Machine.provenance(), plan(), List.of());
    }

    /** The planned forks: randomized complete blocks drawn from the seed (the same seed, the same plan). */
    public List<RunResults.PlannedFork> plan() {
        return ForkPlan.plan(arms.stream().map(ArmSpec::written).toList(), budget.forksPerArm(), seed, baseline, baselineForks);
    }

    /** The arm called {@code name}. */
    public ArmSpec arm(String name) {
        return arms.stream().filter(a -> a.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no arm '" + name + "' in this run, expected one of " + arms.stream().map(ArmSpec::name).toList()));
    }
}
