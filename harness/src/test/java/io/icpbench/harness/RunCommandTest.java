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
    static final String[] TINY = {"--modes", "virtual,dynamic-call", "--forks", "1", "--warmup-iterations", "1", "--iterations", "2",
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
        assertThat(r.plan()).hasSize(2);
        assertThat(r.forks()).hasSize(2);
        assertThat(r.settings().seed()).isEqualTo(7);
        assertThat(r.forks()).extracting(RunResults.ForkResult::mode).containsExactlyInAnyOrder("virtual", "dynamic-call");
        for (RunResults.ForkResult f : r.forks()) {
            assertThat(f.scoresNsPerPacket()).hasSize(2).allSatisfy(s -> assertThat(s).isPositive());
            assertThat(f.outcomes()).containsOnlyKeys("udp_queued");
            assertThat(Files.size(dir.resolve(f.jmhJson()))).isPositive();
            assertThat(Files.readString(dir.resolve(f.hlog()))).contains("#[Histogram log format version");
        }
        RunResults.ForkResult dyn = r.forks().stream().filter(f -> f.mode().equals("dynamic-call")).findFirst().orElseThrow();
        assertThat(dyn.sites()).isNotEmpty();
        assertThat(Files.readAllLines(dir.resolve(ResultsFiles.CSV))).hasSize(1 + 4);

        // A run stopped after its first fork: the second is missing; --resume runs only that one.
        RunResults stopped = new RunResults(r.schema(), r.settings(), r.provenance(), r.plan(), List.of(r.forks().get(0)));
        ResultsFiles.write(dir, stopped);
        assertThat(run("run", "--resume", dir.toString(), "--no-calibration")).isZero();
        RunResults resumed = ResultsFiles.read(dir);
        assertThat(resumed.forks()).hasSize(2);
        assertThat(resumed.forks().get(0)).isEqualTo(r.forks().get(0));
        assertThat(resumed.forks().get(1).index()).isEqualTo(r.forks().get(1).index());
    }

    @Test
    void aRunRefusesToOverwriteAnotherAndBadOptionsAreClearErrors(@TempDir Path tmp) {
        Path dir = tmp.resolve("run");
        ResultsFiles.write(dir, new RunResults(RunResults.SCHEMA,
                new RunResults.Settings(List.of("virtual"), "default", 0, 1, "all", 1, 1, 1, 1, 1, false),
                RunCommand.provenance(), ForkPlan.plan(List.of("virtual"), 1, 1), List.of()));
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
