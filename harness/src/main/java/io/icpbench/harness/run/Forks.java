package io.icpbench.harness.run;

import io.icpbench.harness.Main;

import io.icpbench.harness.host.ClassDataSharing;

import io.icpbench.dispatch.Dispatch;
import io.icpbench.dispatch.Mode;
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
     * The command line of a JVM that runs {@code io.icpbench.harness.Main args} in {@code mode}. A
     * {@code fork} JVM maps a class data sharing archive when it can ({@link ClassDataSharing}; the
     * first fork of a build trains it, a few seconds).
     *
     * @param properties extra system properties (name to value)
     */
    public static List<String> command(Mode mode, Map<String, String> properties, List<String> extraJvmArgs, List<String> args) {
        List<String> jvm = new ArrayList<>(io.icpbench.harness.host.JvmFlags.NETTY);
        jvm.addAll(mode.jvmFlags());
        if (mode.needsAgent()) {
            jvm.add("-javaagent:" + agentJar() + "=" + promotionOptions(properties).format());
        }
        jvm.addAll(extraJvmArgs);
        jvm.add("-D" + Mode.PROPERTY + "=" + mode.cliName());
        properties.forEach((k, v) -> jvm.add("-D" + k + "=" + v));
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

    /** The promotion agent's options from the learned modes' properties (icpbench.policy, .stats, .thresholds, .placement). */
    static io.icpbench.dispatch.promote.RewriteOptions promotionOptions(Map<String, String> properties) {
        List<String> exclude = new ArrayList<>(List.of(properties.getOrDefault("icpbench.exclude", "").split(",")));
        exclude.addAll(io.icpbench.stack.SiteSelection.promotionExcludes(properties.getOrDefault(io.icpbench.stack.SiteSelection.PROPERTY, "all")));
        return new io.icpbench.dispatch.promote.RewriteOptions(List.of(STACK_PACKAGE), exclude, io.icpbench.dispatch.Learning.of(
                properties.get(io.icpbench.dispatch.Learning.POLICY_PROPERTY), properties.get(io.icpbench.dispatch.Learning.PLACEMENT_PROPERTY),
                properties.get(io.icpbench.dispatch.Learning.STATS_PROPERTY), properties.get(io.icpbench.dispatch.Learning.THRESHOLDS_PROPERTY)));
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
