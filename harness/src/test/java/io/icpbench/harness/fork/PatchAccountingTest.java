package io.icpbench.harness.fork;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.icpbench.harness.Main;
import io.icpbench.results.RunResults;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sources of the patch accounting: the JIT log's parser, the in-fork patch cost, the promoted check, sites.json. */
class PatchAccountingTest {
    /** A log captured on JDK 25.0.3 (Temurin) by 'icpbench stack --mode dynamic-call', the window of 400,000 measured packets. */
    static List<String> sample() throws IOException {
        try (var in = PatchAccountingTest.class.getResourceAsStream("/jit-compilation-jdk25.log")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    @Test
    void theJitLogCountsDependencyInvalidationsApartFromRetiredTiersAndTraps() throws IOException {
        JitLog.Counts c = JitLog.parse(sample());
        assertThat(c.invalidations()).isEqualTo(10);
        assertThat(c.uncommonTraps()).isEqualTo(4);
        assertThat(c.reasons()).containsEntry("not used", 101L).containsEntry("marked for deoptimization", 10L)
                .containsEntry("uncommon trap", 4L);
        assertThat(c.methods()).containsEntry("io.icpbench.stack.NetStack::nfHookSlow", 2L);
        assertThat(c.methods().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(10);
    }

    @Test
    void osrAndOtherReasonsParseToo() {
        JitLog.Counts c = JitLog.parse(List.of(
                "[3.104s]  1812 % !   4       io.icpbench.stack.NetStack::netRxAction @ 42 (241 bytes)   made not entrant: marked for deoptimization",
                "[0.840s]  103       3       java.lang.System$1::uncheckedCountPositives (7 bytes)   made not entrant: OSR invalidation back branch",
                "[1.095s] 1661       3       java.util.concurrent.locks.AbstractQueuedSynchronizer::signalNext (34 bytes)   made not entrant: C1 code patch",
                "[1.2s]  1700       4       a.B::c (3 bytes)",
                "garbage made not entrant"));
        assertThat(c.invalidations()).isEqualTo(1);
        assertThat(c.methods()).containsOnlyKeys("io.icpbench.stack.NetStack::netRxAction");
        assertThat(c.reasons()).containsOnlyKeys("marked for deoptimization", "OSR invalidation back branch", "C1 code patch");
    }

    /** Chunks of 1 ms each; {@code slow} chunks take {@code slowMs}; patches happen in the chunks listed. */
    static PatchCost.Estimate chunks(int n, int[] patchAt, int[] slow, long slowNanos, long horizon) {
        long[] start = new long[n];
        long[] end = new long[n];
        long[] patches = new long[n];
        long t = 0;
        long p = 5;
        for (int i = 0; i < n; i++) {
            final int k = i;
            if (java.util.Arrays.stream(patchAt).anyMatch(x -> x == k)) {
                p++;
            }
            long d = java.util.Arrays.stream(slow).anyMatch(x -> x == k) ? slowNanos : 1_000_000;
            start[i] = t;
            end[i] = t + d;
            patches[i] = p;
            t += d;
        }
        return PatchCost.estimate(start, end, patches, n, 5, horizon, 8);
    }

    @Test
    void aPatchCostsTheExcessOfTheChunksAfterItOverTheQuietMedian() {
        // One patch at chunk 100, the worker 2 ms slower in each of 5 chunks: 10 ms = 10,000 µs.
        PatchCost.Estimate e = chunks(400, new int[] {100}, new int[] {100, 101, 102, 103, 104}, 3_000_000, 50_000_000);
        assertThat(e.patches()).isEqualTo(1);
        assertThat(e.usPerPatch()).isCloseTo(10_000, within(1e-6));
        // Two patches far apart, each with the same cost: still 10,000 µs per patch.
        e = chunks(400, new int[] {100, 300}, new int[] {100, 101, 102, 103, 104, 300, 301, 302, 303, 304}, 3_000_000, 50_000_000);
        assertThat(e.patches()).isEqualTo(2);
        assertThat(e.usPerPatch()).isCloseTo(10_000, within(1e-6));
    }

    @Test
    void withoutPatchesOrQuietChunksThereIsNoEstimate() {
        assertThat(chunks(400, new int[] {}, new int[] {}, 0, 50_000_000).usPerPatch()).isNull();
        int[] every = java.util.stream.IntStream.range(0, 400).filter(i -> i % 20 == 0).toArray();
        PatchCost.Estimate e = chunks(400, every, new int[] {}, 0, 50_000_000);
        assertThat(e.quiet()).isZero();
        assertThat(e.usPerPatch()).isNull();
        assertThat(e.patches()).isEqualTo(20);
        // A recorder that overflows says so by giving no estimate.
        PatchCost small = new PatchCost(0, 2);
        for (int i = 0; i < 3; i++) {
            small.record(i, i + 1, i);
        }
        assertThat(small.estimate().usPerPatch()).isNull();
        assertThat(PatchCost.meanUsPerPatch(List.of(e, new PatchCost.Estimate(1, 10, 10, 4e6, 4000.0), new PatchCost.Estimate(1, 10, 10, 2e6,
                2000.0)))).isEqualTo(3000.0);
        assertThat(PatchCost.meanUsPerPatch(List.of(e))).isNull();
    }

    @Test
    void aPromotedJvmWithFailedClassesOrNoSitesIsNotPromoted() {
        assertThat(PromotedCheck.problem(true, 0, 14, 12, "all")).isNull();
        assertThat(PromotedCheck.problem(false, 0, 0, 0, "all")).contains("without the promotion agent");
        assertThat(PromotedCheck.problem(true, 1, 14, 12, "all")).contains("failed to rewrite 1 class ").doesNotContain("\n");
        assertThat(PromotedCheck.problem(true, 2, 14, 12, "none")).contains("failed to rewrite 2 classes");
        assertThat(PromotedCheck.problem(true, 0, 14, 0, "all")).contains("no learned site registered after the warmup");
        // --sites none asks for no site: none registered is what was asked.
        assertThat(PromotedCheck.problem(true, 0, 0, 0, "none")).isNull();
    }

    @Test
    void aPromotedStackRunWhoseSitesNeverRegisterFails(@TempDir Path dir) {
        // Every site name starts with a letter or a digit: excluding all of them leaves the agent nothing to rewrite.
        String all = java.util.stream.Stream.of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".split(""))
                .collect(java.util.stream.Collectors.joining(","));
        assertThat(Main.run("stack", "--mode", "promoted", "--exclude", all, "--packets", "20000", "--warmup", "20000", "--out", dir.toString()))
                .isEqualTo(1);
        assertThat(dir.resolve(SiteReport.FILE)).doesNotExist();
    }

    @Test
    void aSchema1SitesFileIsAOneLineError(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(SiteReport.FILE), "{\"schema\": 1, \"mode\": \"dynamic-call\", \"profile\": \"default\", \"packets\": 1, "
                + "\"deopts\": 0, \"compilations\": 0, \"sites\": []}");
        assertThatThrownBy(() -> SiteReport.read(dir)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schema 1")
                .hasMessageContaining("run 'icpbench stack' again").hasMessageNotContaining("\n");
        assertThat(Main.run("sites", dir.toString())).isEqualTo(2);
    }

    @Test
    void aSitesFileRoundTrips(@TempDir Path dir) {
        RunResults.Accounting a = new RunResults.Accounting(1000, 4, 2, 6, 3, 2, 0, 10, 12.0, 900.0, null, java.util.Map.of("a.B::c", 2L),
                java.util.Map.of("7 nf_hook_entry->hook", new RunResults.SiteAccounting("stub", 4, 2, 0)));
        SiteReport r = new SiteReport(SiteReport.SCHEMA, "dynamic-call", "default", 1000, 450.0, a, List.of(new SiteReport.Site(
                "7 nf_hook_entry->hook", "top-2", "striped", "stub", List.of("Hooks.ConntrackIn"), 10, 2, 4, 2, 3, 0,
                new java.util.LinkedHashMap<>(java.util.Map.of("Hooks.ConntrackIn", 900L)))));
        r.write(dir);
        assertThat(SiteReport.read(dir)).isEqualTo(r);
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        r.print(new java.io.PrintStream(buf, true, StandardCharsets.UTF_8));
        assertThat(buf.toString(StandardCharsets.UTF_8)).contains("compiled methods invalidated: 2").contains("Bristot").contains("placement")
                .contains("Hooks.ConntrackIn 100%  (900 counted)").doesNotContain("deopt");
    }
}
