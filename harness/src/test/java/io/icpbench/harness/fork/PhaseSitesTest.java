package io.icpbench.harness.fork;

import static org.assertj.core.api.Assertions.assertThat;

import io.icpbench.dispatch.DynamicSite;
import io.icpbench.dispatch.Mode;
import io.icpbench.harness.Main;
import io.icpbench.harness.run.Forks;
import io.icpbench.results.RunResults;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learned sites phase by phase: sites.json's phases (schema 4; schemas 3 and 2 still read),
 * what {@code icpbench sites} prints at each boundary, and a real dynamic-call JVM on the
 * phase-shift profile, whose dominant target changes at four sites.
 */
class PhaseSitesTest {
    static final RunResults.Accounting ACCOUNTING = new RunResults.Accounting(1000, 4, 2, 6, 3, 2, 0, 10, 12.0, 900.0, null, Map.of(),
            Map.of());

    static Map<String, Long> mix(Object... nameCount) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < nameCount.length; i += 2) {
            m.put((String) nameCount[i], ((Number) nameCount[i + 1]).longValue());
        }
        return m;
    }

    /** A report of two phases: pt_prev->func relearns, the GRO site keeps its targets but its dominant one changes, the hooks tie. */
    static SiteReport twoPhases() {
        SiteReport.Phase one = new SiteReport.Phase("ipv4", 0, 49, "iteration", List.of(
                new SiteReport.PhaseSite("pt_prev->func", List.of("IpRcv", "PacketTypes.ArpRcv"), 4, 1, mix("IpRcv", 9400, "PacketTypes.ArpRcv", 400,
                        "Ipv6Rcv", 200)),
                new SiteReport.PhaseSite("ptype->callbacks.gro_receive", List.of("GroHandlers.InetGro", "GroHandlers.Ipv6Gro"), 1, 1,
                        mix("GroHandlers.InetGro", 9800, "GroHandlers.Ipv6Gro", 200)),
                new SiteReport.PhaseSite("nf_hook_entry->hook", List.of("Hooks.Nat", "Hooks.Mangle"), 300, 5, mix("Hooks.Nat", 2010, "Hooks.Mangle",
                        2000, "Hooks.Filter", 1990))));
        SiteReport.Phase two = new SiteReport.Phase("ipv6", 50, 99, "iteration", List.of(
                new SiteReport.PhaseSite("pt_prev->func", List.of("Ipv6Rcv", "PacketTypes.ArpRcv"), 5, 1, mix("Ipv6Rcv", 9400, "PacketTypes.ArpRcv", 400,
                        "IpRcv", 200)),
                new SiteReport.PhaseSite("ptype->callbacks.gro_receive", List.of("GroHandlers.InetGro", "GroHandlers.Ipv6Gro"), 0, 0,
                        mix("GroHandlers.Ipv6Gro", 9800, "GroHandlers.InetGro", 200)),
                new SiteReport.PhaseSite("nf_hook_entry->hook", List.of("Hooks.Nat", "Hooks.Mangle"), 310, 6, mix("Hooks.Mangle", 2020, "Hooks.Nat",
                        2000, "Hooks.Filter", 1980))));
        return new SiteReport(SiteReport.SCHEMA, "dynamic-call", "phase-shift", 1000, 450.0, ACCOUNTING, List.of(), List.of(one, two));
    }

    @Test
    void aSitesFileWithPhasesRoundTripsAndPrintsTheRelearning(@TempDir Path dir) {
        SiteReport r = twoPhases();
        r.write(dir);
        assertThat(SiteReport.read(dir)).isEqualTo(r);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        r.printPhases(new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("phase 1 ipv4, measured iterations 0-49 and the warmup:")
                .contains("learned IpRcv, PacketTypes.ArpRcv with 1 patch in 4 updates; mix IpRcv 94%, PacketTypes.ArpRcv 4.0%, Ipv6Rcv 2.0%")
                .contains("phase 1 → 2 (ipv4 → ipv6), measured iterations 50-99:")
                .contains("relearned IpRcv, PacketTypes.ArpRcv → Ipv6Rcv, PacketTypes.ArpRcv with 1 patch in 5 updates; dominant IpRcv 94% → Ipv6Rcv 94%")
                .contains("kept GroHandlers.InetGro, GroHandlers.Ipv6Gro (0 updates, no patch); dominant GroHandlers.InetGro 98% → GroHandlers.Ipv6Gro 98%")
                .contains("ended on Hooks.Nat, Hooks.Mangle again (6 patches in 310 updates); no clear dominant")
                .contains("the dominant target changed at 2 sites: pt_prev->func, ptype->callbacks.gro_receive");
        assertThat(r.dominantChanges(0)).containsExactly("pt_prev->func", "ptype->callbacks.gro_receive");
    }

    @Test
    void aSchema3SitesFileStillReadsWithoutPhases(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(SiteReport.FILE), """
                {"schema": 3, "mode": "dynamic-call", "profile": "default", "packets": 1000, "nsPerPacket": 450.0,
                 "accounting": {"packets": 1000, "updates": 4, "patches": 2, "updatesTotal": 6, "patchesTotal": 3, "invalidations": 2,
                                "uncommonTraps": 0, "compilations": 10, "jitMillis": 12.0, "cpuNsPerPacket": 900.0, "usPerPatch": null,
                                "invalidatedMethods": {}, "siteAccounting": {}},
                 "sites": [{"name": "pt_prev->func", "policy": "top-2", "stats": "striped", "placement": "stub", "installed": ["IpRcv"],
                            "hits": 10, "misses": 2, "updates": 4, "patches": 2, "patchesTotal": 3, "wipes": 0, "targets": {"IpRcv": 900}}]}
                """);
        SiteReport r = SiteReport.read(dir);
        assertThat(r.schema()).isEqualTo(3);
        assertThat(r.phases()).isEmpty();
        assertThat(r.sites().get(0).targets()).isEqualTo(Map.of("IpRcv", 900L));
        assertThat(print(r)).contains("IpRcv 100%").doesNotContain("phase");
        assertThat(Main.run("sites", dir.toString())).isZero();
    }

    @Test
    void theMixOfAPhaseIsTheDifferenceOfTwoSnapshotsMostFrequentFirst() {
        DynamicSite.Snapshot before = new DynamicSite.Snapshot(List.of(), 3, 1, Map.<Class<?>, Long>of(Integer.class, 100L, Long.class, 5L));
        DynamicSite.Snapshot now = new DynamicSite.Snapshot(List.of(Long.class), 9, 2, Map.<Class<?>, Long>of(Integer.class, 110L, Long.class, 905L,
                String.class, 40L));
        assertThat(PhaseSites.mixSince(before, now)).containsExactly(Map.entry("Long", 900L), Map.entry("String", 40L),
                Map.entry("Integer", 10L));
        assertThat(PhaseSites.mixSince(null, now)).containsExactly(Map.entry("Long", 905L), Map.entry("Integer", 110L),
                Map.entry("String", 40L));
    }

    /**
     * The claim of the phase-shift profile, checked on a learned JVM as {@code icpbench sites} shows
     * it: the dominant target changes at pt_prev->func, the L3 GRO site, dst->input and recvmsg, and
     * not at ipprot->handler (one UdpRcv for IPv4 and IPv6); the two sites with a third target in
     * each phase relearn with a patch.
     */
    @Test
    void phaseShiftChangesTheDominantTargetAtFourSites(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("dc");
        List<String> cmd = Forks.command(Mode.DYNAMIC_CALL, Map.of(), List.of("-Xmx512m"), List.of("stack", "--mode", "dynamic-call",
                "--profile", "phase-shift", "--packets", "200000", "--warmup", "20000", "--out", out.toString()));
        Path log = dir.resolve("dc.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(p.waitFor()).as("exit code; log:%n%s", Files.readString(log)).isZero();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        SiteReport r = SiteReport.read(out);
        assertThat(r.phases()).extracting(SiteReport.Phase::name).containsExactly("ipv4", "ipv6");
        assertThat(r.dominantChanges(0)).as("log:%n%s", Files.readString(log)).containsExactlyInAnyOrder("pt_prev->func",
                "ptype->callbacks.gro_receive", "dst->input", "sk->sk_prot->recvmsg");
        SiteReport.PhaseSite v4 = r.phases().get(0).site("pt_prev->func");
        SiteReport.PhaseSite v6 = r.phases().get(1).site("pt_prev->func");
        assertThat(v4.dominant()).isEqualTo("IpRcv");
        assertThat(v6.dominant()).isEqualTo("Ipv6Rcv");
        assertThat(v4.installed()).contains("IpRcv").doesNotContain("Ipv6Rcv");
        assertThat(v6.installed()).contains("Ipv6Rcv").doesNotContain("IpRcv");
        assertThat(v6.patches()).isPositive();
        assertThat(r.phases().get(1).site("dst->input").installed()).contains("DstInputs.Ip6Input");
        assertThat(r.phases().get(1).site("ipprot->handler").dominant()).isEqualTo("UdpRcv");
        assertThat(Files.readString(log)).contains("phase 1 → 2 (ipv4 → ipv6)").contains("pt_prev->func").contains("relearned");
    }

    private static String print(SiteReport r) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        r.print(new PrintStream(buf, true, StandardCharsets.UTF_8));
        return buf.toString(StandardCharsets.UTF_8);
    }
}
