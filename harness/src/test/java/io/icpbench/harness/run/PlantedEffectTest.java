package io.icpbench.harness.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icpbench.harness.bench.PlantedEffect;
import io.icpbench.results.RunResults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The planted-effect arm: exactly the stated share of extra, uncredited packets. */
class PlantedEffectTest {
    @ParameterizedTest
    @CsvSource({"1, 256, 100, 256", "1, 256, 1000, 2560", "0.5, 256, 1000, 1280", "2.5, 100, 40, 100", "0, 256, 1000, 0"})
    void theExtraPacketsAreTheShareRoundedDown(double percent, int batch, int batches, long expected) {
        PlantedEffect p = new PlantedEffect(percent);
        long extra = 0;
        for (int i = 0; i < batches; i++) {
            int e = p.extra(batch);
            assertThat(e).isBetween(0, (int) Math.ceil(batch * percent / 100));
            extra += e;
        }
        assertThat(extra).isEqualTo(expected);
        assertThat(p.active()).isEqualTo(percent > 0);
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
