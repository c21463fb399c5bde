package io.icpbench.harness.live;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The C reference program {@code udpblast} (a recvmmsg receiver and a sendmmsg sender), shipped as
 * source and built on first use with the system's C compiler ({@code $CC}, else cc or gcc) into
 * {@code harness/target/native} of the checkout (or the temporary directory), named by the
 * source's hash so that a changed source is rebuilt.
 */
public final class NativeTool {
    static final String SOURCE = "udpblast.c";

    private NativeTool() {
    }

    /** The built program; builds it if needed. Errors say what is missing. */
    public static synchronized Path udpblast() throws IOException {
        byte[] src;
        try (InputStream in = NativeTool.class.getResourceAsStream(SOURCE)) {
            if (in == null) {
                throw new IOException("the C source " + SOURCE + " is missing from the class path (a broken build?)");
            }
            src = in.readAllBytes();
        }
        String hash;
        try {
            hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(src)).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
        String home = System.getenv("ICPBENCH_HOME");
        Path dir = home != null ? Path.of(home, "harness", "target", "native") : Path.of(System.getProperty("java.io.tmpdir"), "icpbench-native");
        Path exe = dir.resolve("udpblast-" + hash);
        if (Files.isExecutable(exe)) {
            return exe;
        }
        Files.createDirectories(dir);
        Path c = dir.resolve("udpblast-" + hash + ".c");
        Files.write(c, src);
        String cc = compiler();
        Path tmp = Files.createTempFile(dir, "udpblast", ".tmp");
        Path log = Files.createTempFile(dir, "udpblast", ".log");
        try {
            Process p = new ProcessBuilder(cc, "-O2", "-Wall", "-o", tmp.toString(), c.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(cc + " did not finish building " + c + " within 120 s");
            }
            if (p.exitValue() != 0) {
                throw new IOException(cc + " failed to build " + c + " (exit " + p.exitValue() + "):\n" + Files.readString(log));
            }
            Files.move(tmp, exe, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return exe;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while building " + c, e);
        } finally {
            Files.deleteIfExists(tmp);
            Files.deleteIfExists(log);
        }
    }

    /** $CC, else the first of cc and gcc on PATH. */
    static String compiler() throws IOException {
        String env = System.getenv("CC");
        if (env != null && !env.isBlank()) {
            return env;
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String name : List.of("cc", "gcc")) {
            for (String d : path.split(java.io.File.pathSeparator)) {
                if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
                    return Path.of(d, name).toString();
                }
            }
        }
        throw new IOException("the C reference (udpblast) needs a C compiler: set CC, or install cc or gcc "
                + "(Debian: apt-get install gcc); or use '--sender java'");
    }
}
