package io.icpbench.harness.bench;

import io.icpbench.dispatch.promote.ClassBytes;
import io.icpbench.dispatch.promote.PromoteJar;
import io.icpbench.dispatch.promote.RewriteOptions;
import io.icpbench.dispatch.promote.Rewriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Loads {@code PromotedCaller} with its call site promoted, the two ways transparent promotion
 * works: rewritten as the class loads (what the agent does, here in a class loader so that no other
 * benchmark's fork is touched), or from a jar rewritten ahead of time by {@link PromoteJar}.
 */
final class PromotedLoader {
    static final String PACKAGE = "io.icpbench.harness.bench.promoted";
    static final String CALLER = PACKAGE + ".PromotedCaller";
    /** The caller's package, rewritten with this JVM's learning settings (-Dicpbench.learning), as the agent would with its options. */
    static final RewriteOptions OPTIONS = new RewriteOptions(java.util.List.of(PACKAGE), java.util.List.of(), io.icpbench.dispatch.Learning.current());

    private PromotedLoader() {
    }

    /** Rewritten at load time. */
    static Caller loadTime() {
        ClassLoader parent = PromotedLoader.class.getClassLoader();
        byte[] original = ClassBytes.of(parent).find(CALLER.replace('.', '/'));
        Rewriter.Result r = new Rewriter(OPTIONS, ClassBytes.of(parent)).rewrite(original, parent);
        if (r.sites().size() != 1) {
            throw new IllegalStateException("expected one promoted site in " + CALLER + ", got " + r.sites());
        }
        return instantiate(new OneClassLoader(parent, r.bytes()));
    }

    /** From a jar rewritten ahead of time. */
    static Caller aheadOfTime() {
        ClassLoader parent = PromotedLoader.class.getClassLoader();
        String entry = CALLER.replace('.', '/') + ".class";
        try {
            Path dir = Files.createTempDirectory("icpbench-aot");
            Path in = dir.resolve("in.jar");
            Path out = dir.resolve("out.jar");
            try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(in))) {
                jar.putNextEntry(new JarEntry(entry));
                jar.write(ClassBytes.of(parent).find(CALLER.replace('.', '/')));
                jar.closeEntry();
            }
            PromoteJar.Report report = PromoteJar.run(in, out, OPTIONS, parent);
            if (report.sites().size() != 1) {
                throw new IllegalStateException("expected one promoted site in the jar, got " + report.sites());
            }
            byte[] bytes;
            try (JarFile jar = new JarFile(out.toFile()); InputStream is = jar.getInputStream(jar.getJarEntry(entry))) {
                bytes = is.readAllBytes();
            }
            return instantiate(new OneClassLoader(parent, bytes));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Caller instantiate(ClassLoader loader) {
        try {
            return (Caller) loader.loadClass(CALLER).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot load the promoted caller", e);
        }
    }

    /** Defines PromotedCaller from the given bytes; everything else comes from the parent. */
    private static final class OneClassLoader extends ClassLoader {
        private final byte[] bytes;

        OneClassLoader(ClassLoader parent, byte[] bytes) {
            super(parent);
            this.bytes = bytes;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.equals(CALLER)) {
                synchronized (getClassLoadingLock(name)) {
                    Class<?> c = findLoadedClass(name);
                    if (c == null) {
                        c = defineClass(name, bytes, 0, bytes.length);
                    }
                    return c;
                }
            }
            return super.loadClass(name, resolve);
        }
    }
}
