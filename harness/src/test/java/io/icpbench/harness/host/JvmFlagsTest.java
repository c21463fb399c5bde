package io.icpbench.harness.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The launcher and Maven's test JVMs cannot read {@link JvmFlags}: their copies must say the same. */
class JvmFlagsTest {
    private static final String LINE = String.join(" ", JvmFlags.NETTY);

    @Test
    void theLauncherPassesTheFlags() throws Exception {
        assertThat(Files.readString(Path.of("../icpbench"))).contains(LINE);
    }

    @Test
    void mavensTestJvmsGetTheFlags() throws Exception {
        assertThat(Files.readString(Path.of("../pom.xml"))).contains("<icpbench.jvmFlags>" + LINE + "</icpbench.jvmFlags>");
    }
}
