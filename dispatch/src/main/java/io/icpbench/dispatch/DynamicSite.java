package io.icpbench.dispatch;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.MutableCallSite;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One learned indirect call site: Cree's {@code dynamic_call} on the JVM.
 *
 * <p>The site is a {@link MutableCallSite} whose target is a chain of class guards, each calling
 * one learned target directly, ending in the fallback: the plain interface call, which records the
 * receiver class in the calling worker's statistics. Callers invoke {@link #invoker()} (held in a
 * {@code static final} field, so C2 inlines the current chain); an update swaps the chain with
 * {@code setTarget}, which deoptimizes the compiled code that inlined the old one.
 *
 * <p>IMPLEMENTATION NOTES. The learning algorithm is Cree's:
 * <ul>
 * <li>Per worker (here: per stripe, chosen by the {@link StatsStrategy}), 4 candidate slots
 *     {@code {target, hits}} filled first come first served, and a miss count for receivers that
 *     find all 4 taken.</li>
 * <li>When one worker's candidate hits pass {@code updateThreshold} (1000), an update is scheduled
 *     on the updater (off the hot path). When its misses pass {@code wipeThreshold} (1000) first, its
 *     slots are wiped ("roll the dice again").</li>
 * <li>The update switches statistics off ({@code skip_stats}), merges all workers' candidates and
 *     the fast path's hit counts, sorts, and asks the policy (default: top 2 if the top count passes
 *     250). A new choice is installed with one {@code setTarget} and {@code syncAll}; counts are
 *     zeroed and statistics switched back on.</li>
 * </ul>
 * JVM adaptations, each reported separately: an update that picks the targets already installed
 * (in any order) does not patch again (a patch costs deoptimizations here, not a cheap text poke); the kernel's
 * {@code skip_fast} window is the atomic {@code setTarget} itself: callers inside the old chain
 * finish in it, which is safe because every guard tests the receiver's exact class and calls that
 * class's own method, so a stale guard can only miss, never call the wrong method.
 */
public final class DynamicSite {
    /** Candidate slots per worker. */
    public static final int SLOTS = 4;
    /** Statistics stripes (a power of two); threads hash onto them by id. */
    static final int STRIPES = 16;
    /** A sampled fast-path hit stands for this many calls. */
    public static final int SAMPLE_PERIOD = 16;
    /** The most targets a policy may install. */
    static final int MAX_TARGETS = 4;

    /*
     * All stripes' counters live in one long[] (and their candidate classes in one Class[]), which
     * the guard chain binds as a constant: counting a fast-path hit is then one increment at an
     * address computed from the thread id, with no field loads in between. Each stripe owns
     * STRIDE longs (256 bytes), so two stripes never share a cache line.
     */
    private static final int STRIDE_SHIFT = 5;
    private static final int STRIDE = 1 << STRIDE_SHIFT;
    private static final int CAND = 0;
    private static final int FAST = CAND + SLOTS;
    private static final int MISS = FAST + MAX_TARGETS;
    private static final int SAMPLE = MISS + 1;
    private static final int TOTAL_MISSES = SAMPLE + 1;

    private static final MethodHandle IS_CLASS;
    private static final MethodHandle RECORD_MISS;
    private static final MethodHandle HIT_STRIPED;
    private static final MethodHandle HIT_LOCAL;
    private static final MethodHandle HIT_SHARED;
    private static final MethodHandle HIT_SAMPLED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            IS_CLASS = l.findStatic(DynamicSite.class, "isClass", MethodType.methodType(boolean.class, Class.class, Object.class));
            RECORD_MISS = l.findVirtual(DynamicSite.class, "recordMiss", MethodType.methodType(void.class, Object.class));
            MethodType hit = MethodType.methodType(void.class, long[].class, int.class);
            HIT_STRIPED = l.findStatic(DynamicSite.class, "hitStriped", hit);
            HIT_SHARED = l.findStatic(DynamicSite.class, "hitShared", hit);
            HIT_SAMPLED = l.findStatic(DynamicSite.class, "hitSampled", hit);
            HIT_LOCAL = l.findVirtual(DynamicSite.class, "hitLocal", MethodType.methodType(void.class, int.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }


    public final String name;
    private final MethodHandles.Lookup lookup;
    private final String methodName;
    private final MethodType type;
    private final MethodHandle fallback;
    private final MutableCallSite callSite;
    private final MethodHandle invoker;
    private final LearningPolicy policy;
    private final LearningConfig config;
    private final StatsStrategy stats;
    private final Executor updater;

    /** Counters of all stripes, STRIDE longs each. */
    private final long[] counts;
    /** Candidate classes of all stripes, SLOTS each. */
    private final Class<?>[] cand;
    /** THREAD_LOCAL: each thread's own stripe, handed out in turn. */
    private final ThreadLocal<Integer> local;
    private final java.util.concurrent.atomic.AtomicInteger nextLocal = new java.util.concurrent.atomic.AtomicInteger();
    private final AtomicBoolean updatePending = new AtomicBoolean();
    private volatile boolean skipStats;
    private volatile boolean skipFast;
    private volatile boolean frozen;
    private volatile List<Class<?>> installed = List.of();

    private final AtomicLong updates = new AtomicLong();
    private final AtomicLong patches = new AtomicLong();
    private final AtomicLong wipes = new AtomicLong();
    private final Placement placement;
    /** Patches of every site of this JVM (a cheap read for the harness's patch accounting). */
    private static final AtomicLong TOTAL_PATCHES = new AtomicLong();
    // Totals folded in at each update (guarded by this).
    private long foldedHits;
    private long foldedMisses;

    /**
     * @param lookup     a lookup with access to the interface and its implementations
     * @param iface      the ops interface (the receiver's static type)
     * @param methodName the interface method the site calls
     * @param type       the call's type: the receiver ({@code iface}) first, then the arguments
     * @param updater    where updates run: a background thread normally, {@code Runnable::run} in tests
     */
    public DynamicSite(String name, MethodHandles.Lookup lookup, Class<?> iface, String methodName, MethodType type,
            LearningPolicy policy, LearningConfig config, StatsStrategy stats, Executor updater) {
        this(name, lookup, iface, methodName, type, policy, config, stats, Placement.STUB, updater);
    }

    /** As above, with the chain's {@link Placement}. */
    public DynamicSite(String name, MethodHandles.Lookup lookup, Class<?> iface, String methodName, MethodType type,
            LearningPolicy policy, LearningConfig config, StatsStrategy stats, Placement placement, Executor updater) {
        if (type.parameterCount() == 0 || type.parameterType(0) != iface) {
            throw new IllegalArgumentException("site " + name + ": type " + type + " must start with the receiver " + iface.getName());
        }
        this.name = name;
        this.lookup = lookup;
        this.methodName = methodName;
        this.type = type;
        this.policy = policy;
        this.config = config;
        this.stats = stats;
        this.updater = updater;
        this.placement = placement;
        this.counts = new long[STRIPES * STRIDE];
        this.cand = new Class<?>[STRIPES * SLOTS];
        this.local = ThreadLocal.withInitial(() -> nextLocal.getAndIncrement() & (STRIPES - 1));
        try {
            MethodHandle virtual = lookup.findVirtual(iface, methodName, type.dropParameterTypes(0, 1));
            MethodHandle record = MethodHandles.dropArguments(RECORD_MISS.bindTo(this).asType(MethodType.methodType(void.class, iface)),
                    1, type.dropParameterTypes(0, 1).parameterList());
            this.fallback = MethodHandles.foldArguments(virtual, record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("site " + name + ": no method " + methodName + type.dropParameterTypes(0, 1)
                    + " in " + iface.getName(), e);
        }
        this.callSite = new MutableCallSite(fallback);
        this.invoker = callSite.dynamicInvoker();
    }

    /** The handle callers invoke with {@code invokeExact}; keep it in a {@code static final} field. */
    public MethodHandle invoker() {
        return invoker;
    }

    /** The call site itself (for an invokedynamic bootstrap). */
    public MutableCallSite callSite() {
        return callSite;
    }

    public MethodType type() {
        return type;
    }

    // ------------------------------------------------------------------ hot path

    private static boolean isClass(Class<?> c, Object o) {
        return o != null && o.getClass() == c;
    }

    /** The calling thread's stripe number. */
    private int stripe() {
        return switch (stats) {
            case THREAD_LOCAL -> local.get();
            case SHARED -> 0;
            default -> (int) Thread.currentThread().threadId() & (STRIPES - 1);
        };
    }

    @SuppressWarnings("unused") // through HIT_STRIPED, with c and offset bound as constants
    private static void hitStriped(long[] c, int offset) {
        c[(((int) Thread.currentThread().threadId() & (STRIPES - 1)) << STRIDE_SHIFT) + offset]++;
    }

    @SuppressWarnings("unused") // through HIT_LOCAL
    private void hitLocal(int slot) {
        counts[(local.get() << STRIDE_SHIFT) + FAST + slot]++;
    }

    @SuppressWarnings("unused") // through HIT_SHARED, with c and index bound as constants
    private static void hitShared(long[] c, int index) {
        c[index]++;
    }

    @SuppressWarnings("unused") // through HIT_SAMPLED
    private static void hitSampled(long[] c, int offset) {
        int base = ((int) Thread.currentThread().threadId() & (STRIPES - 1)) << STRIDE_SHIFT;
        if (--c[base + SAMPLE] <= 0) {
            c[base + SAMPLE] = SAMPLE_PERIOD;
            c[base + offset] += SAMPLE_PERIOD;
        }
    }

    /** The fallback's statistics: a call that no guard took. */
    @SuppressWarnings("unused") // through RECORD_MISS
    private void recordMiss(Object receiver) {
        if (!registered) {
            register();
        }
        if (receiver == null || skipStats) {
            // A null receiver: the interface call right after this throws the NullPointerException.
            return;
        }
        int stripe = stripe();
        int b = stripe << STRIDE_SHIFT;
        int cb = stripe * SLOTS;
        long[] k = counts;
        Class<?>[] cs = cand;
        k[b + TOTAL_MISSES]++;
        Class<?> c = receiver.getClass();
        for (int i = 0; i < SLOTS; i++) {
            Class<?> slot = cs[cb + i];
            if (slot == c) {
                k[b + CAND + i]++;
                candidateHit(k, b);
                return;
            }
            if (slot == null) {
                cs[cb + i] = c;
                k[b + CAND + i] = 1;
                candidateHit(k, b);
                return;
            }
        }
        if (++k[b + MISS] > config.wipeThreshold()) {
            for (int i = 0; i < SLOTS; i++) {
                cs[cb + i] = null;
                k[b + CAND + i] = 0;
            }
            k[b + MISS] = 0;
            wipes.incrementAndGet();
        }
    }

    /*
     * A site registers for introspection on its first call, not when it is made: racing first calls
     * of one invokedynamic may bootstrap several sites, of which the JVM keeps one; the others are
     * never called and stay out of the registry.
     */
    private volatile boolean registered;

    private synchronized void register() {
        if (!registered) {
            registered = true;
            SiteRegistry.register(this);
        }
    }

    private void candidateHit(long[] k, int b) {
        long sum = k[b + CAND] + k[b + CAND + 1] + k[b + CAND + 2] + k[b + CAND + 3];
        if (sum > config.updateThreshold() && !frozen && updatePending.compareAndSet(false, true)) {
            updater.execute(this::update);
        }
    }

    // ------------------------------------------------------------------ the update (cold)


    /** Runs one update now (normally scheduled by the statistics; tests may call it). */
    public synchronized void update() {
        try {
            if (frozen) {
                return;
            }
            skipStats = true;
            List<Class<?>> current = installed;
            Map<Class<?>, Long> merged = new HashMap<>();
            for (int st = 0; st < STRIPES; st++) {
                int b = st << STRIDE_SHIFT;
                for (int i = 0; i < SLOTS; i++) {
                    Class<?> c = cand[st * SLOTS + i];
                    if (c != null && counts[b + CAND + i] > 0) {
                        merged.merge(c, counts[b + CAND + i], Long::sum);
                    }
                }
                for (int i = 0; i < current.size(); i++) {
                    foldedHits += counts[b + FAST + i];
                    merged.merge(current.get(i), counts[b + FAST + i], Long::sum);
                }
                foldedMisses += counts[b + TOTAL_MISSES];
            }
            updates.incrementAndGet();
            merged.values().removeIf(v -> v == 0);
            if (!merged.isEmpty()) {
                List<LearningPolicy.Candidate> sorted = new ArrayList<>();
                long total = 0;
                for (Map.Entry<Class<?>, Long> e : merged.entrySet()) {
                    sorted.add(new LearningPolicy.Candidate(e.getKey(), e.getValue()));
                    total += e.getValue();
                }
                sorted.sort(Comparator.comparingLong(LearningPolicy.Candidate::count).reversed()
                        .thenComparing(c -> c.target().getName()));
                List<Class<?>> chosen = policy.select(sorted, total, config);
                if (chosen != null && chosen.size() > MAX_TARGETS) {
                    chosen = chosen.subList(0, MAX_TARGETS);
                }
                // The same targets in another order are not worth a patch (and its deoptimizations).
                if (chosen != null && !(chosen.size() == current.size() && current.containsAll(chosen))
                        && gainsEnough(chosen, current, merged, total)) {
                    install(List.copyOf(chosen));
                }
            }
            java.util.Arrays.fill(cand, null);
            java.util.Arrays.fill(counts, 0);
        } finally {
            skipStats = frozen;
            updatePending.set(false);
        }
    }

    /** A direct call of {@code c}'s implementation, or null if the site's lookup cannot reach it. */
    private MethodHandle direct(Class<?> c) {
        MethodType callee = type.dropParameterTypes(0, 1);
        try {
            return lookup.findVirtual(c, methodName, callee).asType(type);
        } catch (IllegalAccessException e) {
            try {
                return MethodHandles.privateLookupIn(c, lookup).findVirtual(c, methodName, callee).asType(type);
            } catch (ReflectiveOperationException | RuntimeException e2) {
                return null;
            }
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    /** Whether {@code chosen} covers enough more of the merged calls than {@code current} (the hysteresis). */
    private boolean gainsEnough(List<Class<?>> chosen, List<Class<?>> current, Map<Class<?>, Long> merged, long total) {
        if (config.hysteresisPercent() == 0 || current.isEmpty()) {
            return true;
        }
        long gain = 0;
        for (Class<?> c : chosen) {
            gain += merged.getOrDefault(c, 0L);
        }
        for (Class<?> c : current) {
            gain -= merged.getOrDefault(c, 0L);
        }
        return gain * 100 > (long) config.hysteresisPercent() * total;
    }

    /** Installs {@code targets} (most frequent first) as the site's guarded direct calls. */
    public synchronized void install(List<Class<?>> targets) {
        if (targets.size() > MAX_TARGETS) {
            throw new IllegalArgumentException("site " + name + ": " + targets.size() + " targets, at most " + MAX_TARGETS);
        }
        MethodHandle chain = fallback;
        boolean counting = !policy.learnOnce() && stats != StatsStrategy.MISSES_ONLY;
        for (int i = targets.size() - 1; i >= 0; i--) {
            Class<?> c = targets.get(i);
            MethodHandle direct = direct(c);
            if (direct == null) {
                // The caller cannot name this class (say, package-private elsewhere): it stays on the fallback.
                continue;
            }
            if (counting) {
                MethodHandle count = switch (stats) {
                    case THREAD_LOCAL -> MethodHandles.insertArguments(HIT_LOCAL, 0, this, i);
                    case SHARED -> MethodHandles.insertArguments(HIT_SHARED, 0, counts, FAST + i);
                    case SAMPLED -> MethodHandles.insertArguments(HIT_SAMPLED, 0, counts, FAST + i);
                    default -> MethodHandles.insertArguments(HIT_STRIPED, 0, counts, FAST + i);
                };
                direct = MethodHandles.foldArguments(direct, MethodHandles.dropArguments(count, 0, type.parameterList()));
            }
            MethodHandle test = MethodHandles.insertArguments(IS_CLASS, 0, c)
                    .asType(MethodType.methodType(boolean.class, type.parameterType(0)));
            test = MethodHandles.dropArguments(test, 1, type.dropParameterTypes(0, 1).parameterList());
            chain = MethodHandles.guardWithTest(test, direct, chain);
        }
        // installed keeps the whole choice, unreachable classes included, so the next update that makes
        // the same choice does not patch again.
        skipFast = true;
        callSite.setTarget(chain);
        MutableCallSite.syncAll(new MutableCallSite[] {callSite});
        installed = targets;
        patches.incrementAndGet();
        TOTAL_PATCHES.incrementAndGet();
        skipFast = false;
        if (policy.learnOnce()) {
            frozen = true;
            skipStats = true;
        }
    }

    // ------------------------------------------------------------------ introspection

    /** The targets installed now, most frequent first. */
    public List<Class<?>> installed() {
        return installed;
    }

    public String policyName() {
        return policy.name();
    }

    public StatsStrategy statsStrategy() {
        return stats;
    }

    /** Updates that ran (relearns), whether or not they patched. */
    public long updates() {
        return updates.get();
    }

    /** setTarget calls: each one invalidates the compiled code that inlined the site. */
    public long patches() {
        return patches.get();
    }

    /** Where this site's guard chain lives. */
    public Placement placement() {
        return placement;
    }

    /** Patches of all sites of this JVM so far: one atomic read. */
    public static long totalPatches() {
        return TOTAL_PATCHES.get();
    }

    /** Workers' slot wipes (misses passed the wipe threshold before hits passed the update threshold). */
    public long wipes() {
        return wipes.get();
    }

    public boolean frozen() {
        return frozen;
    }

    /**
     * Calls that took a guard, as counted by the statistics: exact for per-call strategies, an
     * estimate for SAMPLED, 0 for MISSES_ONLY and for learn-once sites after their patch.
     */
    public synchronized long fastHits() {
        long sum = foldedHits;
        List<Class<?>> current = installed;
        for (int st = 0; st < STRIPES; st++) {
            for (int i = 0; i < current.size(); i++) {
                sum += counts[(st << STRIDE_SHIFT) + FAST + i];
            }
        }
        return sum;
    }

    /** Calls that reached the fallback while statistics were on. */
    public synchronized long misses() {
        long sum = foldedMisses;
        for (int st = 0; st < STRIPES; st++) {
            sum += counts[(st << STRIDE_SHIFT) + TOTAL_MISSES];
        }
        return sum;
    }

    /** The candidate slots of the stripe the calling thread uses (tests). */
    synchronized List<LearningPolicy.Candidate> candidatesOfThisThread() {
        int st = stripe();
        List<LearningPolicy.Candidate> out = new ArrayList<>();
        for (int i = 0; i < SLOTS; i++) {
            Class<?> c = cand[st * SLOTS + i];
            if (c != null) {
                out.add(new LearningPolicy.Candidate(c, counts[(st << STRIDE_SHIFT) + CAND + i]));
            }
        }
        return out;
    }

    /** The calling thread's stripe's miss count (tests). */
    synchronized long missCountOfThisThread() {
        return counts[(stripe() << STRIDE_SHIFT) + MISS];
    }

    public boolean skipStats() {
        return skipStats;
    }

    public boolean skipFast() {
        return skipFast;
    }

    @Override
    public String toString() {
        return name;
    }
}
