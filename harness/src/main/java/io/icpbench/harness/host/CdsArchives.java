package io.icpbench.harness.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Where the {@link ClassDataSharing} archives live and what they are called: the directory, the
 * FAMILY (JDK and JVM flags) and BUILD (class path) hashes of {@code fork-FAMILY-BUILD.jsa}, and the
 * removal of a family's older builds.
 */
final class CdsArchives {
    /** Free space a directory needs to hold an archive (one is about 20 MB). */
    static final long MIN_FREE_BYTES = 256L << 20;

    private CdsArchives() {
    }

    /** Where the archives go: the property, the environment, target/cds beside the harness jar, or the user's cache. */
    static Path directory(List<String> classpath) {
        String given = System.getProperty(ClassDataSharing.DIR_PROPERTY);
        if (given == null || given.isBlank()) {
            given = System.getenv(ClassDataSharing.DIR_ENV);
        }
        if (given != null && !given.isBlank()) {
            return Path.of(given).toAbsolutePath();
        }
        if (!classpath.isEmpty()) {
            Path parent = Path.of(classpath.get(0)).toAbsolutePath().getParent();
            if (parent != null && parent.getFileName() != null && parent.getFileName().toString().equals("target")) {
                return parent.resolve("cds");
            }
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return cache.resolve("icpbench").resolve("cds").toAbsolutePath();
    }

    /** Whether {@code dir} can be created and written and has room for an archive (about 20 MB). */
    static boolean usable(Path dir) {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, "probe", ".tmp");
            Files.delete(probe);
            return Files.getFileStore(dir).getUsableSpace() >= MIN_FREE_BYTES;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * A hash of the JDK and the JVM flags that decide whether an archive can be used: every flag but
     * the system properties, with the promotion agent reduced to "-javaagent" (its jar is a new
     * temporary file in every harness JVM, and its options change only what it rewrites).
     */
    static String family(String javaHome, String vmVersion, List<String> jvmArgs) {
        StringBuilder s = new StringBuilder().append(javaHome).append('\n').append(vmVersion).append('\n');
        for (String a : jvmArgs) {
            if (a.startsWith("-D")) {
                continue;
            }
            s.append(a.startsWith("-javaagent") ? "-javaagent" : a).append('\n');
        }
        return hash(s.toString());
    }

    /** A hash of each class path entry's absolute path, size and modification time; null if one cannot be read. */
    static String build(List<Path> classpath) {
        StringBuilder s = new StringBuilder();
        try {
            for (Path p : classpath) {
                s.append(p.toAbsolutePath()).append(' ').append(Files.size(p)).append(' ').append(Files.getLastModifiedTime(p).toMillis()).append('\n');
            }
        } catch (IOException e) {
            return null;
        }
        return hash(s.toString());
    }

    private static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Deletes this family's files of other builds (archives, logs, failure notes, locks, leftovers). */
    static void removeOlderBuilds(Path dir, String familyPrefix, String keep) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, familyPrefix + "*")) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                if (!n.startsWith(keep + ".")) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Old archives are only clutter.
        }
    }
}
