package io.icpbench.harness.bench;

import static java.lang.invoke.MethodType.methodType;

import io.icpbench.dispatch.DynamicSite;
import io.icpbench.dispatch.LearningConfig;
import io.icpbench.dispatch.LearningPolicy;
import io.icpbench.dispatch.StatsStrategy;
import io.icpbench.dispatch.Updater;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * What a learned site's statistics cost per call, one {@link StatsStrategy} per method, so the
 * strategy is picked with data. The call is {@code CallSiteBenchmark.dynamicCall}'s: the same eight
 * receiver classes with the same skew ({@link Receivers#skewed()}: R0 89%, R1 6%, ...), Cree's top-2
 * policy and thresholds, the background updater. After warmup each site has installed R0 and R1: 95%
 * of calls take a guard (and, depending on the strategy, count a fast-path hit), 5% reach the
 * fallback (and record a miss). One operation is one call; the score is ns per call.
 * <ul>
 * <li>{@code striped}: every fast-path hit counted in a padded stripe chosen by the thread's id
 *     (the percpu analog; the default).</li>
 * <li>{@code threadLocal}: every hit counted in the thread's own stripe, found through a ThreadLocal.</li>
 * <li>{@code shared}: every hit counted in one stripe for all threads.</li>
 * <li>{@code sampled}: striped, one hit in {@link DynamicSite#SAMPLE_PERIOD} counted.</li>
 * <li>{@code missesOnly}: hits not counted, misses are. Its merges see only the 5% that miss, so
 *     an update can choose among R2..R7 and patch the dominant targets out, and the next one patches
 *     them back in: a relearn loop, each patch a deoptimization. The teardown line prints its patches
 *     (and how many fell in the measurement); this variant measures that loop, not counting.</li>
 * <li>{@code learnOnce}: Cree's policy wrapped in {@link LearningPolicy#learnOnce}: after its one
 *     patch the site counts nothing, not even misses. The floor: the guard chain alone.</li>
 * <li>{@code striped2T}, {@code threadLocal2T}, {@code shared2T}: two threads on one site
 *     ({@code @Threads(2)}, each thread its own walk of the receivers). Separate stripes for
 *     STRIPED (thread ids hash to different padded stripes) and THREAD_LOCAL; SHARED makes both
 *     threads increment the same counters, so the cache line bounces between the cores. Score: ns
 *     per call per thread. Needs two idle cores to mean anything.</li>
 * </ul>
 *
 * <p>WHY ONE METHOD PER STRATEGY, NOT {@code @Param}: C2 inlines a {@code MethodHandle.invokeExact}
 * through the handle's target only when the handle is a compile-time constant, i.e. read from a
 * {@code static final} field (a {@code @State} field is an ordinary field; {@code @Param} values
 * live there). A handle chosen by a {@code @Param} would be invoked as a non-constant handle: no
 * inlining of the guard chain, and the benchmark would measure the {@code invokeBasic} linkage, not
 * the statistics. Choosing among the static finals with a {@code switch} on the parameter would put
 * every strategy's call in one method, relying on branch profiles to prune the others. So: one
 * {@code static final MethodHandle} per strategy (each its own {@link DynamicSite}, made in the
 * static initializer) and one {@code @Benchmark} method per strategy, each with its own call site
 * (JMH forks each method separately, so a fork exercises exactly one site). A new strategy needs a
 * new field and a new method.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class DispatchStatsBenchmark {
    private static final DynamicSite STRIPED = site("stats-striped", LearningPolicy.cree(), StatsStrategy.STRIPED);
    private static final DynamicSite THREAD_LOCAL = site("stats-thread-local", LearningPolicy.cree(), StatsStrategy.THREAD_LOCAL);
    private static final DynamicSite SHARED = site("stats-shared", LearningPolicy.cree(), StatsStrategy.SHARED);
    private static final DynamicSite SAMPLED = site("stats-sampled", LearningPolicy.cree(), StatsStrategy.SAMPLED);
    private static final DynamicSite MISSES_ONLY = site("stats-misses-only", LearningPolicy.cree(), StatsStrategy.MISSES_ONLY);
    private static final DynamicSite LEARN_ONCE = site("stats-learn-once", LearningPolicy.learnOnce(LearningPolicy.cree()),
            StatsStrategy.STRIPED);
    private static final List<DynamicSite> SITES = List.of(STRIPED, THREAD_LOCAL, SHARED, SAMPLED, MISSES_ONLY, LEARN_ONCE);

    // The handles the benchmarks invoke: static final, so constants for C2.
    private static final MethodHandle STRIPED_MH = STRIPED.invoker();
    private static final MethodHandle THREAD_LOCAL_MH = THREAD_LOCAL.invoker();
    private static final MethodHandle SHARED_MH = SHARED.invoker();
    private static final MethodHandle SAMPLED_MH = SAMPLED.invoker();
    private static final MethodHandle MISSES_ONLY_MH = MISSES_ONLY.invoker();
    private static final MethodHandle LEARN_ONCE_MH = LEARN_ONCE.invoker();

    private static DynamicSite site(String name, LearningPolicy policy, StatsStrategy stats) {
        return new DynamicSite(name, MethodHandles.lookup(), Op.class, "apply", methodType(int.class, Op.class, int.class),
                policy, LearningConfig.CREE, stats, Updater.background());
    }

    private static final int MASK = Receivers.MASK;

    private Op[] skewed;
    private int index;

    @Setup(Level.Trial)
    public void setUp() {
        skewed = Receivers.skewed();
    }

    private int next() {
        int i = (index + 1) & MASK;
        index = i;
        return i;
    }

    // ------------------------------------------------------------------ one thread

    @Benchmark
    public int striped(Check check) throws Throwable {
        int i = next();
        Op op = skewed[i];
        return (int) STRIPED_MH.invokeExact(op, i);
    }

    @Benchmark
    public int threadLocal(Check check) throws Throwable {
        int i = next();
        Op op = skewed[i];
        return (int) THREAD_LOCAL_MH.invokeExact(op, i);
    }

    @Benchmark
    public int shared(Check check) throws Throwable {
        int i = next();
        Op op = skewed[i];
        return (int) SHARED_MH.invokeExact(op, i);
    }

    @Benchmark
    public int sampled(Check check) throws Throwable {
        int i = next();
        Op op = skewed[i];
        return (int) SAMPLED_MH.invokeExact(op, i);
    }

    @Benchmark
    public int missesOnly(Check check) throws Throwable {
        int i = next();
        Op op = skewed[i];
        return (int) MISSES_ONLY_MH.invokeExact(op, i);
    }

    @Benchmark
    public int learnOnce(Check check) throws Throwable {
        int i = next();
        Op op = skewed[i];
        return (int) LEARN_ONCE_MH.invokeExact(op, i);
    }

    // ------------------------------------------------------------------ two threads on one site

    @Benchmark
    @Threads(2)
    public int striped2T(Check check) throws Throwable {
        int i = next();
        Op op = skewed[i];
        return (int) STRIPED_MH.invokeExact(op, i);
    }

    @Benchmark
    @Threads(2)
    public int threadLocal2T(Check check) throws Throwable {
        int i = next();
        Op op = skewed[i];
        return (int) THREAD_LOCAL_MH.invokeExact(op, i);
    }

    @Benchmark
    @Threads(2)
    public int shared2T(Check check) throws Throwable {
        int i = next();
        Op op = skewed[i];
        return (int) SHARED_MH.invokeExact(op, i);
    }

    // ------------------------------------------------------------------ the learning check

    /**
     * Once per fork (all threads): prints what the site of this fork's method did, and fails the
     * trial if it installed nothing (the numbers would measure the unlearned fallback).
     */
    @State(Scope.Benchmark)
    public static class Check {
        private DynamicSite site;
        private long patchesBeforeMeasurement = -1;

        @Setup(Level.Trial)
        public void find(BenchmarkParams params) {
            String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
            site = switch (method) {
                case "striped", "striped2T" -> STRIPED;
                case "threadLocal", "threadLocal2T" -> THREAD_LOCAL;
                case "shared", "shared2T" -> SHARED;
                case "sampled" -> SAMPLED;
                case "missesOnly" -> MISSES_ONLY;
                case "learnOnce" -> LEARN_ONCE;
                default -> throw new IllegalStateException("DispatchStatsBenchmark: no site for method " + method);
            };
        }

        @Setup(Level.Iteration)
        public void iteration(IterationParams params) {
            if (params.getType() == IterationType.MEASUREMENT && patchesBeforeMeasurement < 0) {
                patchesBeforeMeasurement = site.patches();
            }
        }

        @TearDown(Level.Trial)
        public void report() {
            System.out.println();
            System.out.println(CallSiteBenchmark.describe(site, patchesBeforeMeasurement));
            for (DynamicSite other : SITES) {
                if (other != site && other.misses() > 0) {
                    throw new IllegalStateException("site " + other + " was called in the fork of " + site + "'s benchmark");
                }
            }
            if (site.installed().isEmpty()) {
                throw new IllegalStateException("site " + site + " installed nothing during the trial:"
                        + " it measured the unlearned fallback, the result is meaningless");
            }
        }
    }
}
