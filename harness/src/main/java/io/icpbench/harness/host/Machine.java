package io.icpbench.harness.host;

import io.icpbench.results.RunResults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;

/** What a run records about the machine it ran on: its provenance and its name. */
public final class Machine {
    private Machine() {
    }

    /** This machine, JDK and checkout now, as a run's results record them. */
    public static RunResults.Provenance provenance() {
        String cpu = "unknown";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException e) {
            cpu = "unknown (" + e.getMessage() + ")";
        }
        String commit = "unknown";
        try {
            String home = System.getenv("ICPBENCH_HOME");
            Process git = new ProcessBuilder("git", "-C", home != null ? home : ".", "rev-parse", "--short=12", "HEAD")
                    .redirectErrorStream(true).start();
            String outText = new String(git.getInputStream().readAllBytes()).trim();
            if (git.waitFor() == 0 && outText.matches("[0-9a-f]+")) {
                commit = outText;
            }
        } catch (IOException e) {
            commit = "unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new RunResults.Provenance(System.getProperty("java.vm.version"), new ArrayList<>(JvmFlags.NETTY), cpu,
                System.getProperty("os.name") + " " + System.getProperty("os.version"), Runtime.getRuntime().availableProcessors(), commit,
                Instant.now().toString(), hostname());
    }

    /**
     * This machine's name: {@code $ICPBENCH_HOST} if set (a container's host name names the
     * container, not the machine: a Kubernetes job sets it to the node's name), else the kernel's
     * host name ({@code /proc/sys/kernel/hostname}), else what the resolver says, else "unknown".
     * Runs of several machines are told apart by it.
     */
    public static String hostname() {
        String set = System.getenv("ICPBENCH_HOST");
        if (set != null && !set.isBlank()) {
            return set.strip();
        }
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!h.isEmpty()) {
                return h;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: ask the resolver
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
