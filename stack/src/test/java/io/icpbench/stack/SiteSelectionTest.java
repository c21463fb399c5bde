package io.icpbench.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SiteSelectionTest {
    static String on(boolean[] sel) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= 12; i++) {
            if (sel[i]) {
                b.append(b.isEmpty() ? "" : ",").append(i);
            }
        }
        return b.toString();
    }

    @Test
    void allNoneSitesAndRanges() {
        assertThat(on(SiteSelection.parse("all"))).isEqualTo("1,2,3,4,5,6,7,8,9,10,11,12");
        assertThat(on(SiteSelection.parse("none"))).isEmpty();
        assertThat(on(SiteSelection.parse("6"))).isEqualTo("6");
        assertThat(on(SiteSelection.parse("1-3, 9 ,12"))).isEqualTo("1,2,3,9,12");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "13", "3-1", "x", "1-", "1,,2", ""})
    void badSelectionsNameTheValue(String text) {
        assertThatThrownBy(() -> SiteSelection.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sites=" + text);
    }

    @Test
    void promotionLeavesTheOtherSitesAlone() {
        assertThat(SiteSelection.promotionExcludes("1-6,8-12")).containsExactly("-> NfHook.hook");
        assertThat(SiteSelection.promotionExcludes("all")).isEmpty();
        assertThat(SiteSelection.promotionExcludes("none")).hasSize(12);
    }
}
