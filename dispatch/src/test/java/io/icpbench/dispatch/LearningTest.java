package io.icpbench.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The learned sites' settings: one parser, one canonical text, one place for the defaults. */
class LearningTest {
    static final List<String> POLICIES = List.of("cree", "top-1", "top-2", "top-3", "top-4", "llvm", "gcc");
    static final List<String> THRESHOLDS = List.of("1000,1000,250", "50,60,5", "1000,1000,250,10", "7,8,9,100");

    /** Every policy, with and without ,learn-once, x every placement (the statistics and thresholds inside). */
    static Stream<Arguments> policiesAndPlacements() {
        List<Arguments> out = new ArrayList<>();
        for (String base : POLICIES) {
            for (String policy : List.of(base, base + ",learn-once")) {
                for (Placement placement : Placement.values()) {
                    out.add(Arguments.of(policy, placement));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("policiesAndPlacements")
    void parseOfFormatIsTheOriginal(String policy, Placement placement) {
        for (StatsStrategy stats : StatsStrategy.values()) {
            for (String thresholds : THRESHOLDS) {
                Learning l = Learning.of(policy, placement.cliName(), stats.name(), thresholds);
                assertThat(l.policy().text()).isEqualTo(policy);
                assertThat(l.placement()).isEqualTo(placement);
                assertThat(l.stats()).isEqualTo(stats);
                assertThat(l.thresholds().format()).isEqualTo(thresholds);

                String text = l.format();
                Learning back = Learning.parse(text);
                assertThat(back).as(text).isEqualTo(l).hasSameHashCodeAs(l);
                assertThat(back.format()).isEqualTo(text);
                assertThat(back.policy().name()).isEqualTo(l.policy().name());
                assertThat(back.policy().learnOnce()).isEqualTo(policy.endsWith(",learn-once"));
                assertThat(text).isEqualTo("policy=" + policy + ";stats=" + stats.name().toLowerCase(java.util.Locale.ROOT)
                        + ";thresholds=" + thresholds + ";placement=" + placement.cliName());
            }
        }
    }

    @Test
    void theDefaultsAreCreesAndWrittenOnce() {
        Learning d = Learning.DEFAULT;
        assertThat(d.policy().text()).isEqualTo("cree");
        assertThat(d.policy().name()).isEqualTo("top-2");
        assertThat(d.stats()).isEqualTo(StatsStrategy.STRIPED);
        assertThat(d.thresholds()).isEqualTo(LearningConfig.CREE).isEqualTo(new LearningConfig(1000, 1000, 250, 0));
        assertThat(d.placement()).isEqualTo(Placement.STUB);
        assertThat(d.format()).isEqualTo("policy=cree;stats=striped;thresholds=1000,1000,250;placement=stub");
        assertThat(Learning.parse("")).isEqualTo(d);
        assertThat(Learning.parse(null)).isEqualTo(d);
        assertThat(Learning.parse(" ; ")).isEqualTo(d);
        assertThat(Learning.of(null, null, null, null)).isEqualTo(d);
    }

    @Test
    void aMissingKeyTakesItsDefault() {
        assertThat(Learning.parse("placement=inline")).isEqualTo(Learning.DEFAULT.withPlacement(Placement.INLINE));
        assertThat(Learning.parse("stats=sampled;policy=gcc")).isEqualTo(Learning.of("gcc", null, "sampled", null));
        assertThat(Learning.parse("thresholds=1,2,3")).isEqualTo(Learning.DEFAULT.withThresholds(new LearningConfig(1, 2, 3)));
        assertThat(Learning.of(null, null, "shared", null)).isEqualTo(Learning.DEFAULT.withStats(StatsStrategy.SHARED));
    }

    @Test
    void valuesAreReadInAnyCaseWithDashesAndBlanks() {
        assertThat(Learning.parse(" stats = Thread-Local ; placement=MH_FIELD ").stats()).isEqualTo(StatsStrategy.THREAD_LOCAL);
        assertThat(Learning.parse("placement=MH_FIELD").placement()).isEqualTo(Placement.MH_FIELD);
        assertThat(Learning.parse("stats=Misses_Only").stats()).isEqualTo(StatsStrategy.MISSES_ONLY);
        assertThat(Learning.parse("thresholds= 5, 6 ,7 ,8").thresholds()).isEqualTo(new LearningConfig(5, 6, 7, 8));
        assertThat(Learning.of("  top-3,learn-once ", null, null, null).policy().text()).isEqualTo("top-3,learn-once");
        // What was read is written back canonically, and reads back the same.
        Learning l = Learning.parse("stats=thread-local;thresholds=1000,1000,250,0");
        assertThat(l.format()).isEqualTo("policy=cree;stats=thread_local;thresholds=1000,1000,250;placement=stub");
        assertThat(Learning.parse(l.format())).isEqualTo(l);
    }

    @Test
    void policiesCompareByTheirText() {
        assertThat(Learning.of("gcc", null, null, null)).isEqualTo(Learning.parse("policy=gcc"));
        assertThat(Learning.of("cree", null, null, null)).as("cree picks as top-2 does, but is written as cree")
                .isNotEqualTo(Learning.of("top-2", null, null, null));
        assertThat(Learning.of("cree,learn-once", null, null, null)).isNotEqualTo(Learning.DEFAULT);
    }

    /** Each bad setting: the text, then what the error must name besides the setting itself. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "placement|foo|placement=foo, expected stub, inline, mh-field or adaptive",
        "placement|outline|expected stub, inline, mh-field or adaptive",
        "stats|psychic|expected striped, thread_local, shared, sampled or misses_only",
        "stats|striped-ish|expected striped",
        "thresholds|1,x,1|expected UPDATE,WIPE,PATCH[,HYSTERESIS%]",
        "thresholds|1,2|expected UPDATE,WIPE,PATCH[,HYSTERESIS%]",
        "thresholds|1,2,3,4,5|expected UPDATE,WIPE,PATCH[,HYSTERESIS%]",
        "thresholds|0,1,1|expected update >= 1, wipe >= 1, patch >= 0",
        "thresholds|1,1,1,101|expected 0..100",
        "policy|best|expected cree, top-1..top-4, llvm or gcc",
        "policy|top-5|expected 1..4",
        "policy|top-99999999999|top-1..top-4",
        "policy|cree,learn-twice|learn-once",
    })
    void everyBadValueIsNamedWithItsKeyAndWhatIsExpected(String key, String value, String expected) {
        String setting = key + "=" + value;
        assertThatThrownBy(() -> Learning.parse(setting)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(setting).hasMessageContaining(expected);
        String among = key.equals("stats") ? "policy=gcc;" + setting + ";placement=inline" : "stats=shared;" + setting;
        assertThatThrownBy(() -> Learning.parse(among)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(setting).hasMessageContaining(expected);
        Map<String, String> given = Map.of(key, value);
        assertThatThrownBy(() -> Learning.of(given.get("policy"), given.get("placement"), given.get("stats"), given.get("thresholds")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(setting).hasMessageContaining(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "colour=red|colour=red: unknown learning setting 'colour', expected one of policy, stats, thresholds, placement",
        "policy|learning setting 'policy' is not key=value, expected one of policy, stats, thresholds, placement",
        "policy=cree;policy=gcc|learning setting policy given twice",
    })
    void aBadKeyIsNamedWithWhatIsExpected(String text, String message) {
        assertThatThrownBy(() -> Learning.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void theCanonicalPropertyOverridesThePerKeyOnes() {
        Map<String, String> props = Map.of(Learning.PROPERTY, "policy=gcc;placement=inline", Learning.POLICY_PROPERTY, "llvm",
                Learning.STATS_PROPERTY, "shared", Learning.PLACEMENT_PROPERTY, "mh-field");
        assertThat(Learning.fromProperties(props::get)).isEqualTo(Learning.parse("policy=gcc;placement=inline"));
    }

    @Test
    void thePerKeyPropertiesApplyWithoutTheCanonicalOne() {
        Map<String, String> props = Map.of(Learning.POLICY_PROPERTY, "llvm", Learning.STATS_PROPERTY, "shared",
                Learning.THRESHOLDS_PROPERTY, "10,10,1,5", Learning.PLACEMENT_PROPERTY, "adaptive");
        assertThat(Learning.fromProperties(props::get)).isEqualTo(Learning.of("llvm", "adaptive", "shared", "10,10,1,5"));
        assertThat(Learning.fromProperties(Map.of(Learning.PLACEMENT_PROPERTY, "adaptive")::get))
                .isEqualTo(Learning.DEFAULT.withPlacement(Placement.ADAPTIVE));
        assertThat(Learning.fromProperties(Map.<String, String>of()::get)).isEqualTo(Learning.DEFAULT);
    }

    @Test
    void aBadPropertyIsNamedAsItWasGiven() {
        assertThatThrownBy(() -> Learning.fromProperties(Map.of(Learning.PLACEMENT_PROPERTY, "foo")::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-Dicpbench.placement=foo, expected stub, inline, mh-field or adaptive");
        assertThatThrownBy(() -> Learning.fromProperties(Map.of(Learning.POLICY_PROPERTY, "best")::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("-Dicpbench.policy=best: ");
        assertThatThrownBy(() -> Learning.fromProperties(Map.of(Learning.PROPERTY, "stats=psychic")::get))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("-Dicpbench.learning=stats=psychic: stats=psychic, expected");
    }

    @Test
    void currentIsThisJvmsPropertiesReadOnce() {
        assertThat(Learning.current()).isEqualTo(Learning.fromProperties(System::getProperty)).isSameAs(Learning.current());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aModeSaysWhetherItLearnsAndWithWhat(Mode mode) {
        boolean learns = mode == Mode.DYNAMIC_CALL || mode == Mode.PROMOTED;
        assertThat(mode.learns()).isEqualTo(learns);
        assertThat(mode.needsAgent()).isEqualTo(mode == Mode.PROMOTED);
        assertThat(mode.defaultLearning()).isEqualTo(learns ? Learning.DEFAULT : null);
    }
}
