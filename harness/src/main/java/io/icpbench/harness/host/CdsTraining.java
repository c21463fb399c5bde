package io.icpbench.harness.host;

import io.icpbench.harness.Main;
import io.icpbench.harness.bench.Gate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The training run of a {@link ClassDataSharing} archive: a short fork JVM that writes the archive
 * at exit ({@code -XX:ArchiveClassesAtExit}), then a {@code -Xshare:on ... -version} JVM that checks
 * the archive can be mapped with the fork's flags and class path.
 */
final class CdsTraining {
    /** How long the training JVM, and then the check, may run. */
    static final long TIMEOUT_SECONDS = 120;
    /** Marks where the training's run directory goes in {@link #trainingArgs}. */
    static final String TRAINING_DIR = "\u0000training-dir";

    private CdsTraining() {
    }

    /**
     * Runs the training JVM and checks its archive; null when the archive is in place at
     * {@code archive}, else why not.
     *
     * @param useFlags the flags with which the forks will map the archive
     */
    static String train(String java, List<String> jvmArgs, String classpath, List<String> trainingArgs, Path dir, String name, Path archive,
            List<String> useFlags, boolean agent) throws IOException, InterruptedException {
        Path tmp = dir.resolve(name + ".jsa." + ProcessHandle.current().pid() + ".tmp");
        Path work = Files.createTempDirectory("icpbench-cds-training");
        Path log = dir.resolve(name + ".log");
        try {
            List<String> cmd = trainingCommand(java, jvmArgs, classpath, trainingArgs, tmp, work, agent);
            Files.writeString(log, String.join(" ", cmd) + System.lineSeparator());
            int rc = run(cmd, log);
            if (rc == Integer.MIN_VALUE) {
                return "the training JVM ran past " + TIMEOUT_SECONDS + " s; " + log;
            }
            if (!Files.isRegularFile(tmp) || Files.size(tmp) == 0) {
                return "the training JVM (exit status " + rc + ") wrote no archive; " + log;
            }
            if (rc != 0) {
                // A JVM that failed early still dumps an archive at exit: of the classes it loaded before failing, not the fork's.
                return "the training JVM failed (exit status " + rc + "), so its archive would miss the fork's classes; " + log;
            }
            // The check: -Xshare:on fails unless the JVM maps the archive with these flags and this class path.
            List<String> check = new ArrayList<>();
            check.add(java);
            check.addAll(useFlags.stream().map(f -> f.startsWith("-XX:SharedArchiveFile=") ? "-XX:SharedArchiveFile=" + tmp : f).toList());
            check.add("-Xshare:on");
            check.addAll(jvmArgs.stream().filter(a -> !a.startsWith("-javaagent")).toList());
            check.add("-cp");
            check.add(classpath);
            check.add("-version");
            Files.writeString(log, String.join(" ", check) + System.lineSeparator(), StandardOpenOption.APPEND);
            int checked = run(check, log);
            if (checked != 0) {
                return "the JVM cannot use the archive the training wrote (-Xshare:on exit status " + checked + "); " + log;
            }
            Files.move(tmp, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return null;
        } finally {
            Files.deleteIfExists(tmp);
            deleteTree(work);
        }
    }

    /**
     * The training JVM's command line: the fork's flags and properties, but not the interleaved
     * design's gate (the training must not take a turn of the block it runs before) and with JMH's
     * one-instance lock skipped (the block's other forks may hold it already).
     */
    static List<String> trainingCommand(String java, List<String> jvmArgs, String classpath, List<String> trainingArgs, Path archive, Path work,
            boolean agent) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(agent ? ClassDataSharing.AGENT_FLAGS : List.of());
        cmd.add("-XX:ArchiveClassesAtExit=" + archive);
        cmd.add(ClassDataSharing.QUIET);
        jvmArgs.stream().filter(a -> !a.startsWith("-D" + Gate.PROPERTY + "=") && !a.startsWith("-D" + Gate.ID_PROPERTY + "=")).forEach(cmd::add);
        cmd.add("-Djmh.ignoreLock=true");
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(Main.class.getName());
        cmd.addAll(trainingArgs.stream().map(a -> a.equals(TRAINING_DIR) ? work.toString() : a).toList());
        return cmd;
    }

    /**
     * The training JVM's arguments: the fork's own ({@code fork --spec FILE}) and {@code --training}
     * with a directory of its own ({@code dir}, or a placeholder the training fills in): the fork
     * then runs its spec with 1 warm-up and 1 measurement iteration of 200 ms there.
     */
    static List<String> trainingArgs(List<String> args, Path dir) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith(TRAINING_OPTION + "=")) {
                continue;
            }
            if (a.equals(TRAINING_OPTION)) {
                i++;
                continue;
            }
            out.add(a);
        }
        out.add(TRAINING_OPTION);
        out.add(dir == null ? TRAINING_DIR : dir.toString());
        return out;
    }

    /** The fork's option that makes it a training run ({@code ForkCommand}). */
    static final String TRAINING_OPTION = "--training";

    /** Runs {@code cmd} with its output appended to {@code log}; its exit status, or Integer.MIN_VALUE after the timeout. */
    private static int run(List<String> cmd, Path log) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            p.getOutputStream().close();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                return Integer.MIN_VALUE;
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            throw e;
        }
    }

    private static void deleteTree(Path root) {
        try (var walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    // a temporary directory; left behind
                }
            });
        } catch (IOException | RuntimeException e) {
            // a temporary directory; left behind
        }
    }
}
