package io.icpbench.dispatch.promote;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The load-time half of transparent promotion: a Java agent that runs the {@link Rewriter} over
 * every class of the named packages as it loads. Callers stay as they are in the source.
 *
 * <pre>
 *   java -javaagent:icpbench-dispatch.jar=packages=io.icpbench.stack;policy=cree ...
 * </pre>
 *
 * A class that fails to transform is loaded unchanged, with a warning on stderr.
 */
public final class PromotionAgent implements ClassFileTransformer {
    private static final AtomicInteger REWRITTEN_SITES = new AtomicInteger();
    private static final AtomicInteger REWRITTEN_CLASSES = new AtomicInteger();
    private static final AtomicInteger FAILED_CLASSES = new AtomicInteger();

    private final Rewriter rewriter;
    private final boolean verbose;

    PromotionAgent(RewriteOptions options, boolean verbose) {
        this.rewriter = new Rewriter(options, null);
        this.verbose = verbose;
    }

    private static volatile RewriteOptions installed;

    public static void premain(String args, Instrumentation inst) {
        RewriteOptions options = RewriteOptions.parse(args);
        Promotion.configure(options);
        installed = options;
        inst.addTransformer(new PromotionAgent(options, Boolean.getBoolean("icpbench.promote.verbose")));
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain, byte[] classfile) {
        if (className == null || !rewriter.options().covers(className)) {
            return null;
        }
        try {
            Rewriter.Result r = new Rewriter(rewriter.options(), ClassBytes.of(loader)).rewrite(classfile, loader);
            if (!r.changed()) {
                return null;
            }
            REWRITTEN_CLASSES.incrementAndGet();
            REWRITTEN_SITES.addAndGet(r.sites().size());
            if (verbose) {
                r.sites().forEach(s -> System.err.println("icpbench promote: " + s));
            }
            return r.bytes();
        } catch (Throwable t) {
            FAILED_CLASSES.incrementAndGet();
            System.err.println("icpbench promote: warning: " + className.replace('/', '.') + " loaded unchanged: " + t);
            return null;
        }
    }

    /** The options of the agent running in this JVM, or null if none runs. */
    public static RewriteOptions installed() {
        return installed;
    }

    /**
     * A jar holding only the agent's manifest, for {@code -javaagent:} when the classes come from a
     * directory (the agent class itself loads from the class path).
     */
    public static java.nio.file.Path manifestJar() throws java.io.IOException {
        java.nio.file.Path jar = java.nio.file.Files.createTempFile("icpbench-agent", ".jar");
        jar.toFile().deleteOnExit();
        java.util.jar.Manifest mf = new java.util.jar.Manifest();
        mf.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().putValue("Premain-Class", PromotionAgent.class.getName());
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(java.nio.file.Files.newOutputStream(jar), mf)) {
            out.flush();
        }
        return jar;
    }

    /** Sites rewritten so far in this JVM. */
    public static int rewrittenSites() {
        return REWRITTEN_SITES.get();
    }

    public static int rewrittenClasses() {
        return REWRITTEN_CLASSES.get();
    }

    /** Classes the agent failed to rewrite (they loaded unchanged). */
    public static int failedClasses() {
        return FAILED_CLASSES.get();
    }
}
