package io.icpbench.harness.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icpbench.results.RunResults;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ForkPlanTest {
    static final List<String> MODES = List.of("virtual", "dynamic-call", "promoted", "devirtualized");
    static final List<RunResults.Arm> ARMS = MODES.stream().map(RunResults.Arm::ofMode).toList();

    @ParameterizedTest
    @ValueSource(longs = {1, 81, 12345, 987654321})
    void everyBlockRunsEveryModeOnceInASeededRandomOrder(long seed) {
        List<RunResults.PlannedFork> plan = ForkPlan.plan(ARMS, 12, seed);
        assertThat(plan).hasSize(48);
        Set<List<String>> orders = new HashSet<>();
        for (int block = 0; block < 12; block++) {
            int b = block;
            List<String> order = plan.stream().filter(p -> p.block() == b).map(RunResults.PlannedFork::mode).toList();
            assertThat(order).containsExactlyInAnyOrderElementsOf(MODES);
            orders.add(order);
        }
        assertThat(orders).as("12 blocks of 4 modes are not all in one order").hasSizeGreaterThan(1);
        for (int i = 0; i < plan.size(); i++) {
            assertThat(plan.get(i).index()).isEqualTo(i);
            assertThat(plan.get(i).block()).isEqualTo(i / MODES.size());
        }
        assertThat(ForkPlan.plan(ARMS, 12, seed)).as("same seed, same order").isEqualTo(plan);
        assertThat(ForkPlan.plan(ARMS, 12, seed + 1)).as("another seed, another order").isNotEqualTo(plan);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void theBaselineGetsItsForksInEveryBlock(int perBlock) {
        List<RunResults.PlannedFork> plan = ForkPlan.plan(ARMS, 5, 42, "virtual", perBlock);
        assertThat(plan).hasSize(5 * (MODES.size() - 1 + perBlock));
        for (int block = 0; block < 5; block++) {
            int b = block;
            List<String> arms = plan.stream().filter(p -> p.block() == b).map(RunResults.PlannedFork::arm).toList();
            assertThat(arms).filteredOn("virtual"::equals).hasSize(perBlock);
            assertThat(arms).filteredOn(a -> !a.equals("virtual")).containsExactlyInAnyOrder("dynamic-call", "promoted", "devirtualized");
        }
        assertThatThrownBy(() -> ForkPlan.plan(ARMS, 5, 42, "virtual", 0)).hasMessageContaining("baseline forks per block=0");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1})
    void badSizesAreRejected(int forks) {
        assertThatThrownBy(() -> ForkPlan.plan(ARMS, forks, 1)).hasMessageContaining("forks per arm=" + forks);
        assertThatThrownBy(() -> ForkPlan.plan(List.of(), 2, 1)).hasMessageContaining("no arms");
    }
}
