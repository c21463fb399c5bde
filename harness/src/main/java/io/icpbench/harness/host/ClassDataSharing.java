package io.icpbench.harness.host;

import io.icpbench.harness.Main;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Class data sharing (AppCDS, a dynamic archive) for the fork JVMs of {@code icpbench run}: the
 * classes a fork loads (picocli, JMH, Netty, Jackson, the stack) are parsed, verified and laid out
 * once, into an archive the next forks map instead (issue 12: cut what a fork spends not measuring).
 *
 * <p><b>What it saves</b>, measured on this machine (2 vCPUs, shared and busy: load average 4–6
 * from other tenants throughout), the command lines {@link io.icpbench.harness.run.Forks#command}
 * builds with and without the archive, alternated, 10 runs each, medians of wall time and of CPU
 * time (user + sys, the steadier one on a busy machine), two rounds:
 * <pre>
 *   a fork (1 x 100 ms warm-up, 1 x 100 ms measurement):
 *   mode                  wall, off -> on                   CPU, off -> on
 *   virtual               4,610 -> 3,195  2,680 -> 1,685    3,180 -> 2,425 (-24%)  3,155 -> 2,370 (-25%)
 *   virtual-megamorphic   1,990 -> 1,585  2,120 -> 1,590    3,415 -> 2,680 (-22%)  3,335 -> 2,665 (-20%)
 *   promoted (agent)      4,090 -> 3,275  2,295 -> 1,940    3,755 -> 3,480 (-7%)   3,690 -> 3,415 (-7%)
 *   Main --help (the JVM's start and picocli only), one round:
 *   virtual                 850 ->   740                      755 ->   645 (-15%)
 *   virtual-megamorphic     755 ->   695                      685 ->   650 (-5%)
 *   promoted (agent)        945 ->   950                      890 ->   850 (-4%)
 * </pre>
 * About 0.7–0.8 s of CPU per fork without the agent, 0.3 s with it, most of it the set-up's classes
 * (JMH, Netty, Jackson, the stack) rather than the JVM's own start. With the promotion agent the gain
 * is small: with a class file load hook the JVM reads every shared class's bytes from its jar again
 * to show them to the agent.
 *
 * <p><b>How.</b> The JVM's own {@code -XX:+AutoCreateSharedArchive} is not used: on JDK 25.0.3 it
 * does not rebuild an archive whose class path changed (after a rebuild the archive is just never
 * used again, "shared class paths mismatch"), and a JVM that fails to write its archive at exit (a
 * directory it cannot write, a directory on the class path, a JVMTI agent without
 * {@code AllowArchivingWithJavaAgent}) exits with status 1 after its work is done, which would fail
 * the fork. Instead, the first time a fork is started with a given JVM and class path, a
 * <em>training</em> JVM runs a short fork ({@link CdsTraining#trainingArgs}: 1 warm-up and 1 measurement
 * iteration of 200 ms, into a temporary directory, outside any interleaved block's gate: {@link
 * CdsTraining#trainingCommand}) with {@code -XX:ArchiveClassesAtExit}; its archive
 * is checked with {@code -Xshare:on ... -version} (which fails unless the JVM can map it with these
 * flags and this class path) and moved into place: a few seconds (4–9 s here, busy), once per build
 * and flag set. The forks then run with {@code -XX:SharedArchiveFile}; a JVM that cannot use an
 * archive runs without it (tested here: truncated, garbage, empty and stale archives all run, exit
 * status 0). Nothing here
 * fails a fork: when the training or the check fails, a {@code .failed} file beside the archive says
 * why and the forks of that build run without an archive.
 *
 * <p><b>Which archive.</b> One per JVM flag set and build, named {@code fork-FAMILY-BUILD.jsa}: FAMILY
 * hashes the JDK ({@code java.home}, {@code java.vm.version}) and the JVM flags without the system
 * properties (a mode's {@code -Dicpbench.mode} does not change what can be shared, so virtual,
 * dynamic-call and devirtualized share one archive; {@code -XX:-UseInlineCaches} gets its own) and
 * without the promotion agent's jar path and options; BUILD hashes each class path entry's path, size
 * and modification time, so a rebuild makes a new archive and removes the old ones of that family.
 * They live in {@code target/cds} beside the harness jar ({@code mvn clean} removes them), else in
 * {@code $XDG_CACHE_HOME/icpbench/cds} ({@code ~/.cache}); {@code ICPBENCH_CDS_DIR} or
 * {@code -Dicpbench.cds.dir} choose another directory.
 *
 * <p><b>Every arm alike.</b> The promoted arm gets an archive too, also so that every arm's JVM
 * maps the same shared classes: whether class data sharing moves the steady-state
 * score was not measured, and a difference between arms must not come from it. Dumping with an agent
 * needs the diagnostic {@code -XX:+AllowArchivingWithJavaAgent} (without it the JVM refuses to start,
 * status 1); the classes the agent rewrites are left out of the archive ("From ClassFileLoadHook"),
 * the others are still shown to the agent as they load, so the rewriting is as before. An arm with
 * JVMTI agents or class data sharing flags of its own ({@code jvm=...}) gets no archive; to measure
 * what sharing does to the score, run an arm with {@code jvm=-Dicpbench.cds=off} beside its twin.
 *
 * <p><b>Quiet.</b> The forks run with {@code -Xlog:cds*=off,aot*=off}: with an archive, JDK 25 prints
 * "[error][cds] Mismatched values for property jdk.module.enable.native.access" (the JDK's base
 * archive was dumped without {@code --enable-native-access}; harmless) on standard output, where
 * {@code send} prints its JSON and {@code fork} its JMH log.
 *
 * <p><b>Off.</b> {@code ICPBENCH_CDS=off} (or {@code 0}, {@code false}, {@code no}),
 * {@code -Dicpbench.cds=off} for the harness, or {@code jvm=-Dicpbench.cds=off} in one arm. It is off
 * by itself for commands other than {@code fork}, for a class path with a directory (the tests: the
 * JVM cannot archive classes from directories), when {@code JAVA_TOOL_OPTIONS},
 * {@code JDK_JAVA_OPTIONS} or {@code _JAVA_OPTIONS} are set (they may load agents), and when the
 * directory cannot be written or has less than 256 MiB free.
 *
 * <p>This class decides and gives a fork its flags; {@link CdsArchives} names the archives and
 * their directory, {@link CdsTraining} runs the training.
 */
public final class ClassDataSharing {
    /** System property that turns it off ({@code off}, {@code false}, {@code 0}, {@code no}). */
    public static final String PROPERTY = "icpbench.cds";
    /** Environment variable that turns it off, as {@link #PROPERTY}. */
    public static final String ENV = "ICPBENCH_CDS";
    /** System property naming the archives' directory. */
    public static final String DIR_PROPERTY = "icpbench.cds.dir";
    /** Environment variable naming the archives' directory. */
    public static final String DIR_ENV = "ICPBENCH_CDS_DIR";
    /** The only command whose JVMs get an archive. */
    static final String COMMAND = "fork";
    /** Turns off the JVM's class data sharing messages, which it prints on standard output. */
    static final String QUIET = "-Xlog:cds*=off,aot*=off";
    static final List<String> AGENT_FLAGS = List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:+AllowArchivingWithJavaAgent");

    /** A user's flag that loads an agent or sets up class data sharing itself. */
    private static final Pattern OWN_FLAG = Pattern.compile("-Xshare.*|-javaagent.*|-agentlib.*|-agentpath.*|-Xrun.*"
            + "|-XX:[+-]?(\\w*Shared\\w*|AOT\\w*|ArchiveClassesAtExit|DumpLoadedClassList|SharedClassListFile)(=.*)?");
    private static final List<String> OPTION_ENVS = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");

    /** The decision per archive in this JVM: its flags, or an empty list. */
    private static final Map<String, List<String>> DECIDED = new ConcurrentHashMap<>();

    private ClassDataSharing() {
    }

    /**
     * The flags that make a fork JVM map its archive, to put right after {@code java}; an empty list
     * when it does not get one. The first call for a JDK, flag set and build trains the archive
     * (seconds); never throws.
     *
     * @param java         the java launcher
     * @param jvmArgs      all the JVM's flags and system properties, as they will run (promotion agent included)
     * @param userJvmArgs  the part of them the user gave (an arm's {@code jvm=})
     * @param classpath    the class path
     * @param args         the arguments to {@link Main}
     */
    public static List<String> flags(String java, List<String> jvmArgs, List<String> userJvmArgs, String classpath, List<String> args) {
        try {
            List<String> cp = classpath == null || classpath.isEmpty() ? List.of() : List.of(classpath.split(File.pathSeparator, -1));
            String why = whyNot(userJvmArgs, cp, args, System.getenv(), System.getProperty(PROPERTY));
            if (why != null) {
                return List.of();
            }
            Path dir = CdsArchives.directory(cp);
            if (!CdsArchives.usable(dir)) {
                return List.of();
            }
            return prepare(java, jvmArgs, classpath, CdsTraining.trainingArgs(args, null), dir);
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    /** Why a JVM with these settings gets no archive, in words; null when it may get one. */
    static String whyNot(List<String> userJvmArgs, List<String> classpath, List<String> args, Map<String, String> env, String property) {
        if (isOff(property)) {
            return "-D" + PROPERTY + "=" + property;
        }
        if (isOff(env.get(ENV))) {
            return ENV + "=" + env.get(ENV);
        }
        for (String a : userJvmArgs) {
            if (a.startsWith("-D" + PROPERTY + "=") && isOff(a.substring(PROPERTY.length() + 3))) {
                return "the arm's " + a;
            }
            if (OWN_FLAG.matcher(a).matches()) {
                return "the JVM flag " + a + " (an agent or class data sharing of its own)";
            }
        }
        if (args.isEmpty() || !args.get(0).equals(COMMAND)) {
            return "not a fork (" + (args.isEmpty() ? "no command" : args.get(0)) + ")";
        }
        for (String e : OPTION_ENVS) {
            String v = env.get(e);
            if (v != null && !v.isBlank()) {
                return e + " is set";
            }
        }
        if (classpath.isEmpty()) {
            return "no class path";
        }
        for (String entry : classpath) {
            if (entry.isEmpty() || !Files.isRegularFile(Path.of(entry))) {
                return "the class path entry '" + entry + "' is not a jar (the JVM archives classes from jars only)";
            }
        }
        return null;
    }

    private static boolean isOff(String v) {
        return v != null && List.of("off", "false", "0", "no").contains(v.trim().toLowerCase(Locale.ROOT));
    }

    /**
     * The archive for this JVM and class path in {@code dir}: trains and checks it if there is none
     * (and no earlier attempt failed), and returns the flags that use it, or an empty list.
     *
     * @param trainingArgs the arguments to {@link Main} of the training JVM
     */
    static synchronized List<String> prepare(String java, List<String> jvmArgs, String classpath, List<String> trainingArgs, Path dir) {
        boolean agent = jvmArgs.stream().anyMatch(a -> a.startsWith("-javaagent"));
        List<Path> cp = new ArrayList<>();
        for (String e : classpath.split(File.pathSeparator, -1)) {
            cp.add(Path.of(e));
        }
        String family = CdsArchives.family(System.getProperty("java.home"), System.getProperty("java.vm.version"), jvmArgs);
        String build = CdsArchives.build(cp);
        if (build == null) {
            return List.of();
        }
        String name = COMMAND + "-" + family + "-" + build;
        List<String> decided = DECIDED.get(dir.resolve(name).toString());
        if (decided == null) {
            decided = decide(java, jvmArgs, classpath, trainingArgs, dir, family, name, agent);
            DECIDED.put(dir.resolve(name).toString(), decided);
        }
        return decided;
    }

    /** Uses, trains or gives up on the archive {@code name}, under a file lock shared with other harness JVMs. */
    private static List<String> decide(String java, List<String> jvmArgs, String classpath, List<String> trainingArgs, Path dir, String family,
            String name, boolean agent) {
        Path archive = dir.resolve(name + ".jsa");
        List<String> use = new ArrayList<>(agent ? AGENT_FLAGS : List.of());
        use.add("-XX:SharedArchiveFile=" + archive);
        use.add(QUIET);
        List<String> flags = List.copyOf(use);
        try {
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(dir.resolve(name + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock _ = ch.lock()) {
                if (Files.isRegularFile(archive)) {
                    return flags;
                }
                if (Files.exists(dir.resolve(name + ".failed"))) {
                    return List.of();
                }
                // A training of this build that a killed harness left behind (the lock is ours now).
                try (DirectoryStream<Path> left = Files.newDirectoryStream(dir, name + ".jsa.*.tmp")) {
                    for (Path f : left) {
                        Files.deleteIfExists(f);
                    }
                }
                String failure = CdsTraining.train(java, jvmArgs, classpath, trainingArgs, dir, name, archive, flags, agent);
                if (failure != null) {
                    Files.writeString(dir.resolve(name + ".failed"), failure + System.lineSeparator());
                    return List.of();
                }
                CdsArchives.removeOlderBuilds(dir, COMMAND + "-" + family + "-", name);
                return flags;
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }
}
