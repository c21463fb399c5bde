package io.icpbench.harness;

import io.icpbench.results.RunResults;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The fork order of a run: randomized complete blocks. Each block runs every mode once, in an order
 * shuffled with the run's seed (ABCD, CADB, ...), so drift over the run spreads evenly over the
 * modes and the same seed gives the same order.
 */
public final class ForkPlan {
    private ForkPlan() {
    }

    public static List<RunResults.PlannedFork> plan(List<String> modes, int forksPerMode, long seed) {
        if (modes.isEmpty()) {
            throw new IllegalArgumentException("no modes to run");
        }
        if (forksPerMode < 1) {
            throw new IllegalArgumentException("forks per mode=" + forksPerMode + ", expected at least 1");
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<RunResults.PlannedFork> plan = new ArrayList<>();
        for (int block = 0; block < forksPerMode; block++) {
            List<String> order = new ArrayList<>(modes);
            for (int i = order.size() - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                String t = order.get(i);
                order.set(i, order.get(j));
                order.set(j, t);
            }
            for (String mode : order) {
                plan.add(new RunResults.PlannedFork(plan.size(), block, mode));
            }
        }
        return plan;
    }
}
