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
 * <p>The site's code is a chain of exact-class guards, each calling one learned target directly,
 * ending in the miss path: the plain interface call, after recording the receiver class in the
 * calling worker's statistics. The chain is plain bytecode generated per target set
 * ({@link ChainFactory}) and cached, and the {@link Placement} decides how callers reach it and so
 * what a patch costs: through a per-site stub that is never inlined into the caller (a patch
 * recompiles the stub alone; the default), inlined into the caller (a patch recompiles the
 * caller), or through a plain field (a patch is a store; every call an indirect jump). Callers
 * invoke {@link #invoker()} with {@code invokeExact}, held in a {@code static final} field.
 *
 * <p>IMPLEMENTATION NOTES. The learning algorithm is Cree's:
 * <ul>
 * <li>Per worker (here: per stripe, chosen by the {@link StatsStrategy}; {@link Stripes} gives each
 *     thread its own), 4 candidate slots {@code {target, hits}} filled first come first served, and
 *     a miss count for receivers that find all 4 taken.</li>
 * <li>When one worker's candidate hits pass {@code updateThreshold} (1000), an update is scheduled
 *     on the updater (off the hot path). When its misses pass {@code wipeThreshold} (1000) first, its
 *     slots are wiped ("roll the dice again").</li>
 * <li>The update switches statistics off ({@code skip_stats}, on the miss path and the fast path
 *     alike), merges all workers' candidates and the fast path's hit counts, sorts, and asks the
 *     policy (default: top 2 if the top count passes 250). A new choice is installed with one patch;
 *     counts are zeroed and statistics switched back on.</li>
 * </ul>
 * JVM adaptations, each reported separately: an update that picks the targets already installed
 * (in any order) does not patch again (a patch costs recompilation here, not a cheap text poke). The
 * kernel's {@code skip_fast} window (callers bypass the fast path while it is rewritten) has no
 * counterpart: a patch is one atomic store of the new chain, callers inside the old chain finish in
 * it, and that is safe because every guard tests the receiver's exact class and calls that class's
 * own method, so a stale guard can only miss, never call the wrong method. A call that read the
 * skip-stats word just before an update began may still add its one count after the reset.
 */
public final class DynamicSite {
    /** Candidate slots per worker. */
    public static final int SLOTS = 4;
    /** A sampled fast-path hit stands for this many calls. */
    public static final int SAMPLE_PERIOD = 16;
    /** The most targets a policy may install. */
    static final int MAX_TARGETS = 4;
    /** Distinct chains (target lists) a site keeps compiled code for; the least recently used goes first. */
    static final int CHAIN_CACHE = 256;

    /*
     * All stripes' counters live in one long[] (and their candidate classes in one Class[]), which
     * the generated chain holds as a constant: counting a fast-path hit is then one increment at an
     * address computed from the stripe, with no field loads in between. Each stripe owns STRIDE
     * longs (256 bytes), so two stripes never share a cache line; one more line at the end holds the
     * skip-stats word.
     */
    static final int STRIDE_SHIFT = 5;
    static final int STRIDE = 1 << STRIDE_SHIFT;
    static final int CAND = 0;
    static final int FAST = CAND + SLOTS;
    static final int MISS = FAST + MAX_TARGETS;
    static final int SAMPLE = MISS + 1;
    static final int TOTAL_MISSES = SAMPLE + 1;
    /** The skip-stats word: non-zero while statistics are off. */
    static final int SKIP = Stripes.COUNT * STRIDE;
    /** STUB: the selector word, the index of the installed chain among the stub's known chains. */
    static final int SELECT = SKIP + 1;
    /** STUB: the most chains a selecting stub knows; past that the least recently installed goes. */
    static final int STUB_CHAINS = 16;

    private static final java.lang.invoke.VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final AtomicLong TOTAL_PATCHES = new AtomicLong();
    /** THREAD_LOCAL: each thread's {@link Stripes} stripe, kept in a ThreadLocal (the JDK's per-thread storage, measured). */
    private static final ThreadLocal<Integer> LOCAL = ThreadLocal.withInitial(Stripes::current);

    public final String name;
    private final ChainFactory.SiteShape shape;
    private final MutableCallSite callSite;
    private final MethodHandle invoker;
    /** What an invokedynamic links to (see {@link #callSite()}). */
    private final java.lang.invoke.CallSite linkSite;
    /** MH_FIELD: stores the chain in the stub's field. */
    private final MethodHandle fieldSetter;
    private final Placement placement;
    private final LearningPolicy policy;
    private final LearningConfig config;
    private final StatsStrategy stats;
    private final Executor updater;

    /** Counters of all stripes, STRIDE longs each, then the skip-stats line. */
    private final long[] counts;
    /** Candidate classes of all stripes, SLOTS each. */
    private final Class<?>[] cand;
    private final AtomicBoolean updatePending = new AtomicBoolean();
    /** The update as a work item of the background updater, made once: scheduling it allocates nothing. */
    private final Updater.Work updateWork = new Updater.Work(this::update);
    private volatile boolean frozen;
    private volatile List<Class<?>> installed = List.of();
    /** Generated chains by target list (guarded by this). */
    private final Map<List<Object>, MethodHandle> chains = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<Object>, MethodHandle> eldest) {
            return size() > CHAIN_CACHE;
        }
    };

    private final AtomicLong updates = new AtomicLong();
    private final AtomicLong patches = new AtomicLong();
    private final AtomicLong wipes = new AtomicLong();
    private final AtomicLong chainsBuilt = new AtomicLong();
    private final AtomicLong stubRebuilds = new AtomicLong();
    /** STUB: the selecting stub's cases, in case order (guarded by this). */
    private final List<Case> cases = new ArrayList<>();
    /** One case of the selecting stub: a known target list, its chain, the patch that last installed it. */
    private static final class Case {
        final List<Class<?>> targets;
        final MethodHandle chain;
        long used;

        Case(List<Class<?>> targets, MethodHandle chain, long used) {
            this.targets = targets;
            this.chain = chain;
            this.used = used;
        }
    }

    /** STUB (and ADAPTIVE once out of line): the call site whose target is the selecting stub (guarded by this). */
    private MutableCallSite selectorSite;
    /** ADAPTIVE: whether the site has moved out of line (guarded by this). */
    private volatile boolean outOfLine;
    // Totals folded in at each update (guarded by this).
    private long foldedHits;
    /** Every update's merged counts, added up: the mix of targets the statistics saw at this site (its skew). */
    private final Map<Class<?>, Long> observed = new HashMap<>();
    private long foldedMisses;

    /**
     * A site in the default placement ({@link Placement#STUB}).
     *
     * @param lookup     a full-privilege lookup of the caller: the site's code is defined next to it
     * @param iface      the ops interface (the receiver's static type)
     * @param methodName the interface method the site calls
     * @param type       the call's type: the receiver ({@code iface}) first, then the arguments
     * @param updater    where updates run: a background thread normally, {@code Runnable::run} in tests
     */
    public DynamicSite(String name, MethodHandles.Lookup lookup, Class<?> iface, String methodName, MethodType type,
            LearningPolicy policy, LearningConfig config, StatsStrategy stats, Executor updater) {
        this(name, lookup, iface, methodName, type, policy, config, stats, Placement.STUB, updater);
    }

    /** A site with the settings of {@code learning} (policy, thresholds, statistics, placement); the rest as above. */
    public DynamicSite(String name, MethodHandles.Lookup lookup, Class<?> iface, String methodName, MethodType type, Learning learning,
            Executor updater) {
        this(name, lookup, iface, methodName, type, learning.policy(), learning.thresholds(), learning.stats(), learning.placement(), updater);
    }

    /** As the first, with the chain's {@link Placement}. */
    public DynamicSite(String name, MethodHandles.Lookup lookup, Class<?> iface, String methodName, MethodType type,
            LearningPolicy policy, LearningConfig config, StatsStrategy stats, Placement placement, Executor updater) {
        if (type.parameterCount() == 0 || type.parameterType(0) != iface) {
            throw new IllegalArgumentException("site " + name + ": type " + type + " must start with the receiver " + iface.getName());
        }
        try {
            lookup.findVirtual(iface, methodName, type.dropParameterTypes(0, 1));
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("site " + name + ": no method " + methodName + type.dropParameterTypes(0, 1)
                    + " in " + iface.getName(), e);
        }
        if (!lookup.hasFullPrivilegeAccess()) {
            throw new IllegalArgumentException("site " + name + ": the lookup of " + lookup.lookupClass().getName()
                    + " has no full privilege access; the site's code is defined next to the caller");
        }
        this.name = name;
        this.shape = new ChainFactory.SiteShape(lookup, iface, methodName, type);
        this.placement = placement;
        this.policy = policy;
        this.config = config;
        this.stats = stats;
        this.updater = updater;
        this.counts = new long[SKIP + STRIDE];
        this.cand = new Class<?>[Stripes.COUNT * SLOTS];
        MethodHandle empty = chainFor(List.of(), placement == Placement.STUB);
        if (placement == Placement.STUB) {
            cases.add(new Case(List.of(), empty, 0));
            this.callSite = new MutableCallSite(ChainFactory.selector(shape, this, counts, SELECT, List.of(empty)));
            this.selectorSite = callSite;
        } else {
            this.callSite = new MutableCallSite(empty);
        }
        switch (placement) {
            case INLINE, ADAPTIVE -> {
                this.invoker = callSite.dynamicInvoker();
                this.fieldSetter = null;
            }
            case STUB -> {
                this.invoker = ChainFactory.stub(shape, callSite.dynamicInvoker());
                this.fieldSetter = null;
            }
            default -> {
                MethodHandle[] stub = ChainFactory.fieldStub(shape, empty);
                this.invoker = stub[0];
                this.fieldSetter = stub[1];
            }
        }
        this.linkSite = placement == Placement.INLINE || placement == Placement.ADAPTIVE ? callSite
                : new java.lang.invoke.ConstantCallSite(invoker);
    }

    /** The handle callers invoke with {@code invokeExact}; keep it in a {@code static final} field. */
    public MethodHandle invoker() {
        return invoker;
    }

    /**
     * The call site to link an {@code invokedynamic} to: the mutable one itself when the chain is
     * inlined into the caller, else a constant one bound to the site's stub.
     */
    public java.lang.invoke.CallSite callSite() {
        return linkSite;
    }

    public MethodType type() {
        return shape.type();
    }

    public Placement placement() {
        return placement;
    }

    /** Whether the chain is reached out of line: always for STUB and MH_FIELD, for ADAPTIVE once it has moved. */
    public boolean outOfLine() {
        return placement == Placement.STUB || placement == Placement.MH_FIELD || outOfLine;
    }

    // ------------------------------------------------------------------ hot path

    /** The calling thread's stripe number. */
    private int stripe() {
        return switch (stats) {
            case THREAD_LOCAL -> threadLocalStripe();
            case SHARED -> 0;
            default -> Stripes.current();
        };
    }

    /** THREAD_LOCAL's stripe of the calling thread. */
    static int threadLocalStripe() {
        return LOCAL.get();
    }

    /**
     * The miss path's statistics: a call that no guard took. Called by the generated chain only
     * (public because the chain lives in the caller's package).
     */
    public void recordMiss(Object receiver) {
        if (!registered) {
            register();
        }
        if (receiver == null || counts[SKIP] != 0) {
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
            if (updater instanceof Updater u) {
                u.schedule(updateWork);
            } else {
                updater.execute(this::update);
            }
        }
    }

    // ------------------------------------------------------------------ the update (cold)


    /** Runs one update now (normally scheduled by the statistics; tests may call it). */
    public synchronized void update() {
        try {
            if (frozen) {
                return;
            }
            setSkipStats(true);
            List<Class<?>> current = installed;
            Map<Class<?>, Long> merged = new HashMap<>();
            for (int st = 0; st < Stripes.COUNT; st++) {
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
            merged.forEach((c, n) -> observed.merge(c, n, Long::sum));
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
            java.util.Arrays.fill(counts, 0, SKIP, 0);
        } finally {
            setSkipStats(frozen);
            updatePending.set(false);
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

    /** Installs {@code targets} (most frequent first) as the site's guarded direct calls: one patch. */
    public synchronized void install(List<Class<?>> targets) {
        if (targets.size() > MAX_TARGETS) {
            throw new IllegalArgumentException("site " + name + ": " + targets.size() + " targets, at most " + MAX_TARGETS);
        }
        List<Class<?>> list = List.copyOf(targets);
        // Out of line, chains are padded so that the selecting stub calls them instead of inlining them all:
        // a new target list then recompiles only the trampoline (measured: inlined chains made every
        // rebuild a large compilation, 2.2 s of JIT time against 1.0 s per fork under exact Cree).
        boolean padded = placement == Placement.STUB || placement == Placement.ADAPTIVE && (outOfLine || patches.get() >= Placement.INLINE_PATCHES);
        MethodHandle chain = chainFor(list, padded);
        if (placement == Placement.STUB || outOfLine) {
            select(list, chain);
        } else if (placement == Placement.ADAPTIVE && patches.get() >= Placement.INLINE_PATCHES) {
            // The site keeps relearning: out of line from now on. The caller recompiles once more,
            // to call the trampoline; later patches are stores of the selector word.
            selectorSite = new MutableCallSite(callSite.type());
            cases.clear();
            select(list, chain);
            callSite.setTarget(ChainFactory.stub(shape, selectorSite.dynamicInvoker()));
            MutableCallSite.syncAll(new MutableCallSite[] {callSite});
            outOfLine = true;
        } else if (fieldSetter != null) {
            try {
                fieldSetter.invokeExact(chain);
            } catch (Throwable t) {
                throw new IllegalStateException("site " + name + ": cannot store the chain", t);
            }
        } else {
            callSite.setTarget(chain);
            MutableCallSite.syncAll(new MutableCallSite[] {callSite});
        }
        installed = list;
        patches.incrementAndGet();
        TOTAL_PATCHES.incrementAndGet();
        if (policy.learnOnce()) {
            frozen = true;
            setSkipStats(true);
        }
    }

    /**
     * STUB: makes {@code chain} the one the selecting stub calls. A target list the stub knows is
     * one store of the selector word, and nothing recompiles; a new one rebuilds the selecting stub
     * with one more case (and recompiles the trampoline that inlined the old one). A caller still in
     * the old stub, or reading the word between the two stores, calls a stale chain or the miss
     * path: exact-class guards make either safe.
     */
    private void select(List<Class<?>> list, MethodHandle chain) {
        long stamp = patches.get() + 1;
        int k = 0;
        while (k < cases.size() && !cases.get(k).targets.equals(list)) {
            k++;
        }
        if (k == cases.size()) {
            if (cases.size() == STUB_CHAINS) {
                cases.remove(cases.stream().min(java.util.Comparator.comparingLong(c -> c.used)).orElseThrow());
            }
            cases.add(new Case(list, chain, stamp));
            k = cases.size() - 1;
            selectorSite.setTarget(ChainFactory.selector(shape, this, counts, SELECT, cases.stream().map(c -> c.chain).toList()));
            MutableCallSite.syncAll(new MutableCallSite[] {selectorSite});
            stubRebuilds.incrementAndGet();
        } else {
            cases.get(k).used = stamp;
        }
        LONGS.setVolatile(counts, SELECT, (long) k);
    }

    /**
     * Rebuilds of the selecting stub (STUB): patches to a target list it did not know. Each one
     * recompiles the site's trampoline; a patch to a known list recompiles nothing.
     */
    public long stubRebuilds() {
        return stubRebuilds.get();
    }

    /** The generated chain for {@code targets}, from the cache or built now. */
    private synchronized MethodHandle chainFor(List<Class<?>> targets, boolean padded) {
        List<Object> key = List.of(padded, targets);
        MethodHandle chain = chains.get(key);
        if (chain == null) {
            ChainFactory.Counting counting = policy.learnOnce() || targets.isEmpty() ? ChainFactory.Counting.NONE : switch (stats) {
                case MISSES_ONLY -> ChainFactory.Counting.NONE;
                case THREAD_LOCAL -> ChainFactory.Counting.THREAD_LOCAL;
                case SHARED -> ChainFactory.Counting.SHARED;
                case SAMPLED -> ChainFactory.Counting.SAMPLED;
                case STRIPED -> ChainFactory.Counting.STRIPED;
            };
            chain = ChainFactory.chain(shape, this, counts, targets, counting, padded);
            chains.put(key, chain);
            chainsBuilt.incrementAndGet();
        }
        return chain;
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

    /** Installs of new targets: each one a store of a new chain (and, unless mh-field, recompiled code that held the old). */
    public long patches() {
        return patches.get();
    }

    /** Patches of every site in this JVM (a cheap read, for the harness's patch timing). */
    public static long totalPatches() {
        return TOTAL_PATCHES.get();
    }

    /** Chains generated (hidden classes defined) for this site, the empty one included; a patch back to a known target list reuses its chain. */
    public long chainsBuilt() {
        return chainsBuilt.get();
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
        for (int st = 0; st < Stripes.COUNT; st++) {
            for (int i = 0; i < current.size(); i++) {
                sum += counts[(st << STRIDE_SHIFT) + FAST + i];
            }
        }
        return sum;
    }

    /**
     * The targets the statistics saw at this site over every update so far, with their counts,
     * most frequent first: the site's target skew as the learner sampled it (at most {@link #SLOTS}
     * candidates per worker between two updates, so a long tail is undercounted, as in the kernel).
     */
    public synchronized List<LearningPolicy.Candidate> observed() {
        List<LearningPolicy.Candidate> out = new ArrayList<>();
        observed.forEach((c, n) -> out.add(new LearningPolicy.Candidate(c, n)));
        out.sort(Comparator.comparingLong(LearningPolicy.Candidate::count).reversed().thenComparing(c -> c.target().getName()));
        return out;
    }

    /**
     * What the site has learned so far, read at once: the updates and patches run under the
     * site's lock, so none is half in it. For the harness's phase boundaries (cold: it copies the
     * observed mix); differences of two snapshots say what the site did between them.
     *
     * @param installed the targets installed now, most frequent first
     * @param updates   updates that ran so far ({@link #updates})
     * @param patches   patches so far ({@link #patches})
     * @param counted   every call the statistics counted so far, by target: what the updates merged
     *                  ({@link #observed}) plus what the workers counted since the last update and no
     *                  update has merged yet (the installed targets' fast-path hits, the candidate
     *                  slots). An update moves counts from the second part to the first, so the sum
     *                  only grows: the difference of two snapshots is what was counted between them,
     *                  even at a site whose installed targets take every call and so never updates.
     *                  The workers' counters are read while they may run (an estimate, off by the
     *                  calls in flight).
     */
    public record Snapshot(List<Class<?>> installed, long updates, long patches, Map<Class<?>, Long> counted) {
    }

    /** A {@link Snapshot} of this site now (cold: it copies the counts into a new map). */
    public synchronized Snapshot snapshot() {
        Map<Class<?>, Long> counted = new HashMap<>(observed);
        List<Class<?>> current = installed;
        for (int st = 0; st < Stripes.COUNT; st++) {
            int b = st << STRIDE_SHIFT;
            for (int i = 0; i < SLOTS; i++) {
                Class<?> c = cand[st * SLOTS + i];
                long n = counts[b + CAND + i];
                if (c != null && n > 0) {
                    counted.merge(c, n, Long::sum);
                }
            }
            for (int i = 0; i < current.size(); i++) {
                long n = counts[b + FAST + i];
                if (n > 0) {
                    counted.merge(current.get(i), n, Long::sum);
                }
            }
        }
        return new Snapshot(current, updates.get(), patches.get(), counted);
    }

    /** Calls that reached the fallback while statistics were on. */
    public synchronized long misses() {
        long sum = foldedMisses;
        for (int st = 0; st < Stripes.COUNT; st++) {
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

    /** Whether statistics are off (during an update, and for good after a learn-once patch). */
    public boolean skipStats() {
        return (long) LONGS.getVolatile(counts, SKIP) != 0;
    }

    /** Cree's skip_stats, for the fast path (the chain's hit counts) and the miss path alike: one word. */
    private void setSkipStats(boolean on) {
        LONGS.setVolatile(counts, SKIP, on ? 1L : 0L);
    }

    @Override
    public String toString() {
        return name;
    }
}
