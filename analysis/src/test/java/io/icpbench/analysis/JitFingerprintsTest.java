package io.icpbench.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.icpbench.results.RunResults;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An arm's forks grouped by JIT fingerprint, the splits between them, and the report's section. */
class JitFingerprintsTest {
    static final String HEAD_BUF = "UdpRcv.handler -> UdpSock.headBuf: low call site frequency";
    static final String VXLAN = "NetStack.udpQueueRcv -> NetStack.vxlanRcv: already compiled into a big method";
    static final String MINOR = "Hooks.ConntrackIn.hook -> Counters.inc: low call site frequency";

    static RunResults.JitFingerprint jit(String site3, String... failures) {
        return RunResults.JitFingerprint.of(List.of(new RunResults.SiteDecision(3, "ptype->callbacks.gro_receive", site3, "NetStack.napiGroReceive #20")),
                List.of(failures), List.of(), Map.of());
    }

    /** Eight virtual forks, two of them slow with the failures; fork 5 also differs in a minor decision; two forks of an old icpbench. */
    static RunResults run() {
        List<SyntheticRuns.Fork> forks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            double ns = i == 2 || i == 6 ? 140 : 100;
            forks.add(new SyntheticRuns.Fork(i, "virtual", new double[] {ns, ns}));
        }
        RunResults r = SyntheticRuns.run(List.of(RunResults.Arm.ofMode("virtual")), "virtual", RunResults.Settings.INTERLEAVED, forks);
        List<RunResults.ForkResult> withJit = new ArrayList<>();
        for (RunResults.ForkResult f : r.forks()) {
            int i = f.index();
            RunResults.JitFingerprint j = i >= 8 ? null
                    : i == 2 || i == 6 ? jit("inline GroHandlers.InetGro", HEAD_BUF, VXLAN)
                    : i == 5 ? jit("inline GroHandlers.InetGro, GroHandlers.Ipv6Gro", MINOR)
                    : jit("inline GroHandlers.InetGro, GroHandlers.Ipv6Gro");
            withJit.add(f.withJit(j));
        }
        return new RunResults(r.schema(), r.settings(), r.provenance(), r.plan(), withJit);
    }

    @Test
    void forksGroupByIdAndTheSplitNamesWhatTheSlowForksShare() {
        JitFingerprints j = JitFingerprints.of(run());
        assertThat(j.arms()).hasSize(1);
        JitFingerprints.Arm a = j.arms().get(0);
        assertThat(a.forks()).isEqualTo(10);
        assertThat(a.recorded()).isEqualTo(8);
        // Fork 5's minor decision is a failure, not a site's decision: it groups with the forks that decided alike at every site.
        assertThat(a.groups()).extracting(JitFingerprints.Group::forks).containsExactly(List.of(0, 1, 3, 4, 5, 7), List.of(2, 6));
        assertThat(a.groups().get(1).mpps()).isCloseTo(1e3 / 140, org.assertj.core.data.Offset.offset(1e-9));
        JitFingerprints.Split worst = a.splits().get(0);
        assertThat(worst.slower()).containsExactly(2, 6);
        assertThat(worst.faster()).containsExactly(0, 1, 3, 4, 5, 7);
        assertThat(worst.change()).isCloseTo(100.0 / 140 - 1, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(worst.onlySlower()).containsExactly(VXLAN, HEAD_BUF, "site 3 ptype->callbacks.gro_receive: inline GroHandlers.InetGro");
        assertThat(worst.onlyFaster()).containsExactly("site 3 ptype->callbacks.gro_receive: inline GroHandlers.InetGro, GroHandlers.Ipv6Gro");
        // the minor decision of fork 5 is a split of its own, with no rate to speak of against the rest
        assertThat(a.splits()).hasSize(2);
        assertThat(a.splits().get(1).onlySlower().isEmpty() ? a.splits().get(1).onlyFaster() : a.splits().get(1).onlySlower()).containsExactly(MINOR);
    }

    @Test
    void oneFingerprintHasNoSplitAndARunWithoutFingerprintsHasNoSection() {
        RunResults r = run();
        RunResults same = new RunResults(r.schema(), r.settings(), r.provenance(), r.plan(),
                r.forks().stream().map(f -> f.withJit(jit("inline GroHandlers.InetGro"))).toList());
        JitFingerprints.Arm a = JitFingerprints.of(same).arms().get(0);
        assertThat(a.groups()).hasSize(1);
        assertThat(a.splits()).isEmpty();
        RunResults failuresApart = new RunResults(r.schema(), r.settings(), r.provenance(), r.plan(),
                r.forks().stream().map(f -> f.withJit(jit("inline GroHandlers.InetGro", "A.a -> B.b" + f.index() + ": too big"))).toList());
        assertThat(JitFingerprints.of(failuresApart).arms().get(0).groups()).as("failures alone do not make groups").hasSize(1);
        RunResults apart = new RunResults(r.schema(), r.settings(), r.provenance(), r.plan(),
                r.forks().stream().map(f -> f.withJit(jit("inline GroHandlers.InetGro" + f.index()))).toList());
        JitFingerprints.Arm each = JitFingerprints.of(apart).arms().get(0);
        assertThat(each.groups()).hasSize(10);
        assertThat(JitFingerprints.groupsLine(each)).isEqualTo("10 forks, every one its own fingerprint (the splits below say which decisions "
                + "the slower forks share)");
        RunResults none = new RunResults(r.schema(), r.settings(), r.provenance(), r.plan(), r.forks().stream().map(f -> f.withJit(null)).toList());
        JitFingerprints j = JitFingerprints.of(none);
        assertThat(j.recorded()).isFalse();
        StringBuilder b = new StringBuilder();
        j.appendMarkdown(b);
        assertThat(b).isEmpty();
        assertThat(j.html()).isEmpty();
        assertThat(MarkdownReport.render(none, 0.01, 0.01)).doesNotContain("JIT fingerprints");
    }

    @Test
    void theReportsShowTheGroupsAndTheSplit() throws java.io.IOException {
        RunResults r = run();
        String md = MarkdownReport.render(r, 0.01, 0.01);
        assertThat(md).contains("JIT fingerprints").contains("virtual: 8 of 10 forks (the others without a fingerprint) in 2 groups")
                .contains("split: forks 2, 6 at 7.143 Mpps against forks 0, 1, 3, 4, 5, 7 at 10.000 Mpps: -28.6%")
                .contains("only in the slower: " + VXLAN);
        String html = HtmlReport.render(r, null, 0.01, 0.01);
        assertThat(html).contains("<h2>JIT fingerprints</h2>").contains("only in the slower: <code>" + HtmlReport.escape(VXLAN));
    }

    /** A split says the two sides' CPU time per packet when the forks recorded it: a rate the machine's load moved moves it less. */
    @Test
    void aSplitShowsTheSidesCpuPerPacketWhenRecorded() {
        assertThat(JitFingerprints.splitLine(new JitFingerprints.Split(List.of(11), List.of(0, 1), 3.548, 4.349, 260.8, 231.0, List.of(), List.of())))
                .isEqualTo("split: fork 11 at 3.548 Mpps against forks 0, 1 at 4.349 Mpps: -18.4% (CPU per packet 260.8 ns against 231.0 ns)");
        assertThat(JitFingerprints.splitLine(new JitFingerprints.Split(List.of(1), List.of(0), 3, 4, Double.NaN, 231.0, List.of(), List.of())))
                .endsWith(": -25.0%");
    }

    @Test
    void aForksFingerprintPrintsInFull() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        RunResults.JitFingerprint f = RunResults.JitFingerprint.of(jit("virtual call").sites(), List.of(HEAD_BUF),
                List.of(new RunResults.HotCompile("NetStack.netRxAction", true, 9000, 4000)), Map.of("unstable_if", 2L));
        JitFingerprints.print(f, new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        String text = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(text).startsWith("JIT fingerprint " + f.id()).contains("ptype->callbacks.gro_receive").contains("virtual call")
                .contains("NetStack.napiGroReceive #20").contains("    " + HEAD_BUF).contains("NetStack.netRxAction (OSR)")
                .contains("uncommon traps by reason: unstable_if 2");
    }
}
