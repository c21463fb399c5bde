package io.icpbench.harness.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The profile file format: built-ins, what parses, and errors that name the source, the line and what was expected. */
class TrafficProfileTest {
    static final java.util.List<String> BUILT_IN = TrafficProfile.BUILT_IN;

    /** A valid profile body that errors can be appended to: the bad line is line 4. */
    private static final String HEAD = "# a test profile\n\nmix.udp4 = 1\n";

    @Test
    void theDocumentedBuiltInsExist() {
        assertThat(TrafficProfile.BUILT_IN).containsExactly("default", "udp-only", "vxlan-heavy", "uniform", "phase-shift");
    }

    @ParameterizedTest
    @FieldSource("BUILT_IN")
    void everyBuiltInProfileLoadsWithANonEmptyMix(String name) {
        TrafficProfile p = TrafficProfile.load(name);
        assertThat(p.name()).isEqualTo(name);
        assertThat(p.description()).isNotBlank();
        assertThat(p.mix()).isNotEmpty();
        assertThat(p.mix().values()).allSatisfy(w -> assertThat(w).isPositive());
        assertThat(p.totalWeight()).isEqualTo(p.mix().values().stream().mapToInt(Integer::intValue).sum());
        assertThat(p.frames()).isBetween(16, 1 << 20);
        assertThat(p.frames()).as("a class with a weight gets at least one frame").isGreaterThanOrEqualTo(p.mix().size());
        assertThat(p.payloadMin()).isBetween(0, p.payloadMax());
        // load(name) is the parse of the shipped text
        assertThat(TrafficProfile.parse(name, TrafficProfile.builtInText(name))).isEqualTo(p);
    }

    @Test
    void theUniformProfileMixesEveryTrafficClassEqually() {
        TrafficProfile p = TrafficProfile.load("uniform");
        assertThat(p.mix().keySet()).containsExactlyInAnyOrder(TrafficClass.values());
        assertThat(p.mix().values()).containsOnly(1);
    }

    @Test
    void theUdpOnlyProfileIsOnlyUdp4() {
        assertThat(TrafficProfile.load("udp-only").mix()).isEqualTo(Map.of(TrafficClass.UDP4, 1));
    }

    @Test
    void parsesEveryKey() {
        TrafficProfile p = TrafficProfile.parse("dir/my.profile", """
                name = mine
                description = two classes
                frames = 1_024
                flows = 9
                payload = 64-256
                seed = -42
                mix.udp4 = 3
                MIX.UDP4-VLAN = 2
                """);
        assertThat(p.name()).isEqualTo("mine");
        assertThat(p.description()).isEqualTo("two classes");
        assertThat(p.frames()).isEqualTo(1024);
        assertThat(p.flows()).isEqualTo(9);
        assertThat(p.payloadMin()).isEqualTo(64);
        assertThat(p.payloadMax()).isEqualTo(256);
        assertThat(p.seed()).isEqualTo(-42);
        assertThat(p.mix()).isEqualTo(Map.of(TrafficClass.UDP4, 3, TrafficClass.UDP4_VLAN, 2));
        assertThat(p.totalWeight()).isEqualTo(5);
        assertThat(p.mixByWeight()).extracting(Map.Entry::getKey).containsExactly(TrafficClass.UDP4, TrafficClass.UDP4_VLAN);
    }

    @Test
    void theNameDefaultsToTheFileNameWithoutDirectoryOrExtension() {
        assertThat(TrafficProfile.parse("/some/dir/fast.profile", "mix.udp4 = 1").name()).isEqualTo("fast");
    }

    @Test
    void defaultsApplyToKeysThatAreLeftOut() {
        TrafficProfile p = TrafficProfile.parse("t", "mix.icmp = 1");
        assertThat(p.frames()).isEqualTo(4096);
        assertThat(p.flows()).isEqualTo(64);
        assertThat(p.payloadMin()).isEqualTo(64);
        assertThat(p.payloadMax()).isEqualTo(64);
        assertThat(p.seed()).isEqualTo(1);
        assertThat(p.description()).isEmpty();
    }

    @Test
    void aPayloadIsOneSizeOrARange() {
        TrafficProfile range = TrafficProfile.parse("t", "payload = 64-256\nmix.udp4 = 1");
        assertThat(range.payloadMin()).isEqualTo(64);
        assertThat(range.payloadMax()).isEqualTo(256);
        TrafficProfile one = TrafficProfile.parse("t", "payload = 100\nmix.udp4 = 1");
        assertThat(one.payloadMin()).isEqualTo(100);
        assertThat(one.payloadMax()).isEqualTo(100);
        TrafficProfile spaced = TrafficProfile.parse("t", "payload =  0 - 1400 \nmix.udp4 = 1");
        assertThat(spaced.payloadMin()).isZero();
        assertThat(spaced.payloadMax()).isEqualTo(1400);
        TrafficProfile degenerate = TrafficProfile.parse("t", "payload = 7-7\nmix.udp4 = 1");
        assertThat(degenerate.payloadMin()).isEqualTo(7);
        assertThat(degenerate.payloadMax()).isEqualTo(7);
    }

    @Test
    void commentsBlankLinesAndCrLfAreIgnored() {
        String text = "# leading comment\n\n   \n\t# indented comment\r\nframes = 32   # trailing comment\r\n"
                + "mix.udp6 = 2 # weight\n# mix.udp4 = 5\n\n";
        TrafficProfile p = TrafficProfile.parse("t", text);
        assertThat(p.frames()).isEqualTo(32);
        assertThat(p.mix()).isEqualTo(Map.of(TrafficClass.UDP6, 2));
    }

    @Test
    void aWeightOfZeroRemovesAClass() {
        TrafficProfile p = TrafficProfile.parse("t", "mix.udp4 = 5\nmix.udp6 = 3\nmix.udp4 = 0\n");
        assertThat(p.mix()).isEqualTo(Map.of(TrafficClass.UDP6, 3));
        assertThat(p.mix()).doesNotContainKey(TrafficClass.UDP4);
        // a later line wins: a built-in copied and edited
        TrafficProfile edited = TrafficProfile.parse("t", TrafficProfile.builtInText("default") + "\nmix.malformed = 0\n");
        assertThat(edited.mix()).doesNotContainKey(TrafficClass.MALFORMED).containsKey(TrafficClass.UDP4);
    }

    @Test
    void everyClassIsReachableByItsProfileName() {
        for (TrafficClass c : TrafficClass.values()) {
            TrafficProfile p = TrafficProfile.parse("t", "mix." + c.profileName() + " = 7");
            assertThat(p.mix()).as(c.profileName()).isEqualTo(Map.of(c, 7));
            assertThat(TrafficClass.byName(c.profileName())).isEqualTo(c);
        }
        assertThat(TrafficClass.names()).hasSize(TrafficClass.values().length).doesNotHaveDuplicates();
    }

    @Test
    void theMixCannotBeModified() {
        TrafficProfile p = TrafficProfile.parse("t", "mix.udp4 = 1");
        assertThatThrownBy(() -> p.mix().put(TrafficClass.UDP6, 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    // ------------------------------------------------------------------------------- errors

    @Test
    void anUnknownKeyNamesTheSourceTheLineAndTheKeys() {
        assertThatThrownBy(() -> TrafficProfile.parse("my.profile", HEAD + "frame = 64\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("my.profile line 4")
                .hasMessageContaining("'frame'")
                .hasMessageContaining("name, description, frames, flows, payload, seed or mix.CLASS");
    }

    @Test
    void anUnknownTrafficClassListsTheValidClasses() {
        assertThatThrownBy(() -> TrafficProfile.parse("my.profile", HEAD + "mix.udp5 = 3\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("my.profile line 4")
                .hasMessageContaining("'udp5'")
                .hasMessageContaining(TrafficClass.names().toString())
                .satisfies(e -> {
                    for (TrafficClass c : TrafficClass.values()) {
                        assertThat(e.getMessage()).contains(c.profileName());
                    }
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"frames = many", "flows = 1.5", "seed = 0x10", "payload = abc", "mix.udp6 = ten", "frames ="})
    void aNonNumericValueNamesTheLineAndTheValue(String line) {
        String value = line.substring(line.indexOf('=') + 1).strip();
        assertThatThrownBy(() -> TrafficProfile.parse("my.profile", HEAD + line + "\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("my.profile line 4")
                .hasMessageContaining(value)
                .hasMessageContaining("whole number");
    }

    @ParameterizedTest
    @ValueSource(strings = {"frames = 3|16..1048576", "frames = 1048577|16..1048576", "flows = 0|1..65536",
        "flows = 65537|1..65536", "payload = 1401|0..1400", "payload = 10-1401|0..1400", "payload = -5|0..1400",
        "mix.udp4 = -1|0..1000000", "mix.udp4 = 1000001|0..1000000"})
    void aValueOutOfRangeNamesTheLineAndTheRange(String lineAndRange) {
        String line = lineAndRange.substring(0, lineAndRange.indexOf('|'));
        String range = lineAndRange.substring(lineAndRange.indexOf('|') + 1);
        assertThatThrownBy(() -> TrafficProfile.parse("my.profile", HEAD + line + "\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("my.profile line 4")
                .hasMessageContaining("expected " + range);
    }

    @Test
    void framesThreeIsOutOfRange() {
        assertThatThrownBy(() -> TrafficProfile.parse("my.profile", "mix.udp4 = 1\nframes=3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("my.profile line 2: frames=3, expected 16..1048576");
    }

    @Test
    void anEmptyPayloadRangeSaysMinMustNotExceedMax() {
        assertThatThrownBy(() -> TrafficProfile.parse("my.profile", HEAD + "payload = 10-5\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("my.profile line 4")
                .hasMessageContaining("10-5")
                .hasMessageContaining("MIN <= MAX");
    }

    @Test
    void aLineWithoutAnEqualsSignIsNotKeyValue() {
        assertThatThrownBy(() -> TrafficProfile.parse("my.profile", HEAD + "frames 64   # forgot the =\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("my.profile line 4")
                .hasMessageContaining("'frames 64'")
                .hasMessageContaining("key = value");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "# only a comment\n", "frames = 64\nflows = 8\n", "mix.udp4 = 5\nmix.udp4 = 0\n", "mix.tcp = 0"})
    void aProfileWithNoClassWeightIsRejected(String text) {
        assertThatThrownBy(() -> TrafficProfile.parse("empty.profile", text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty.profile")
                .hasMessageContaining("no traffic class has a weight")
                .hasMessageContaining("mix.CLASS = N");
    }

    @Test
    void theLineNumberCountsCommentsAndBlankLines() {
        String text = "# 1\n\n# 3\nframes = 64\n\n   \nmix.udp4 = 1\n# 8\nbogus\n";
        assertThatThrownBy(() -> TrafficProfile.parse("x", text)).hasMessageStartingWith("x line 9:");
    }

    /**
     * Every class with a weight gets at least one of the ring's frames, so a profile with more
     * weighted classes than frames cannot be built. It must be rejected with an error, like every
     * other bad profile (today it parses, and building its frames never returns).
     */
    @Test
    void aProfileWithMoreWeightedClassesThanFramesIsRejected() {
        String text = TrafficProfile.builtInText("uniform") + "\nframes = 16\n";
        assertThatThrownBy(() -> TrafficProfile.parse("small.profile", text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("small.profile")
                .hasMessageContaining("frames");
    }

    // ------------------------------------------------------------------------------- files

    @Test
    void aMissingFileNamesThePathAndListsTheBuiltIns(@TempDir Path dir) {
        Path missing = dir.resolve("nope.profile");
        assertThatThrownBy(() -> TrafficProfile.load(missing.toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(missing.toString())
                .satisfies(e -> {
                    for (String name : TrafficProfile.BUILT_IN) {
                        assertThat(e.getMessage()).contains(name);
                    }
                });
    }

    @Test
    void anUnknownNameListsTheBuiltIns() {
        assertThatThrownBy(() -> TrafficProfile.load("defualt"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'defualt'")
                .hasMessageContaining("default, udp-only, vxlan-heavy, uniform");
        assertThatThrownBy(() -> TrafficProfile.builtInText("defualt"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("defualt");
    }

    @Test
    void aDirectoryIsNotAProfile(@TempDir Path dir) {
        assertThatThrownBy(() -> TrafficProfile.load(dir.toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(dir.toString());
    }

    @Test
    void aProfileFileLoadsByPath(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("lab.profile");
        Files.writeString(file, """
                # my lab's traffic
                description = lab mix
                frames = 128
                flows = 4
                payload = 32-48
                seed = 7
                mix.udp4 = 3
                mix.vxlan = 1
                """, StandardCharsets.UTF_8);
        TrafficProfile p = TrafficProfile.load(file.toString());
        assertThat(p.name()).isEqualTo("lab");
        assertThat(p.description()).isEqualTo("lab mix");
        assertThat(p.frames()).isEqualTo(128);
        assertThat(p.flows()).isEqualTo(4);
        assertThat(p.payloadMin()).isEqualTo(32);
        assertThat(p.payloadMax()).isEqualTo(48);
        assertThat(p.seed()).isEqualTo(7);
        assertThat(p.mix()).isEqualTo(Map.of(TrafficClass.UDP4, 3, TrafficClass.VXLAN, 1));
    }

    @Test
    void aCopiedBuiltInLoadsByPathToTheSameProfile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("default.profile");
        Files.writeString(file, TrafficProfile.builtInText("default"), StandardCharsets.UTF_8);
        TrafficProfile copy = TrafficProfile.load(file.toString());
        TrafficProfile builtIn = TrafficProfile.load("default");
        assertThat(copy).isEqualTo(builtIn);
    }

    @Test
    void aBadFileNamesItsPathAndLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.profile");
        Files.writeString(file, "mix.udp4 = 1\nflows = 0\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> TrafficProfile.load(file.toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file + " line 2")
                .hasMessageContaining("expected 1..65536");
    }
}
