package io.icpbench.dispatch.promote;

import static io.icpbench.dispatch.promote.PromoteSupport.FIXTURE;
import static io.icpbench.dispatch.promote.PromoteSupport.FIXTURE_INTERNAL;
import static io.icpbench.dispatch.promote.PromoteSupport.awaitUpdates;
import static io.icpbench.dispatch.promote.PromoteSupport.options;
import static io.icpbench.dispatch.promote.PromoteSupport.original;
import static io.icpbench.dispatch.promote.PromoteSupport.promoted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icpbench.dispatch.Learning;
import io.icpbench.dispatch.OpsStruct;
import io.icpbench.dispatch.SiteRegistry;
import io.icpbench.dispatch.promote.PromoteSupport.World;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ahead-of-time pass over a jar of the fixture. */
class PromoteJarTest {
    static final byte[] README = "not a class\n".getBytes(StandardCharsets.UTF_8);
    static final byte[] SERVICE = "io.icpbench.Some$Impl\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() {
        SiteRegistry.clear();
        Promotion.configure(options());
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        awaitUpdates();
        SiteRegistry.clear();
    }

    static Manifest manifest() {
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FIXTURE + ".AgentMain");
        mf.getMainAttributes().putValue("X-Icpbench-Test", "kept");
        return mf;
    }

    /** Writes a jar: the manifest (if any) first, then the entries in order; names ending in '/' are directories. */
    static Path jar(Path path, Manifest mf, Map<String, byte[]> entries) throws IOException {
        try (OutputStream os = Files.newOutputStream(path);
                JarOutputStream out = mf != null ? new JarOutputStream(os, mf) : new JarOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                out.putNextEntry(new JarEntry(e.getKey()));
                if (!e.getKey().endsWith("/")) {
                    out.write(e.getValue());
                }
                out.closeEntry();
            }
        }
        return path;
    }

    /** Every entry of a jar but the manifest, by name, in order. */
    static Map<String, byte[]> entries(Path jar) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            JarEntry e;
            while ((e = in.getNextJarEntry()) != null) {
                out.put(e.getName(), in.readAllBytes());
            }
        }
        return out;
    }

    static Manifest manifestOf(Path jar) throws IOException {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            return in.getManifest();
        }
    }

    /** The fixture's classes, a class outside the packages, a directory and two resources. */
    static Map<String, byte[]> fixtureEntries() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("io/", null);
        entries.put("io/icpbench/", null);
        for (String cls : PromoteSupport.fixtureClasses()) {
            entries.put(cls + ".class", original(cls));
        }
        String outside = OutsideCaller.class.getName().replace('.', '/');
        entries.put(outside + ".class", original(outside));
        entries.put("META-INF/services/io.icpbench.Some", SERVICE);
        entries.put("data/readme.txt", README);
        return entries;
    }

    @Test
    void rewritesTheFixtureJarAndReportsWhatItDid() throws Throwable {
        Map<String, byte[]> input = fixtureEntries();
        Path in = jar(dir.resolve("in.jar"), manifest(), input);
        Path out = dir.resolve("sub/out.jar");
        PromoteJar.Report report = PromoteJar.run(in, out, options(), getClass().getClassLoader());

        List<String> expectedSites = new ArrayList<>();
        List<String> rewrittenClasses = new ArrayList<>();
        for (String cls : PromoteSupport.fixtureClasses()) {
            Rewriter.Result r = PromoteSupport.rewriter(options()).rewrite(original(cls), getClass().getClassLoader());
            expectedSites.addAll(r.sites());
            if (r.changed()) {
                rewrittenClasses.add(cls);
            }
        }
        assertThat(rewrittenClasses).hasSize(4);
        assertThat(report.classes()).isEqualTo(PromoteSupport.fixtureClasses().size() + 1);
        assertThat(report.rewrittenClasses()).isEqualTo(4);
        assertThat(report.sites()).containsExactlyInAnyOrderElementsOf(expectedSites);
        assertThat(report.warnings()).isEmpty();

        Map<String, byte[]> output = entries(out);
        List<String> expectedNames = new ArrayList<>(input.keySet().stream().filter(n -> !n.endsWith("/")).toList());
        assertThat(output.keySet()).containsExactlyElementsOf(expectedNames);
        assertThat(output.get("data/readme.txt")).isEqualTo(README);
        assertThat(output.get("META-INF/services/io.icpbench.Some")).isEqualTo(SERVICE);
        Manifest mf = manifestOf(out);
        assertThat(mf).isNotNull();
        assertThat(mf.getMainAttributes().getValue("X-Icpbench-Test")).isEqualTo("kept");
        assertThat(mf.getMainAttributes().getValue(Attributes.Name.MAIN_CLASS)).isEqualTo(FIXTURE + ".AgentMain");
        for (Map.Entry<String, byte[]> e : output.entrySet()) {
            String name = e.getKey();
            if (!name.endsWith(".class")) {
                continue;
            }
            String cls = name.substring(0, name.length() - 6);
            if (rewrittenClasses.contains(cls)) {
                assertThat(e.getValue()).as(name).isNotEqualTo(input.get(name));
                assertThat(promoted(e.getValue())).as(name).isNotEmpty();
            } else {
                assertThat(e.getValue()).as(name + " copied as it was").isEqualTo(input.get(name));
            }
        }
        try (Stream<Path> left = Files.list(out.getParent())) {
            assertThat(left.map(p -> p.getFileName().toString()).toList()).as("no temporary file left").containsExactly("out.jar");
        }

        // the output jar's classes load and behave as the compiled ones
        World fromJar = new World("from-jar", null, n -> output.get(n.replace('.', '/') + ".class"));
        World plain = World.plain();
        for (String loop : List.of("applyLoop", "describeLoop", "handleLoop", "bothLoop", "subLoop", "counterLoop", "lambdaLoop",
                "relayLoop")) {
            assertThat(fromJar.call(loop, 5000)).as(loop).isEqualTo(plain.call(loop, 5000));
        }
        awaitUpdates();
        assertThat(SiteRegistry.all()).as("sites of the jar's classes").isNotEmpty().anyMatch(s -> !s.installed().isEmpty());
        for (String loop : List.of("applyLoop", "counterLoop")) {
            assertThat(fromJar.call(loop, 5000)).as(loop).isEqualTo(plain.call(loop, 5000));
        }
        assertThat(fromJar.call("objectMethods", 1)).isEqualTo(plain.call("objectMethods", 1));
        assertThat(PromoteSupport.outcome(fromJar, "applyAt", -1, 0)).isInstanceOf(NullPointerException.class);
        IOException io = new IOException("from the jar");
        assertThat(PromoteSupport.outcome(fromJar, "throwAt", -1, io)).isSameAs(io);
    }

    @Test
    void optionsAndLoaderApply() throws IOException {
        // only Caller in the jar: its ops interfaces come from the loader
        Map<String, byte[]> input = new LinkedHashMap<>();
        input.put(FIXTURE_INTERNAL + "/Caller.class", original(FIXTURE_INTERNAL + "/Caller"));
        Path in = jar(dir.resolve("caller.jar"), null, input);
        PromoteJar.Report r = PromoteJar.run(in, dir.resolve("out.jar"), options(), getClass().getClassLoader());
        List<String> expected = PromoteSupport.rewriter(options()).rewrite(original(FIXTURE_INTERNAL + "/Caller"), null).sites();
        assertThat(r.classes()).isEqualTo(1);
        assertThat(r.rewrittenClasses()).isEqualTo(1);
        assertThat(r.sites()).isEqualTo(expected);
        assertThat(manifestOf(dir.resolve("out.jar"))).as("no manifest in, none out").isNull();

        // an exclusion
        RewriteOptions excluding = new RewriteOptions(List.of(FIXTURE), List.of("Caller.applyAt"), Learning.DEFAULT);
        PromoteJar.Report ex = PromoteJar.run(in, dir.resolve("out.jar"), excluding, getClass().getClassLoader());
        assertThat(ex.sites()).hasSize(expected.size() - 1).noneMatch(s -> s.startsWith("Caller.applyAt:"));

        // other packages: nothing rewritten, the class copied, the existing output replaced
        PromoteJar.Report none = PromoteJar.run(in, dir.resolve("out.jar"), RewriteOptions.forPackages("io.icpbench.stack"),
                getClass().getClassLoader());
        assertThat(none.rewrittenClasses()).isZero();
        assertThat(none.sites()).isEmpty();
        assertThat(entries(dir.resolve("out.jar")).get(FIXTURE_INTERNAL + "/Caller.class")).isEqualTo(input.get(FIXTURE_INTERNAL + "/Caller.class"));
    }

    @Test
    void aBrokenClassInTheJarIsCopiedWithAWarningTheOthersAreRewritten() throws IOException {
        Map<String, byte[]> input = fixtureEntries();
        byte[] broken = Arrays.copyOf(original(FIXTURE_INTERNAL + "/Caller"), 300);
        input.put(FIXTURE_INTERNAL + "/Broken.class", broken);
        Path in = jar(dir.resolve("in.jar"), manifest(), input);
        PromoteJar.Report r = PromoteJar.run(in, dir.resolve("out.jar"), options(), getClass().getClassLoader());
        assertThat(r.warnings()).singleElement().asString().startsWith(FIXTURE_INTERNAL + "/Broken.class copied unchanged");
        assertThat(r.rewrittenClasses()).isEqualTo(4);
        assertThat(entries(dir.resolve("out.jar")).get(FIXTURE_INTERNAL + "/Broken.class")).isEqualTo(broken);
    }

    @Test
    void aTruncatedJarIsAnIOExceptionNamingTheFile() throws IOException {
        Path good = jar(dir.resolve("good.jar"), manifest(), fixtureEntries());
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = Files.write(dir.resolve("truncated.jar"), Arrays.copyOf(bytes, bytes.length / 2));
        Path out = dir.resolve("out.jar");
        assertThatThrownBy(() -> PromoteJar.run(truncated, out, options(), getClass().getClassLoader()))
                .isInstanceOf(IOException.class).hasMessageContaining(truncated.toString());
        assertThat(out).doesNotExist();
        Path missing = dir.resolve("missing.jar");
        assertThatThrownBy(() -> PromoteJar.run(missing, out, options(), getClass().getClassLoader()))
                .isInstanceOf(IOException.class).hasMessageContaining(missing.toString());
        assertThat(out).doesNotExist();
    }

    /** A file that is no zip at all must not pass for an empty jar. */
    @Test
    void aFileThatIsNoJarAtAllIsAnIOExceptionNamingTheFile() throws IOException {
        Path garbage = Files.write(dir.resolve("garbage.jar"), "this is not a zip file, just some text\n".repeat(20)
                .getBytes(StandardCharsets.UTF_8));
        Path out = dir.resolve("out.jar");
        assertThatThrownBy(() -> PromoteJar.run(garbage, out, options(), getClass().getClassLoader()))
                .isInstanceOf(IOException.class).hasMessageContaining(garbage.toString());
        assertThat(out).doesNotExist();
    }

    @Test
    void theSameJarTwiceGivesTheSameEntries() throws IOException {
        Path in = jar(dir.resolve("in.jar"), manifest(), fixtureEntries());
        PromoteJar.Report a = PromoteJar.run(in, dir.resolve("a.jar"), options(), getClass().getClassLoader());
        PromoteJar.Report b = PromoteJar.run(in, dir.resolve("b.jar"), options(), getClass().getClassLoader());
        assertThat(b).isEqualTo(a);
        Map<String, byte[]> ea = entries(dir.resolve("a.jar"));
        Map<String, byte[]> eb = entries(dir.resolve("b.jar"));
        assertThat(eb.keySet()).containsExactlyElementsOf(ea.keySet());
        ea.forEach((name, bytes) -> assertThat(eb.get(name)).as(name).isEqualTo(bytes));
    }

    /**
     * A jar whose classes are nowhere else (not on the class path, not on the loader given): the
     * rewritten method's stack map needs the common supertype of two of the jar's classes, which
     * the pass must find in the jar itself, as it finds the ops interfaces there.
     */
    @Test
    void classesOnlyInTheJarAreRewrittenToo() throws Throwable {
        String pkg = "io.icpbench.dispatch.promote.gen";
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put("GenOps", "@io.icpbench.dispatch.OpsStruct public interface GenOps { int f(int x); }");
        sources.put("GenA", "public class GenA implements GenOps { public int f(int x) { return x + 1; } }");
        sources.put("GenB", "public class GenB implements GenOps { public int f(int x) { return x * 3; } }");
        sources.put("GenCaller", """
                public class GenCaller {
                    public static int call(boolean a, int x) {
                        GenOps o;
                        if (a) {
                            o = new GenA();
                        } else {
                            o = new GenB();
                        }
                        return o.f(x);
                    }
                }""");
        Path src = Files.createDirectories(dir.resolve("src"));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-g", "-proc:none", "-cp",
                Path.of(OpsStruct.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString()));
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path f = src.resolve(e.getKey() + ".java");
            Files.writeString(f, "package " + pkg + ";\n" + e.getValue() + "\n");
            args.add(f.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a JDK").isNotNull();
        assertThat(javac.run(null, null, null, args.toArray(String[]::new))).as("javac").isZero();
        Map<String, byte[]> input = new LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(classes)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                input.put(classes.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        }
        assertThat(getClass().getClassLoader().getResource(pkg.replace('.', '/') + "/GenA.class")).as("not on the class path").isNull();
        Path in = jar(dir.resolve("gen.jar"), null, input);
        PromoteJar.Report r = PromoteJar.run(in, dir.resolve("out.jar"), RewriteOptions.forPackages(pkg), getClass().getClassLoader());
        assertThat(r.warnings()).isEmpty();
        assertThat(r.sites()).containsExactly("GenCaller.call -> GenOps.f");
        assertThat(r.rewrittenClasses()).isEqualTo(1);
    }
}
