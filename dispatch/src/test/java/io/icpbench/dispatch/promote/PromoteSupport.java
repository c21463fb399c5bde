package io.icpbench.dispatch.promote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.icpbench.dispatch.DynamicSite;
import io.icpbench.dispatch.SiteRegistry;
import io.icpbench.dispatch.Updater;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

/** Shared machinery of the promotion tests: the fixture, two class-loader worlds, site names. */
final class PromoteSupport {
    static final String FIXTURE = "io.icpbench.dispatch.promote.fixture";
    static final String FIXTURE_INTERNAL = FIXTURE.replace('.', '/');
    /** The fixture's sources, relative to the module directory (surefire's working directory). */
    static final Path FIXTURE_SOURCES = Path.of("src/test/java", FIXTURE_INTERNAL);

    private PromoteSupport() {
    }

    static RewriteOptions options() {
        return RewriteOptions.forPackages(FIXTURE);
    }

    static Rewriter rewriter(RewriteOptions options) {
        return new Rewriter(options, ClassBytes.of(PromoteSupport.class.getClassLoader()));
    }

    /** The class file of a class as compiled, read as a resource ("io.icpbench...Caller" or with '/'). */
    static byte[] original(String name) {
        String internal = name.replace('.', '/');
        try (InputStream in = PromoteSupport.class.getClassLoader().getResourceAsStream(internal + ".class")) {
            if (in == null) {
                throw new AssertionError("no class file for " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The internal names of every class file of the fixture (from the test-classes directory). */
    static List<String> fixtureClasses() {
        Path dir = classesRoot().resolve(FIXTURE_INTERNAL);
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".class"))
                    .map(p -> classesRoot().relativize(p).toString().replace('\\', '/'))
                    .map(p -> p.substring(0, p.length() - ".class".length()))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The test-classes directory. */
    static Path classesRoot() {
        try {
            Path caller = Path.of(PromoteSupport.class.getClassLoader().getResource(FIXTURE_INTERNAL + "/Caller.class").toURI());
            Path root = caller;
            for (int i = 0; i < FIXTURE_INTERNAL.split("/").length + 1; i++) {
                root = root.getParent();
            }
            return root;
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ site names

    /** The line of the fixture source that carries the marker "SITE:tag" or "CALL:tag" (exactly one). */
    static int line(String marker) {
        List<String> hits = new ArrayList<>();
        int found = -1;
        try (Stream<Path> files = Files.walk(FIXTURE_SOURCES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(f);
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).matches(".*// " + java.util.regex.Pattern.quote(marker) + "\\s*$")) {
                        hits.add(f.getFileName() + ":" + (i + 1));
                        found = i + 1;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(hits).as("lines marked %s", marker).hasSize(1);
        return found;
    }

    /**
     * "Caller.applyAt -> Ops.apply": the name of the site on the line marked SITE:tag (which must
     * exist once). Names carry no line number, so they do not drift when the fixture changes.
     */
    static String site(String cls, String method, String tag, String callee) {
        line("SITE:" + tag);
        return cls + "." + method + " -> " + callee;
    }

    /** The name a site on the line marked CALL:tag would have. */
    static String call(String cls, String method, String tag, String callee) {
        line("CALL:" + tag);
        return cls + "." + method + " -> " + callee;
    }

    // ------------------------------------------------------------------ bytes

    /** "method: owner.name" of every invokedynamic in the class, in order. */
    static List<String> indys(byte[] classFile) {
        List<String> out = new ArrayList<>();
        ClassModel cm = ClassFile.of().parse(classFile);
        for (MethodModel m : cm.methods()) {
            m.code().ifPresent(code -> code.elementStream().forEach(e -> {
                if (e instanceof InvokeDynamicInstruction indy) {
                    out.add(m.methodName().stringValue() + ": " + indy.name().stringValue() + " bsm="
                            + indy.bootstrapMethod().owner().displayName() + "." + indy.bootstrapMethod().methodName());
                }
            }));
        }
        return out;
    }

    /** "method: name" of every invokedynamic bound to {@link Promotion#bootstrap}, in order. */
    static List<String> promoted(byte[] classFile) {
        return indys(classFile).stream().filter(s -> s.endsWith(" bsm=Promotion.bootstrap"))
                .map(s -> s.substring(0, s.indexOf(" bsm="))).toList();
    }

    /** "owner.name" of every invoke instruction (not invokedynamic) of one method. */
    static List<String> invokes(byte[] classFile, String method) {
        List<String> out = new ArrayList<>();
        ClassModel cm = ClassFile.of().parse(classFile);
        for (MethodModel m : cm.methods()) {
            if (m.methodName().equalsString(method)) {
                CodeModel code = m.code().orElseThrow();
                code.elementStream().forEach(e -> {
                    if (e instanceof InvokeInstruction ii) {
                        out.add(ii.opcode().name().toLowerCase(java.util.Locale.ROOT) + " " + ii.owner().asInternalName()
                                .substring(ii.owner().asInternalName().lastIndexOf('/') + 1) + "." + ii.name().stringValue());
                    }
                });
            }
        }
        return out;
    }

    /** Verifies a class file with the class-file API's verifier: the list of problems (empty if none). */
    static List<String> verify(byte[] classFile, ClassLoader loader) {
        return ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
                java.lang.classfile.ClassHierarchyResolver.ofResourceParsing(loader)))
                .verify(classFile).stream().map(Throwable::toString).toList();
    }

    // ------------------------------------------------------------------ worlds

    /**
     * A child-first loader for the fixture package: it defines the fixture's classes itself from
     * {@code source} (the test-classes resources by default), rewriting them first if it has a
     * rewriter, and leaves every other class to its parent.
     */
    static final class World extends ClassLoader {
        static {
            registerAsParallelCapable();
        }

        private final Rewriter rewriter;
        private final Function<String, byte[]> source;
        final Map<String, Rewriter.Result> results = new ConcurrentHashMap<>();

        World(String name, Rewriter rewriter, Function<String, byte[]> source) {
            super(name, PromoteSupport.class.getClassLoader());
            this.rewriter = rewriter;
            this.source = source;
        }

        /** The fixture as compiled. */
        static World plain() {
            return new World("plain", null, PromoteSupport::original);
        }

        /** The fixture rewritten with {@code options}. */
        static World rewritten(RewriteOptions options) {
            return new World("rewritten", rewriter(options), PromoteSupport::original);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith(FIXTURE + ".")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    byte[] bytes = source.apply(name);
                    if (bytes == null) {
                        throw new ClassNotFoundException(name);
                    }
                    if (rewriter != null) {
                        Rewriter.Result r = rewriter.rewrite(bytes, this);
                        results.put(name, r);
                        bytes = r.bytes();
                    }
                    c = defineClass(name, bytes, 0, bytes.length);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }

        Class<?> caller() {
            return load(FIXTURE + ".Caller");
        }

        Class<?> load(String name) {
            try {
                return Class.forName(name, true, this);
            } catch (ClassNotFoundException e) {
                throw new AssertionError(e);
            }
        }

        /** Calls a public static method of the fixture's Caller, unwrapping what it throws. */
        Object call(String method, Object... args) throws Throwable {
            return invoke(caller(), method, args);
        }

        /** Every site name of the classes this world rewrote. */
        List<String> sites() {
            List<String> all = new ArrayList<>();
            results.values().forEach(r -> all.addAll(r.sites()));
            return all;
        }
    }

    static Object invoke(Class<?> owner, String method, Object... args) throws Throwable {
        Method m = null;
        for (Method c : owner.getDeclaredMethods()) {
            if (c.getName().equals(method)) {
                if (m != null) {
                    fail("two methods named " + method + " in " + owner);
                }
                m = c;
            }
        }
        if (m == null) {
            throw new AssertionError("no method " + method + " in " + owner);
        }
        m.setAccessible(true);
        try {
            return m.invoke(null, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** The result of a call, or the exception it threw. */
    static Object outcome(World w, String method, Object... args) {
        try {
            return w.call(method, args);
        } catch (Throwable t) {
            return t;
        }
    }

    // ------------------------------------------------------------------ learned sites

    /** Waits until the updates scheduled so far have run (the updater is a single thread, first in first out). */
    static void awaitUpdates() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        Updater.background().execute(done::countDown);
        assertThat(done.await(60, TimeUnit.SECONDS)).as("the updater drained its queue").isTrue();
    }

    /** The learned site of this name (exactly one). */
    static DynamicSite learned(String name) {
        List<DynamicSite> sites = SiteRegistry.all().stream().filter(s -> s.name.equals(name)).toList();
        assertThat(sites).as("learned sites named %s among %s", name, SiteRegistry.all()).hasSize(1);
        return sites.getFirst();
    }

    /** Simple names of the installed targets of a site. */
    static List<String> installedNames(DynamicSite site) {
        return site.installed().stream().map(c -> c.getName().substring(c.getName().lastIndexOf('.') + 1)).toList();
    }
}
