package io.icpbench.dispatch;

import static io.icpbench.dispatch.Receivers.cls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.invoke.MethodHandles;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Where a learned site's chain lives: every placement learns, patches and calls the same way. */
class PlacementTest {
    @AfterEach
    void clear() {
        SiteRegistry.clear();
    }

    private static DynamicSite site(Placement placement) {
        return new DynamicSite("placed", MethodHandles.lookup(), Receivers.Op.class, "apply", Receivers.TYPE, LearningPolicy.cree(),
                LearningConfig.CREE, StatsStrategy.STRIPED, placement, Runnable::run);
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void everyPlacementLearnsPatchesAndCountsAlike(Placement placement) throws Throwable {
        DynamicSite site = site(placement);
        assertThat(site.placement()).isEqualTo(placement);
        Driver d = new Driver(site);
        while (site.updates() == 0) {
            d.call(d.calls % 3 == 0 ? 1 : 0);
        }
        assertThat(site.installed()).containsExactly(cls(0), cls(1));
        assertThat(site.patches()).isEqualTo(1);
        long fast = site.fastHits();
        for (int i = 0; i < 100; i++) {
            Receivers.call(site, 0);
            Receivers.call(site, 2);
        }
        assertThat(site.fastHits()).as("hits counted through the installed chain").isEqualTo(fast + 100);
        // A patch back to a target list seen before reuses its chain.
        long built = site.chainsBuilt();
        site.install(List.of(cls(2)));
        site.install(List.of(cls(0), cls(1)));
        // adaptive: the third patch moves the site out of line, where chains are padded: [R0, R1] is built again, padded.
        assertThat(site.chainsBuilt()).isEqualTo(built + (placement == Placement.ADAPTIVE ? 2 : 1));
        assertThat(site.patches()).isEqualTo(3);
        assertThat(site.outOfLine()).isEqualTo(placement != Placement.INLINE);
        long again = site.chainsBuilt();
        site.install(List.of(cls(2)));
        site.install(List.of(cls(0), cls(1)));
        assertThat(site.chainsBuilt()).as("known target lists reuse their chains").isEqualTo(again + (placement == Placement.ADAPTIVE ? 1 : 0));
        if (placement == Placement.STUB || placement == Placement.ADAPTIVE) {
            // Out of line, a patch back to a target list the selecting stub knows rebuilds (recompiles) nothing.
            long rebuilds = site.stubRebuilds();
            site.install(List.of(cls(2)));
            site.install(List.of(cls(0), cls(1)));
            assertThat(site.stubRebuilds()).isEqualTo(rebuilds);
            site.install(List.of(cls(3)));
            assertThat(site.stubRebuilds()).as("a new target list").isEqualTo(rebuilds + 1);
        }
        for (int k = 0; k < 8; k++) {
            Receivers.call(site, k);
        }
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void aNullReceiverThrowsAsThePlainCallDoes(Placement placement) throws Throwable {
        DynamicSite site = site(placement);
        site.install(List.of(cls(0)));
        assertThatThrownBy(() -> {
            int unused = (int) site.invoker().invokeExact((Receivers.Op) null, 1);
        }).isInstanceOf(NullPointerException.class);
    }

    @Test
    void theStubIsTooLongForC2ToInlineAndShortEnoughToCompile() throws Throwable {
        // FreqInlineSize is 325 bytes on x86-64 (C2 inlines no longer method at a hot call); HugeMethodLimit 8000.
        DynamicSite site = site(Placement.STUB);
        java.lang.invoke.MethodHandleInfo info = MethodHandles.lookup().revealDirect(site.invoker());
        assertThat(info.getName()).isEqualTo("call");
        assertThat(info.getDeclaringClass().isHidden()).isTrue();
        assertThat(ChainFactory.STUB_PADDING).isGreaterThan(325).isLessThan(7000);
    }

    /**
     * Cree's skip_stats covers the fast path too: calls that take a guard while an update merges and
     * resets the counters count nothing. The policy below calls the site from inside the update.
     */
    @ParameterizedTest
    @EnumSource(Placement.class)
    void theStatisticsAreOffOnTheFastPathWhileAnUpdateRuns(Placement placement) throws Throwable {
        long[] seen = new long[2];
        DynamicSite[] holder = new DynamicSite[1];
        LearningPolicy calling = new LearningPolicy() {
            @Override
            public List<Class<?>> select(List<Candidate> sorted, long total, LearningConfig config) {
                DynamicSite s = holder[0];
                seen[0] = s.fastHits();
                try {
                    for (int i = 0; i < 10; i++) {
                        Receivers.call(s, 0);
                    }
                } catch (Throwable t) {
                    throw new AssertionError(t);
                }
                seen[1] = s.fastHits();
                return null;
            }

            @Override
            public String name() {
                return "calls-during-update";
            }
        };
        DynamicSite site = new DynamicSite("skip", MethodHandles.lookup(), Receivers.Op.class, "apply", Receivers.TYPE, calling,
                LearningConfig.CREE, StatsStrategy.STRIPED, placement, Runnable::run);
        holder[0] = site;
        site.install(List.of(cls(0)));
        Receivers.call(site, 0);
        Receivers.call(site, 1);
        site.update();
        assertThat(seen[1]).as("fast-path hits counted during the update").isEqualTo(seen[0]);
        assertThat(site.skipStats()).isFalse();
        long before = site.fastHits();
        Receivers.call(site, 0);
        assertThat(site.fastHits()).as("counting again after the update").isEqualTo(before + 1);
    }
}
