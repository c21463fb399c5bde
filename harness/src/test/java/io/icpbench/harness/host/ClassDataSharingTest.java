package io.icpbench.harness.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.icpbench.harness.Main;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassDataSharingTest {
    @TempDir
    Path tmp;

    private List<String> jars(String... names) throws IOException {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            out.add(Files.writeString(tmp.resolve(n), "not really a jar").toString());
        }
        return out;
    }

    private static final List<String> FORK = List.of("fork", "--spec", "/x/fork-001/spec.json");

    @Test
    void onlyForksOnJarsWithoutAgentsOrSharingFlagsOfTheirOwnAndNotWhenTurnedOff() throws IOException {
        List<String> cp = jars("a.jar", "b.jar");
        assertThat(ClassDataSharing.whyNot(List.of(), cp, FORK, Map.of(), null)).isNull();
        assertThat(ClassDataSharing.whyNot(List.of("-Xmx1g", "-XX:+UseSerialGC", "-Dx=y"), cp, FORK, Map.of(), "on")).isNull();

        assertThat(ClassDataSharing.whyNot(List.of(), cp, FORK, Map.of(), "off")).contains("-Dicpbench.cds=off");
        assertThat(ClassDataSharing.whyNot(List.of(), cp, FORK, Map.of("ICPBENCH_CDS", "0"), null)).contains("ICPBENCH_CDS=0");
        assertThat(ClassDataSharing.whyNot(List.of("-Dicpbench.cds=false"), cp, FORK, Map.of(), null)).contains("the arm's");
        for (String own : List.of("-Xshare:off", "-XX:SharedArchiveFile=/a.jsa", "-XX:+AutoCreateSharedArchive", "-XX:ArchiveClassesAtExit=x",
                "-XX:AOTCache=x", "-XX:AOTMode=off", "-javaagent:x.jar", "-agentlib:jdwp=transport=dt_socket", "-agentpath:/lib.so")) {
            assertThat(ClassDataSharing.whyNot(List.of(own), cp, FORK, Map.of(), null)).as(own).contains(own);
        }
        assertThat(ClassDataSharing.whyNot(List.of(), cp, List.of("stack", "--mode", "virtual"), Map.of(), null)).contains("not a fork");
        assertThat(ClassDataSharing.whyNot(List.of(), cp, List.of(), Map.of(), null)).contains("not a fork");
        assertThat(ClassDataSharing.whyNot(List.of(), cp, FORK, Map.of("JAVA_TOOL_OPTIONS", "-javaagent:y.jar"), null)).contains("JAVA_TOOL_OPTIONS");
        assertThat(ClassDataSharing.whyNot(List.of(), cp, FORK, Map.of("JAVA_TOOL_OPTIONS", " "), null)).isNull();
        List<String> withDir = new ArrayList<>(cp);
        withDir.add(tmp.toString());
        assertThat(ClassDataSharing.whyNot(List.of(), withDir, FORK, Map.of(), null)).contains("is not a jar");
        assertThat(ClassDataSharing.whyNot(List.of(), List.of(tmp.resolve("missing.jar").toString()), FORK, Map.of(), null)).contains("is not a jar");
        // The tests' own class path holds directories: forks started by tests get no archive.
        assertThat(ClassDataSharing.flags("java", List.of(), List.of(), System.getProperty("java.class.path"), FORK)).isEmpty();
    }

    @Test
    void oneArchivePerJdkAndFlagSetNotPerModeOrAgentOptions() {
        String v = CdsArchives.family("/jdk", "25.0.3+9", List.of("--enable-native-access=ALL-UNNAMED", "-Dicpbench.mode=virtual"));
        assertThat(CdsArchives.family("/jdk", "25.0.3+9", List.of("--enable-native-access=ALL-UNNAMED", "-Dicpbench.mode=dynamic-call",
                "-Dicpbench.policy=top-2"))).isEqualTo(v);
        assertThat(CdsArchives.family("/jdk", "25.0.3+9", List.of("--enable-native-access=ALL-UNNAMED", "-XX:-UseInlineCaches"))).isNotEqualTo(v);
        assertThat(CdsArchives.family("/jdk", "25.0.4+7", List.of("--enable-native-access=ALL-UNNAMED"))).isNotEqualTo(v);
        assertThat(CdsArchives.family("/jdk2", "25.0.3+9", List.of("--enable-native-access=ALL-UNNAMED"))).isNotEqualTo(v);
        String p = CdsArchives.family("/jdk", "25.0.3+9", List.of("--enable-native-access=ALL-UNNAMED", "-javaagent:/tmp/a1.jar=policy=cree"));
        assertThat(CdsArchives.family("/jdk", "25.0.3+9", List.of("--enable-native-access=ALL-UNNAMED", "-javaagent:/tmp/a2.jar=policy=gcc")))
                .isEqualTo(p).isNotEqualTo(v);
    }

    @Test
    void aRebuildIsANewBuild() throws IOException {
        List<String> cp = jars("a.jar", "b.jar");
        List<Path> paths = cp.stream().map(Path::of).toList();
        String before = CdsArchives.build(paths);
        assertThat(CdsArchives.build(paths)).isEqualTo(before);
        Files.setLastModifiedTime(paths.get(1), FileTime.fromMillis(Files.getLastModifiedTime(paths.get(1)).toMillis() + 2000));
        String touched = CdsArchives.build(paths);
        assertThat(touched).isNotEqualTo(before);
        FileTime t = Files.getLastModifiedTime(paths.get(0));
        Files.writeString(paths.get(0), "not really a jar, longer");
        Files.setLastModifiedTime(paths.get(0), t);
        assertThat(CdsArchives.build(paths)).as("same time, other size").isNotEqualTo(touched);
        assertThat(CdsArchives.build(List.of(tmp.resolve("gone.jar")))).isNull();
    }

    @Test
    void theTrainingForkIsShortAndHasADirectoryOfItsOwn() {
        // The fork's spec file says what it runs; --training makes it a short run in a directory of its own (ForkSpec.forTraining).
        List<String> args = List.of("fork", "--spec", "/runs/x/fork-007/spec.json");
        assertThat(CdsTraining.trainingArgs(args, Path.of("/t"))).containsExactly("fork", "--spec", "/runs/x/fork-007/spec.json", "--training", "/t");
        assertThat(CdsTraining.trainingArgs(List.of("fork", "--spec", "/s.json", "--training", "/old"), Path.of("/t")))
                .containsExactly("fork", "--spec", "/s.json", "--training", "/t");
    }

    @Test
    void theTrainingTakesNoTurnOfTheInterleavedBlockAndSkipsJmhsLock() {
        List<String> jvm = List.of("--enable-native-access=ALL-UNNAMED", "-javaagent:/tmp/a.jar=policy=cree", "-Dicpbench.mode=promoted",
                "-Dicpbench.gate=/tmp/icpbench-gate1/gate.sock", "-Dicpbench.gate.id=4", "-Djmh.ignoreLock=true");
        List<String> cmd = CdsTraining.trainingCommand("java", jvm, "a.jar:b.jar", CdsTraining.trainingArgs(FORK, null), Path.of("/c/x.tmp"),
                Path.of("/w"), true);
        assertThat(cmd).containsSubsequence("java", "-XX:+UnlockDiagnosticVMOptions", "-XX:+AllowArchivingWithJavaAgent",
                "-XX:ArchiveClassesAtExit=/c/x.tmp", ClassDataSharing.QUIET, "--enable-native-access=ALL-UNNAMED", "-javaagent:/tmp/a.jar=policy=cree",
                "-Dicpbench.mode=promoted", "-Djmh.ignoreLock=true", "-cp", "a.jar:b.jar", Main.class.getName(), "fork", "--spec",
                "/x/fork-001/spec.json", "--training", "/w");
        assertThat(cmd).noneMatch(a -> a.startsWith("-Dicpbench.gate"));
    }

    @Test
    void aDirectoryThatCannotBeWrittenIsNotUsed() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertThat(CdsArchives.usable(file.resolve("cds"))).isFalse();
        assertThat(CdsArchives.usable(tmp.resolve("cds"))).isTrue();
        assertThat(CdsArchives.directory(List.of("/p/harness/target/icpbench-harness.jar", "/p/harness/target/lib/x.jar")))
                .isEqualTo(Path.of("/p/harness/target/cds"));
    }

    /**
     * The training of a real fork: the fork's own spec file, run short in a directory of its own.
     * The training must succeed (a training JVM that fails still dumps an archive at exit, of the
     * classes it loaded before failing: that once hid a fork that no longer took its arguments).
     */
    @Test
    void aRealForkTrainsItsArchive() throws IOException, InterruptedException {
        Path javaHome = Path.of(System.getProperty("java.home"));
        assumeTrue(Files.isRegularFile(javaHome.resolve("lib").resolve("server").resolve("classes.jsa")), "the JDK has no base CDS archive");
        String java = javaHome.resolve("bin").resolve("java").toString();
        String cp = String.join(File.pathSeparator, jarredClassPath(Files.createDirectories(tmp.resolve("jars"))));
        io.icpbench.harness.run.RunSpec spec = new io.icpbench.harness.run.RunRequest(List.of("virtual"), null, "udp-only", null, null, 0, 1,
                "all", 1, 10, null, 1, false, "sequential", 1, 1, 0.1, 7L, false, false, List.of()).resolve(null);
        Path run = Files.createDirectories(tmp.resolve("run"));
        Path specFile = run.resolve(io.icpbench.harness.run.ForkSpec.FILE);
        io.icpbench.harness.run.ForkSpec.of(run, spec, spec.plan().get(0)).write(specFile);
        List<String> jvm = new ArrayList<>(JvmFlags.NETTY);
        jvm.add("-Dicpbench.mode=virtual");
        Path dir = tmp.resolve("cds");
        List<String> flags = ClassDataSharing.prepare(java, jvm, cp, CdsTraining.trainingArgs(List.of("fork", "--spec", specFile.toString()), null),
                dir);
        String notes;
        try (Stream<Path> files = Files.list(dir)) {
            notes = files.filter(f -> f.toString().endsWith(".failed") || f.toString().endsWith(".log")).map(f -> {
                try {
                    return Files.readString(f);
                } catch (IOException e) {
                    return e.toString();
                }
            }).reduce("", String::concat);
        }
        assertThat(flags).as(notes).hasSize(2);
        assertThat(notes).contains("Benchmark result is saved to").doesNotContain("Unknown option");
        assertThat(Path.of(flags.get(0).substring("-XX:SharedArchiveFile=".length()))).isRegularFile();
    }

    /** Each directory of this JVM's class path as a jar in {@code into}, the jars as they are. */
    private static List<String> jarredClassPath(Path into) throws IOException {
        List<String> out = new ArrayList<>();
        int n = 0;
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(e);
            if (Files.isDirectory(p)) {
                Path jar = into.resolve("dir" + n++ + ".jar");
                try (JarOutputStream out2 = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(p)) {
                    for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                        out2.putNextEntry(new JarEntry(p.relativize(f).toString().replace(File.separatorChar, '/')));
                        Files.copy(f, (OutputStream) out2);
                        out2.closeEntry();
                    }
                }
                out.add(jar.toString());
            } else if (e.endsWith(".jar") && Files.isRegularFile(p)) {
                out.add(e);
            }
        }
        return out;
    }

    private static ProcessResult exec(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        return new ProcessResult(p.waitFor(), out);
    }

    private record ProcessResult(int rc, String out) {
    }

    /**
     * The real JVM: the training writes an archive the JVM maps (-Xshare:on) and prints nothing about;
     * a rebuild trains a new one and removes the old; a training that fails leaves a note and no flags.
     */
    @Test
    void trainsAnArchiveTheJvmMapsAndANewOneAfterARebuild() throws IOException, InterruptedException {
        Path javaHome = Path.of(System.getProperty("java.home"));
        assumeTrue(Files.isRegularFile(javaHome.resolve("lib").resolve("server").resolve("classes.jsa")), "the JDK has no base CDS archive");
        String java = javaHome.resolve("bin").resolve("java").toString();
        Path jars = Files.createDirectories(tmp.resolve("jars"));
        List<String> cpList = jarredClassPath(jars);
        String cp = String.join(File.pathSeparator, cpList);
        Path dir = tmp.resolve("cds");
        List<String> jvm = new ArrayList<>(io.icpbench.harness.host.JvmFlags.NETTY);
        jvm.add("-Dicpbench.mode=virtual");

        List<String> flags = ClassDataSharing.prepare(java, jvm, cp, List.of("--help"), dir);
        assertThat(flags).hasSize(2).contains(ClassDataSharing.QUIET);
        Path archive = Path.of(flags.get(0).substring("-XX:SharedArchiveFile=".length()));
        assertThat(archive).isRegularFile().hasParent(dir);
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(flags);
        cmd.add("-Xshare:on");
        cmd.addAll(jvm);
        cmd.addAll(List.of("-cp", cp, Main.class.getName(), "--help"));
        ProcessResult r = exec(cmd);
        assertThat(r.rc()).as(r.out()).isZero();
        assertThat(r.out()).contains("Usage: icpbench").doesNotContain("[error]").doesNotContain("[warning]");
        assertThat(ClassDataSharing.prepare(java, jvm, cp, List.of("--help"), dir)).isEqualTo(flags);

        // A rebuild (a jar's new time): a new archive, the old one gone.
        Path first = Path.of(cpList.get(0));
        Files.setLastModifiedTime(first, FileTime.fromMillis(Files.getLastModifiedTime(first).toMillis() + 5000));
        List<String> rebuilt = ClassDataSharing.prepare(java, jvm, cp, List.of("--help"), dir);
        assertThat(rebuilt).hasSize(2).isNotEqualTo(flags);
        assertThat(Path.of(rebuilt.get(0).substring("-XX:SharedArchiveFile=".length()))).isRegularFile();
        assertThat(archive).doesNotExist();

        // A training that cannot run: no flags, a note that says why, no second try.
        List<String> bad = new ArrayList<>(jvm);
        bad.add("-XX:+NoSuchFlagForIcpbench");
        assertThat(ClassDataSharing.prepare(java, bad, cp, List.of("--help"), dir)).isEmpty();
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> failed = files.filter(f -> f.toString().endsWith(".failed")).toList();
            assertThat(failed).hasSize(1);
            assertThat(Files.readString(failed.get(0))).contains("wrote no archive");
        }
        assertThat(ClassDataSharing.prepare(java, bad, cp, List.of("--help"), dir)).isEmpty();
    }
}
