package io.icpbench.harness.bench;

import static java.lang.invoke.MethodType.methodType;

import io.icpbench.dispatch.DynamicSite;
import io.icpbench.dispatch.Updater;
import io.icpbench.harness.bench.Receivers.R0;
import io.icpbench.harness.bench.Receivers.R1;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * One indirect call site, {@code op.apply(x)}, in every dispatch mode: what one call costs, without
 * the rest of the receive path around it. One operation is one call; the score is ns per call.
 *
 * <p>The receivers: eight final classes of {@link Op} ({@link Receivers}), drawn with a skew of
 * 89/6/1/1/1/1/0.5/0.5 percent (R0 the dominant target, R1 the second; {@link #r0Percent} moves
 * R0's share, R1 takes the rest of 95%) from a pre-generated array of 4096 receivers, shuffled
 * with a fixed seed, walked with an index that wraps. The index is also the argument, so every
 * call computes something new. R0 is 89%, not 90%, so that {@code virtual} is megamorphic in
 * every fork: 90% sits on C2's major-receiver threshold (see {@link Receivers}).
 *
 * <p>Each variant is its own {@code @Benchmark} method with its own call site in its own bytecode:
 * a helper shared by the variants would share one receiver profile (profile pollution). JMH runs
 * each method in its own forks, so no variant sees another's profiles or compiled code.
 * <ul>
 * <li>{@code monomorphic}: the baseline. All receivers are R0 (the other seven classes are loaded,
 *     so class hierarchy analysis cannot bind the call): C2's profile sees one class and inlines
 *     it under a class check. The floor for a call that does this work.</li>
 * <li>{@code virtual}: {@code op.apply(x)} on the skewed receivers. The profile sees eight classes
 *     and no receiver with {@code TypeProfileMajorReceiverPercent} (90%) of the calls: the call is
 *     megamorphic, an itable stub, an indirect branch, no inlining. (With {@code -p r0Percent=91}
 *     or more C2 inlines R0 under a class check itself, and {@code virtual} becomes C2's own
 *     {@code handGuard}.)</li>
 * <li>{@code virtualNoprofile}: the same code in a JVM with {@code Mode.NOPROFILE_FLAGS}: no
 *     receiver-type speculation, no inline caches. Every call goes through the itable stub: the
 *     retpoline world, the cost the other modes try to remove.</li>
 * <li>{@code indirectCall}: the kernel's {@code INDIRECT_CALL_2}: a fixed candidate list compared in
 *     order, then the plain call. The order is R1, then R0: NOT frequency order, as in the kernel's
 *     {@code INDIRECT_CALL_INET(pt_prev->func, ipv6_rcv, ip_rcv, ...)}, which compares
 *     {@code ipv6_rcv} first although IPv4 makes most traffic. The dominant receiver pays one
 *     failed compare before its direct call.</li>
 * <li>{@code handGuard}: a hand-written exact-class guard on the dominant target (R0), then the
 *     plain call (which, seeing seven classes, stays megamorphic).</li>
 * <li>{@code handGuard2}: guards on the top two (R0, then R1), then the plain call: what Cree's
 *     top-2 {@code dynamic_call} installs, written by hand, with no statistics.</li>
 * <li>{@code dynamicCall}: a learned {@link DynamicSite} (Cree's policy and thresholds, striped
 *     statistics, background updater) in a {@code static final MethodHandle}. It starts as the
 *     plain call plus statistics; warmup calls pass the update threshold (1000 candidate hits), the
 *     learner installs the top two (R0, R1) and C2 recompiles with the guard chain inlined. After
 *     the trial it prints what it installed and throws if it installed nothing.</li>
 * </ul>
 * What the design expects (the hypothesis these numbers test): {@code monomorphic} fastest;
 * {@code handGuard2}, {@code handGuard} and {@code indirectCall} close to it (95% or 89% of calls take
 * a direct, inlined call); {@code virtual} and {@code virtualNoprofile} the slowest; {@code dynamicCall}
 * much faster than {@code virtualNoprofile} and close to {@code handGuard2}. The gap between
 * {@code dynamicCall} and {@code handGuard2} is what the site's per-call statistics cost:
 * {@link DispatchStatsBenchmark} measures it per strategy, and its {@code learnOnce} variant is the same
 * guard chain with no statistics at all.
 *
 * <p>Run all modes in one invocation: {@code icpbench jmh CallSiteBenchmark}; for final numbers
 * override forks and iterations ({@code -f 10 -wi 5 -i 10}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class CallSiteBenchmark {
    /**
     * {@code Mode.NOPROFILE_FLAGS}, written out because annotation values must be constants. Every
     * fork checks at setup that they still equal {@code Mode.NOPROFILE_FLAGS}.
     */
    static final String NP1 = "-XX:-UseTypeProfile", NP2 = "-XX:TypeProfileWidth=0", NP3 = "-XX:-UseTypeSpeculation",
            NP4 = "-XX:TypeProfileLevel=0", NP5 = "-XX:-UseBimorphicInlining", NP6 = "-XX:-UseInlineCaches";
    static final List<String> NOPROFILE_FLAGS = List.of(NP1, NP2, NP3, NP4, NP5, NP6);

    private static final int MASK = Receivers.MASK;

    /** R0's share of the skewed receivers, percent; R1 makes 95 minus this ({@link Receivers#percent}). */
    @Param("" + Receivers.DEFAULT_R0_PERCENT)
    public int r0Percent;

    /** megamorphic: R0..R7 (R0 at r0Percent, R1 up to 95%, the tail 5%); bimorphic: R0 and R1 only. */
    @Param("megamorphic")
    public String shape;

    private Op[] skewed;
    private Op[] mono;
    private int index;

    @Setup(Level.Trial)
    public void setUp() {
        checkNoprofileFlags();
        skewed = switch (shape) {
            case "megamorphic" -> Receivers.skewed(r0Percent);
            case "bimorphic" -> Receivers.bimorphic(r0Percent);
            default -> throw new IllegalArgumentException("shape=" + shape + ", expected megamorphic or bimorphic");
        };
        mono = Receivers.monomorphic();
    }

    /** Fails if the flags written into {@link #virtualNoprofile()}'s annotation drift from the mode's. */
    static void checkNoprofileFlags() {
        if (!NOPROFILE_FLAGS.equals(io.icpbench.dispatch.Mode.NOPROFILE_FLAGS)) {
            throw new IllegalStateException("CallSiteBenchmark's virtual-noprofile flags " + NOPROFILE_FLAGS
                    + " differ from Mode.NOPROFILE_FLAGS " + io.icpbench.dispatch.Mode.NOPROFILE_FLAGS + ": update the @Fork");
        }
    }

    /** The next index into the receiver arrays; wraps at {@link Receivers#LENGTH}. */
    private int next() {
        int i = (index + 1) & MASK;
        index = i;
        return i;
    }

    // ------------------------------------------------------------------ the modes, one call site each

    @Benchmark
    public int monomorphic() {
        int i = next();
        Op op = mono[i];
        return op.apply(i);
    }

    @Benchmark
    public int virtual() {
        int i = next();
        Op op = skewed[i];
        return op.apply(i);
    }

    /** The same code as {@link #virtual()}, in a JVM with {@code Mode.NOPROFILE_FLAGS}. */
    @Benchmark
    @Fork(value = 2, jvmArgsAppend = {NP1, NP2, NP3, NP4, NP5, NP6})
    public int virtualNoprofile(NoprofileFork check) {
        int i = next();
        Op op = skewed[i];
        return op.apply(i);
    }

    /** {@code INDIRECT_CALL_2(op->apply, R1, R0, x)}: R1 compared first, as a kernel list may put it. */
    @Benchmark
    public int indirectCall() {
        int i = next();
        Op op = skewed[i];
        return op instanceof R1 a ? a.apply(i) : op instanceof R0 b ? b.apply(i) : op.apply(i);
    }

    @Benchmark
    public int handGuard() {
        int i = next();
        Op op = skewed[i];
        return op instanceof R0 r ? r.apply(i) : op.apply(i);
    }

    @Benchmark
    public int handGuard2() {
        int i = next();
        Op op = skewed[i];
        return op instanceof R0 a ? a.apply(i) : op instanceof R1 b ? b.apply(i) : op.apply(i);
    }

    @Benchmark
    public int dynamicCall(LearnedSite learned) throws Throwable {
        int i = next();
        Op op = skewed[i];
        return (int) LearnedSite.SITE.invokeExact(op, i);
    }

    // ------------------------------------------------------------------ PROMOTED: transparent promotion
    // The plain `op.apply(x)` of `virtual`, compiled in PromotedCaller and rewritten by the promotion
    // pass into an invokedynamic bound to its own learned site. The Caller instance is a static
    // final constant, so C2 inlines PromotedCaller.call and the site's guard chain into this method.

    @Benchmark
    public int promoted(PromotedSites sites) {
        int i = next();
        Op op = skewed[i];
        return PromotedSites.LOAD_TIME.call(op, i);
    }

    @Benchmark
    public int promotedAot(PromotedSites sites) {
        int i = next();
        Op op = skewed[i];
        return PromotedSites.AHEAD_OF_TIME.call(op, i);
    }

    // ------------------------------------------------------------------ per-variant state

    /** Only {@link #virtualNoprofile}'s forks: checks that the JVM really runs with the flags. */
    @State(Scope.Benchmark)
    public static class NoprofileFork {
        @Setup(Level.Trial)
        public void check() {
            checkNoprofileFlags();
            List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
            if (!args.containsAll(NOPROFILE_FLAGS)) {
                throw new IllegalStateException("virtualNoprofile runs without " + NOPROFILE_FLAGS + "; JVM arguments: " + args);
            }
        }
    }

    /**
     * Only {@link #dynamicCall}'s forks: the learned site. Its handle is a {@code static final} field,
     * so C2 treats it as a constant and inlines the installed guard chain.
     */
    @State(Scope.Benchmark)
    public static class PromotedSites {
        static final Caller LOAD_TIME = PromotedLoader.loadTime();
        static final Caller AHEAD_OF_TIME = PromotedLoader.aheadOfTime();

        @TearDown(Level.Trial)
        public void report() {
            for (DynamicSite s : io.icpbench.dispatch.SiteRegistry.all()) {
                if (s.name.contains("PromotedCaller")) {
                    System.out.println();
                    System.out.println("promoted site '" + s.name + "': installed " + s.installed() + ", updates " + s.updates()
                            + ", patches " + s.patches());
                }
            }
        }
    }

    @State(Scope.Benchmark)
    public static class LearnedSite {
        // Every learning setting of this JVM (-Dicpbench.learning or the per-key properties): policy, statistics, thresholds
        // with hysteresis, placement. (Before issue 21 only the policy and placement were read; statistics and thresholds
        // stayed Cree's whatever was asked.)
        static final DynamicSite DYNAMIC = new DynamicSite("bench", MethodHandles.lookup(), Op.class, "apply",
                methodType(int.class, Op.class, int.class), io.icpbench.dispatch.Learning.current(), Updater.background());
        static final MethodHandle SITE = DYNAMIC.invoker();

        private long patchesBeforeMeasurement = -1;

        @Setup(Level.Iteration)
        public void iteration(IterationParams params) {
            if (params.getType() == IterationType.MEASUREMENT && patchesBeforeMeasurement < 0) {
                patchesBeforeMeasurement = DYNAMIC.patches();
            }
        }

        @TearDown(Level.Trial)
        public void report() {
            System.out.println();
            System.out.println(describe(DYNAMIC, patchesBeforeMeasurement));
            if (DYNAMIC.installed().isEmpty()) {
                throw new IllegalStateException("dynamicCall: site " + DYNAMIC + " installed nothing during the trial:"
                        + " it measured the unlearned fallback, the result is meaningless");
            }
        }
    }

    /** One line on what a learned site did: for the benchmark output. */
    static String describe(DynamicSite site, long patchesBeforeMeasurement) {
        String during = patchesBeforeMeasurement < 0 ? "" : ", patches during measurement " + (site.patches() - patchesBeforeMeasurement);
        return "learned site '" + site + "' (" + site.policyName() + ", " + site.statsStrategy() + "): installed "
                + site.installed().stream().map(Class::getSimpleName).toList() + ", updates " + site.updates()
                + ", patches " + site.patches() + during + ", wipes " + site.wipes() + ", fast-path hits " + site.fastHits()
                + ", misses " + site.misses();
    }
}
