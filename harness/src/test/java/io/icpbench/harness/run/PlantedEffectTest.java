package io.icpbench.harness.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icpbench.harness.bench.PlantedEffect;
import io.icpbench.results.RunResults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The planted-effect arm: exactly the stated share of extra, uncredited whole operations. */
class PlantedEffectTest {
    /** Over {@code operations} credited ones, the extra operations are the share exactly (rounded down), never more than one at a time. */
    @ParameterizedTest
    @CsvSource({"2, 50, 1", "2, 1000000, 20000", "1, 1000, 10", "0.5, 1000, 5", "2.5, 40, 1", "3, 100, 3", "100, 7, 7", "0, 1000, 0",
        "0.0001, 999999, 0", "0.0001, 1000000, 1"})
    void theExtraOperationsAreTheShareRoundedDown(double percent, int operations, long expected) {
        PlantedEffect p = new PlantedEffect(percent);
        long extra = 0;
        for (int i = 0; i < operations; i++) {
            int e = p.extraOperations();
            assertThat(e).isBetween(0, 1);
            extra += e;
        }
        assertThat(extra).isEqualTo(expected);
        assertThat(p.active()).isEqualTo(percent > 0);
    }

    @Test
    void atTwoPercentEvery50thOperationGetsOneExtraAndNoOtherDoes() {
        // The construction the built-in planted arm uses: its true rate ratio is 50/51 = 1/1.02, not estimated.
        PlantedEffect p = new PlantedEffect(Double.parseDouble(Arms.PLANTED_PERCENT));
        for (int i = 1; i <= 10_000; i++) {
            assertThat(p.extraOperations()).as("operation %d", i).isEqualTo(i % 50 == 0 ? 1 : 0);
        }
    }

    @Test
    void anyShareIsExactOverAWholeCycle() {
        // 0.7% = 7,000 ppm: every 1,000 operations hold exactly 7 extra ones, wherever the window starts
        PlantedEffect p = new PlantedEffect(0.7);
        int[] extra = new int[5_000];
        for (int i = 0; i < extra.length; i++) {
            extra[i] = p.extraOperations();
        }
        for (int start = 0; start + 1_000 <= extra.length; start += 137) {
            assertThat(java.util.Arrays.stream(extra, start, start + 1_000).sum()).as("from %d", start).isBetween(6, 8);
        }
        assertThat(java.util.Arrays.stream(extra, 0, 5_000).sum()).isEqualTo(35);
    }

    @Test
    void anArmCarriesItToItsForks() {
        ArmSpec typed = Arms.parse("planted=virtual;planted=1");
        RunResults.Arm a = typed.written();
        assertThat(typed.planted()).isEqualTo(1.0);
        assertThat(a.planted()).isEqualTo("1");
        assertThat(a.spec()).isEqualTo("virtual;planted=1");
        assertThat(typed.properties("all")).containsEntry(PlantedEffect.PROPERTY, "1");
        assertThat(Arms.parse("x=" + a.spec()).written()).isEqualTo(new RunResults.Arm("x", "virtual", null, null, null, null, null,
                java.util.List.of(), "1"));
        assertThatThrownBy(() -> Arms.parse("p=virtual;planted=lots")).hasMessageContaining("planted=lots, expected a percentage");
        assertThatThrownBy(() -> Arms.parse("p=virtual;planted=0")).hasMessageContaining("above 0");
        assertThatThrownBy(() -> new PlantedEffect(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
