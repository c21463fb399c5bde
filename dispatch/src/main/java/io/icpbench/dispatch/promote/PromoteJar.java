package io.icpbench.dispatch.promote;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * The ahead-of-time half of transparent promotion: the same {@link Rewriter} over the classes of a
 * jar, as a compiler pass would run. Ops interfaces are looked up in the jar itself, then on the
 * given class loader.
 */
public final class PromoteJar {
    /** What a jar pass did. */
    public record Report(int classes, int rewrittenClasses, List<String> sites, List<String> warnings) {
    }

    private PromoteJar() {
    }

    /** Rewrites {@code in} into {@code out} (written to a temporary file, then renamed). */
    public static Report run(Path in, Path out, RewriteOptions options, ClassLoader loader) throws IOException {
        Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
        Manifest manifest;
        try (InputStream head = Files.newInputStream(in)) {
            byte[] magic = head.readNBytes(4);
            if (magic.length < 4 || magic[0] != 'P' || magic[1] != 'K' || magic[2] != 3 || magic[3] != 4) {
                throw new IOException(in + ": not a jar (no zip header)");
            }
        }
        try (JarInputStream jin = new JarInputStream(Files.newInputStream(in))) {
            manifest = jin.getManifest();
            JarEntry e;
            while ((e = jin.getNextJarEntry()) != null) {
                if (!e.isDirectory()) {
                    entries.put(e.getName(), jin.readAllBytes());
                }
            }
        } catch (IOException e) {
            throw new IOException(in + ": not a readable jar: " + e.getMessage(), e);
        }
        Map<String, byte[]> classes = new HashMap<>();
        entries.forEach((name, bytes) -> {
            if (name.endsWith(".class")) {
                classes.put(name.substring(0, name.length() - 6), bytes);
            }
        });
        ClassBytes fallback = ClassBytes.of(loader);
        Rewriter rewriter = new Rewriter(options, name -> classes.containsKey(name) ? classes.get(name) : fallback.find(name));
        List<String> sites = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        int rewritten = 0;
        Path parent = out.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, "promote", ".jar.tmp");
        try (OutputStream os = Files.newOutputStream(tmp);
                JarOutputStream jout = manifest != null ? new JarOutputStream(os, manifest) : new JarOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                byte[] bytes = e.getValue();
                String name = e.getKey();
                if (name.endsWith(".class") && options.covers(name.substring(0, name.length() - 6))) {
                    try {
                        Rewriter.Result r = rewriter.rewrite(bytes, loader);
                        if (r.changed()) {
                            bytes = r.bytes();
                            rewritten++;
                            sites.addAll(r.sites());
                        }
                    } catch (RuntimeException ex) {
                        warnings.add(name + " copied unchanged: " + ex);
                    }
                }
                jout.putNextEntry(new JarEntry(name));
                jout.write(bytes);
                jout.closeEntry();
            }
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new Report(classes.size(), rewritten, sites, warnings);
    }

    static byte[] read(InputStream in) throws IOException {
        return in.readAllBytes();
    }
}
