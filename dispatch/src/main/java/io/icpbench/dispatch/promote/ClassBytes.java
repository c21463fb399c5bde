package io.icpbench.dispatch.promote;

/** Finds the bytes of a class file by internal name ("io/icpbench/stack/ops/NapiPoll"), or null. */
@FunctionalInterface
public interface ClassBytes {
    byte[] find(String internalName);

    /** Class files as resources of {@code loader} (the system loader if null). */
    static ClassBytes of(ClassLoader loader) {
        return name -> {
            ClassLoader l = loader != null ? loader : ClassLoader.getSystemClassLoader();
            try (java.io.InputStream in = l.getResourceAsStream(name + ".class")) {
                return in == null ? null : in.readAllBytes();
            } catch (java.io.IOException e) {
                return null;
            }
        };
    }
}
