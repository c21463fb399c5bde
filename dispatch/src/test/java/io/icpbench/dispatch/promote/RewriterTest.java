package io.icpbench.dispatch.promote;

import static io.icpbench.dispatch.promote.PromoteSupport.FIXTURE;
import static io.icpbench.dispatch.promote.PromoteSupport.FIXTURE_INTERNAL;
import static io.icpbench.dispatch.promote.PromoteSupport.call;
import static io.icpbench.dispatch.promote.PromoteSupport.invokes;
import static io.icpbench.dispatch.promote.PromoteSupport.options;
import static io.icpbench.dispatch.promote.PromoteSupport.original;
import static io.icpbench.dispatch.promote.PromoteSupport.promoted;
import static io.icpbench.dispatch.promote.PromoteSupport.rewriter;
import static io.icpbench.dispatch.promote.PromoteSupport.site;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icpbench.dispatch.Learning;
import io.icpbench.dispatch.SiteRegistry;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.LineNumber;
import java.lang.constant.ConstantDesc;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The rewriter on class files, without running them: which sites, what it leaves alone, determinism. */
class RewriterTest {
    @AfterEach
    void tearDown() {
        SiteRegistry.clear();
    }

    static Rewriter.Result rewrite(String simpleName) {
        return rewriter(options()).rewrite(original(FIXTURE_INTERNAL + "/" + simpleName), RewriterTest.class.getClassLoader());
    }

    /** Every site of the fixture, by class: the complete list, so an extra or a missing site fails. */
    @Test
    void theFixtureHasExactlyTheExpectedSites() {
        Map<String, List<String>> actual = new LinkedHashMap<>();
        for (String cls : PromoteSupport.fixtureClasses()) {
            Rewriter.Result r = rewriter(options()).rewrite(original(cls), getClass().getClassLoader());
            if (r.changed()) {
                actual.put(cls.substring(FIXTURE_INTERNAL.length() + 1), r.sites());
            }
        }
        assertThat(actual.keySet()).containsExactlyInAnyOrder("Caller", "Caller$Relay", "Ops", "SelfMerge");
        assertThat(actual.get("Ops")).containsExactly(site("Ops", "describe", "Ops.describe", "Ops.apply"));
        assertThat(actual.get("SelfMerge")).containsExactly(site("SelfMerge", "pick", "selfMerge", "Ops.apply"));
        assertThat(actual.get("Caller$Relay")).containsExactly(site("Caller.Relay", "relay", "relay", "Caller.Step.step"));
        List<String> caller = new ArrayList<>(actual.get("Caller"));
        String lambda = caller.stream().filter(s -> s.startsWith("Caller.lambda$")).findFirst().orElseThrow();
        PromoteSupport.line("SITE:lambda");
        assertThat(lambda).matches("Caller\\.lambda\\$[\\w$]+ -> Ops\\.apply");
        caller.remove(lambda);
        assertThat(caller).containsExactlyInAnyOrder(
                site("Caller", "applyAt", "applyAt", "Ops.apply"),
                site("Caller", "describeAt", "describeAt", "Ops.describe"),
                site("Caller", "withSecretAt", "withSecretAt", "Ops.withSecret"),
                site("Caller", "handleAt", "handleAt", "Handler.handle"),
                site("Caller", "handleRaw", "handleRaw", "Handler.handle"),
                site("Caller", "bothApplyAt", "bothApply", "Ops.apply"),
                site("Caller", "bothNameAt", "bothName", "Named.name"),
                site("Caller", "subAt", "subApply", "SubOps.apply"),
                site("Caller", "counterAt", "counterApply", "Counter.apply"),
                site("Caller", "addOneDirect", "addOneApply", "AddOne.apply"),
                site("Caller", "throwAt", "throwAt", "Thrower.call"),
                site("Caller", "excludedMethod", "excluded", "Ops.apply"),
                site("Caller", "mergeAt", "mergeAt", "Ops.apply"),
                site("Caller", "mixAt", "sink", "Mixer.sink"),
                site("Caller", "mixAt", "mix", "Mixer.mix"),
                site("Caller", "mixLoop", "total", "Mixer.total"),
                site("Caller", "hiddenAt", "hiddenAt", "Ops.apply"));
    }

    @Test
    void sitesAreListedInInstructionOrderWithOneInvokedynamicEach() {
        Rewriter.Result r = rewrite("Caller");
        int mix = r.sites().indexOf(site("Caller", "mixAt", "mix", "Mixer.mix"));
        int sink = r.sites().indexOf(site("Caller", "mixAt", "sink", "Mixer.sink"));
        assertThat(sink).isNotNegative().isLessThan(mix);
        assertThat(promoted(r.bytes())).hasSameSizeAs(r.sites()).contains("mixAt: sink", "mixAt: mix", "applyAt: apply");
        assertThat(PromoteSupport.verify(r.bytes(), getClass().getClassLoader())).isEmpty();
    }

    @Test
    void theInvokedynamicCarriesTheTypeTheSiteNameAndTheReceiversStaticType() {
        Rewriter.Result r = rewrite("Caller");
        Map<String, InvokeDynamicInstruction> byMethod = new LinkedHashMap<>();
        ClassFile.of().parse(r.bytes()).methods().forEach(m -> m.code().ifPresent(code -> code.elementStream().forEach(e -> {
            if (e instanceof InvokeDynamicInstruction indy && indy.bootstrapMethod().methodName().equals("bootstrap")) {
                byMethod.put(m.methodName().stringValue() + "." + indy.name().stringValue(), indy);
            }
        })));
        InvokeDynamicInstruction apply = byMethod.get("applyAt.apply");
        assertThat(apply.typeSymbol().descriptorString()).isEqualTo("(L" + FIXTURE_INTERNAL + "/Ops;I)I");
        assertThat(apply.bootstrapMethod().owner().descriptorString()).isEqualTo("Lio/icpbench/dispatch/promote/Promotion;");
        List<ConstantDesc> args = apply.bootstrapArgs();
        assertThat(args).hasSize(3);
        assertThat(args.get(0)).isEqualTo(site("Caller", "applyAt", "applyAt", "Ops.apply"));
        assertThat(((java.lang.constant.ClassDesc) args.get(1)).descriptorString()).isEqualTo("L" + FIXTURE_INTERNAL + "/Ops;");
        assertThat(args.get(2)).as("the learning settings the site was rewritten with").isEqualTo(options().learning().format());

        InvokeDynamicInstruction counter = byMethod.get("counterAt.apply");
        assertThat(counter.typeSymbol().descriptorString()).isEqualTo("(L" + FIXTURE_INTERNAL + "/Counter;I)I");
        InvokeDynamicInstruction mix = byMethod.get("mixAt.mix");
        assertThat(mix.typeSymbol().descriptorString()).isEqualTo("(L" + FIXTURE_INTERNAL + "/Mixer;JDLjava/lang/String;[I)D");
        InvokeDynamicInstruction sink = byMethod.get("mixAt.sink");
        assertThat(sink.typeSymbol().descriptorString()).isEqualTo("(L" + FIXTURE_INTERNAL + "/Mixer;J)V");
        InvokeDynamicInstruction handle = byMethod.get("handleAt.handle");
        assertThat(handle.typeSymbol().descriptorString()).as("the erased (bridge) descriptor")
                .isEqualTo("(L" + FIXTURE_INTERNAL + "/Handler;Ljava/lang/Object;)I");
    }

    // ------------------------------------------------------------------ what is left alone

    @Test
    void classesWithoutSitesComeBackAsTheSameBytes() {
        for (String cls : PromoteSupport.fixtureClasses()) {
            byte[] in = original(cls);
            Rewriter.Result r = rewriter(options()).rewrite(in, getClass().getClassLoader());
            if (!r.changed()) {
                assertThat(r.bytes()).as(cls).isSameAs(in);
                assertThat(r.sites()).isEmpty();
            }
        }
        for (String simple : List.of("AddOne", "Doubler", "Negate", "Handler", "StringHandler", "HashHandler", "Named", "Both", "Label",
                "SubOps", "SubImpl", "Plain", "PlainImpl", "Thrower", "Rethrower", "Fixed", "Valued", "Counter", "FastCounter",
                "SlowCounter", "Mixer", "Mixers$A", "Caller$1", "Caller$Square", "Caller$Step", "hidden/Hidden", "hidden/Hidden$Impl",
                "AgentMain")) {
            assertThat(rewrite(simple).changed()).as(simple).isFalse();
        }
    }

    @Test
    void theBridgeMethodAndADirectCallWithTheNarrowDescriptorAreLeftAlone() {
        // StringHandler.handle(Object) (the bridge) calls handle(String): Handler declares handle(Object) only
        assertThat(rewrite("StringHandler").changed()).isFalse();
        assertThat(rewrite("Caller").sites()).doesNotContain(call("Caller", "directHandle", "directHandle", "StringHandler.handle"));
        assertThat(invokes(rewrite("Caller").bytes(), "directHandle")).contains("invokevirtual StringHandler.handle");
    }

    @Test
    void classesOutsideThePackagesAreNotRewritten() {
        byte[] outside = original(OutsideCaller.class.getName());
        Rewriter.Result r = rewriter(options()).rewrite(outside, getClass().getClassLoader());
        assertThat(r.changed()).isFalse();
        assertThat(r.bytes()).isSameAs(outside);
        // a package name is not a string prefix: ...promote.fix does not cover ...promote.fixture
        Rewriter.Result prefix = rewriter(RewriteOptions.forPackages(FIXTURE.substring(0, FIXTURE.length() - 4)))
                .rewrite(original(FIXTURE + ".Caller"), getClass().getClassLoader());
        assertThat(prefix.changed()).isFalse();
        // with its own package named, the same class is rewritten
        Rewriter.Result covered = rewriter(RewriteOptions.forPackages("io.icpbench.dispatch.promote"))
                .rewrite(outside, getClass().getClassLoader());
        assertThat(covered.sites()).singleElement().asString().isEqualTo("OutsideCaller.call -> Ops.apply");
        // a parent package covers its sub-packages
        assertThat(rewriter(RewriteOptions.forPackages("io.icpbench.dispatch")).rewrite(original(FIXTURE + ".Caller"), null).changed())
                .isTrue();
    }

    @Test
    void opsInterfacesThatCannotBeFoundAreNotOpsStructs() {
        byte[] caller = original(FIXTURE + ".Caller");
        Rewriter blind = new Rewriter(options(), name -> null);
        Rewriter.Result r = blind.rewrite(caller, getClass().getClassLoader());
        assertThat(r.changed()).isFalse();
        assertThat(r.bytes()).isSameAs(caller);
        // only the fixture's own interfaces visible: the same sites as with the class loader
        Rewriter fixtureOnly = new Rewriter(options(), name -> name.startsWith(FIXTURE_INTERNAL + "/") ? original(name) : null);
        assertThat(fixtureOnly.rewrite(caller, null).sites()).isEqualTo(rewrite("Caller").sites());
    }

    @Test
    void excludeIsAPrefixOfTheSiteName() {
        String applyAt = site("Caller", "applyAt", "applyAt", "Ops.apply");
        byte[] caller = original(FIXTURE + ".Caller");
        List<String> all = rewrite("Caller").sites();

        Rewriter.Result oneMethod = new Rewriter(new RewriteOptions(List.of(FIXTURE), List.of("Caller.excludedMethod"), Learning.DEFAULT),
                ClassBytes.of(null)).rewrite(caller, null);
        assertThat(oneMethod.sites()).hasSize(all.size() - 1).noneMatch(s -> s.startsWith("Caller.excludedMethod"));
        assertThat(invokes(oneMethod.bytes(), "excludedMethod")).contains("invokeinterface Ops.apply");

        Rewriter.Result oneSite = new Rewriter(new RewriteOptions(List.of(FIXTURE), List.of(applyAt), Learning.DEFAULT),
                ClassBytes.of(null)).rewrite(caller, null);
        assertThat(oneSite.sites()).hasSize(all.size() - 1).doesNotContain(applyAt);

        Rewriter.Result byMethod = new Rewriter(new RewriteOptions(List.of(FIXTURE), List.of("Caller.mixAt", ""), Learning.DEFAULT),
                ClassBytes.of(null)).rewrite(caller, null);
        assertThat(byMethod.sites()).as("an empty entry excludes nothing").hasSize(all.size() - 2);

        Rewriter.Result everything = new Rewriter(new RewriteOptions(List.of(FIXTURE), List.of("Caller"), Learning.DEFAULT),
                ClassBytes.of(null)).rewrite(caller, null);
        assertThat(everything.changed()).isFalse();
        assertThat(promoted(everything.bytes())).isEmpty();
    }

    // ------------------------------------------------------------------ determinism

    @Test
    void rewritingIsDeterministicAndIdempotent() {
        for (String cls : List.of("Caller", "Ops", "SelfMerge", "Caller$Relay")) {
            byte[] in = original(FIXTURE_INTERNAL + "/" + cls);
            byte[] copy = Arrays.copyOf(in, in.length);
            Rewriter shared = rewriter(options());
            Rewriter.Result a = shared.rewrite(in, getClass().getClassLoader());
            Rewriter.Result b = shared.rewrite(in, getClass().getClassLoader());
            Rewriter.Result c = rewriter(options()).rewrite(copy, null);
            assertThat(b.bytes()).as(cls).isEqualTo(a.bytes());
            assertThat(c.bytes()).as(cls).isEqualTo(a.bytes());
            assertThat(b.sites()).isEqualTo(a.sites());
            assertThat(c.sites()).isEqualTo(a.sites());
            assertThat(in).as("the input is not modified").isEqualTo(copy);
            // a second pass finds nothing left to rewrite
            Rewriter.Result again = rewriter(options()).rewrite(a.bytes(), getClass().getClassLoader());
            assertThat(again.changed()).as(cls).isFalse();
            assertThat(again.bytes()).isSameAs(a.bytes());
        }
    }

    @Test
    void siteNamesDoNotDependOnWhatElseIsInTheClass() {
        // the same method in another class file layout: drop every other method but applyAt and mixAt
        byte[] in = original(FIXTURE + ".Caller");
        ClassFile cf = ClassFile.of();
        byte[] trimmed = cf.transformClass(cf.parse(in), ClassTransform.dropping(e -> e instanceof java.lang.classfile.MethodModel m
                && !m.methodName().equalsString("applyAt") && !m.methodName().equalsString("mixAt")));
        Rewriter.Result r = rewriter(options()).rewrite(trimmed, getClass().getClassLoader());
        assertThat(r.sites()).containsExactly(site("Caller", "applyAt", "applyAt", "Ops.apply"),
                site("Caller", "mixAt", "sink", "Mixer.sink"), site("Caller", "mixAt", "mix", "Mixer.mix"));
    }

    @Test
    void withoutLineNumbersEverySiteIsStillRewritten() {
        byte[] in = original(FIXTURE + ".Caller");
        ClassFile cf = ClassFile.of();
        byte[] noLines = cf.transformClass(cf.parse(in), ClassTransform.transformingMethodBodies(
                (CodeTransform) (b, e) -> {
                    if (!(e instanceof LineNumber)) {
                        b.with(e);
                    }
                }));
        Rewriter.Result r = rewriter(options()).rewrite(noLines, getClass().getClassLoader());
        List<String> withLines = rewrite("Caller").sites();
        // Names never held line numbers: the same names with or without them.
        assertThat(r.sites()).containsExactlyElementsOf(withLines);
        assertThat(r.sites()).allMatch(s -> s.matches("[A-Za-z.]+\\.[\\w$]+ -> [A-Za-z.]+\\.\\w+( #\\d+)?"));
        assertThat(promoted(r.bytes())).hasSameSizeAs(withLines);
    }

    // ------------------------------------------------------------------ broken input

    @Test
    void aClassFileThatCannotBeParsedIsAnIllegalArgumentException() {
        byte[] caller = original(FIXTURE + ".Caller");
        assertThatThrownBy(() -> rewriter(options()).rewrite(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> rewriter(options()).rewrite(Arrays.copyOf(caller, caller.length / 2), null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> rewriter(options()).rewrite(new byte[0], null)).isInstanceOf(IllegalArgumentException.class);
    }
}
