package io.icpbench.harness.fork;

import io.icpbench.results.RunResults;
import io.icpbench.stack.NetStack;
import io.icpbench.stack.Site;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A fork's JIT fingerprint ({@link RunResults.JitFingerprint}) from its Flight Recorder events,
 * taken as plain records so that it can be computed, and tested, without a JVM compiling anything
 * ({@link JitRecording} reads the events of a real recording into them).
 *
 * <p>What C2 decided is read from {@code jdk.CompilerInlining} events, each naming its compile
 * ({@code compileId}), the caller, the callee, the bytecode index and C2's message; a compile's
 * tier, OSR flag and sizes come from its {@code jdk.Compilation} event. Only compiles at level 4
 * (C2) that succeeded count: the code a fork runs once warm. Of several compiles of the same code
 * the latest (highest compile id) counts: it is the one that replaced the others.
 *
 * <p>IMPLEMENTATION NOTES. Verified on JDK 25 (a fork of {@code RxPathBenchmark.receive}: about
 * 13,000 inlining events, 1,300 compilations, 40 deoptimizations). C2 posts an inlining event for
 * every call it considered inlining, a receiver of a type profile included (a bimorphic call site
 * posts one event per receiver class, at the same bytecode index), but none for a call it left as
 * a virtual call: {@code PrintInlining}'s "virtual call" never reaches JFR. A site whose method C2
 * compiled with no event at its ops call was therefore left virtual (megamorphic, or no profile).
 * The caller of an event is the method whose bytecode holds the call, wherever that method was
 * inlined: a site's {@link NetStack} method inlined twice into one compile posts its decisions
 * twice (they are kept once each).
 */
public final class JitFingerprinter {
    /** The level of C2 compiles. */
    static final int C2 = 4;
    /** The hot compiles kept. */
    static final int HOT = 10;
    /** The project's package, dotted: its methods are the ones whose failures and compiles count. */
    static final String OURS = "io.icpbench.";
    /** A site's decision when no C2 compile holds its method. */
    static final String NOT_COMPILED = "not compiled";
    /** A site's decision when C2 compiled its method but posted no event at its call: it left the call virtual. */
    static final String VIRTUAL = "virtual call";

    private JitFingerprinter() {
    }

    /**
     * A method as JFR names it.
     *
     * @param type       the class, dotted ("io.icpbench.stack.gro.GroHandlers$InetGro"); JFR's callee types use
     *                   slashes, {@link #of} turns them into dots
     * @param name       the method's name
     * @param descriptor the method's descriptor ("(Lio/icpbench/stack/SkBuff;I)I")
     */
    public record MethodRef(String type, String name, String descriptor) {
        /** The suffix the JVM gives a hidden class's name: "/0x" and its address. */
        private static final java.util.regex.Pattern HIDDEN_SUFFIX = java.util.regex.Pattern.compile("[/.]0x[0-9a-fA-F]+$");

        /**
         * A method whose class is given dotted or with slashes. A hidden class (a lambda, a learned
         * site's generated chain: "io/icpbench/dispatch/ChainFactory$Chain/0x000000005506e0d8") loses
         * its address suffix: the address differs in every JVM, and with it every fork's
         * fingerprint would differ for no difference in the code.
         */
        public static MethodRef of(String type, String name, String descriptor) {
            return new MethodRef(HIDDEN_SUFFIX.matcher(type).replaceFirst("").replace('/', '.'), name, descriptor);
        }

        /** "GroHandlers.InetGro": the class's simple name, nested classes joined by a dot. */
        public String simpleType() {
            return type.substring(type.lastIndexOf('.') + 1).replace('$', '.');
        }

        /** "GroHandlers.InetGro.groReceive". */
        public String shortName() {
            return simpleType() + "." + name;
        }

        boolean ours() {
            return type.startsWith(OURS);
        }
    }

    /** A {@code jdk.CompilerInlining} event: in compile {@code compileId}, the call at {@code bci} of {@code caller}. */
    public record Inlining(long compileId, MethodRef caller, MethodRef callee, boolean succeeded, String message, int bci) {
    }

    /** A {@code jdk.Compilation} event. */
    public record Compilation(long compileId, MethodRef method, int level, boolean osr, boolean succeeded, long codeSize, long inlinedBytes) {
        String where() {
            return method.shortName() + " #" + compileId + (osr ? " OSR" : "");
        }
    }

    /** A {@code jdk.Deoptimization} event (an uncommon trap). */
    public record Deoptimization(String reason, String action, MethodRef method, int bci) {
    }

    /** The fingerprint of one fork's events. */
    public static RunResults.JitFingerprint fingerprint(List<Compilation> compilations, List<Inlining> inlinings, List<Deoptimization> deopts) {
        Map<Long, Compilation> c2 = new TreeMap<>();
        for (Compilation c : compilations) {
            if (c.level() == C2 && c.succeeded()) {
                c2.put(c.compileId(), c);
            }
        }
        Map<Long, List<Inlining>> byCompile = new HashMap<>();
        for (Inlining i : inlinings) {
            if (c2.containsKey(i.compileId())) {
                byCompile.computeIfAbsent(i.compileId(), k -> new ArrayList<>()).add(i);
            }
        }
        List<RunResults.SiteDecision> sites = new ArrayList<>();
        for (Site s : Site.values()) {
            sites.add(siteDecision(s, c2, byCompile));
        }
        // The latest C2 compile of each of our methods, and of its OSR compile apart: both can run at once.
        Map<String, Compilation> latest = new TreeMap<>();
        for (Compilation c : c2.values()) {
            if (c.method().ours()) {
                latest.put(c.method() + (c.osr() ? " osr" : ""), c);
            }
        }
        Set<String> failures = new TreeSet<>();
        for (Compilation c : latest.values()) {
            for (Inlining i : byCompile.getOrDefault(c.compileId(), List.of())) {
                if (!i.succeeded() && i.caller().ours() && i.callee().ours()) {
                    failures.add(i.caller().shortName() + " -> " + i.callee().shortName() + ": " + i.message());
                }
            }
        }
        List<RunResults.HotCompile> hot = latest.values().stream()
                .sorted(Comparator.comparingLong(Compilation::inlinedBytes).reversed().thenComparing(c -> c.method().shortName()))
                .limit(HOT).map(c -> new RunResults.HotCompile(c.method().shortName(), c.osr(), c.codeSize(), c.inlinedBytes())).toList();
        Map<String, Long> byReason = new TreeMap<>();
        deopts.forEach(d -> byReason.merge(d.reason(), 1L, Long::sum));
        return RunResults.JitFingerprint.of(sites, List.copyOf(failures), hot, byReason);
    }

    /** The site's method as JFR names it: NetStack's static method of the site's type. */
    static MethodRef stackMethod(Site s) {
        return new MethodRef(NetStack.class.getName(), s.stackMethod, s.type.toMethodDescriptorString());
    }

    /** C2's decision at the site's call in the latest C2 compile that holds the site's method (its own, or a caller's that inlined it). */
    static RunResults.SiteDecision siteDecision(Site s, Map<Long, Compilation> c2, Map<Long, List<Inlining>> byCompile) {
        MethodRef m = stackMethod(s);
        Compilation holder = null;
        for (Compilation c : c2.values()) {
            if (c.method().equals(m) || byCompile.getOrDefault(c.compileId(), List.of()).stream().anyMatch(i -> i.succeeded() && i.callee().equals(m))) {
                holder = c;
            }
        }
        if (holder == null) {
            return new RunResults.SiteDecision(s.number, s.kernelName, NOT_COMPILED, null);
        }
        // The site's method calls its ops (or, by mode, a handle, the kernel's list, the devirtualized targets) and, in
        // its catch block, NetStack.rethrow: everything it calls but NetStack itself is the site's decision.
        Set<String> inlined = new TreeSet<>();
        Set<String> failed = new LinkedHashSet<>();
        for (Inlining i : byCompile.getOrDefault(holder.compileId(), List.of())) {
            if (!i.caller().equals(m) || i.callee().type().equals(NetStack.class.getName())) {
                continue;
            }
            String callee = i.callee().name().equals(s.method) ? i.callee().simpleType() : i.callee().shortName();
            if (i.succeeded()) {
                inlined.add(callee);
            } else {
                failed.add(callee + ": " + i.message());
            }
        }
        List<String> parts = new ArrayList<>();
        if (!inlined.isEmpty()) {
            parts.add("inline " + String.join(", ", inlined));
        }
        parts.addAll(new TreeSet<>(failed));
        return new RunResults.SiteDecision(s.number, s.kernelName, parts.isEmpty() ? VIRTUAL : String.join("; ", parts), holder.where());
    }
}
