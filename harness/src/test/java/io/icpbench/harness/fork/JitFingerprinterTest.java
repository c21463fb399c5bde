package io.icpbench.harness.fork;

import static org.assertj.core.api.Assertions.assertThat;

import io.icpbench.harness.fork.JitFingerprinter.Compilation;
import io.icpbench.harness.fork.JitFingerprinter.Deoptimization;
import io.icpbench.harness.fork.JitFingerprinter.Inlining;
import io.icpbench.harness.fork.JitFingerprinter.MethodRef;
import io.icpbench.harness.run.StackRun;
import io.icpbench.harness.traffic.TrafficSource;
import io.icpbench.results.RunResults;
import io.icpbench.stack.Site;
import io.icpbench.stack.StackOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JIT fingerprint: from plain events (every rule), and end to end from a real Flight Recorder recording of this JVM. */
class JitFingerprinterTest {
    static final MethodRef PTYPE = JitFingerprinter.stackMethod(Site.PTYPE_GRO_RECEIVE);
    static final MethodRef NAPI_GRO = MethodRef.of("io/icpbench/stack/NetStack", "napiGroReceive", "(Lio/icpbench/stack/SkBuff;)I");
    static final MethodRef INET = MethodRef.of("io/icpbench/stack/gro/GroHandlers$InetGro", "groReceive", "(Lio/icpbench/stack/SkBuff;I)I");
    static final MethodRef IPV6 = MethodRef.of("io/icpbench/stack/gro/GroHandlers$Ipv6Gro", "groReceive", "(Lio/icpbench/stack/SkBuff;I)I");
    static final MethodRef UDP_RCV = MethodRef.of("io.icpbench.stack.proto.UdpRcv", "handler", "(Lio/icpbench/stack/SkBuff;)I");
    static final MethodRef HEAD_BUF = MethodRef.of("io/icpbench/stack/udp/UdpSock", "headBuf", "()Lio/netty/buffer/ByteBuf;");
    static final MethodRef JDK = MethodRef.of("java/util/Arrays", "copyOf", "([II)[I");

    static Compilation c2(long id, MethodRef m) {
        return new Compilation(id, m, 4, false, true, 1000 + id, 10 * id);
    }

    static Inlining inline(long id, MethodRef caller, MethodRef callee, boolean ok, String message) {
        return new Inlining(id, caller, callee, ok, message, 164);
    }

    static RunResults.SiteDecision site(RunResults.JitFingerprint f, Site s) {
        return f.sites().get(s.number - 1);
    }

    /** A site reads from the latest C2 compile that holds its method; a bimorphic inline names both receivers; C1 compiles do not count. */
    /** A hidden class's address differs in every JVM: the fingerprint names the class without it, so forks that compiled alike match. */
    @Test
    void hiddenClassesAreNamedWithoutTheirAddress() {
        MethodRef chain = MethodRef.of("io/icpbench/dispatch/ChainFactory$Chain/0x000000005506e0d8", "chain", "()V");
        assertThat(chain.shortName()).isEqualTo("ChainFactory.Chain.chain");
        assertThat(MethodRef.of("io.icpbench.dispatch.DynamicSite$$Lambda/0x00000000a1074f88", "accept", "()V"))
                .isEqualTo(MethodRef.of("io.icpbench.dispatch.DynamicSite$$Lambda/0x000000008f074f88", "accept", "()V"));
        assertThat(MethodRef.of("io/icpbench/stack/gro/GroHandlers$InetGro", "groReceive", "()I").shortName())
                .isEqualTo("GroHandlers.InetGro.groReceive");
    }

    @Test
    void aSiteTakesTheLatestC2CompileThatHoldsItsMethod() {
        List<Compilation> cs = List.of(c2(10, PTYPE), c2(20, NAPI_GRO), new Compilation(30, NAPI_GRO, 3, false, true, 500, 0));
        List<Inlining> is = List.of(
                inline(10, PTYPE, INET, true, "inline (hot)"),
                inline(20, NAPI_GRO, PTYPE, true, "inline (hot)"),
                inline(20, PTYPE, IPV6, true, "inline (hot)"),
                inline(20, PTYPE, INET, true, "inline (hot)"),
                // C1's compile 30 is later but not C2's
                inline(30, NAPI_GRO, PTYPE, true, "inline"),
                inline(30, PTYPE, INET, false, "no static binding"));
        RunResults.JitFingerprint f = JitFingerprinter.fingerprint(cs, is, List.of());
        assertThat(f.sites()).hasSize(Site.COUNT).extracting(RunResults.SiteDecision::site).containsExactly(
                java.util.stream.IntStream.rangeClosed(1, Site.COUNT).boxed().toArray(Integer[]::new));
        RunResults.SiteDecision d = site(f, Site.PTYPE_GRO_RECEIVE);
        assertThat(d.decision()).isEqualTo("inline GroHandlers.InetGro, GroHandlers.Ipv6Gro");
        assertThat(d.compile()).isEqualTo("NetStack.napiGroReceive #20");
        assertThat(d.line()).isEqualTo("site 3 ptype->callbacks.gro_receive: inline GroHandlers.InetGro, GroHandlers.Ipv6Gro");
        assertThat(site(f, Site.NAPI_POLL).decision()).isEqualTo(JitFingerprinter.NOT_COMPILED);
        assertThat(site(f, Site.NAPI_POLL).compile()).isNull();
    }

    /** A compiled site without an event at its call was left virtual (C2 posts none for that); a refused receiver says why. */
    @Test
    void aSiteWithoutAnEventIsAVirtualCallAndARefusalKeepsItsMessage() {
        MethodRef nfHook = JitFingerprinter.stackMethod(Site.NF_HOOK);
        MethodRef ptf = JitFingerprinter.stackMethod(Site.PACKET_TYPE_FUNC);
        MethodRef ipRcv = MethodRef.of("io.icpbench.stack.ip.IpRcv", "func", "(Lio/icpbench/stack/SkBuff;)I");
        List<Compilation> cs = List.of(new Compilation(7, nfHook, 4, true, true, 100, 0), c2(8, ptf));
        List<Inlining> is = List.of(inline(8, ptf, ipRcv, false, "hot method too big"),
                inline(8, ptf, MethodRef.of("io.icpbench.stack.NetStack", "rethrow", "(Ljava/lang/Throwable;)Ljava/lang/RuntimeException;"), true, "inline"));
        RunResults.JitFingerprint f = JitFingerprinter.fingerprint(cs, is, List.of());
        assertThat(site(f, Site.NF_HOOK).decision()).isEqualTo(JitFingerprinter.VIRTUAL);
        assertThat(site(f, Site.NF_HOOK).compile()).isEqualTo("NetStack.nfHookEntryHook #7 OSR");
        assertThat(site(f, Site.PACKET_TYPE_FUNC).decision()).isEqualTo("IpRcv: hot method too big");
    }

    /** Failures: ours into ours, in the latest C2 compile of each method only, distinct and sorted; JDK callees left out. */
    @Test
    void failuresAreOursInTheLatestCompileOfEachMethod() {
        List<Compilation> cs = List.of(c2(1, UDP_RCV), c2(2, UDP_RCV), c2(3, NAPI_GRO));
        List<Inlining> is = List.of(
                inline(1, UDP_RCV, HEAD_BUF, false, "too big"),
                inline(2, UDP_RCV, HEAD_BUF, false, "low call site frequency"),
                inline(2, UDP_RCV, HEAD_BUF, false, "low call site frequency"),
                inline(2, UDP_RCV, JDK, false, "too big"),
                inline(3, NAPI_GRO, PTYPE, false, "already compiled into a big method"),
                inline(3, NAPI_GRO, INET, true, "inline (hot)"));
        RunResults.JitFingerprint f = JitFingerprinter.fingerprint(cs, is, List.of());
        assertThat(f.failures()).containsExactly("NetStack.napiGroReceive -> NetStack.ptypeGroReceive: already compiled into a big method",
                "UdpRcv.handler -> UdpSock.headBuf: low call site frequency");
        assertThat(f.decisions()).endsWith(f.failures().toArray(String[]::new));
    }

    /** Hot compiles: the latest of each method (an OSR compile apart), most inlined bytes first, at most ten; deoptimizations by reason. */
    @Test
    void hotCompilesAndDeoptimizations() {
        List<Compilation> cs = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            cs.add(c2(i, MethodRef.of("io.icpbench.stack.M" + i, "m", "()V")));
        }
        cs.add(c2(40, UDP_RCV));
        cs.add(new Compilation(41, UDP_RCV, 4, true, true, 9, 5));
        cs.add(c2(50, JDK));
        cs.add(new Compilation(60, NAPI_GRO, 4, false, false, 0, 900));
        List<Deoptimization> ds = List.of(new Deoptimization("unstable_if", "reinterpret", UDP_RCV, 3),
                new Deoptimization("class_check", "make_not_entrant", UDP_RCV, 4), new Deoptimization("unstable_if", "reinterpret", JDK, 1));
        RunResults.JitFingerprint f = JitFingerprinter.fingerprint(cs, List.of(), ds);
        assertThat(f.hot()).hasSize(JitFingerprinter.HOT);
        assertThat(f.hot().get(0)).isEqualTo(new RunResults.HotCompile("UdpRcv.handler", false, 1040, 400));
        assertThat(f.hot()).extracting(RunResults.HotCompile::method).doesNotContain("Arrays.copyOf", "NetStack.napiGroReceive", "M1.m");
        assertThat(f.deoptimizations()).containsExactly(java.util.Map.entry("class_check", 1L), java.util.Map.entry("unstable_if", 2L));
    }

    /** Forks that decided alike share an id; another decision at one site gives another id. */
    @Test
    void theIdGroupsForksThatDecidedAlike() {
        List<Compilation> cs = List.of(c2(20, NAPI_GRO));
        List<Inlining> bi = List.of(inline(20, NAPI_GRO, PTYPE, true, "inline (hot)"), inline(20, PTYPE, INET, true, "inline (hot)"),
                inline(20, PTYPE, IPV6, true, "inline (hot)"));
        List<Inlining> mono = List.of(inline(20, NAPI_GRO, PTYPE, true, "inline (hot)"), inline(20, PTYPE, INET, true, "inline (hot)"));
        String id = JitFingerprinter.fingerprint(cs, bi, List.of()).id();
        assertThat(JitFingerprinter.fingerprint(cs, bi, List.of(new Deoptimization("x", "y", JDK, 0))).id()).isEqualTo(id);
        assertThat(JitFingerprinter.fingerprint(cs, mono, List.of()).id()).isNotEqualTo(id);
    }

    /** 'icpbench sites RUN/fork-NNN' prints the fork's fingerprint; a fork of an older icpbench says it has none. */
    @Test
    void theSitesCommandPrintsAForksFingerprint(@TempDir Path dir) throws java.io.IOException {
        RunResults.JitFingerprint f = JitFingerprinter.fingerprint(List.of(c2(20, NAPI_GRO)),
                List.of(inline(20, NAPI_GRO, PTYPE, true, "inline (hot)"), inline(20, PTYPE, INET, true, "inline (hot)")), List.of());
        RunResults.ForkResult fork = new RunResults.ForkResult(0, 0, "virtual", "virtual", List.of(100.0), 1e7, java.util.Map.of(), java.util.Map.of(),
                java.util.Map.of(), RunResults.Accounting.unknown(), null, null, 1.0);
        io.icpbench.results.ResultsFiles.writeJson(dir.resolve("fork.json"), fork.withJit(f));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        try {
            System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
            assertThat(io.icpbench.harness.Main.run("sites", dir.toString())).isZero();
            io.icpbench.results.ResultsFiles.writeJson(dir.resolve("fork.json"), fork);
            assertThat(io.icpbench.harness.Main.run("sites", dir.toString())).isZero();
        } finally {
            System.setOut(old);
        }
        assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("JIT fingerprint " + f.id())
                .contains("inline GroHandlers.InetGro").contains("no JIT fingerprint in");
    }

    /**
     * End to end: a real recording of this JVM around packets through the stack, read back. What C2
     * decides is its own business; that the recording holds C2 compiles of the stack and reads into
     * thirteen sites is not (the packets are many times C2's thresholds).
     */
    @Test
    void aRealRecordingReadsIntoAFingerprint(@TempDir Path dir) {
        RunResults.JitFingerprint f;
        try (JitRecording jit = JitRecording.start(dir)) {
            StackRun.run(TrafficSource.load("default"), StackOptions.DEFAULT, 1_000_000, 256, 0, null);
            f = jit.finish();
        }
        assertThat(f).isNotNull();
        assertThat(f.id()).matches("[0-9a-f]{8}");
        assertThat(f.sites()).hasSize(Site.COUNT);
        assertThat(f.hot()).isNotEmpty().allSatisfy(h -> assertThat(h.codeSize()).isPositive());
        assertThat(f.sites()).anySatisfy(s -> assertThat(s.decision()).startsWith("inline "));
        assertThat(f.sites()).allSatisfy(s -> assertThat(s.compile() == null).isEqualTo(s.decision().equals(JitFingerprinter.NOT_COMPILED)));
        assertThat(Files.exists(dir.resolve(JitRecording.FILE))).as("the recording is deleted once read").isFalse();
    }
}
