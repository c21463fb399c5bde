package io.icpbench.dispatch.promote;

import static io.icpbench.dispatch.promote.PromoteSupport.FIXTURE;
import static io.icpbench.dispatch.promote.PromoteSupport.awaitUpdates;
import static io.icpbench.dispatch.promote.PromoteSupport.call;
import static io.icpbench.dispatch.promote.PromoteSupport.installedNames;
import static io.icpbench.dispatch.promote.PromoteSupport.invokes;
import static io.icpbench.dispatch.promote.PromoteSupport.learned;
import static io.icpbench.dispatch.promote.PromoteSupport.options;
import static io.icpbench.dispatch.promote.PromoteSupport.outcome;
import static io.icpbench.dispatch.promote.PromoteSupport.promoted;
import static io.icpbench.dispatch.promote.PromoteSupport.site;
import static org.assertj.core.api.Assertions.assertThat;

import io.icpbench.dispatch.DynamicSite;
import io.icpbench.dispatch.Learning;
import io.icpbench.dispatch.SiteRegistry;
import io.icpbench.dispatch.promote.PromoteSupport.World;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each bytecode shape of the fixture runs twice, as compiled and rewritten (in fresh class loaders,
 * so neither world shares static state), long enough for the promoted sites to learn and install
 * targets; the results must be the same before and after learning, and the sites the ones expected.
 */
class PromotedShapesTest {
    /** Calls per training run: past Cree's update threshold (1000 candidate hits) several times. */
    static final int N = 5000;

    World plain;
    World promotedWorld;

    @BeforeEach
    void setUp() {
        SiteRegistry.clear();
        Promotion.configure(options());
        plain = World.plain();
        promotedWorld = World.rewritten(options());
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        awaitUpdates();
        SiteRegistry.clear();
    }

    /** The same outcome (result or exception type and message) in both worlds; returns the promoted one. */
    Object same(String method, Object... args) {
        Object expected = outcome(plain, method, args);
        Object actual = outcome(promotedWorld, method, args);
        if (expected instanceof Throwable e) {
            assertThat(actual).as("%s%s", method, java.util.Arrays.asList(args)).isInstanceOf(Throwable.class);
            assertThat(actual.getClass()).as("%s%s throws", method, java.util.Arrays.asList(args)).isEqualTo(e.getClass());
        } else {
            assertThat(actual).as("%s%s", method, java.util.Arrays.asList(args)).isEqualTo(expected);
        }
        return actual;
    }

    /** Runs {@code loop(N)} in both worlds, lets the updates run, checks the site learned, runs again. */
    DynamicSite trainAndCompare(String loop, String siteName) throws InterruptedException {
        Object first = same(loop, N);
        awaitUpdates();
        DynamicSite site = learned(siteName);
        assertThat(site.installed()).as("targets installed at %s after %d calls", siteName, N).isNotEmpty();
        assertThat(site.patches()).isPositive();
        assertThat(same(loop, N)).as("the second run, through the installed targets").isEqualTo(first);
        return site;
    }

    byte[] promotedBytes(String simpleName) {
        Rewriter.Result r = promotedWorld.results.get(FIXTURE + "." + simpleName);
        assertThat(r).as("%s was loaded and rewritten by the promoted world", simpleName).isNotNull();
        return r.bytes();
    }

    List<String> sitesOf(String simpleName) {
        promotedWorld.load(FIXTURE + "." + simpleName);
        return promotedWorld.results.get(FIXTURE + "." + simpleName).sites();
    }

    // ------------------------------------------------------------------ 1

    @Test
    void invokeinterfaceWithSeveralImplementationsLearnsAndKeepsResults() throws Throwable {
        String name = site("Caller", "applyAt", "applyAt", "Ops.apply");
        assertThat(sitesOf("Caller")).contains(name);
        assertThat(promoted(promotedBytes("Caller"))).contains("applyAt: apply");
        assertThat(invokes(promotedBytes("Caller"), "applyAt")).doesNotContain("invokeinterface Ops.apply");
        for (int which = 0; which < 10; which++) {
            same("applyAt", which, 17);
        }
        // AddOne, Doubler, Negate (package-private), Caller.Square (private nested)
        assertThat(promotedWorld.call("applyAt", 0, 17)).isEqualTo(18);
        assertThat(promotedWorld.call("applyAt", 5, 17)).isEqualTo(34);
        assertThat(promotedWorld.call("applyAt", 8, 17)).isEqualTo(-17);
        assertThat(promotedWorld.call("applyAt", 9, 17)).isEqualTo(289);

        DynamicSite site = trainAndCompare("applyLoop", name);
        assertThat(installedNames(site)).containsExactly("AddOne", "Doubler");
        assertThat(site.installed().getFirst().getClassLoader()).as("the promoted world's class").isSameAs(promotedWorld);
        for (int which = 0; which < 10; which++) {
            same("applyAt", which, -3);
        }
    }

    @Test
    void severalThreadsGetTheSameResultsWhileTheSiteLearns() throws Throwable {
        String name = site("Caller", "applyAt", "applyAt", "Ops.apply");
        Object expected = plain.call("applyLoop", N);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Object>> runs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                runs.add(pool.submit((Callable<Object>) () -> {
                    try {
                        return promotedWorld.call("applyLoop", N);
                    } catch (Exception | Error e) {
                        throw e;
                    } catch (Throwable e) {
                        throw new AssertionError(e);
                    }
                }));
            }
            for (Future<Object> f : runs) {
                assertThat(f.get()).isEqualTo(expected);
            }
        } finally {
            pool.shutdown();
        }
        awaitUpdates();
        // (how many sites the racing bootstraps registered is the next test's business)
        assertThat(SiteRegistry.all()).filteredOn(s -> s.name.equals(name)).anyMatch(s -> !s.installed().isEmpty());
    }

    /**
     * Threads that reach a fresh invokedynamic together may each run the bootstrap; the JVM keeps
     * one call site and drops the others. The registry should list one learned site per rewritten
     * instruction, not also the dropped ones (which never see a call). Racy by nature, so the race
     * is run in many fresh worlds.
     */
    @Test
    void racingFirstCallsRegisterOneSitePerInstruction() throws Throwable {
        int threads = 8;
        List<Object[]> calls = List.of(new Object[] {"applyAt", 1}, new Object[] {"describeAt", 1}, new Object[] {"withSecretAt", 1},
                new Object[] {"bothApplyAt", 1}, new Object[] {"subAt", 1}, new Object[] {"counterAt", 1},
                new Object[] {"excludedMethod", 1}, new Object[] {"handleRaw", "x"}, new Object[] {"mixAt", 1},
                new Object[] {"hiddenAt", 1}, new Object[] {"applyAt", 2});
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            Map<String, Long> duplicated = new java.util.TreeMap<>();
            for (int round = 0; round < 30; round++) {
                SiteRegistry.clear();
                World w = World.rewritten(options());
                w.caller();
                java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
                List<Future<Object>> runs = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int which = t;
                    runs.add(pool.submit((Callable<Object>) () -> {
                        start.await();
                        try {
                            for (Object[] c : calls) {
                                w.call((String) c[0], which, c[1]);
                            }
                            return null;
                        } catch (Exception | Error e) {
                            throw e;
                        } catch (Throwable e) {
                            throw new AssertionError(e);
                        }
                    }));
                }
                for (Future<Object> f : runs) {
                    f.get();
                }
                SiteRegistry.all().stream().collect(java.util.stream.Collectors.groupingBy(s -> s.name, java.util.stream.Collectors.counting()))
                        .forEach((n, k) -> {
                            if (k > 1) {
                                duplicated.merge(n, k, Math::max);
                            }
                        });
            }
            assertThat(duplicated).as("site names registered more than once for one instruction in one world (most copies)").isEmpty();
        } finally {
            pool.shutdown();
        }
    }

    // ------------------------------------------------------------------ 2

    @Test
    void defaultMethodsInheritedAndOverridden() throws Throwable {
        String name = site("Caller", "describeAt", "describeAt", "Ops.describe");
        assertThat(sitesOf("Caller")).contains(name);
        // the default method's own call of apply is a site too, in the interface
        String inOps = site("Ops", "describe", "Ops.describe", "Ops.apply");
        assertThat(sitesOf("Ops")).containsExactly(inOps);

        assertThat(same("describeAt", 0, 4)).as("AddOne: the default").isEqualTo(51);
        assertThat(same("describeAt", 5, 4)).as("Doubler: its override").isEqualTo(-7);
        assertThat(same("describeAt", 8, 4)).as("Negate: the default").isEqualTo(-39);

        DynamicSite site = trainAndCompare("describeLoop", name);
        assertThat(installedNames(site)).containsExactly("AddOne", "Doubler");
        assertThat(learned(inOps).installed()).as("the default's site learned its own receivers (AddOne, Negate, Square)")
                .isNotEmpty();
        assertThat(same("describeAt", 0, 4)).isEqualTo(51);
        assertThat(same("describeAt", 5, 4)).isEqualTo(-7);
        assertThat(same("describeAt", 9, 4)).isEqualTo(161);
    }

    // ------------------------------------------------------------------ 3

    @Test
    void bridgeMethodOfAGenericOpsStruct() throws Throwable {
        String name = site("Caller", "handleAt", "handleAt", "Handler.handle");
        assertThat(sitesOf("Caller")).contains(name);
        assertThat(same("handleAt", 0, "abc")).isEqualTo(21);
        assertThat(same("handleAt", 2, "abc")).isEqualTo("abc".hashCode());

        DynamicSite site = trainAndCompare("handleLoop", name);
        assertThat(installedNames(site)).containsExactly("StringHandler", "HashHandler");
        assertThat(same("handleAt", 1, "abcd")).isEqualTo(28);
        assertThat(same("handleAt", 2, "abcd")).isEqualTo("abcd".hashCode());
    }

    @Test
    void bridgeCastFailureIsTheSameClassCastExceptionThroughAnInstalledTarget() throws Throwable {
        String name = site("Caller", "handleRaw", "handleRaw", "Handler.handle");
        assertThat(same("handleRaw", 0, 42)).isInstanceOf(ClassCastException.class);
        trainAndCompare("handleRawLoop", name);
        assertThat(learned(name).installed()).contains(promotedWorld.load(FIXTURE + ".StringHandler"));
        assertThat(same("handleRaw", 0, 42)).isInstanceOf(ClassCastException.class);
        assertThat(same("handleRaw", 2, List.of())).isInstanceOf(ClassCastException.class);
        assertThat(same("handleRaw", 0, "xy")).isEqualTo(14);
    }

    // ------------------------------------------------------------------ 4

    @Test
    void aClassImplementingTwoOpsStructsCalledThroughEach() throws Throwable {
        String apply = site("Caller", "bothApplyAt", "bothApply", "Ops.apply");
        String nameSite = site("Caller", "bothNameAt", "bothName", "Named.name");
        assertThat(sitesOf("Caller")).contains(apply, nameSite);
        assertThat(same("bothApplyAt", 0, 2)).isEqualTo(11);
        assertThat(same("bothNameAt", 0)).isEqualTo("both3");
        assertThat(same("bothNameAt", 1)).isEqualTo("label");

        trainAndCompare("bothLoop", apply);
        assertThat(installedNames(learned(apply))).containsExactly("Both", "AddOne");
        assertThat(installedNames(learned(nameSite))).containsExactly("Both", "Label");
        assertThat(same("bothApplyAt", 2, 2)).isEqualTo(3);
        assertThat(same("bothNameAt", 2)).isEqualTo("both3");
    }

    // ------------------------------------------------------------------ 5

    @Test
    void unannotatedSubInterfaceInheritedMethodIsRewrittenItsOwnIsNot() throws Throwable {
        String apply = site("Caller", "subAt", "subApply", "SubOps.apply");
        String extra = call("Caller", "subAt", "subExtra", "SubOps.extra");
        assertThat(sitesOf("Caller")).contains(apply).doesNotContain(extra);
        assertThat(invokes(promotedBytes("Caller"), "subAt")).containsExactly("invokeinterface SubOps.extra");
        assertThat(promoted(promotedBytes("Caller"))).contains("subAt: apply").doesNotContain("subAt: extra");

        DynamicSite site = trainAndCompare("subLoop", apply);
        assertThat(installedNames(site)).containsExactly("SubImpl", "Caller$1");
        assertThat(site.installed().getFirst()).isEqualTo(promotedWorld.load(FIXTURE + ".SubImpl"));
        for (int which = 0; which < 3; which++) {
            same("subAt", which, 9);
        }
        assertThat(sitesOf("SubOps")).isEmpty();
    }

    // ------------------------------------------------------------------ 6

    @Test
    void objectMethodsThroughAnInterfaceTypedValueAreNeverRewritten() throws Throwable {
        List<String> sites = sitesOf("Caller");
        assertThat(sites).noneMatch(s -> s.startsWith("Caller.objectMethods"));
        for (String tag : List.of("getClass", "hashCode", "toString", "equals")) {
            assertThat(sites).doesNotContain(call("Caller", "objectMethods", tag, "Ops." + tag));
        }
        assertThat(invokes(promotedBytes("Caller"), "objectMethods")).contains("invokeinterface Ops.getClass",
                "invokeinterface Ops.hashCode", "invokeinterface Ops.toString", "invokeinterface Ops.equals");
        assertThat(promoted(promotedBytes("Caller"))).noneMatch(s -> s.startsWith("objectMethods:"));
        assertThat(same("objectMethods", 0)).isEqualTo(FIXTURE + ".Valued/31/Valued(1)/true");
        assertThat(same("objectMethods", 1)).isEqualTo(FIXTURE + ".Valued/62/Valued(2)/false");
    }

    // ------------------------------------------------------------------ 7

    @Test
    void invokevirtualOnAClassTypeImplementingAnOpsStruct() throws Throwable {
        String apply = site("Caller", "counterAt", "counterApply", "Counter.apply");
        String bonus = call("Caller", "counterAt", "counterBonus", "Counter.bonus");
        String direct = site("Caller", "addOneDirect", "addOneApply", "AddOne.apply");
        String directBonus = call("Caller", "addOneDirect", "addOneBonus", "AddOne.bonus");
        assertThat(sitesOf("Caller")).contains(apply, direct).doesNotContain(bonus, directBonus);
        assertThat(invokes(promotedBytes("Caller"), "counterAt")).containsExactly("invokevirtual Counter.bonus");
        assertThat(invokes(promotedBytes("Caller"), "addOneDirect")).containsExactly("invokespecial AddOne.<init>",
                "invokevirtual AddOne.bonus");
        // super.apply is an invokespecial: FastCounter has nothing to rewrite
        assertThat(sitesOf("FastCounter")).isEmpty();
        assertThat(invokes(promotedBytes("FastCounter"), "apply")).containsExactly("invokespecial Counter.apply");

        assertThat(same("counterAt", 0, 2)).isEqualTo(25);
        assertThat(same("counterAt", 5, 2)).isEqualTo(38);
        assertThat(same("addOneDirect", 2)).isEqualTo(105);

        DynamicSite site = trainAndCompare("counterLoop", apply);
        assertThat(installedNames(site)).containsExactly("Counter", "FastCounter");
        for (int which = 0; which < 10; which++) {
            same("counterAt", which, -8);
        }
        for (int i = 0; i < N; i++) {
            assertThat(promotedWorld.call("addOneDirect", i)).isEqualTo(2 * i + 101);
        }
        awaitUpdates();
        assertThat(installedNames(learned(direct))).containsExactly("AddOne");
        assertThat(same("addOneDirect", 7)).isEqualTo(115);
    }

    // ------------------------------------------------------------------ 8

    @Test
    void nullReceiverThrowsNullPointerExceptionBeforeAndAfterLearning() throws Throwable {
        String name = site("Caller", "applyAt", "applyAt", "Ops.apply");
        // the very first call of the site has a null receiver
        assertThat(same("applyAt", -1, 3)).isInstanceOf(NullPointerException.class);
        assertThat(learned(name).installed()).isEmpty();
        assertThat(same("applyAt", -1, 3)).isInstanceOf(NullPointerException.class);
        DynamicSite site = trainAndCompare("applyLoop", name);
        long misses = site.misses();
        assertThat(same("applyAt", -1, 3)).isInstanceOf(NullPointerException.class);
        assertThat(site.misses()).as("a null receiver is not counted as a receiver class").isEqualTo(misses);
        assertThat(same("applyAt", 0, 3)).isEqualTo(4);
    }

    // ------------------------------------------------------------------ 9

    @Test
    void exceptionsOfTheTargetPropagateUnchangedBeforeAndAfterLearning() throws Throwable {
        String name = site("Caller", "throwAt", "throwAt", "Thrower.call");
        assertThat(sitesOf("Caller")).contains(name);
        List<Throwable> thrown = List.of(new IOException("checked, declared"), new IllegalStateException("unchecked"),
                new AssertionError("an error"), new Exception("checked, undeclared"));
        for (Throwable t : thrown) {
            assertThat(outcome(plain, "throwAt", -1, t)).isSameAs(t);
            assertThat(outcome(promotedWorld, "throwAt", -1, t)).as("through the fallback").isSameAs(t);
        }
        RuntimeException marker = new RuntimeException("marker");
        Object first = same("throwLoop", N, marker);
        awaitUpdates();
        DynamicSite site = learned(name);
        assertThat(installedNames(site)).as("Rethrower takes half the calls").first().isEqualTo("Rethrower");
        assertThat(same("throwLoop", N, marker)).isEqualTo(first);
        for (Throwable t : thrown) {
            Object p = outcome(promotedWorld, "throwAt", -1, t);
            assertThat(p).as("through the installed direct call").isSameAs(t);
            assertThat(((Throwable) p).getMessage()).isEqualTo(t.getMessage());
            assertThat(((Throwable) p).getSuppressed()).isEmpty();
        }
        assertThat(same("throwAt", 1, null)).isEqualTo(2);
    }

    // ------------------------------------------------------------------ 10, 11

    @Test
    void staticPrivateAndUnannotatedInterfaceCallsAreLeftAlone() throws Throwable {
        assertThat(sitesOf("Caller")).noneMatch(s -> s.startsWith("Caller.helper") || s.startsWith("Caller.plainAt"));
        assertThat(invokes(promotedBytes("Caller"), "helper")).containsExactly("invokestatic Ops.helper");
        assertThat(invokes(promotedBytes("Caller"), "plainAt")).containsExactly("invokeinterface Plain.plain");
        assertThat(invokes(promotedBytes("Ops"), "withSecret")).containsExactly("invokeinterface Ops.secret");
        assertThat(promoted(promotedBytes("Ops"))).containsExactly("describe: apply");
        assertThat(same("helper", 5)).isEqualTo(1005);
        assertThat(same("plainAt", 5)).isEqualTo(47);
        assertThat(same("withSecretAt", 0, 5)).isEqualTo((5 ^ 0x55) + 7);
        assertThat(sitesOf("Caller")).contains(site("Caller", "withSecretAt", "withSecretAt", "Ops.withSecret"));
        assertThat(sitesOf("PlainImpl")).isEmpty();
        assertThat(sitesOf("Plain")).isEmpty();
    }

    @Test
    void excludedMethodKeepsItsSitesOthersAreRewritten() throws Throwable {
        RewriteOptions opts = new RewriteOptions(List.of(FIXTURE), List.of("Caller.excludedMethod"), Learning.DEFAULT);
        promotedWorld = World.rewritten(opts);
        List<String> sites = sitesOf("Caller");
        assertThat(sites).doesNotContain(site("Caller", "excludedMethod", "excluded", "Ops.apply"))
                .noneMatch(s -> s.startsWith("Caller.excludedMethod"))
                .contains(site("Caller", "applyAt", "applyAt", "Ops.apply"));
        assertThat(invokes(promotedBytes("Caller"), "excludedMethod")).contains("invokeinterface Ops.apply");
        assertThat(promoted(promotedBytes("Caller"))).noneMatch(s -> s.startsWith("excludedMethod:")).contains("applyAt: apply");
        for (int which = -1; which < 10; which++) {
            same("excludedMethod", which, 6);
        }
        // the same class without the exclusion has one more site
        World all = World.rewritten(options());
        all.caller();
        assertThat(all.sites()).contains(site("Caller", "excludedMethod", "excluded", "Ops.apply"));
    }

    // ------------------------------------------------------------------ more shapes

    @Test
    void branchMergeOfTwoClassTypesBeforeTheSite() throws Throwable {
        assertThat(sitesOf("Caller")).contains(site("Caller", "mergeAt", "mergeAt", "Ops.apply"));
        assertThat(same("mergeAt", true, 4)).isEqualTo(5);
        assertThat(same("mergeAt", false, 4)).isEqualTo(8);
    }

    @Test
    void siteInALambdaBody() throws Throwable {
        List<String> lambdaSites = sitesOf("Caller").stream().filter(s -> s.startsWith("Caller.lambda$")).toList();
        PromoteSupport.line("SITE:lambda");
        assertThat(lambdaSites).hasSize(1).allMatch(s -> s.matches("Caller\\.lambda\\$[\\w$]+ -> Ops\\.apply"));
        Object first = same("lambdaLoop", N);
        awaitUpdates();
        assertThat(installedNames(learned(lambdaSites.getFirst()))).containsExactly("AddOne", "Doubler");
        assertThat(same("lambdaLoop", N)).isEqualTo(first);
    }

    @Test
    void nestedClassSiteWithLambdaReceivers() throws Throwable {
        String name = site("Caller.Relay", "relay", "relay", "Caller.Step.step");
        promotedWorld.caller();
        assertThat(sitesOf("Caller$Relay")).containsExactly(name);
        assertThat(sitesOf("Caller$Step")).isEmpty();
        assertThat(same("relayAt", 0, 3)).isEqualTo(12);
        assertThat(same("relayAt", 1, 3)).isEqualTo(12);
        DynamicSite site = trainAndCompare("relayLoop", name);
        assertThat(site.installed()).as("both lambda classes (hidden classes)").hasSize(2).allMatch(Class::isHidden);
        assertThat(same("relayAt", 2, 5)).isEqualTo(14);
        assertThat(same("relayAt", 3, 5)).isEqualTo(20);
    }

    @Test
    void wideArgumentsArraysDoubleAndVoidResults() throws Throwable {
        String mix = site("Caller", "mixAt", "mix", "Mixer.mix");
        String sink = site("Caller", "mixAt", "sink", "Mixer.sink");
        String total = site("Caller", "mixLoop", "total", "Mixer.total");
        assertThat(sitesOf("Caller")).contains(mix, sink, total);
        assertThat(same("mixAt", 0, 6)).isEqualTo(6 * 0.5 + 3.0 + 2 + 6);
        assertThat(same("mixAt", 1, 6)).isEqualTo(6 - 3.0 * 2 + 2);
        Object first = same("mixLoop", N);
        awaitUpdates();
        assertThat(installedNames(learned(mix))).containsExactly("Mixers$A", "Mixers$B");
        assertThat(installedNames(learned(sink))).containsExactly("Mixers$A", "Mixers$B");
        assertThat(same("mixLoop", N)).isNotEqualTo(first).isInstanceOf(Double.class);
    }

    /**
     * Most receivers are of a class the caller's lookup cannot access (package-private in another
     * package). The calls must stay correct, and the site should still learn: a target it cannot
     * call directly must not stop it from installing the ones it can.
     */
    @Test
    void receiversOfAClassInaccessibleToTheCallerStillLetTheSiteLearn() throws Throwable {
        String name = site("Caller", "hiddenAt", "hiddenAt", "Ops.apply");
        assertThat(same("hiddenAt", 0, 3)).isEqualTo(33);
        assertThat(same("hiddenAt", 3, 3)).isEqualTo(4);
        Object first = same("hiddenLoop", N);
        awaitUpdates();
        assertThat(same("hiddenLoop", N)).isEqualTo(first);
        awaitUpdates();
        DynamicSite site = learned(name);
        assertThat(site.installed()).as("targets installed at %s (updates run: %d)", name, site.updates()).isNotEmpty();
    }

    @Test
    void everyRewrittenClassVerifies() {
        for (String internal : PromoteSupport.fixtureClasses()) {
            promotedWorld.load(internal.replace('/', '.'));
        }
        assertThat(promotedWorld.results).hasSize(PromoteSupport.fixtureClasses().size());
        promotedWorld.results.forEach((cls, r) -> {
            if (r.changed()) {
                assertThat(PromoteSupport.verify(r.bytes(), promotedWorld)).as("verify %s", cls).isEmpty();
                assertThat(promoted(r.bytes())).as("%s: one invokedynamic per site", cls).hasSameSizeAs(r.sites());
            } else {
                assertThat(r.bytes()).as("%s unchanged", cls).isEqualTo(PromoteSupport.original(cls));
            }
        });
    }
}
