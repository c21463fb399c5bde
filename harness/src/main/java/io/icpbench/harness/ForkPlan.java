package io.icpbench.harness;

import io.icpbench.results.RunResults;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The fork order of a run: randomized complete blocks. Each block runs every arm once, in an order
 * shuffled with the run's seed (ABCD, CADB, ...), so drift over the run spreads evenly over the
 * arms and the same seed gives the same order.
 */
public final class ForkPlan {
    private ForkPlan() {
    }

    public static List<RunResults.PlannedFork> plan(List<RunResults.Arm> arms, int forksPerArm, long seed) {
        if (arms.isEmpty()) {
            throw new IllegalArgumentException("no arms to run");
        }
        if (forksPerArm < 1) {
            throw new IllegalArgumentException("forks per arm=" + forksPerArm + ", expected at least 1");
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<RunResults.PlannedFork> plan = new ArrayList<>();
        for (int block = 0; block < forksPerArm; block++) {
            List<RunResults.Arm> order = new ArrayList<>(arms);
            for (int i = order.size() - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                RunResults.Arm t = order.get(i);
                order.set(i, order.get(j));
                order.set(j, t);
            }
            for (RunResults.Arm arm : order) {
                plan.add(new RunResults.PlannedFork(plan.size(), block, arm.name(), arm.mode()));
            }
        }
        return plan;
    }
}
