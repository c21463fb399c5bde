package io.icpbench.harness.host;

import java.util.List;

/**
 * The flags every JVM that uses Netty needs on JDK 25: forks, benchmarks, tests and the launcher.
 * Without them Netty runs without Unsafe and native access, and warns. The launcher
 * ({@code icpbench}) and Maven's test JVMs ({@code pom.xml}, property {@code icpbench.jvmFlags})
 * cannot read a Java constant: {@code JvmFlagsTest} holds their copies to these.
 */
public final class JvmFlags {
    /** Lets Netty's epoll transport load its native library. */
    public static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    /** Lets Netty use {@code sun.misc.Unsafe} without the JDK's warning. */
    public static final String UNSAFE_MEMORY_ACCESS = "--sun-misc-unsafe-memory-access=allow";
    /** Both, in the order the launcher passes them. */
    public static final List<String> NETTY = List.of(NATIVE_ACCESS, UNSAFE_MEMORY_ACCESS);

    private JvmFlags() {
    }
}
