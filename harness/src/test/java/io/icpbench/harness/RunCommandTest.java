package io.icpbench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import io.icpbench.results.ResultsFiles;
import io.icpbench.results.RunResults;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny end-to-end run: real forks (one JVM each), results on disk, then a resume. */
class RunCommandTest {
    static final String[] TINY = {"--modes", "virtual,dynamic-call", "--arm", "dc-once=dynamic-call;placement=stub;policy=cree,learn-once",
        "--forks", "1", "--warmup-iterations", "1", "--iterations", "2",
        "--iteration-time", "0.2", "--profile", "udp-only", "--seed", "7", "--no-calibration"};

    static int run(String... args) {
        PrintStream out = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try {
            return Main.run(args);
        } finally {
            System.setOut(out);
            System.out.print(buf);
        }
    }

    @Test
    void aTinyRunWritesValidResultsAndResumeCompletesAStoppedOne(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        String[] args = concat(new String[] {"run", "--out", dir.toString()}, TINY);
        assertThat(run(args)).isZero();
        RunResults r = ResultsFiles.read(dir);
        assertThat(r.plan()).hasSize(3);
        assertThat(r.forks()).hasSize(3);
        assertThat(r.settings().seed()).isEqualTo(7);
        assertThat(r.settings().armNames()).containsExactly("virtual", "dynamic-call", "dc-once");
        assertThat(r.settings().arm("dc-once").spec()).isEqualTo("dynamic-call;placement=stub;policy=cree,learn-once");
        assertThat(r.forks()).extracting(RunResults.ForkResult::arm).containsExactlyInAnyOrder("virtual", "dynamic-call", "dc-once");
        assertThat(r.forks()).extracting(RunResults.ForkResult::mode).containsExactlyInAnyOrder("virtual", "dynamic-call", "dynamic-call");
        for (RunResults.ForkResult f : r.forks()) {
            assertThat(f.scoresNsPerPacket()).hasSize(2).allSatisfy(s -> assertThat(s).isPositive());
            assertThat(f.outcomes()).containsOnlyKeys("udp_queued");
            assertThat(Files.size(dir.resolve(f.jmhJson()))).isPositive();
            assertThat(Files.readString(dir.resolve(f.hlog()))).contains("#[Histogram log format version");
            // The accounting: present and sane (never timing): counts are >= 0, updates >= patches, CPU and JIT time measured.
            RunResults.Accounting a = f.accounting();
            assertThat(a.packets()).isEqualTo(f.counters().get("IpInReceives")).isPositive();
            assertThat(a.updates()).isGreaterThanOrEqualTo(a.patches());
            assertThat(a.patches()).isNotNegative();
            assertThat(a.patchesTotal()).isGreaterThanOrEqualTo(a.patches());
            assertThat(a.invalidations()).isNotNegative();
            assertThat(a.uncommonTraps()).isNotNegative();
            assertThat(a.compilations()).isNotNegative();
            assertThat(a.jitMillis()).isNotNegative();
            assertThat(a.cpuNsPerPacket()).isPositive();
            if (a.usPerPatch() != null) {
                assertThat(a.patches()).isPositive();
            }
            assertThat(dir.resolve(String.format("fork-%03d/jit.log", f.index()))).exists();
        }
        RunResults.ForkResult once = r.forks().stream().filter(f -> f.arm().equals("dc-once")).findFirst().orElseThrow();
        assertThat(once.accounting().siteAccounting()).isNotEmpty().allSatisfy((site, sa) -> {
            assertThat(sa.updates()).isGreaterThanOrEqualTo(sa.patches()).isNotNegative();
            assertThat(sa.placement()).isEqualTo("stub");
        });
        // learn-once patches each site once at most (in the warmup, or in the measurement for a site whose traffic is rare).
        assertThat(once.accounting().patchesTotal()).isPositive().isLessThanOrEqualTo(once.accounting().siteAccounting().size());
        RunResults.ForkResult dyn = r.forks().stream().filter(f -> f.mode().equals("dynamic-call")).findFirst().orElseThrow();
        assertThat(dyn.sites()).isNotEmpty();
        assertThat(Files.readAllLines(dir.resolve(ResultsFiles.CSV))).hasSize(1 + 6);

        // A run stopped after its first fork: the others are missing; --resume runs only those, each in its arm.
        RunResults stopped = new RunResults(r.schema(), r.settings(), r.provenance(), r.plan(), List.of(r.forks().get(0)));
        ResultsFiles.write(dir, stopped);
        assertThat(run("run", "--resume", dir.toString(), "--no-calibration")).isZero();
        RunResults resumed = ResultsFiles.read(dir);
        assertThat(resumed.forks()).hasSize(3);
        assertThat(resumed.forks().get(0)).isEqualTo(r.forks().get(0));
        assertThat(resumed.settings()).isEqualTo(r.settings());
        for (int i = 1; i < 3; i++) {
            assertThat(resumed.forks().get(i).index()).isEqualTo(r.forks().get(i).index());
            assertThat(resumed.forks().get(i).arm()).isEqualTo(r.forks().get(i).arm());
        }
        String log = Files.readString(dir.resolve(String.format("fork-%03d/fork.log",
                resumed.forks().stream().filter(f -> f.arm().equals("dc-once")).findFirst().orElseThrow().index())));
        assertThat(log).contains("-Dicpbench.policy=cree,learn-once").contains("-Dicpbench.placement=stub").contains("--arm dc-once");
    }

    @Test
    void aRunRefusesToOverwriteAnotherAndBadOptionsAreClearErrors(@TempDir Path tmp) {
        Path dir = tmp.resolve("run");
        ResultsFiles.write(dir, new RunResults(RunResults.SCHEMA,
                new RunResults.Settings(List.of(RunResults.Arm.ofMode("virtual")), "default", 0, 1, "all", 1, 1, 1, 1, 1, false),
                RunCommand.provenance(), ForkPlan.plan(List.of(RunResults.Arm.ofMode("virtual")), 1, 1), List.of()));
        assertThat(Main.run("run", "--out", dir.toString(), "--forks", "1")).isEqualTo(2);
        assertThat(Main.run("run", "--modes", "virtual,nosuch", "--out", tmp.resolve("x").toString())).isEqualTo(2);
        assertThat(Main.run("run", "--forks", "0", "--out", tmp.resolve("y").toString())).isEqualTo(2);
        assertThat(Main.run("run", "--resume", tmp.resolve("nothing").toString())).isEqualTo(2);
    }

    static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
