package io.icpbench.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SiteSelectionTest {
    static String on(boolean[] sel) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i < sel.length; i++) {
            if (sel[i]) {
                b.append(b.isEmpty() ? "" : ",").append(i);
            }
        }
        return b.toString();
    }

    @Test
    void allNoneSitesAndRanges() {
        assertThat(on(SiteSelection.parse("all"))).isEqualTo("1,2,3,4,5,6,7,8,9,10,11,12,13");
        assertThat(on(SiteSelection.parse("none"))).isEmpty();
        assertThat(on(SiteSelection.parse("6"))).isEqualTo("6");
        assertThat(on(SiteSelection.parse("1-3, 9 ,12"))).isEqualTo("1,2,3,9,12");
        assertThat(on(SiteSelection.parse("13"))).as("the taps site").isEqualTo("13");
    }

    @Test
    void errorsNameTheRange() {
        assertThatThrownBy(() -> SiteSelection.parse("14")).hasMessageContaining("expected sites 1..13");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "14", "12-14", "3-1", "x", "1-", "1,,2", ""})
    void badSelectionsNameTheValue(String text) {
        assertThatThrownBy(() -> SiteSelection.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sites=" + text);
    }

    @Test
    void promotionLeavesTheOtherSitesAlone() {
        assertThat(SiteSelection.promotionExcludes("1-6,8-13")).containsExactly("nf_hook_entry->hook");
        assertThat(SiteSelection.promotionExcludes("1-12")).containsExactly("ptype_all->func");
        assertThat(SiteSelection.promotionExcludes("all")).isEmpty();
        assertThat(SiteSelection.promotionExcludes("none")).containsExactlyElementsOf(
                java.util.Arrays.stream(Site.values()).map(s -> s.kernelName).toList());
    }
}
