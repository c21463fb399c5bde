package io.icpbench.dispatch.promote;

import static io.icpbench.dispatch.promote.PromoteSupport.FIXTURE;
import static io.icpbench.dispatch.promote.PromoteSupport.FIXTURE_INTERNAL;
import static io.icpbench.dispatch.promote.PromoteSupport.original;
import static org.assertj.core.api.Assertions.assertThat;

import io.icpbench.dispatch.promote.fixture.AgentMain;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load-time path for real: the fixture's {@link AgentMain} in a JVM started with the promotion
 * agent and in one without, compared line by line. Two forks for the whole class.
 */
class PromotionAgentForkTest {
    record Run(int exit, Map<String, String> out, String stdout, String stderr) {
        String get(String key) {
            assertThat(out).as("stdout:%n%s%nstderr:%n%s", stdout, stderr).containsKey(key);
            return out.get(key);
        }

        /** stderr before AgentMain loads SelfMerge. */
        String stderrBeforeSelfMerge() {
            int i = stderr.indexOf(AgentMain.SELF_MERGE_MARKER);
            return i < 0 ? stderr : stderr.substring(0, i);
        }
    }

    @TempDir
    static Path dir;

    static Run plain;
    static Run promoted;

    @BeforeAll
    static void fork() throws Exception {
        Path agentJar = PromotionAgent.manifestJar();
        try {
            plain = run("plain", List.of());
            promoted = run("promoted", List.of("-javaagent:" + agentJar + "=packages=" + FIXTURE, "-Dicpbench.promote.verbose=true"));
        } finally {
            Files.deleteIfExists(agentJar);
        }
    }

    static Run run(String name, List<String> flags) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classes = Path.of(PromotionAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        String testClasses = PromoteSupport.classesRoot().toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1"));
        cmd.addAll(flags);
        cmd.addAll(List.of("-cp", classes + File.pathSeparator + testClasses, AgentMain.class.getName()));
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(name + " JVM did not finish: " + cmd);
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        Map<String, String> map = new LinkedHashMap<>();
        stdout.lines().forEach(l -> {
            int eq = l.indexOf('=');
            if (eq > 0) {
                map.put(l.substring(0, eq), l.substring(eq + 1));
            }
        });
        return new Run(p.exitValue(), map, stdout, Files.readString(err, StandardCharsets.UTF_8));
    }

    static List<String> sitesOf(String simpleName) throws IOException {
        return PromoteSupport.rewriter(PromoteSupport.options()).rewrite(original(FIXTURE_INTERNAL + "/" + simpleName), null).sites();
    }

    @Test
    void theAgentRewritesAtLoadTimeAndResultsAreTheSame() throws IOException {
        assertThat(plain.exit()).as(plain.stderr()).isZero();
        assertThat(promoted.exit()).as(promoted.stderr()).isZero();
        for (String shape : List.of("applyLoop", "describeLoop", "handleLoop", "bothLoop", "subLoop", "counterLoop", "lambdaLoop",
                "throwLoop", "mixLoop", "objectMethods", "mergeAt", "nullReceiver")) {
            for (int round = 0; round < 2; round++) {
                assertThat(promoted.get(shape + round)).as(shape + round).isEqualTo(plain.get(shape + round));
            }
        }
        assertThat(plain.get("nullReceiver0")).isEqualTo("NullPointerException");
        assertThat(plain.get("agent")).isEqualTo("false");
        assertThat(plain.get("learnedSites")).isEqualTo("0");
        assertThat(promoted.get("agent")).isEqualTo("true");
        assertThat(promoted.get("failedClasses")).isEqualTo("0");
        assertThat(Integer.parseInt(promoted.get("sitesWithTargets"))).as("learned sites with installed targets").isPositive();

        assertThat(printedSites()).containsAll(sitesOf("Caller"));
        assertThat(Integer.parseInt(promoted.get("rewrittenSites"))).isGreaterThanOrEqualTo(sitesOf("Caller").size());
        assertThat(promoted.stderrBeforeSelfMerge()).doesNotContain("warning").doesNotContain("Exception");
    }

    /** The sites the agent printed (verbose) before AgentMain loads SelfMerge. */
    static List<String> printedSites() {
        return promoted.stderrBeforeSelfMerge().lines().filter(l -> l.startsWith("icpbench promote: "))
                .map(l -> l.substring("icpbench promote: ".length())).toList();
    }

    /**
     * Ops (whose default method describe calls apply: one site) first loads while the agent is
     * still rewriting Caller, if the rewriter makes the JVM load it then (a class loaded inside a
     * transformer is not passed to the transformer). Every class of the packages must be
     * rewritten, whatever loads it first.
     */
    @Test
    void aClassFirstLoadedWhileAnotherIsBeingRewrittenIsRewrittenToo() throws IOException {
        List<String> expected = new ArrayList<>(sitesOf("Caller"));
        expected.addAll(sitesOf("Ops"));
        assertThat(printedSites()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(Integer.parseInt(promoted.get("rewrittenSites"))).isEqualTo(expected.size());
    }

    /**
     * SelfMerge.pick joins {@code this} and a Doubler at a branch before its site, so rewriting it
     * needs SelfMerge's own supertypes while SelfMerge is being loaded: the class must still load
     * (rewritten, or at worst unchanged) and run.
     */
    @Test
    void aClassWhoseRewritingNeedsItsOwnHierarchyStillLoadsUnderTheAgent() {
        assertThat(plain.get("selfMerge")).isEqualTo("4,10");
        assertThat(promoted.get("selfMerge")).as("stderr:%n%s", promoted.stderr()).isEqualTo("4,10");
        assertThat(promoted.exit()).isZero();
    }
}
