package io.icpbench.dispatch;

import static io.icpbench.dispatch.Receivers.cls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icpbench.dispatch.LearningPolicy.Candidate;
import io.icpbench.dispatch.Receivers.Mix;
import io.icpbench.dispatch.Receivers.Op;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cree's learning algorithm on one site, driven call by call from the test thread (one stripe) with
 * the synchronous updater, so every update runs inside the call that triggers it. Every call checks
 * that it returned its receiver's own value and that only its receiver's method ran.
 */
class DynamicSiteLearningTest {
    private static final int CREE_UPDATE = 1000;
    private static final int CREE_WIPE = 1000;

    @BeforeEach
    void resetRuns() {
        Receivers.resetThisThread();
    }

    @AfterEach
    void clearRegistry() {
        SiteRegistry.clear();
    }

    private static Candidate cand(int k, long count) {
        return new Candidate(cls(k), count);
    }

    private static List<Class<?>> classes(int... ks) {
        return java.util.Arrays.stream(ks).mapToObj(Receivers::cls).<Class<?>>map(c -> c).toList();
    }

    private static long candidateSum(DynamicSite site) {
        return site.candidatesOfThisThread().stream().mapToLong(Candidate::count).sum();
    }

    // ------------------------------------------------------------------ fresh site, slots

    @Test
    void freshSiteHasNothingInstalledAndEveryCallGoesThroughTheFallback() throws Throwable {
        DynamicSite site = Receivers.creeSite();
        assertThat(site.installed()).isEmpty();
        assertThat(site.updates()).isZero();
        assertThat(site.patches()).isZero();
        assertThat(site.wipes()).isZero();
        assertThat(site.frozen()).isFalse();
        assertThat(site.skipStats()).isFalse();
        assertThat(site.candidatesOfThisThread()).isEmpty();
        assertThat(SiteRegistry.all()).as("a site registers on its first call").isEmpty();

        Driver d = new Driver(site);
        for (int k = 0; k < Receivers.CLASSES; k++) {
            assertThat(d.call(k, 5)).isEqualTo(1000 * k + 5);
        }
        // All 8 calls reached the fallback: the first 4 classes took the slots, the other 4 missed.
        assertThat(site.misses()).isEqualTo(8);
        assertThat(site.fastHits()).isZero();
        assertThat(site.installed()).isEmpty();
        assertThat(site.candidatesOfThisThread()).containsExactly(cand(0, 1), cand(1, 1), cand(2, 1), cand(3, 1));
        assertThat(site.missCountOfThisThread()).isEqualTo(4);
        assertThat(SiteRegistry.all()).containsExactly(site);
    }

    @Test
    void theFirstFourClassesTakeTheSlotsInArrivalOrderAndAFifthIsAMiss() throws Throwable {
        DynamicSite site = Receivers.creeSite();
        Driver d = new Driver(site);
        d.call(2);
        d.call(0);
        d.call(2);
        assertThat(site.candidatesOfThisThread()).containsExactly(cand(2, 2), cand(0, 1));
        d.call(5);
        d.call(1);
        assertThat(site.candidatesOfThisThread()).containsExactly(cand(2, 2), cand(0, 1), cand(5, 1), cand(1, 1));
        assertThat(site.missCountOfThisThread()).isZero();

        d.call(7); // a fifth class: all 4 slots are taken
        assertThat(site.missCountOfThisThread()).isEqualTo(1);
        assertThat(site.candidatesOfThisThread()).containsExactly(cand(2, 2), cand(0, 1), cand(5, 1), cand(1, 1));
        d.call(7);
        d.call(3);
        assertThat(site.missCountOfThisThread()).isEqualTo(3);
        d.call(1); // a slot's class counts in its slot, not as a miss
        assertThat(site.missCountOfThisThread()).isEqualTo(3);
        assertThat(site.candidatesOfThisThread()).containsExactly(cand(2, 2), cand(0, 1), cand(5, 1), cand(1, 2));
        assertThat(site.misses()).isEqualTo(d.calls).isEqualTo(9);
        assertThat(site.updates()).isZero();
    }

    // ------------------------------------------------------------------ update threshold

    @Test
    void theUpdateIsScheduledOnThe1001stCandidateHitNotThe1000th() throws Throwable {
        DynamicSite site = Receivers.creeSite();
        Driver d = new Driver(site);
        for (int k = 0; k < 4; k++) {
            d.call(k); // 4 candidate hits
        }
        int i = 0;
        while (candidateSum(site) < CREE_UPDATE) {
            d.call(i % 2); // T0, T1 alternately
            if (i % 3 == 0) {
                d.call(4 + i % 4); // misses: they never count towards the update threshold
            }
            i++;
        }
        assertThat(candidateSum(site)).isEqualTo(CREE_UPDATE);
        assertThat(site.missCountOfThisThread()).isPositive().isLessThanOrEqualTo(CREE_WIPE);
        assertThat(site.updates()).as("updates after exactly 1000 candidate hits").isZero();
        assertThat(site.installed()).isEmpty();

        d.call(0); // the 1001st candidate hit
        assertThat(site.updates()).as("updates after 1001 candidate hits").isEqualTo(1);
        assertThat(site.patches()).isEqualTo(1);
        assertThat(site.installed()).containsExactly(cls(0), cls(1));
        // The update zeroed the statistics.
        assertThat(site.candidatesOfThisThread()).isEmpty();
        assertThat(site.missCountOfThisThread()).isZero();
        assertThat(site.skipStats()).isFalse();
    }

    @Test
    void missesAloneNeverScheduleAnUpdate() throws Throwable {
        // 4 slots taken, then 999 misses and 996 more candidate hits: 1000 hits, 999 misses, no update.
        DynamicSite site = Receivers.creeSite();
        Driver d = new Driver(site);
        for (int k = 0; k < 4; k++) {
            d.call(k);
        }
        for (int i = 0; i < 999; i++) {
            d.call(4 + i % 4);
        }
        for (int i = 0; i < 996; i++) {
            d.call(i % 4);
        }
        assertThat(candidateSum(site)).isEqualTo(1000);
        assertThat(site.missCountOfThisThread()).isEqualTo(999);
        assertThat(site.updates()).isZero();
        assertThat(site.wipes()).isZero();
        assertThat(site.misses()).isEqualTo(d.calls);
    }

    // ------------------------------------------------------------------ patch threshold

    @Test
    void anUpdateWhoseTopCountIsAtMostThePatchThresholdInstallsNothing() throws Throwable {
        // Update at 101 candidate hits, so the top merged count is at most 101 <= 250.
        DynamicSite site = Receivers.site(LearningPolicy.cree(), new LearningConfig(100, 1000, 250), StatsStrategy.STRIPED);
        Driver d = new Driver(site);
        for (int i = 0; i < 101; i++) {
            d.call(0);
        }
        assertThat(site.updates()).isEqualTo(1);
        assertThat(site.patches()).isZero();
        assertThat(site.installed()).isEmpty();
        assertThat(site.candidatesOfThisThread()).isEmpty();

        // Each window of 101 calls updates again, and none ever patches.
        for (int i = 101; i < 1010; i++) {
            d.call(0);
        }
        assertThat(site.updates()).isEqualTo(10);
        assertThat(site.patches()).isZero();
        assertThat(site.installed()).isEmpty();
        assertThat(site.misses()).isEqualTo(d.calls).isEqualTo(1010);
        assertThat(site.fastHits()).isZero();
    }

    @Test
    void aTopCountOfExactly250DoesNotPatchAnd251Does() throws Throwable {
        // The update fires on the 300th call; T1 first, then T0 (which is top).
        DynamicSite at250 = Receivers.site(LearningPolicy.cree(), new LearningConfig(299, 1000, 250), StatsStrategy.STRIPED);
        Driver d = new Driver(at250);
        for (int i = 0; i < 50; i++) {
            d.call(1);
        }
        for (int i = 0; i < 250; i++) {
            d.call(0);
        }
        assertThat(at250.updates()).isEqualTo(1);
        assertThat(at250.patches()).isZero();
        assertThat(at250.installed()).isEmpty();

        DynamicSite at251 = Receivers.site(LearningPolicy.cree(), new LearningConfig(299, 1000, 250), StatsStrategy.STRIPED);
        d = new Driver(at251);
        for (int i = 0; i < 49; i++) {
            d.call(1);
        }
        for (int i = 0; i < 251; i++) {
            d.call(0);
        }
        assertThat(at251.updates()).isEqualTo(1);
        assertThat(at251.patches()).isEqualTo(1);
        assertThat(at251.installed()).containsExactly(cls(0), cls(1));
    }

    @Test
    void withCreesThresholdsASingleClassInstallsAloneOnThe1001stCall() throws Throwable {
        DynamicSite site = Receivers.creeSite();
        Driver d = new Driver(site);
        for (int i = 0; i < 1000; i++) {
            d.call(6);
        }
        assertThat(site.installed()).isEmpty();
        d.call(6);
        assertThat(site.installed()).containsExactly(cls(6));
        assertThat(site.patches()).isEqualTo(1);
        for (int i = 0; i < 500; i++) {
            d.call(6);
        }
        assertThat(site.fastHits()).isEqualTo(500);
        assertThat(site.misses()).isEqualTo(1001);
        assertThat(site.candidatesOfThisThread()).isEmpty();
    }

    // ------------------------------------------------------------------ top-2, no re-patch, relearn

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 2024})
    void aSkewedMixInstallsTheTopTwoThenKeepsThemThenRelearnsOnAPhaseChange(long seed) throws Throwable {
        DynamicSite site = Receivers.creeSite();
        Driver d = new Driver(site);

        // Phase 1: T0 60%, T1 25%, T2 10%, T3 5%. Every call reaches the fallback and the 4 classes fit
        // the 4 slots, so the first update is the 1001st call.
        Mix phase1 = new Mix(seed, 60, 25, 10, 5);
        int made = d.callsUntilPatches(phase1, 1, 5000);
        assertThat(made).isEqualTo(1001);
        assertThat(site.updates()).isEqualTo(1);
        assertThat(site.patches()).isEqualTo(1);
        assertThat(site.installed()).containsExactly(cls(0), cls(1));
        assertThat(site.wipes()).isZero();

        // The same mix: the fast path takes T0 and T1, only T2 and T3 reach the slots. Updates keep
        // coming (each after 1001 candidate hits of T2/T3) but the merged fast-path hits keep T0 and T1
        // on top, so nothing is patched again.
        long missesBefore = d.expectedMisses;
        d.calls(phase1, 50_000);
        assertThat(site.candidatesOfThisThread()).extracting(Candidate::target).isSubsetOf(cls(2), cls(3));
        long candidateHitsSinceInstall = d.expectedMisses - missesBefore;
        assertThat(site.updates()).isEqualTo(1 + candidateHitsSinceInstall / 1001).isGreaterThanOrEqualTo(6);
        assertThat(site.patches()).isEqualTo(1);
        assertThat(site.installed()).containsExactly(cls(0), cls(1));
        assertThat(site.fastHits()).isEqualTo(d.expectedFast).isPositive();
        assertThat(site.misses()).isEqualTo(d.expectedMisses);
        assertThat(site.fastHits() + site.misses()).isEqualTo(d.calls);

        // Phase 2: T4 60%, T5 30%, T0 5%, T1 5%: the site relearns T4 and T5 with one more patch.
        Mix phase2 = new Mix(seed + 1, 5, 5, 0, 0, 60, 30);
        d.callsUntilPatches(phase2, 2, 20_000);
        assertThat(site.patches()).isEqualTo(2);
        assertThat(site.installed()).containsExactly(cls(4), cls(5));

        long updatesAfterRelearn = site.updates();
        d.calls(phase2, 30_000);
        assertThat(site.updates()).isGreaterThan(updatesAfterRelearn);
        assertThat(site.patches()).isEqualTo(2);
        assertThat(site.installed()).containsExactly(cls(4), cls(5));
        assertThat(site.fastHits()).isEqualTo(d.expectedFast);
        assertThat(site.misses()).isEqualTo(d.expectedMisses);
        assertThat(site.fastHits() + site.misses()).isEqualTo(d.calls);
    }

    @Test
    void withoutMergingTheFastPathTheRunnersUpWouldWinSoThisShowsTheMergeMatters() throws Throwable {
        // After [T0, T1] is installed, only T2 and T3 reach the slots; if the fast path's hits were not
        // merged the next update would pick [T2, T3]. Check the next update's choice directly.
        DynamicSite site = Receivers.creeSite();
        Driver d = new Driver(site);
        Mix mix = new Mix(7, 60, 25, 10, 5);
        d.callsUntilPatches(mix, 1, 5000);
        long updates = site.updates();
        while (site.updates() == updates) {
            d.call(mix.next());
        }
        assertThat(site.installed()).containsExactly(cls(0), cls(1));
        assertThat(site.patches()).isEqualTo(1);
    }

    @Test
    void theSameTargetsInAnotherOrderAreNotPatchedAgain() throws Throwable {
        DynamicSite site = Receivers.creeSite();
        site.install(classes(1, 0)); // by hand, least frequent first
        assertThat(site.patches()).isEqualTo(1);
        Driver d = new Driver(site);
        // T0 70%, T1 20%, T2 10%: updates choose [T0, T1], the installed set in another order.
        d.calls(new Mix(3, 70, 20, 10), 30_000);
        assertThat(site.updates()).isPositive();
        assertThat(site.patches()).isEqualTo(1);
        assertThat(site.installed()).containsExactly(cls(1), cls(0));
    }

    // ------------------------------------------------------------------ wipes

    @Test
    void slotsTakenByRareClassesAreWipedWhenMissesPassTheWipeThreshold() throws Throwable {
        DynamicSite site = Receivers.creeSite();
        Driver d = new Driver(site);
        for (int k = 0; k < 4; k++) {
            d.call(k); // T0..T3 once each
        }
        for (int i = 0; i < CREE_WIPE; i++) {
            d.call(4 + i % 4); // T4..T7: no free slot
        }
        assertThat(site.missCountOfThisThread()).isEqualTo(1000);
        assertThat(site.wipes()).isZero();
        assertThat(site.candidatesOfThisThread()).containsExactly(cand(0, 1), cand(1, 1), cand(2, 1), cand(3, 1));

        d.call(5); // the 1001st miss
        assertThat(site.wipes()).isEqualTo(1);
        assertThat(site.candidatesOfThisThread()).isEmpty();
        assertThat(site.missCountOfThisThread()).isZero();
        assertThat(site.updates()).isZero();
        assertThat(site.patches()).isZero();

        // The slots refill first come first served.
        d.call(6);
        d.call(4);
        d.call(6);
        assertThat(site.candidatesOfThisThread()).containsExactly(cand(6, 2), cand(4, 1));
        assertThat(site.misses()).isEqualTo(d.calls);

        // And the refilled slots learn: T6/T4 dominant from now on.
        d.calls(new Mix(11, 0, 0, 0, 0, 30, 0, 70), 1200);
        assertThat(site.installed()).containsExactly(cls(6), cls(4));
        assertThat(site.wipes()).isEqualTo(1);
    }

    @Test
    void roundRobinOverEightClassesUpdatesBeforeItWipes() throws Throwable {
        // 8 classes round robin: T0..T3 hold the slots, T4..T7 miss. After n calls the candidate hits
        // are #{i < n : i % 8 < 4}: they pass 1000 on call i = 2000 (2000 % 8 == 0, a T0 call), when the
        // misses are exactly 1000, one short of a wipe. So the update comes first and zeroes the misses.
        DynamicSite site = Receivers.creeSite();
        Driver d = new Driver(site);
        for (int i = 0; i < 2002; i++) {
            d.call(i % 8);
        }
        assertThat(site.updates()).isEqualTo(1);
        assertThat(site.wipes()).isZero();
        // Top count 251 (T0: i = 0, 8, ..., 2000) > 250: installed T0 and the next by name among the 250s.
        assertThat(site.installed()).containsExactly(cls(0), cls(1));
    }

    // ------------------------------------------------------------------ null receivers, exceptions

    @Test
    void aNullReceiverThrowsNullPointerExceptionBeforeAndAfterInstallation() throws Throwable {
        DynamicSite site = Receivers.creeSite();
        Driver d = new Driver(site);
        d.call(0);
        assertThatThrownBy(() -> {
            int r = (int) site.invoker().invokeExact((Op) null, 1);
        }).isInstanceOf(NullPointerException.class);
        // A null receiver takes no slot and is not counted.
        assertThat(site.candidatesOfThisThread()).containsExactly(cand(0, 1));
        assertThat(site.misses()).isEqualTo(1);

        d.calls(new Mix(5, 80, 20), 1200);
        assertThat(site.installed()).containsExactly(cls(0), cls(1));
        long fast = site.fastHits();
        long misses = site.misses();
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> {
                int r = (int) site.invoker().invokeExact((Op) null, 1);
            }).isInstanceOf(NullPointerException.class);
        }
        assertThat(site.fastHits()).isEqualTo(fast);
        assertThat(site.misses()).isEqualTo(misses);
        assertThat(d.call(0)).isEqualTo(3);
        assertThat(d.call(1, 9)).isEqualTo(1009);
    }

    @Test
    void anExceptionFromATargetPropagatesUnchangedThroughTheFallbackAndTheFastPath() throws Throwable {
        DynamicSite site = Receivers.creeSite();
        Driver d = new Driver(site);
        Op t0 = Receivers.OPS[0];
        // Through the fallback.
        assertThatThrownBy(() -> {
            int r = (int) site.invoker().invokeExact(t0, Receivers.BOOM);
        }).isSameAs(Receivers.lastBoom()).isInstanceOf(Receivers.Boom.class).hasNoCause();
        d.calls(new Mix(9, 80, 20), 1200);
        assertThat(site.installed()).containsExactly(cls(0), cls(1));
        // Through the fast path (T0 is the first guard now).
        long fast = site.fastHits();
        assertThatThrownBy(() -> {
            int r = (int) site.invoker().invokeExact(t0, Receivers.BOOM);
        }).isSameAs(Receivers.lastBoom()).isInstanceOf(Receivers.Boom.class).hasNoCause();
        assertThat(site.fastHits()).isEqualTo(fast + 1); // it took the guard
        // The site still works.
        assertThat(d.call(0, 17)).isEqualTo(17);
        assertThat(d.call(2, 17)).isEqualTo(2017);
    }

    // ------------------------------------------------------------------ public API edges

    @Test
    void theConstructorRejectsATypeThatDoesNotStartWithTheReceiver() {
        assertThatThrownBy(() -> new DynamicSite("bad", java.lang.invoke.MethodHandles.lookup(), Op.class, "apply",
                java.lang.invoke.MethodType.methodType(int.class, int.class), LearningPolicy.cree(), LearningConfig.CREE,
                StatsStrategy.STRIPED, Runnable::run))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad").hasMessageContaining("receiver");
        assertThatThrownBy(() -> new DynamicSite("bad2", java.lang.invoke.MethodHandles.lookup(), Op.class, "nope",
                Receivers.TYPE, LearningPolicy.cree(), LearningConfig.CREE, StatsStrategy.STRIPED, Runnable::run))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
    }

    @Test
    void learningConfigRejectsBadThresholds() {
        assertThat(LearningConfig.CREE).isEqualTo(new LearningConfig(1000, 1000, 250, 0));
        assertThatThrownBy(() -> new LearningConfig(0, 1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("update=0");
        assertThatThrownBy(() -> new LearningConfig(1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LearningConfig(1, 1, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LearningConfig(1, 1, 0, 101)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hysteresis");
        assertThatThrownBy(() -> new LearningConfig(1, 1, 0, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void installingMoreThanMaxTargetsMustNotCorruptTheMissCount() throws Throwable {
        // install() is public; update() caps a policy's choice at MAX_TARGETS (4), install() does not. A
        // fifth guard's hit counter is slot FAST + 4, which is the stripe's MISS counter.
        DynamicSite site = Receivers.creeSite();
        try {
            site.install(classes(0, 1, 2, 3, 4));
        } catch (IllegalArgumentException rejected) {
            return; // rejecting it is fine too
        }
        Driver d = new Driver(site);
        d.call(4); // takes the fifth guard: a fast-path hit, not a miss
        assertThat(site.missCountOfThisThread()).as("miss count after one fast-path hit of the 5th target").isZero();
        assertThat(site.fastHits()).isEqualTo(1);
        assertThat(site.misses()).isZero();
    }
}
