package io.icpbench.harness.cli;

import java.util.List;
import picocli.CommandLine.Option;

/**
 * How a run meets the machine and how long it may take: the design, forks and iterations, and the
 * budget; {@code run}'s and {@code sweep}'s options, declared once. Null is "not given": the
 * design's own defaults then apply ({@code Design}), or iterations chosen from earlier runs.
 */
public final class DesignOptions {
    /** The budget of a run when neither --budget nor --forks is given, minutes. */
    static final double DEFAULT_BUDGET_MINUTES = 10;

    @Option(names = "--design", paramLabel = "DESIGN",
            description = "interleaved (default): a block's forks, one JVM per arm, start together and take turns one iteration each "
                + "in a random order per round, so the machine's changes over seconds fall on every arm alike; sequential: one fork "
                + "at a time, each whole (always for --source live); duet: as interleaved, but two forks at a time, side by side "
                + "on two cores (Bulej et al. 2020), an experiment: see docs/statistics.md.")
    String design;

    @Option(names = "--forks", paramLabel = "N", description = "Forks (blocks) per arm. Default: as many as the budget allows (at least 2).")
    Integer forks;

    @Option(names = "--budget", paramLabel = "MINUTES",
            description = "Time a run may take, when --forks is not given. Default: 10 minutes.")
    Double budgetMinutes;

    @Option(names = "--warmup-iterations", paramLabel = "N",
            description = "Warmup iterations per fork. Default: interleaved 40, sequential 5 (--quick: 20 and 2).")
    Integer warmupIterations;

    @Option(names = "--iterations", paramLabel = "N",
            description = "Measurement iterations per fork. Default: interleaved, chosen from the A/A pair of the last interleaved "
                + "run of the profile on this machine (20 to 300, and so that 5 blocks fit the budget; 20 without one); "
                + "sequential 10 (--quick: 10 and 3).")
    Integer iterations;

    @Option(names = "--iteration-time", paramLabel = "SECONDS",
            description = "Seconds per iteration (in the interleaved design, a turn). Default: interleaved 0.1, sequential 1 (--quick: 0.1 and 0.5).")
    Double iterationSeconds;

    @Option(names = "--lever", paramLabel = "LEVER",
            description = "Run every fork, whatever its arm, under LEVER (repeat for more): pin (the RX worker alone on the last CPU, "
                + "the rest of every fork JVM and the orchestrator on the others), fixed-heap (-Xms1g -Xmx1g -XX:+AlwaysPreTouch), "
                + "jvm=FLAGS (JVM flags for every fork, for example jvm=-XX:InlineSmallCode=6000). The report states the levers in "
                + "force. See docs/run.md, the fork lottery.")
    java.util.List<String> levers;

    @Option(names = "--quick", description = "A run of about a minute: 2 forks per arm, short iterations. Valid, if weak.")
    boolean quick;

    /** The budget, as given or {@link #DEFAULT_BUDGET_MINUTES}. */
    double budgetOrDefault() {
        return budgetMinutes != null ? budgetMinutes : DEFAULT_BUDGET_MINUTES;
    }

    /** The options given, by name. */
    void given(List<String> out) {
        Given.add(out, design != null, "--design");
        Given.add(out, forks != null, "--forks");
        Given.add(out, budgetMinutes != null, "--budget");
        Given.add(out, quick, "--quick");
        Given.add(out, iterations != null, "--iterations");
        Given.add(out, warmupIterations != null, "--warmup-iterations");
        Given.add(out, iterationSeconds != null, "--iteration-time");
    }
}
