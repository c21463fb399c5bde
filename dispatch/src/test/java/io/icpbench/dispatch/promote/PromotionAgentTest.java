package io.icpbench.dispatch.promote;

import static io.icpbench.dispatch.promote.PromoteSupport.FIXTURE;
import static io.icpbench.dispatch.promote.PromoteSupport.FIXTURE_INTERNAL;
import static io.icpbench.dispatch.promote.PromoteSupport.options;
import static io.icpbench.dispatch.promote.PromoteSupport.original;
import static io.icpbench.dispatch.promote.PromoteSupport.promoted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icpbench.dispatch.SiteRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The agent's transformer called directly, as the JVM would call it (no agent is attached). */
class PromotionAgentTest {
    static final String CALLER = FIXTURE_INTERNAL + "/Caller";

    @AfterEach
    void tearDown() {
        SiteRegistry.clear();
    }

    /** Runs {@code body} with System.err captured; returns what it printed. */
    static String stderrOf(Supplier<Object> body, Object[] result) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            result[0] = body.get();
        } finally {
            System.setErr(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void garbageBytesLoadUnchangedWithAWarning() {
        PromotionAgent agent = new PromotionAgent(options(), false);
        ClassLoader loader = getClass().getClassLoader();
        for (byte[] garbage : List.of(new byte[] {1, 2, 3}, "not a class file at all".getBytes(StandardCharsets.UTF_8),
                Arrays.copyOf(original(CALLER), 200), new byte[0])) {
            int failed = PromotionAgent.failedClasses();
            int rewrittenClasses = PromotionAgent.rewrittenClasses();
            Object[] result = new Object[1];
            String err = stderrOf(() -> agent.transform(loader, CALLER, null, null, garbage), result);
            assertThat(result[0]).as("null: the class loads as it is").isNull();
            assertThat(err).contains("icpbench promote: warning: " + FIXTURE + ".Caller loaded unchanged");
            assertThat(PromotionAgent.failedClasses()).isEqualTo(failed + 1);
            assertThat(PromotionAgent.rewrittenClasses()).isEqualTo(rewrittenClasses);
        }
    }

    @Test
    void garbageOutsideThePackagesIsNotEvenLookedAt() {
        PromotionAgent agent = new PromotionAgent(options(), false);
        int failed = PromotionAgent.failedClasses();
        Object[] result = new Object[1];
        String err = stderrOf(() -> agent.transform(null, "io/icpbench/other/Thing", null, null, new byte[] {1, 2}), result);
        assertThat(result[0]).isNull();
        assertThat(err).isEmpty();
        assertThat(PromotionAgent.failedClasses()).isEqualTo(failed);
        // no name (a hidden class, a lambda form): left alone
        assertThat(agent.transform(null, null, null, null, new byte[] {1, 2})).isNull();
        assertThat(PromotionAgent.failedClasses()).isEqualTo(failed);
    }

    @Test
    void aClassWithSitesComesBackRewrittenAndIsCounted() {
        PromotionAgent agent = new PromotionAgent(options(), false);
        int sites = PromotionAgent.rewrittenSites();
        int classes = PromotionAgent.rewrittenClasses();
        int failed = PromotionAgent.failedClasses();
        byte[] in = original(CALLER);
        byte[] out = agent.transform(getClass().getClassLoader(), CALLER, null, null, in);
        assertThat(out).isNotNull();
        Rewriter.Result expected = PromoteSupport.rewriter(options()).rewrite(in, getClass().getClassLoader());
        assertThat(out).isEqualTo(expected.bytes());
        assertThat(promoted(out)).hasSameSizeAs(expected.sites());
        // other tests may run the transformer at the same time: at least this class's counts
        assertThat(PromotionAgent.rewrittenSites() - sites).isGreaterThanOrEqualTo(expected.sites().size());
        assertThat(PromotionAgent.rewrittenClasses() - classes).isGreaterThanOrEqualTo(1);
        assertThat(PromotionAgent.failedClasses()).isEqualTo(failed);
    }

    @Test
    void aClassWithoutSitesIsLeftAsItIs() {
        PromotionAgent agent = new PromotionAgent(options(), false);
        for (String cls : List.of("AddOne", "Handler", "Plain", "PlainImpl", "Caller$Square")) {
            assertThat(agent.transform(getClass().getClassLoader(), FIXTURE_INTERNAL + "/" + cls, null, null,
                    original(FIXTURE_INTERNAL + "/" + cls))).as(cls).isNull();
        }
        // the fixture's Caller is outside these options' packages
        PromotionAgent other = new PromotionAgent(RewriteOptions.forPackages("io.icpbench.stack"), false);
        assertThat(other.transform(getClass().getClassLoader(), CALLER, null, null, original(CALLER))).isNull();
    }

    @Test
    void verboseListsEverySite() {
        PromotionAgent agent = new PromotionAgent(options(), true);
        Object[] result = new Object[1];
        String err = stderrOf(() -> agent.transform(getClass().getClassLoader(), CALLER, null, null, original(CALLER)), result);
        assertThat(result[0]).isNotNull();
        List<String> expected = new ArrayList<>();
        PromoteSupport.rewriter(options()).rewrite(original(CALLER), null).sites().forEach(s -> expected.add("icpbench promote: " + s));
        assertThat(err.lines().toList()).containsExactlyElementsOf(expected);
    }

    @Test
    void theTransformerUsesTheLoaderItIsGivenToFindOpsInterfaces() {
        PromotionAgent agent = new PromotionAgent(options(), false);
        // a loader that sees no class files at all: no ops struct can be found, nothing to rewrite
        ClassLoader blind = new ClassLoader(null) {
            @Override
            public java.io.InputStream getResourceAsStream(String name) {
                return null;
            }
        };
        assertThat(agent.transform(blind, CALLER, null, null, original(CALLER))).isNull();
    }

    @Test
    void premainRejectsBadArgumentsBeforeInstallingAnything() {
        List<ClassFileTransformer> added = new ArrayList<>();
        Instrumentation inst = (Instrumentation) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Instrumentation.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("addTransformer")) {
                        added.add((ClassFileTransformer) args[0]);
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        RewriteOptions before = PromotionAgent.installed();
        assertThatThrownBy(() -> PromotionAgent.premain("packages=a.b;colour=blue", inst))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("colour");
        assertThatThrownBy(() -> PromotionAgent.premain("", inst))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("packages");
        assertThatThrownBy(() -> PromotionAgent.premain("packages=a.b;stats=psychic", inst))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("psychic");
        assertThatThrownBy(() -> PromotionAgent.premain("packages=a.b;thresholds=1,2", inst))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("thresholds=1,2");
        assertThat(added).isEmpty();
        assertThat(PromotionAgent.installed()).isSameAs(before);
    }

    @Test
    void manifestJarNamesTheAgentClass() throws Exception {
        java.nio.file.Path jar = PromotionAgent.manifestJar();
        try (java.util.jar.JarFile f = new java.util.jar.JarFile(jar.toFile())) {
            assertThat(f.getManifest().getMainAttributes().getValue("Premain-Class")).isEqualTo(PromotionAgent.class.getName());
        } finally {
            java.nio.file.Files.deleteIfExists(jar);
        }
    }
}
