package io.icpbench.dispatch.promote;

import static io.icpbench.dispatch.promote.PromoteSupport.FIXTURE;
import static io.icpbench.dispatch.promote.PromoteSupport.awaitUpdates;
import static io.icpbench.dispatch.promote.PromoteSupport.learned;
import static io.icpbench.dispatch.promote.PromoteSupport.options;
import static io.icpbench.dispatch.promote.PromoteSupport.site;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icpbench.dispatch.DynamicSite;
import io.icpbench.dispatch.Learning;
import io.icpbench.dispatch.SiteRegistry;
import io.icpbench.dispatch.StatsStrategy;
import io.icpbench.dispatch.promote.PromoteSupport.World;
import io.icpbench.dispatch.promote.fixture.AddOne;
import io.icpbench.dispatch.promote.fixture.Doubler;
import io.icpbench.dispatch.promote.fixture.Ops;
import java.lang.invoke.CallSite;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bootstrap and the learning configuration it gives promoted sites. */
class PromotionTest {
    @BeforeEach
    void setUp() {
        SiteRegistry.clear();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        awaitUpdates();
        Promotion.configure(options());
        SiteRegistry.clear();
    }

    @Test
    void bootstrapMakesOneRegisteredLearnedSitePerCall() throws Throwable {
        MethodType type = MethodType.methodType(int.class, Ops.class, int.class);
        CallSite cs = Promotion.bootstrap(MethodHandles.lookup(), "apply", type, "T.m:1 -> Ops.apply", Ops.class);
        CallSite other = Promotion.bootstrap(MethodHandles.lookup(), "apply", type, "T.m:2 -> Ops.apply", Ops.class);
        assertThat(cs.type()).isEqualTo(type);
        assertThat(other).isNotSameAs(cs);
        MethodHandle h = cs.dynamicInvoker();
        assertThat((int) h.invokeExact((Ops) new AddOne(), 4)).isEqualTo(5);
        assertThat((int) h.invokeExact((Ops) new Doubler(), 4)).isEqualTo(8);
        assertThat(SiteRegistry.all()).as("sites register on their first call").extracting(s -> s.name).containsExactly("T.m:1 -> Ops.apply");
        assertThat((int) other.dynamicInvoker().invokeExact((Ops) new AddOne(), 1)).isEqualTo(2);
        assertThat(SiteRegistry.all()).extracting(s -> s.name).containsExactly("T.m:1 -> Ops.apply", "T.m:2 -> Ops.apply");
        assertThat(SiteRegistry.all().getFirst().callSite()).isSameAs(cs);
    }

    @Test
    void bootstrapRejectsAMethodTheOwnerDoesNotHave() {
        MethodType type = MethodType.methodType(int.class, Ops.class, long.class);
        assertThatThrownBy(() -> Promotion.bootstrap(MethodHandles.lookup(), "apply", type, "T.m:1 -> Ops.apply", Ops.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("T.m:1 -> Ops.apply");
        MethodType wrongReceiver = MethodType.methodType(int.class, AddOne.class, int.class);
        assertThatThrownBy(() -> Promotion.bootstrap(MethodHandles.lookup(), "apply", wrongReceiver, "T.m:2 -> Ops.apply", Ops.class))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theRewritersOptionsReachTheSites() throws Throwable {
        // The settings travel in the invokedynamic: what the agent configured does not matter.
        Promotion.configure(options());
        World w = World.rewritten(new RewriteOptions(List.of(FIXTURE), List.of(), Learning.of("top-1", "mh-field", "thread_local",
                "100,100,10")));
        Object expected = World.plain().call("applyLoop", 1000);
        assertThat(w.call("applyLoop", 1000)).isEqualTo(expected);
        awaitUpdates();
        DynamicSite s = learned(site("Caller", "applyAt", "applyAt", "Ops.apply"));
        assertThat(s.policyName()).isEqualTo("top-1");
        assertThat(s.statsStrategy()).isEqualTo(StatsStrategy.THREAD_LOCAL);
        assertThat(s.placement()).isEqualTo(io.icpbench.dispatch.Placement.MH_FIELD);
        assertThat(s.installed()).as("top-1 after 1000 calls with an update threshold of 100").hasSize(1);
        assertThat(s.installed().getFirst().getSimpleName()).isEqualTo("AddOne");
        assertThat(w.call("applyLoop", 1000)).isEqualTo(expected);
    }

    @Test
    void badLearningOptionsAreRejectedBeforeConfigureAndThePreviousOnesKept() throws Throwable {
        Promotion.configure(new RewriteOptions(List.of(FIXTURE), List.of(), Learning.of("gcc", null, "shared", "1000,1000,250")));
        // Settings are parsed where they are given: bad ones never reach configure.
        assertThatThrownBy(() -> Learning.of("best", null, "striped", "1,1,1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("best");
        assertThatThrownBy(() -> Learning.of("cree", null, "psychic", "1,1,1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stats=psychic");
        assertThatThrownBy(() -> Learning.of("cree", null, "striped", "1,x,1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("thresholds=1,x,1");
        assertThatThrownBy(() -> Learning.of("cree", null, "striped", "1,2,3,4,5"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("thresholds=");
        assertThatThrownBy(() -> Learning.of("cree", null, "striped", "0,1,1"))
                .isInstanceOf(IllegalArgumentException.class);
        // A site bootstrapped without settings of its own (a class rewritten by an older rewriter) gets the kept ones.
        MethodType type = MethodType.methodType(int.class, Ops.class, int.class);
        MethodHandle h = Promotion.bootstrap(MethodHandles.lookup(), "apply", type, "kept", Ops.class).dynamicInvoker();
        assertThat((int) h.invokeExact((Ops) new AddOne(), 1)).isEqualTo(2);
        DynamicSite s = SiteRegistry.all().stream().filter(x -> x.name.equals("kept")).findFirst().orElseThrow();
        assertThat(s.policyName()).isEqualTo("gcc");
        assertThat(s.statsStrategy()).isEqualTo(StatsStrategy.SHARED);
    }

    @Test
    void aSiteRewrittenByAnEarlierVersionLearnsAsItsStringSays() throws Throwable {
        // The bootstrap argument as earlier rewriters wrote it: values as given, not canonical.
        MethodType type = MethodType.methodType(int.class, Ops.class, int.class);
        CallSite cs = Promotion.bootstrap(MethodHandles.lookup(), "apply", type, "old", Ops.class,
                "policy=top-3,learn-once;stats=Thread-Local;thresholds=5,6,7,0;placement=mh_field");
        assertThat((int) cs.dynamicInvoker().invokeExact((Ops) new AddOne(), 1)).isEqualTo(2);
        DynamicSite s = SiteRegistry.all().stream().filter(x -> x.name.equals("old")).findFirst().orElseThrow();
        assertThat(s.policyName()).isEqualTo("top-3,learn-once");
        assertThat(s.statsStrategy()).isEqualTo(StatsStrategy.THREAD_LOCAL);
        assertThat(s.placement()).isEqualTo(io.icpbench.dispatch.Placement.MH_FIELD);
    }
}
