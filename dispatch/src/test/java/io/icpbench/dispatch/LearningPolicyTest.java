package io.icpbench.dispatch;

import static io.icpbench.dispatch.Receivers.cls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icpbench.dispatch.LearningPolicy.Candidate;
import io.icpbench.dispatch.Receivers.Mix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Each policy on hand-made candidate lists, learn-once on a site, and the policy parser. */
class LearningPolicyTest {
    /** No patch threshold: the rules alone. */
    private static final LearningConfig NO_THRESHOLD = new LearningConfig(1000, 1000, 0);

    @BeforeEach
    void resetRuns() {
        Receivers.resetThisThread();
    }

    @AfterEach
    void clearRegistry() {
        SiteRegistry.clear();
    }

    /** Candidates T0, T1, ... with these counts (most frequent first). */
    private static List<Candidate> sorted(long... counts) {
        List<Candidate> out = new ArrayList<>();
        for (int k = 0; k < counts.length; k++) {
            out.add(new Candidate(cls(k), counts[k]));
        }
        return out;
    }

    private static long total(long... counts) {
        return Arrays.stream(counts).sum();
    }

    private static List<Class<?>> select(LearningPolicy p, LearningConfig config, long... counts) {
        return p.select(sorted(counts), total(counts), config);
    }

    private static List<Class<?>> first(int n) {
        return Receivers.CLASS.subList(0, n);
    }

    // ------------------------------------------------------------------ top-N, cree

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void topNPicksTheFirstNCandidates(int n) {
        LearningPolicy p = LearningPolicy.topN(n);
        assertThat(p.name()).isEqualTo("top-" + n);
        assertThat(p.learnOnce()).isFalse();
        assertThat(select(p, LearningConfig.CREE, 900, 500, 400, 300, 200, 100)).isEqualTo(first(n));
        // Fewer candidates than N: all of them.
        assertThat(select(p, LearningConfig.CREE, 900)).containsExactly(cls(0));
        assertThat(select(p, LearningConfig.CREE, 900, 1)).isEqualTo(first(Math.min(n, 2)));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 5, -1, Integer.MAX_VALUE})
    void topNOutside1To4IsRejectedWithAMessage(int n) {
        assertThatThrownBy(() -> LearningPolicy.topN(n)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("N=" + n).hasMessageContaining("1..4");
    }

    @Test
    void creeIsTopTwoWithThePatchThreshold() {
        LearningPolicy cree = LearningPolicy.cree();
        assertThat(cree.name()).isEqualTo("top-2");
        assertThat(select(cree, LearningConfig.CREE, 600, 250, 100, 50)).containsExactly(cls(0), cls(1));
        // Top count at the threshold (250, not > 250): null, keep what is installed.
        assertThat(select(cree, LearningConfig.CREE, 250, 250, 250, 250)).isNull();
        assertThat(select(cree, LearningConfig.CREE, 251, 250, 250, 250)).containsExactly(cls(0), cls(1));
        assertThat(select(cree, new LearningConfig(1000, 1000, 0), 1)).containsExactly(cls(0));
    }

    static Stream<LearningPolicy> allPolicies() {
        return Stream.of(LearningPolicy.topN(1), LearningPolicy.topN(2), LearningPolicy.topN(3), LearningPolicy.topN(4),
                LearningPolicy.cree(), LearningPolicy.llvm(), LearningPolicy.gcc(),
                LearningPolicy.learnOnce(LearningPolicy.cree()), LearningPolicy.learnOnce(LearningPolicy.gcc()));
    }

    @ParameterizedTest
    @MethodSource("allPolicies")
    void everyPolicyReturnsNullWhenTheTopCountIsAtMostThePatchThreshold(LearningPolicy p) {
        assertThat(select(p, LearningConfig.CREE, 250)).isNull();
        assertThat(select(p, LearningConfig.CREE, 250, 249, 10)).isNull();
        assertThat(select(p, LearningConfig.CREE, 1)).isNull();
        assertThat(select(p, new LearningConfig(1, 1, 99), 99, 1)).isNull();
        assertThat(select(p, new LearningConfig(1, 1, 99), 100, 1)).isNotNull();
    }

    // ------------------------------------------------------------------ llvm

    static Stream<Arguments> llvmCases() {
        // The rule, as coded: walk the candidates most frequent first; stop at 3 promoted, or at the
        // first candidate with count < 30% of the calls not yet promoted ("remaining"), or with count
        // < 5% of all calls. (LLVM: ICPRemainingPercentThreshold 30, ICPTotalPercentThreshold 5,
        // MaxNumPromotions 3; both comparisons are >= to promote.)
        return Stream.of(
                // 50 of 100 >= 30: yes (remaining 50); 30 >= 15: yes (remaining 20); 15 >= 6 and 15 >= 5:
                // yes; 3 promoted, stop.
                Arguments.of(new long[] {50, 30, 15, 5}, 3),
                // 40 >= 30 of 100: yes (remaining 60); 35 >= 18: yes (remaining 25); 25 >= 7.5 and 25 >= 5:
                // yes. All three: the remaining rule gets weaker as targets are promoted, so a 3-way mix
                // promotes everything.
                Arguments.of(new long[] {40, 35, 25}, 3),
                // 25 < 30 of 100: the top one already fails the remaining rule, nothing is promoted.
                Arguments.of(new long[] {25, 25, 25, 25}, 0),
                // 30 >= 30 of 100 exactly: promoted (remaining 70); 30 >= 21 (remaining 40); 30 >= 12: 3.
                Arguments.of(new long[] {30, 30, 30, 10}, 3),
                // 29 < 30: nothing.
                Arguments.of(new long[] {29, 29, 29, 13}, 0),
                // 50: yes (remaining 50); 10 < 15 (30% of 50): stop after one.
                Arguments.of(new long[] {50, 10, 10, 10, 10, 10}, 1),
                // 90: yes (remaining 10); 6 >= 3 and 6 >= 5: yes (remaining 4); 4 >= 1.2 but 4 < 5 (5% of 100):
                // stop at two, the total rule.
                Arguments.of(new long[] {90, 6, 4}, 2),
                // 80 (remaining 20); 15 (remaining 5); 5 >= 1.5 and 5 >= 5 exactly: three.
                Arguments.of(new long[] {80, 15, 5}, 3),
                // A single target: promoted.
                Arguments.of(new long[] {100}, 1),
                // Four targets all passing: still at most 3.
                Arguments.of(new long[] {40, 30, 20, 10}, 3));
    }

    @ParameterizedTest
    @MethodSource("llvmCases")
    void llvmPromotesWhileATargetHas30PercentOfTheRemainingAnd5PercentOfAllAtMostThree(long[] percents, int promoted) {
        LearningPolicy llvm = LearningPolicy.llvm();
        assertThat(llvm.name()).isEqualTo("llvm");
        assertThat(select(llvm, NO_THRESHOLD, percents)).isEqualTo(first(promoted));
        // Scaled by 100 so the top passes Cree's patch threshold: the same answer (an empty list, not
        // null, when the rule promotes nothing).
        long[] scaled = Arrays.stream(percents).map(c -> c * 100).toArray();
        assertThat(select(llvm, LearningConfig.CREE, scaled)).isEqualTo(first(promoted));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void llvmMatchesAnIndependentReferenceOnRandomProfiles(long seed) {
        Random r = new Random(seed);
        for (int trial = 0; trial < 500; trial++) {
            int n = 1 + r.nextInt(8);
            long[] counts = new long[n];
            for (int i = 0; i < n; i++) {
                counts[i] = 1 + r.nextInt(r.nextBoolean() ? 20 : 2000);
            }
            Arrays.sort(counts);
            for (int i = 0; i < n / 2; i++) { // descending
                long t = counts[i];
                counts[i] = counts[n - 1 - i];
                counts[n - 1 - i] = t;
            }
            long total = total(counts);
            // Reference: in exact rational arithmetic, promote the i-th while i < 3,
            // count / remaining >= 3/10 and count / total >= 1/20.
            int expected = 0;
            long remaining = total;
            while (expected < Math.min(3, n) && 10 * counts[expected] >= 3 * remaining && 20 * counts[expected] >= total) {
                remaining -= counts[expected];
                expected++;
            }
            assertThat(select(LearningPolicy.llvm(), NO_THRESHOLD, counts)).as("counts %s", Arrays.toString(counts))
                    .isEqualTo(first(expected));
        }
    }

    // ------------------------------------------------------------------ gcc

    @Test
    void gccPromotesTheTopTargetOnlyAboveSeventyFivePercent() {
        LearningPolicy gcc = LearningPolicy.gcc();
        assertThat(gcc.name()).isEqualTo("gcc");
        assertThat(select(gcc, LearningConfig.CREE, 760, 240)).containsExactly(cls(0)); // 76%
        assertThat(select(gcc, LearningConfig.CREE, 751, 249)).containsExactly(cls(0)); // 75.1%
        assertThat(select(gcc, LearningConfig.CREE, 750, 250)).isNotNull().isEmpty(); // 75%: promote nothing
        assertThat(select(gcc, LearningConfig.CREE, 750, 100, 100, 50)).isNotNull().isEmpty();
        assertThat(select(gcc, LearningConfig.CREE, 300)).containsExactly(cls(0)); // 100%
        assertThat(select(gcc, LearningConfig.CREE, 500, 400, 100)).isNotNull().isEmpty(); // 50%
    }

    @Test
    void gccOnASiteInstallsTheDominantTargetAndUninstallsItWhenItStopsDominating() throws Throwable {
        DynamicSite site = Receivers.site(LearningPolicy.gcc(), LearningConfig.CREE, StatsStrategy.STRIPED);
        assertThat(site.policyName()).isEqualTo("gcc");
        Driver d = new Driver(site);
        d.calls(new Mix(1, 90, 10), 1001);
        assertThat(site.installed()).containsExactly(cls(0));
        assertThat(site.patches()).isEqualTo(1);
        // Now T0 makes 50%: the next update chooses the empty list and the site goes back to the fallback.
        d.callsUntilPatches(new Mix(2, 50, 25, 25), 2, 20_000);
        assertThat(site.patches()).isEqualTo(2);
        assertThat(site.installed()).isEmpty();
        assertThat(site.fastHits()).isEqualTo(d.expectedFast);
        assertThat(site.misses()).isEqualTo(d.expectedMisses);
        // An empty choice over an empty installation is not a patch.
        long updates = site.updates();
        d.calls(new Mix(3, 50, 25, 25), 5000);
        assertThat(site.updates()).isGreaterThan(updates);
        assertThat(site.patches()).isEqualTo(2);
    }

    // ------------------------------------------------------------------ learn-once

    @Test
    void learnOnceWrapsTheInnerPolicy() {
        LearningPolicy once = LearningPolicy.learnOnce(LearningPolicy.llvm());
        assertThat(once.learnOnce()).isTrue();
        assertThat(once.name()).isEqualTo("llvm,learn-once");
        assertThat(select(once, NO_THRESHOLD, 50, 30, 15, 5)).isEqualTo(first(3));
        assertThat(select(once, LearningConfig.CREE, 250)).isNull();
    }

    @Test
    void aLearnOnceSiteFreezesAfterItsFirstPatch() throws Throwable {
        DynamicSite site = Receivers.site(LearningPolicy.learnOnce(LearningPolicy.cree()), LearningConfig.CREE,
                StatsStrategy.STRIPED);
        assertThat(site.policyName()).isEqualTo("top-2,learn-once");
        Driver d = new Driver(site);
        d.callsUntilPatches(new Mix(4, 60, 25, 10, 5), 1, 5000);
        assertThat(site.installed()).containsExactly(cls(0), cls(1));
        assertThat(site.frozen()).isTrue();
        assertThat(site.skipStats()).isTrue();
        assertThat(site.updates()).isEqualTo(1);
        long misses = site.misses();
        assertThat(misses).isEqualTo(1001);

        // A new phase would relearn [T4, T5] on a learning site; this one stays as it is.
        d.calls(new Mix(5, 0, 0, 0, 0, 60, 40), 20_000);
        site.update(); // an explicit update does nothing either
        assertThat(site.updates()).isEqualTo(1);
        assertThat(site.patches()).isEqualTo(1);
        assertThat(site.installed()).containsExactly(cls(0), cls(1));
        assertThat(site.candidatesOfThisThread()).isEmpty();
        // Statistics are off: the fast path is not counted and the fallback records nothing.
        assertThat(site.fastHits()).isZero();
        assertThat(site.misses()).isEqualTo(misses);
        assertThat(d.uncounted).isEqualTo(20_000);
        // The calls themselves stay right on both paths.
        assertThat(d.call(0, 1)).isEqualTo(1);
        assertThat(d.call(1, 1)).isEqualTo(1001);
        assertThat(d.call(5, 1)).isEqualTo(5001);
    }

    @Test
    void aLearnOnceSiteKeepsLearningUntilAnUpdateActuallyPatches() throws Throwable {
        // Below the patch threshold an update installs nothing and must not freeze the site.
        DynamicSite site = Receivers.site(LearningPolicy.learnOnce(LearningPolicy.cree()), new LearningConfig(100, 1000, 250),
                StatsStrategy.STRIPED);
        Driver d = new Driver(site);
        d.calls(new Mix(6, 50, 50), 505);
        assertThat(site.updates()).isEqualTo(5);
        assertThat(site.patches()).isZero();
        assertThat(site.frozen()).isFalse();
        assertThat(site.skipStats()).isFalse();
        // GCC's rule choosing nothing (the empty list) is no patch either... on a fresh site.
        DynamicSite gccOnce = Receivers.site(LearningPolicy.learnOnce(LearningPolicy.gcc()), LearningConfig.CREE,
                StatsStrategy.STRIPED);
        Driver g = new Driver(gccOnce);
        g.calls(new Mix(7, 50, 50), 1001);
        assertThat(gccOnce.updates()).isEqualTo(1);
        assertThat(gccOnce.patches()).isZero();
        assertThat(gccOnce.frozen()).isFalse();
        g.calls(new Mix(8, 90, 10), 1001);
        assertThat(gccOnce.installed()).containsExactly(cls(0));
        assertThat(gccOnce.frozen()).isTrue();
    }

    // ------------------------------------------------------------------ parse

    static Stream<Arguments> acceptedForms() {
        return Stream.of(
                Arguments.of("cree", "top-2", false),
                Arguments.of("llvm", "llvm", false),
                Arguments.of("gcc", "gcc", false),
                Arguments.of("top-1", "top-1", false),
                Arguments.of("top-2", "top-2", false),
                Arguments.of("top-3", "top-3", false),
                Arguments.of("top-4", "top-4", false),
                Arguments.of("top-04", "top-4", false),
                Arguments.of("cree,learn-once", "top-2,learn-once", true),
                Arguments.of("llvm,learn-once", "llvm,learn-once", true),
                Arguments.of("gcc,learn-once", "gcc,learn-once", true),
                Arguments.of("top-1,learn-once", "top-1,learn-once", true),
                Arguments.of("top-3,learn-once", "top-3,learn-once", true),
                Arguments.of("top-4,learn-once", "top-4,learn-once", true),
                Arguments.of("  cree  ", "top-2", false),
                Arguments.of("\tgcc,learn-once\n", "gcc,learn-once", true));
    }

    @ParameterizedTest
    @MethodSource("acceptedForms")
    void parseAcceptsEveryDocumentedForm(String text, String name, boolean once) {
        LearningPolicy p = LearningPolicy.parse(text);
        assertThat(p.name()).isEqualTo(name);
        assertThat(p.learnOnce()).isEqualTo(once);
    }

    @Test
    void parsedPoliciesBehaveLikeTheirFactories() {
        long[][] profiles = {{50, 30, 15, 5}, {900, 50, 50}, {400, 300, 200, 100}, {260, 250, 240}};
        for (long[] counts : profiles) {
            long[] scaled = Arrays.stream(counts).map(c -> c * 10).toArray();
            assertThat(select(LearningPolicy.parse("cree"), LearningConfig.CREE, scaled))
                    .isEqualTo(select(LearningPolicy.cree(), LearningConfig.CREE, scaled));
            assertThat(select(LearningPolicy.parse("llvm,learn-once"), LearningConfig.CREE, scaled))
                    .isEqualTo(select(LearningPolicy.llvm(), LearningConfig.CREE, scaled));
            assertThat(select(LearningPolicy.parse("gcc"), LearningConfig.CREE, scaled))
                    .isEqualTo(select(LearningPolicy.gcc(), LearningConfig.CREE, scaled));
            for (int n = 1; n <= 4; n++) {
                assertThat(select(LearningPolicy.parse("top-" + n), LearningConfig.CREE, scaled))
                        .isEqualTo(select(LearningPolicy.topN(n), LearningConfig.CREE, scaled));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "foo", "CREE", "Cree", "top", "top-", "top-x", "top--1", "top-2x", "top 2",
            "cree,", "cree,learn-twice", "learn-once", ",learn-once", "cree,learn-once,learn-once", "cree;learn-once",
            "llvm ,learn-once", "gcc, learn-once", "top2"})
    void parseRejectsUnknownTextWithAMessageListingTheValidForms(String text) {
        assertThatThrownBy(() -> LearningPolicy.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'")
                .hasMessageContaining("cree").hasMessageContaining("top-1..top-4").hasMessageContaining("llvm")
                .hasMessageContaining("gcc").hasMessageContaining("learn-once");
    }

    @ParameterizedTest
    @ValueSource(strings = {"top-0", "top-5", "top-9", "top-0,learn-once", "top-5,learn-once"})
    void parseRejectsTopNOutside1To4(String text) {
        assertThatThrownBy(() -> LearningPolicy.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1..4");
    }

    @ParameterizedTest
    @ValueSource(strings = {"top-2147483648", "top-99999999999", "top-99999999999,learn-once"})
    void parseRejectsAHugeTopNWithAClearMessage(String text) {
        // "top-[0-9]+" matches, then Integer.parseInt overflows: the error must still name the policy
        // text or the valid range, not just "For input string".
        assertThatThrownBy(() -> LearningPolicy.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("1..4", "top-1..top-4"));
    }
}
