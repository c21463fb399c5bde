package io.icpbench.harness.run;

import io.icpbench.dispatch.Dispatch;
import io.icpbench.dispatch.Learning;
import io.icpbench.dispatch.Mode;
import io.icpbench.dispatch.promote.RewriteOptions;
import io.icpbench.harness.Main;
import io.icpbench.harness.host.ClassDataSharing;
import io.icpbench.stack.SiteSelection;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starting a JVM per dispatch mode: the mode is a {@code static final} of the JVM, so another
 * mode means another process, with {@code -Dicpbench.mode} and that mode's JVM flags.
 */
public final class Forks {

    private Forks() {
    }

    /** Whether this JVM already runs {@code mode} (its property, its flags, and for promoted the agent). */
    public static boolean runsHere(Mode mode) {
        if (Dispatch.MODE != mode) {
            return false;
        }
        if (mode.needsAgent() && io.icpbench.dispatch.promote.PromotionAgent.installed() == null) {
            return false;
        }
        List<String> jvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments();
        return jvmArgs.containsAll(mode.jvmFlags());
    }

    /**
     * The command line of a JVM that runs {@code io.icpbench.harness.Main args} in {@code mode}, its
     * learned sites (if the mode learns) with the mode's default settings.
     *
     * @param properties extra system properties (name to value)
     */
    public static List<String> command(Mode mode, Map<String, String> properties, List<String> extraJvmArgs, List<String> args) {
        return command(mode, null, properties, extraJvmArgs, args);
    }

    /**
     * The command line of a JVM that runs {@code io.icpbench.harness.Main args} in {@code mode}. A
     * {@code fork} JVM maps a class data sharing archive when it can ({@link ClassDataSharing}; the
     * first fork of a build trains it, a few seconds).
     *
     * <p>A mode that learns gets its settings as one canonical text ({@link Learning#format()}):
     * {@code -Dicpbench.learning} for the sites written by hand, and the agent's options for the
     * promoted ones; each JVM reads it once ({@link Learning#parse}).
     *
     * @param learning   the learned sites' settings (null: the mode's defaults; ignored by modes that do not learn)
     * @param properties extra system properties (name to value); {@code icpbench.exclude} (sites the agent leaves
     *                   alone, comma-separated) and the sites ({@code icpbench.sites}) also shape the agent's options
     */
    public static List<String> command(Mode mode, Learning learning, Map<String, String> properties, List<String> extraJvmArgs,
            List<String> args) {
        List<String> jvm = new ArrayList<>(io.icpbench.harness.host.JvmFlags.NETTY);
        jvm.addAll(mode.jvmFlags());
        Learning l = mode.learns() ? (learning != null ? learning : mode.defaultLearning()) : null;
        if (mode.needsAgent()) {
            jvm.add("-javaagent:" + agentJar() + "=" + promotionOptions(l, properties).format());
        }
        jvm.addAll(extraJvmArgs);
        jvm.add("-D" + Mode.PROPERTY + "=" + mode.cliName());
        if (l != null) {
            jvm.add("-D" + Learning.PROPERTY + "=" + l.format());
        }
        properties.forEach((k, v) -> jvm.add("-D" + k + "=" + v));
        if (Boolean.getBoolean(io.icpbench.harness.fork.JitRecording.KEEP_PROPERTY) && !properties.containsKey(io.icpbench.harness.fork.JitRecording.KEEP_PROPERTY)) {
            // ICPBENCH_JVM_OPTS=-Dicpbench.keepJfr=true ./icpbench run ...: every fork keeps its JIT recording.
            jvm.add("-D" + io.icpbench.harness.fork.JitRecording.KEEP_PROPERTY + "=true");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("java.class.path");
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(ClassDataSharing.flags(java, jvm, extraJvmArgs, classpath, args));
        cmd.addAll(jvm);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(Main.class.getName());
        cmd.addAll(args);
        return cmd;
    }

    /** The packages the promoted mode rewrites. */
    public static final String STACK_PACKAGE = "io.icpbench.stack";
    /** The system property of the sites the agent leaves alone, comma-separated ({@code icpbench stack --exclude}). */
    public static final String EXCLUDE_PROPERTY = "icpbench.exclude";

    /** The promotion agent's options: the stack's packages, the sites left alone, {@code learning}. */
    static RewriteOptions promotionOptions(Learning learning, Map<String, String> properties) {
        List<String> exclude = new ArrayList<>(List.of(properties.getOrDefault(EXCLUDE_PROPERTY, "").split(",")));
        exclude.addAll(SiteSelection.promotionExcludes(properties.getOrDefault(SiteSelection.PROPERTY, "all")));
        return new RewriteOptions(List.of(STACK_PACKAGE), exclude, learning);
    }

    private static Path agentJar;

    private static synchronized Path agentJar() {
        if (agentJar == null) {
            try {
                agentJar = io.icpbench.dispatch.promote.PromotionAgent.manifestJar();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot write the promotion agent's jar: " + e.getMessage(), e);
            }
        }
        return agentJar;
    }

    /** Runs a child JVM with inherited output and returns its exit code. */
    public static int run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).inheritIO().start();
            return p.waitFor();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot start " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the fork", e);
        }
    }
}
