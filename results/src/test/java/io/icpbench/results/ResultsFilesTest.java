package io.icpbench.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsFilesTest {
    static RunResults sample() {
        RunResults.Settings settings = new RunResults.Settings(List.of(RunResults.Arm.ofMode("virtual"), RunResults.Arm.ofMode("promoted")),
                "default", 0, 1, "all", 2, 5, 10, 1.0, 81, false);
        RunResults.Provenance prov = new RunResults.Provenance("25", List.of("--x"), "cpu", "Linux 6", 2, "abc123", "2026-11-29T00:00:00Z");
        List<RunResults.PlannedFork> plan = List.of(new RunResults.PlannedFork(0, 0, "promoted", "promoted"),
                new RunResults.PlannedFork(1, 0, "virtual", "virtual"), new RunResults.PlannedFork(2, 1, "virtual", "virtual"),
                new RunResults.PlannedFork(3, 1, "promoted", "promoted"));
        RunResults r = new RunResults(RunResults.SCHEMA, settings, prov, plan, List.of());
        r = r.with(fork(0, 0, "promoted", 150.0, 152.0));
        return r.with(fork(1, 0, "virtual", 160.0, 158.0));
    }

    static RunResults.ForkResult fork(int index, int block, String mode, double... scores) {
        RunResults.Accounting a = new RunResults.Accounting(1_000_000, 3, 1, 5, 2, 2, 0, 100, 12.5, 310.0, 240.0,
                Map.of("NetStack::nfHookSlow", 2L), Map.of("site", new RunResults.SiteAccounting("stub", 3, 1, 0)));
        return new RunResults.ForkResult(index, block, mode, mode, java.util.Arrays.stream(scores).boxed().toList(), 6.5e6,
                Map.of("IpInReceives", 10L), Map.of("udp_queued", 10L), Map.of("site", List.of("A", "B")), a,
                "fork-000/jmh.json", "fork-000/latency.hlog", 12.5);
    }

    @Test
    void roundTrip(@TempDir Path dir) {
        RunResults r = sample();
        ResultsFiles.write(dir, r);
        RunResults back = ResultsFiles.read(dir);
        assertThat(back).isEqualTo(r);
        assertThat(back.finished(1)).isTrue();
        assertThat(back.finished(2)).isFalse();
        assertThat(back.forks().get(0).meanNsPerPacket()).isEqualTo(151.0);
    }

    @Test
    void csvHasOneRowPerIteration(@TempDir Path dir) throws IOException {
        ResultsFiles.write(dir, sample());
        List<String> lines = Files.readAllLines(dir.resolve(ResultsFiles.CSV));
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).isEqualTo("fork,block,arm,mode,iteration,ns_per_packet,packets_per_second");
        assertThat(lines.get(1)).startsWith("0,0,promoted,promoted,0,150.0000,");
    }

    @Test
    void truncatedFileNamesTheFileAndThePosition(@TempDir Path dir) throws IOException {
        ResultsFiles.write(dir, sample());
        Path f = dir.resolve(ResultsFiles.RESULTS);
        byte[] all = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(all, all.length / 2));
        assertThatThrownBy(() -> ResultsFiles.read(dir)).isInstanceOf(ResultsException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("not valid JSON").hasMessageContaining("line");
    }

    @Test
    void wrongTypeNamesTheField(@TempDir Path dir) throws IOException {
        ResultsFiles.write(dir, sample());
        Path f = dir.resolve(ResultsFiles.RESULTS);
        Files.writeString(f, Files.readString(f).replaceFirst("\"scoresNsPerPacket\" : \\[", "\"scoresNsPerPacket\" : [\"fast\", "));
        assertThatThrownBy(() -> ResultsFiles.read(dir)).isInstanceOf(ResultsException.class)
                .hasMessageContaining("forks[0].scoresNsPerPacket");
    }

    @Test
    void otherSchemaAndMissingFieldsAreRejected(@TempDir Path dir) throws IOException {
        ResultsFiles.write(dir, sample());
        Path f = dir.resolve(ResultsFiles.RESULTS);
        String text = Files.readString(f);
        Files.writeString(f, text.replace("\"schema\" : 4", "\"schema\" : 7"));
        assertThatThrownBy(() -> ResultsFiles.read(dir)).hasMessageContaining("'schema' is 7");
        Files.writeString(f, text.replace("\"schema\" : 4,", ""));
        assertThatThrownBy(() -> ResultsFiles.read(dir)).hasMessageContaining("'schema' is missing");
        Files.writeString(f, "[1, 2]");
        assertThatThrownBy(() -> ResultsFiles.read(dir)).hasMessageContaining("expected a JSON object");
        Files.writeString(f, text.replace("\"mode\" : \"virtual\",\n    \"scoresNsPerPacket\"", "\"mode\" : \"nosuch\",\n    \"scoresNsPerPacket\""));
        assertThatThrownBy(() -> ResultsFiles.read(dir)).hasMessageContaining("not in the plan");
    }

    @Test
    void aSchema2FileReadsWithTheFirstArmAsBaselineSequentialAndNoNoise(@TempDir Path dir) throws IOException {
        ResultsFiles.write(dir, sample());
        Path f = dir.resolve(ResultsFiles.RESULTS);
        String text = Files.readString(f).replace("\"schema\" : 4", "\"schema\" : 2").replaceAll(",\\s*\"phases\" : \\[ \\]", "")
                .replaceAll(",\\s*\"baseline\" : \"[^\"]*\"", "").replaceAll(",\\s*\"design\" : \"[^\"]*\"", "")
                .replaceAll(",\\s*\"noise\" : null", "").replaceAll(",\\s*\"planted\" : null", "");
        assertThat(text).doesNotContain("baseline").doesNotContain("design").doesNotContain("noise").doesNotContain("planted")
                .doesNotContain("phases");
        Files.writeString(f, text);
        RunResults r = ResultsFiles.read(dir);
        assertThat(r.settings().baseline()).isEqualTo(r.settings().armNames().get(0));
        assertThat(r.settings().design()).isEqualTo(RunResults.Settings.SEQUENTIAL);
        assertThat(r.forks()).allSatisfy(fork -> assertThat(fork.noise()).isNull());
    }

    /** Schema 3 (before phases): read as schema 4 with no phases, and written back as schema 4. */
    @Test
    void aSchema3FileReadsWithoutPhases(@TempDir Path dir) throws IOException {
        ResultsFiles.write(dir, sample());
        Path f = dir.resolve(ResultsFiles.RESULTS);
        String text = Files.readString(f).replace("\"schema\" : 4", "\"schema\" : 3").replaceAll(",\\s*\"phases\" : \\[ \\]", "");
        assertThat(text).contains("\"schema\" : 3").doesNotContain("phases");
        Files.writeString(f, text);
        RunResults r = ResultsFiles.read(dir);
        assertThat(r.schema()).isEqualTo(4);
        assertThat(r.settings().phases()).isEmpty();
        assertThat(r).isEqualTo(sample());
        ResultsFiles.write(dir, r);
        assertThat(Files.readString(f)).contains("\"schema\" : 4").contains("\"phases\" : [ ]");
    }

    /** Schema 4: the phases round-trip; phases that do not cover the measured iterations are refused, naming them. */
    @Test
    void phasesRoundTripAndMustCoverTheIterations(@TempDir Path dir) throws IOException {
        RunResults s = sample();
        List<RunResults.Phase> phases = List.of(new RunResults.Phase("ipv4", 0, 4), new RunResults.Phase("ipv6", 5, 9));
        RunResults r = new RunResults(s.schema(), s.settings().withPhases(phases), s.provenance(), s.plan(), s.forks());
        ResultsFiles.write(dir, r);
        assertThat(ResultsFiles.read(dir)).isEqualTo(r);
        assertThat(ResultsFiles.read(dir).settings().phases()).containsExactlyElementsOf(phases);
        Path f = dir.resolve(ResultsFiles.RESULTS);
        String text = Files.readString(f);
        Files.writeString(f, text.replace("\"last\" : 9", "\"last\" : 7"));
        assertThatThrownBy(() -> ResultsFiles.read(dir)).isInstanceOf(ResultsException.class)
                .hasMessageContaining("settings.phases end at measured iteration 7, but the forks measure 10 iterations");
        Files.writeString(f, text.replace("\"first\" : 5", "\"first\" : 6"));
        assertThatThrownBy(() -> ResultsFiles.read(dir)).isInstanceOf(ResultsException.class)
                .hasMessageContaining("phase ipv6 covers measured iterations 6-9");
        // Merged runs keep the phases of the first.
        assertThat(ResultsFiles.merge(List.of(r, r)).settings().phases()).isEqualTo(phases);
    }

    /**
     * A fork's rate is its packets over its measured time: its iterations are fixed-time, so the mean
     * of their rates, not 1e9 over the mean ns/packet (the harmonic mean of the rates, low by about
     * CV²). Whatever packetsPerSecond a file holds (older files: the harmonic mean), the rate comes from the scores.
     */
    @Test
    void aForksRateIsThePacketsOverItsTimeTheMeanOfItsIterationsRates() {
        RunResults.ForkResult f = fork(0, 0, "virtual", 100.0, 300.0);
        // 0.1 s at 1e7/s and 0.1 s at 3.33e6/s: 1.33e6 packets in 0.2 s
        assertThat(f.rate()).isCloseTo((1e7 + 1e9 / 300) / 2, org.assertj.core.api.Assertions.within(1e-6));
        assertThat(1e9 / f.meanNsPerPacket()).isEqualTo(5e6).isLessThan(f.rate());
        assertThat(f.packetsPerSecond()).isEqualTo(6.5e6); // as recorded, and not what the analysis reads
        assertThat(RunResults.ForkResult.rateOf(List.of(100.0, 300.0))).isEqualTo(f.rate());
        assertThat(RunResults.ForkResult.rateOf(List.of())).isNaN();
        // cut to one phase: the phase's iterations' rate
        assertThat(f.inPhase(new RunResults.Phase("b", 1, 1)).packetsPerSecond()).isCloseTo(1e9 / 300, org.assertj.core.api.Assertions.within(1e-6));
    }

    /** A fork and a run cut to one phase: the phase's scores only, the rate theirs. */
    @Test
    void aRunCutToAPhaseKeepsThatPhasesIterations() {
        RunResults s = sample();
        RunResults r = new RunResults(s.schema(), new RunResults.Settings(s.settings().arms(), "p", 0, 1, "all", 2, 5, 2, 1.0, 81, false, null,
                null, List.of(new RunResults.Phase("a", 0, 0), new RunResults.Phase("b", 1, 1))), s.provenance(), s.plan(), s.forks());
        RunResults b = r.inPhase(r.settings().phases().get(1));
        assertThat(b.settings().phases()).isEmpty();
        assertThat(b.settings().iterations()).isEqualTo(1);
        assertThat(b.forks()).extracting(RunResults.ForkResult::scoresNsPerPacket).containsExactly(List.of(152.0), List.of(158.0));
        assertThat(b.forks().get(0).packetsPerSecond()).isEqualTo(1e9 / 152.0);
        // A fork cut short before a phase has none of it: left out.
        assertThat(r.forks().get(0).inPhase(new RunResults.Phase("c", 2, 3))).isNull();
    }

    @Test
    void aSchema1FileIsReadWithEachModeAnArmAndItsCountsAsTotals(@TempDir Path dir) throws IOException {
        Files.copy(ResultsFilesTest.class.getResourceAsStream("/schema1/results.json"), dir.resolve(ResultsFiles.RESULTS));
        RunResults r = ResultsFiles.read(dir);
        assertThat(r.schema()).isEqualTo(RunResults.SCHEMA);
        assertThat(r.settings().armNames()).containsExactly("virtual", "promoted");
        assertThat(r.settings().arm("promoted")).isEqualTo(RunResults.Arm.ofMode("promoted"));
        assertThat(r.settings().forksPerArm()).isEqualTo(2);
        assertThat(r.plan()).extracting(RunResults.PlannedFork::arm).containsExactly("promoted", "virtual", "virtual", "promoted");
        RunResults.ForkResult f = r.forks().get(0);
        assertThat(f.arm()).isEqualTo("promoted");
        assertThat(f.mode()).isEqualTo("promoted");
        assertThat(f.accounting().patchesTotal()).isEqualTo(1);
        assertThat(f.accounting().updatesTotal()).isEqualTo(3);
        assertThat(f.accounting().compilations()).isEqualTo(100);
        assertThat(f.accounting().patches()).isEqualTo(-1);
        assertThat(f.accounting().invalidations()).isEqualTo(-1);
        assertThat(f.accounting().usPerPatch()).isNull();
        assertThat(r.settings().phases()).isEmpty();
        // Written back, it is a schema-4 file.
        ResultsFiles.write(dir, r);
        assertThat(ResultsFiles.read(dir)).isEqualTo(r);
        assertThat(Files.readString(dir.resolve(ResultsFiles.RESULTS))).contains("\"schema\" : 4");
    }

    @Test
    void aBrokenSchema1FileNamesTheFileAndTheSchema(@TempDir Path dir) throws IOException {
        String text = new String(ResultsFilesTest.class.getResourceAsStream("/schema1/results.json").readAllBytes());
        Files.writeString(dir.resolve(ResultsFiles.RESULTS), text.replace("\"seconds\" : 12.5", "\"seconds\" : \"long\""));
        assertThatThrownBy(() -> ResultsFiles.read(dir)).isInstanceOf(ResultsException.class)
                .hasMessageContaining(dir.resolve(ResultsFiles.RESULTS).toString()).hasMessageContaining("schema 1, read as 4")
                .hasMessageContaining("forks[0].seconds").hasMessageNotContaining("\n");
    }

    @Test
    void aPlanThatRunsAnUndefinedArmIsRejected(@TempDir Path dir) throws IOException {
        ResultsFiles.write(dir, sample());
        Path f = dir.resolve(ResultsFiles.RESULTS);
        Files.writeString(f, Files.readString(f).replaceFirst("\"arm\" : \"promoted\"", "\"arm\" : \"elsewhere\""));
        assertThatThrownBy(() -> ResultsFiles.read(dir)).hasMessageContaining("arm 'elsewhere'");
    }

    @Test
    void mergingRunsThatDefineAnArmDifferentlyIsAnError() {
        RunResults a = sample();
        RunResults.Settings s = a.settings();
        RunResults.Settings other = new RunResults.Settings(List.of(RunResults.Arm.ofMode("virtual"),
                new RunResults.Arm("promoted", "promoted", "inline", null, null, null, null, List.of())), s.profile(), s.workNs(), s.workers(),
                s.sites(), s.forksPerArm(), s.warmupIterations(), s.iterations(), s.iterationSeconds(), s.seed(), s.quick());
        RunResults b = new RunResults(a.schema(), other, a.provenance(), a.plan(), a.forks());
        assertThatThrownBy(() -> ResultsFiles.merge(List.of(a, b))).hasMessageContaining("arm 'promoted' is promoted in one run and "
                + "promoted;placement=inline in another");
    }

    @Test
    void negativeOrEmptyScoresAreRejected(@TempDir Path dir) {
        RunResults r = sample().with(fork(2, 1, "virtual", -1.0));
        ResultsFiles.write(dir, r);
        assertThatThrownBy(() -> ResultsFiles.read(dir)).hasMessageContaining("forks[2].scoresNsPerPacket has -1.0");
    }

    @Test
    void missingFileIsAClearError(@TempDir Path dir) {
        assertThatThrownBy(() -> ResultsFiles.read(dir.resolve("nope"))).isInstanceOf(ResultsException.class)
                .hasMessageContaining("no such results file");
    }

    @Test
    void mergeRenumbersForksAndBlocks() {
        RunResults merged = ResultsFiles.merge(List.of(sample(), sample()));
        assertThat(merged.plan()).hasSize(8);
        assertThat(merged.forks()).extracting(RunResults.ForkResult::index).containsExactly(0, 1, 4, 5);
        assertThat(merged.forks()).extracting(RunResults.ForkResult::block).containsExactly(0, 0, 2, 2);
        assertThat(merged.forks().get(2).mode()).isEqualTo("promoted");
        assertThat(merged.forks().get(2).arm()).isEqualTo("promoted");
        assertThat(merged.settings().armNames()).containsExactly("virtual", "promoted");
    }

    @Test
    void theHostRoundTripsAndAFileWithoutOneReadsWithNone(@TempDir Path dir) throws IOException {
        RunResults r = sample();
        RunResults onHost = new RunResults(r.schema(), r.settings(), r.provenance().withHost("node07"), r.plan(), r.forks());
        ResultsFiles.write(dir, onHost);
        assertThat(ResultsFiles.read(dir).provenance().host()).isEqualTo("node07");
        Path file = dir.resolve(ResultsFiles.RESULTS);
        Files.writeString(file, Files.readString(file).replaceAll(",\\s*\"host\"\\s*:\\s*\"node07\"", ""));
        assertThat(Files.readString(file)).doesNotContain("host");
        assertThat(ResultsFiles.read(dir).provenance().host()).isNull();
    }

    static RunResults.JitFingerprint fingerprint(String site3) {
        return RunResults.JitFingerprint.of(List.of(new RunResults.SiteDecision(3, "ptype->callbacks.gro_receive", site3, "NetStack.napiGroReceive #2216")),
                List.of("UdpRcv.udpRcv -> UdpSock.headBuf: low call site frequency"), List.of(new RunResults.HotCompile("NetStack.netRxAction", true, 9000, 4000)),
                Map.of("unstable_if", 3L));
    }

    /** A fork's JIT fingerprint round-trips; a fork written before fingerprints reads with none. */
    @Test
    void theJitFingerprintRoundTripsAndAForkWithoutOneReadsWithNone(@TempDir Path dir) throws IOException {
        RunResults s = sample();
        RunResults r = new RunResults(s.schema(), s.settings(), s.provenance(), s.plan(), List.of(s.forks().get(0).withJit(fingerprint("inline InetGro")),
                s.forks().get(1)));
        ResultsFiles.write(dir, r);
        RunResults back = ResultsFiles.read(dir);
        assertThat(back).isEqualTo(r);
        assertThat(back.forks().get(0).jit().decisions()).containsExactly("site 3 ptype->callbacks.gro_receive: inline InetGro",
                "UdpRcv.udpRcv -> UdpSock.headBuf: low call site frequency");
        Path file = dir.resolve(ResultsFiles.RESULTS);
        Files.writeString(file, Files.readString(file).replaceAll(",\\s*\"jit\"\\s*:\\s*null", ""));
        assertThat(Files.readString(file)).containsOnlyOnce("\"jit\"");
        assertThat(ResultsFiles.read(dir)).isEqualTo(r);
    }

    /** The id is the sites' decisions' hash: equal for equal decisions, different when one site decided otherwise; failures, sizes and traps do not count. */
    @Test
    void theFingerprintIdFollowsTheDecisionsOnly() {
        RunResults.JitFingerprint a = fingerprint("inline InetGro");
        assertThat(a.id()).matches("[0-9a-f]{8}").isEqualTo(fingerprint("inline InetGro").id());
        assertThat(fingerprint("inline InetGro, Ipv6Gro").id()).isNotEqualTo(a.id());
        RunResults.JitFingerprint other = RunResults.JitFingerprint.of(a.sites(), a.failures(), List.of(), Map.of("class_check", 9L));
        assertThat(other.id()).isEqualTo(a.id());
        assertThat(RunResults.JitFingerprint.of(a.sites(), List.of("Conntrack.track -> Counters.inc: low call site frequency"), List.of(), Map.of())
                .id()).as("a cold-path refusal").isEqualTo(a.id());
    }

    @Test
    void mergingRunsOfTwoMachinesKeepsEveryBlockOneMachinesAndNamesBoth() {
        RunResults r = sample();
        RunResults a = new RunResults(r.schema(), r.settings(), r.provenance().withHost("a"), r.plan(), r.forks());
        RunResults b = new RunResults(r.schema(), r.settings(), r.provenance().withHost("b"), r.plan(), r.forks());
        RunResults merged = ResultsFiles.merge(List.of(a, b, a));
        assertThat(merged.provenance().host()).isEqualTo("a,b");
        assertThat(ResultsFiles.hosts(List.of(a, b, a))).containsExactly("a", "b");
        // the blocks of each source run are its own: run k's blocks are 2k and 2k+1
        assertThat(merged.forks()).extracting(RunResults.ForkResult::block).containsExactly(0, 0, 2, 2, 4, 4);
        assertThat(ResultsFiles.merge(List.of(a, a)).provenance().host()).isEqualTo("a");
    }

    @Test
    void writesLeaveNoTemporaryFiles(@TempDir Path dir) throws IOException {
        ResultsFiles.write(dir, sample());
        ResultsFiles.write(dir, sample().with(fork(2, 1, "virtual", 1.0)));
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(ResultsFiles.RESULTS, ResultsFiles.CSV);
        }
    }
}
