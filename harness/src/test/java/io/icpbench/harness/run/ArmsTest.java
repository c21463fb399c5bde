package io.icpbench.harness.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icpbench.harness.Main;
import io.icpbench.results.RunResults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArmsTest {
    @Test
    void anArmIsAModeAndItsSettings() {
        ArmSpec typed = Arms.parse("dc-stub-once=dynamic-call;placement=STUB;policy=cree,learn-once;jvm=-Xss1m  -XX:+UseSerialGC");
        RunResults.Arm a = typed.written();
        assertThat(a).isEqualTo(new RunResults.Arm("dc-stub-once", "dynamic-call", "stub", "cree,learn-once", null, null, null,
                List.of("-Xss1m", "-XX:+UseSerialGC")));
        assertThat(a.spec()).isEqualTo("dynamic-call;placement=stub;policy=cree,learn-once;jvm=-Xss1m -XX:+UseSerialGC");
        assertThat(Arms.parse("x=" + a.spec()).written()).isEqualTo(new RunResults.Arm("x", a.mode(), a.placement(), a.policy(), a.stats(),
                a.thresholds(), a.sites(), a.jvm()));
        assertThat(Arms.parse("v=virtual;sites=1-5").written()).isEqualTo(new RunResults.Arm("v", "virtual", null, null, null, null, "1-5", List.of()));
        // Typed once: the learned settings given, the defaults for the rest; they reach the fork as one canonical text.
        assertThat(typed.learning()).isEqualTo(io.icpbench.dispatch.Learning.of("cree,learn-once", "stub", null, null));
        assertThat(typed.properties("all")).containsEntry("icpbench.sites", "all").doesNotContainKey("icpbench.stats");
        assertThat(Forks.command(typed.mode(), typed.learning(), typed.properties("all"), a.jvm(), List.of("fork")))
                .contains("-Dicpbench.learning=policy=cree,learn-once;stats=striped;thresholds=1000,1000,250;placement=stub");
    }

    @Test
    void modesAreArmsNamedAfterThemAndNamesMustDiffer() {
        assertThat(Arms.of(null, null, RunRequest.DEFAULT_MODES)).extracting(ArmSpec::name).containsExactlyElementsOf(RunRequest.DEFAULT_MODES);
        assertThat(Arms.of(null, List.of("p=promoted"), RunRequest.DEFAULT_MODES)).extracting(ArmSpec::name).containsExactly("p");
        assertThat(Arms.of(List.of("virtual"), List.of("p=promoted"), RunRequest.DEFAULT_MODES)).extracting(ArmSpec::name)
                .containsExactly("virtual", "p");
        assertThatThrownBy(() -> Arms.of(List.of("virtual"), List.of("virtual=virtual;sites=1"), List.of())).hasMessageContaining("given twice");
        assertThatThrownBy(() -> Arms.of(null, List.of("a=virtual", "a=promoted"), List.of())).hasMessageContaining("arm 'a' is given twice");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "noequals|expected NAME=MODE",
        "a b=virtual|may hold only letters",
        "a=nosuch|unknown mode 'nosuch'",
        "a=dynamic-call;color=red|unknown setting 'color', expected one of placement, policy",
        "a=dynamic-call;placement=heap|placement=heap, expected stub, inline, mh-field or adaptive",
        "a=dynamic-call;policy=best|--arm a: ",
        "a=dynamic-call;thresholds=1,2|--arm a: ",
        "a=dynamic-call;stats=everywhere|--arm a: ",
        "a=virtual;placement=stub|placement is a setting of the learned modes",
        "a=virtual;sites=14|--arm a: ",
        "a=dynamic-call;policy=cree;policy=gcc|given twice",
        "a=dynamic-call;policy=|has no value",
        "a=virtual;jvm=Xmx1g|does not start with '-'",
        "a=virtual;jvm=-Dicpbench.mode=promoted|would change the mode",
        "promoted=dynamic-call|must run that mode",
    })
    void aBadArmIsAOneLineErrorNamingIt(String arg, String message) {
        assertThatThrownBy(() -> Arms.parse(arg)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message)
                .hasMessageNotContaining("\n");
    }

    @Test
    void aRunWithABadArmExits2AndWritesNothing(@TempDir Path tmp) {
        Path dir = tmp.resolve("run");
        assertThat(Main.run("run", "--out", dir.toString(), "--arm", "a=dynamic-call;placement=heap", "--no-calibration")).isEqualTo(2);
        assertThat(Main.run("run", "--out", dir.toString(), "--modes", "virtual", "--arm", "virtual=virtual", "--no-calibration")).isEqualTo(2);
        assertThat(Files.exists(dir)).isFalse();
        assertThat(Main.run("run", "--resume", dir.toString(), "--arm", "a=virtual")).isEqualTo(2);
    }
}
