package io.icpbench.harness.run;

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
        return plan(arms, forksPerArm, seed, null, 1);
    }

    /**
     * The plan with {@code baselinePerBlock} forks of the baseline in every block (the other arms one
     * each): every arm is compared with the baseline, so the baseline's mean enters every
     * comparison, and more of its forks shrink all of them at once.
     */
    public static List<RunResults.PlannedFork> plan(List<RunResults.Arm> arms, int forksPerArm, long seed, String baseline, int baselinePerBlock) {
        if (baselinePerBlock < 1 || baselinePerBlock > 16) {
            throw new IllegalArgumentException("baseline forks per block=" + baselinePerBlock + ", expected 1..16");
        }
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
            for (RunResults.Arm a : arms) {
                if (a.name().equals(baseline)) {
                    for (int extra = 1; extra < baselinePerBlock; extra++) {
                        order.add(a);
                    }
                }
            }
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
