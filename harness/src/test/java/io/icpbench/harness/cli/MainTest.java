package io.icpbench.harness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.icpbench.harness.Main;
import io.icpbench.harness.traffic.TrafficClass;
import io.icpbench.harness.traffic.TrafficProfile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The command line, through {@link Main#run}: exit codes, what it prints, and one-line errors for bad input. */
class MainTest {
    /** What one run printed and returned. */
    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = Main.run(args);
        } finally {
            System.out.flush();
            System.err.flush();
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void helpListsTheCommands() {
        Run r = run("--help");
        assertThat(r.exit()).isZero();
        String text = r.out() + r.err();
        for (String command : List.of("stack", "profiles", "jmh", "live", "send", "replay")) {
            assertThat(text).containsPattern("(?m)^\\s+" + command + "\\s");
        }
    }

    /** picocli formats help text with String.format: a bare '%' in a description prints a warning instead. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"", "run", "report", "replay", "live", "send", "plan", "calibrate", "compare",
        "merge", "sweep", "stack", "sites", "promote-jar", "profiles"})
    void everyHelpPrintsWithoutWarnings(String command) {
        Run r = command.isEmpty() ? run("--help") : run(command, "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.err()).doesNotContain("WARN");
        assertThat(r.out()).startsWith("Usage: icpbench");
    }

    @Test
    void stackHelpExplainsTheOptions() {
        Run r = run("stack", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("--profile", "--packets", "--warmup", "--batch", "--work", "--taps", "--no-netfilter");
    }

    @Test
    void stackRunsAProfileAndPrintsRateOutcomesAndCounters() {
        Run r = run("stack", "--profile", "udp-only", "--packets", "5000", "--warmup", "0");
        assertThat(r.exit()).as("stderr: %s", r.err()).isZero();
        String out = r.out();
        assertThat(out).contains("profile udp-only", "received", "delivered", "dropped", "UdpInDatagrams");
        assertThat(out).containsPattern("(?m)^rate: [0-9.]+ Mpps");
        long received = total(out, "received");
        long delivered = total(out, "delivered");
        long dropped = total(out, "dropped");
        assertThat(received).isEqualTo(5000);
        assertThat(delivered + dropped).isEqualTo(received);
        assertThat(delivered).as("udp-only delivers everything").isEqualTo(5000);
        assertThat(total(out, "  udp_queued")).isEqualTo(5000);
        assertThat(total(out, "  UdpInDatagrams")).isEqualTo(5000);
    }

    /** Every outcome line adds up to its delivered or dropped total, and those to received. */
    @Test
    void stackOutcomeLinesAddUpForTheDefaultProfile() {
        Run r = run("stack", "--packets", "20000", "--warmup", "1000", "--batch", "64");
        assertThat(r.exit()).as("stderr: %s", r.err()).isZero();
        long sum = 0;
        long delivered = -1;
        long dropped = -1;
        Matcher m = Pattern.compile("(?m)^(  )?([a-z0-9_]+)\\s+(\\d+)\\s+[0-9.]+%$").matcher(r.out());
        while (m.find()) {
            long n = Long.parseLong(m.group(3));
            if (m.group(1) != null) {
                sum += n;
            } else if (m.group(2).equals("delivered")) {
                delivered = n;
                assertThat(sum).as("outcome lines above 'delivered'").isEqualTo(n);
                sum = 0;
            } else if (m.group(2).equals("dropped")) {
                dropped = n;
                assertThat(sum).as("outcome lines above 'dropped'").isEqualTo(n);
                sum = 0;
            }
        }
        assertThat(delivered).isPositive();
        assertThat(dropped).isPositive();
        assertThat(delivered + dropped).isEqualTo(total(r.out(), "received")).isEqualTo(20000);
    }

    @Test
    void stackRunsAProfileFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("icmp.profile");
        Files.writeString(file, "frames = 64\nmix.icmp = 1\n", StandardCharsets.UTF_8);
        Run r = run("stack", "--profile", file.toString(), "--packets", "1000", "--warmup", "0", "--batch", "64");
        assertThat(r.exit()).as("stderr: %s", r.err()).isZero();
        assertThat(r.out()).contains("profile icmp (64 frames)");
        assertThat(total(r.out(), "  icmp_consumed")).isEqualTo(1000);
        assertThat(total(r.out(), "received")).isEqualTo(1000);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown profile         | --profile nosuch                    | nosuch",
        "zero packets            | --packets 0                         | 0",
        "packets not a number    | --packets abc                       | abc",
        "batch too large         | --batch 5000                        | 5000",
        "negative work           | --work -1                           | -1",
        "too many taps           | --taps 9                            | 9",
        "encapsulation too deep  | --max-encap-depth 17                | 17",
        "negative warmup         | --warmup -1                         | -1",
        "unknown option          | --bogus                             | --bogus"})
    void badStackInputIsAOneLineErrorWithExitCode2(String what, String args, String value) {
        // small runs, in case the bad value were taken
        String base = "stack" + (args.contains("--packets") ? "" : " --packets 100") + (args.contains("--warmup") ? "" : " --warmup 0");
        String[] argv = (base + " " + args).split(" +");
        checkOneLineError(run(argv), value);
    }

    @Test
    void aProfileFileWithABadLineIsAOneLineErrorNamingTheFileAndLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.profile");
        Files.writeString(file, "# mine\nmix.udp4 = 1\nflows = lots\n", StandardCharsets.UTF_8);
        Run r = run("stack", "--profile", file.toString(), "--packets", "100", "--warmup", "0");
        checkOneLineError(r, file + " line 3");
        assertThat(r.err()).contains("lots");
    }

    @Test
    void profilesListsEveryBuiltInAndEveryClass() {
        Run r = run("profiles");
        assertThat(r.exit()).isZero();
        for (String name : TrafficProfile.BUILT_IN) {
            assertThat(r.out()).containsPattern("(?m)^\\s+" + Pattern.quote(name) + "\\s+" + Pattern.quote(TrafficProfile.load(name).description()));
        }
        for (TrafficClass c : TrafficClass.values()) {
            assertThat(r.out()).containsPattern("(?m)^\\s+" + Pattern.quote(c.profileName()) + "\\s");
        }
    }

    @Test
    void profilesShowPrintsAProfileThatParses() {
        Run r = run("profiles", "--show", "default");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(TrafficProfile.builtInText("default"));
        TrafficProfile shown = TrafficProfile.parse("default", r.out());
        assertThat(shown).isEqualTo(TrafficProfile.load("default"));
    }

    @Test
    void profilesShowOfAnUnknownProfileIsAOneLineError() {
        checkOneLineError(run("profiles", "--show", "nosuch"), "nosuch");
    }

    // ------------------------------------------------------------------------------- helpers

    static void checkOneLineError(Run r, String mentions) {
        assertThat(r.exit()).as("exit code; stderr: %s", r.err()).isEqualTo(2);
        assertThat(r.err()).as("stderr").doesNotContain("Exception").doesNotContain("\tat ");
        List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as("stderr lines").hasSize(1);
        assertThat(lines.getFirst()).contains(mentions);
        assertThat(r.out()).as("stdout").isEmpty();
    }

    /** The number on the line that starts with {@code label} (then spaces, then the number). */
    static long total(String out, String label) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(label) + "\\s+(\\d+)").matcher(out);
        assertThat(m.find()).as("a line '%s N' in:%n%s", label, out).isTrue();
        return Long.parseLong(m.group(1));
    }
}
