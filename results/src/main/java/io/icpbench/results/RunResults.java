package io.icpbench.results;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything one run of the suite produced: its settings, where it ran, the planned fork order
 * and the forks finished so far. Written as {@code results.json} (see results/README.md).
 *
 * @param schema     format version ({@link #SCHEMA})
 * @param settings   what was asked for
 * @param provenance where and with what it ran
 * @param plan       the planned forks in run order (randomized blocks)
 * @param forks      the finished forks, in the order they finished
 */
public record RunResults(int schema, Settings settings, Provenance provenance, List<PlannedFork> plan, List<ForkResult> forks) {
    public static final int SCHEMA = 4;

    public RunResults {
        plan = List.copyOf(plan);
        forks = List.copyOf(forks);
    }

    /** These results with one more finished fork. */
    public RunResults with(ForkResult fork) {
        List<ForkResult> more = new ArrayList<>(forks);
        more.add(fork);
        return new RunResults(schema, settings, provenance, plan, more);
    }

    /**
     * These results as if the forks had measured only {@code phase}: every fork's scores cut to the
     * phase's iterations (forks without any left out), settings without phases. Every analysis of
     * a whole run then applies to one phase.
     */
    public RunResults inPhase(Phase phase) {
        List<ForkResult> cut = new ArrayList<>();
        for (ForkResult f : forks) {
            ForkResult c = f.inPhase(phase);
            if (c != null) {
                cut.add(c);
            }
        }
        Settings s = settings;
        Settings only = new Settings(s.arms(), s.profile(), s.workNs(), s.workers(), s.sites(), s.forksPerArm(), s.warmupIterations(),
                phase.iterations(), s.iterationSeconds(), s.seed(), s.quick(), s.baseline(), s.design(), List.of());
        return new RunResults(schema, only, provenance, plan, cut);
    }

    /** Whether the planned fork {@code index} has finished. */
    public boolean finished(int index) {
        return forks.stream().anyMatch(f -> f.index() == index);
    }

    /**
     * The run's settings.
     *
     * @param arms               the arms compared, in report order: a mode plus its settings (see {@link Arm})
     * @param profile            traffic profile name
     * @param workNs             handler work, ns
     * @param workers            RX workers (benchmark threads) per fork; scores are per packet per worker
     * @param sites              which of the call sites ({@code Site.COUNT}) the modes convert ("all", "none", or sites and ranges such as
     *                           "1-5,9"), for every arm that does not set its own
     * @param forksPerArm        forks of each arm
     * @param warmupIterations   warmup iterations per fork
     * @param iterations         measurement iterations per fork
     * @param iterationSeconds   seconds per iteration
     * @param seed               the seed of the fork order
     * @param quick              whether this is a --quick run
     * @param baseline           the arm every other arm is compared with (the first arm when absent)
     * @param design             how forks run: {@link #SEQUENTIAL} (one JVM at a time, each fork whole) or
     *                           {@link #INTERLEAVED} (a block's forks alive together, taking turns one iteration
     *                           each, in a random order per round); absent in older files: sequential
     * @param phases             traffic whose mix changes during the run (a profile with phases): which measured
     *                           iterations of every fork belong to which phase, in order ({@link Phase}); empty for
     *                           one mix (and in files before schema 4)
     * @param levers             what every fork of the run ran under besides its arm's own settings, as written
     *                           ({@code pin}, {@code fixed-heap}, {@code jvm=FLAGS}: the harness's {@code Lever}); in
     *                           force for every arm alike; empty when none (and in older files)
     */
    public record Settings(List<Arm> arms, String profile, double workNs, int workers, String sites, int forksPerArm, int warmupIterations,
            int iterations, double iterationSeconds, long seed, boolean quick, String baseline, String design, List<Phase> phases,
            List<String> levers) {
        public static final String SEQUENTIAL = "sequential";
        public static final String INTERLEAVED = "interleaved";
        public static final String DUET = "duet";
        /** The designs a results file may name (the harness's {@code Design} classes own what each one does). */
        public static final List<String> DESIGNS = List.of(INTERLEAVED, SEQUENTIAL, DUET);

        public Settings {
            arms = List.copyOf(arms);
            phases = phases == null ? List.of() : List.copyOf(phases);
            levers = levers == null ? List.of() : List.copyOf(levers);
            int next = 0;
            for (Phase p : phases) {
                if (p.first() != next || p.last() < p.first()) {
                    throw new IllegalArgumentException("phase " + p.name() + " covers measured iterations " + p.first() + "-" + p.last()
                            + ", expected the phases to follow each other from iteration 0 without a gap");
                }
                next = p.last() + 1;
            }
            if (baseline == null && !arms.isEmpty()) {
                baseline = arms.get(0).name();
            }
            if (design == null) {
                design = SEQUENTIAL;
            }
            if (!DESIGNS.contains(design)) {
                throw new IllegalArgumentException("design '" + design + "', expected one of " + DESIGNS);
            }
        }

        /** Settings without levers (every fork as the JVM starts it). */
        public Settings(List<Arm> arms, String profile, double workNs, int workers, String sites, int forksPerArm, int warmupIterations,
                int iterations, double iterationSeconds, long seed, boolean quick, String baseline, String design, List<Phase> phases) {
            this(arms, profile, workNs, workers, sites, forksPerArm, warmupIterations, iterations, iterationSeconds, seed, quick, baseline, design,
                    phases, List.of());
        }

        /** Settings of a run whose traffic has no phases. */
        public Settings(List<Arm> arms, String profile, double workNs, int workers, String sites, int forksPerArm, int warmupIterations,
                int iterations, double iterationSeconds, long seed, boolean quick, String baseline, String design) {
            this(arms, profile, workNs, workers, sites, forksPerArm, warmupIterations, iterations, iterationSeconds, seed, quick, baseline, design,
                    List.of());
        }

        /** These settings with {@code phases}. */
        public Settings withPhases(List<Phase> phases) {
            return new Settings(arms, profile, workNs, workers, sites, forksPerArm, warmupIterations, iterations, iterationSeconds, seed, quick,
                    baseline, design, phases, levers);
        }

        /** Settings of a sequential run whose baseline is its first arm. */
        public Settings(List<Arm> arms, String profile, double workNs, int workers, String sites, int forksPerArm, int warmupIterations,
                int iterations, double iterationSeconds, long seed, boolean quick) {
            this(arms, profile, workNs, workers, sites, forksPerArm, warmupIterations, iterations, iterationSeconds, seed, quick, null, null);
        }

        /** The arms' names, in report order. */
        public List<String> armNames() {
            return arms.stream().map(Arm::name).toList();
        }

        /** The arm called {@code name}. */
        public Arm arm(String name) {
            return arms.stream().filter(a -> a.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no arm '" + name + "' in this run, expected one of " + armNames()));
        }
    }

    /**
     * One phase of a run's traffic: every fork's measured iterations {@code first} to {@code last}
     * (from 0, both included) replayed its mix. The warmup replays the first phase.
     *
     * @param name the phase's name in the profile
     */
    public record Phase(String name, int first, int last) {
        /** The phase's measured iterations. */
        public int iterations() {
            return last - first + 1;
        }
    }

    /**
     * An arm: a dispatch mode plus its settings, run in forks of its own and reported under its name.
     * A plain {@code --modes} run has one arm per mode, named after it, with no settings. A null
     * setting is the default (the run's {@code sites}; the learned modes' own defaults).
     *
     * @param name       the name results and reports use (letters, digits, '.', '_', '+', '-')
     * @param mode       the dispatch mode ("dynamic-call")
     * @param placement  learned modes: where a patch lands (stub, inline, mh-field, adaptive), or null
     * @param policy     learned modes: the learning policy (cree, top-N, llvm, gcc, with ",learn-once"), or null
     * @param stats      learned modes: where statistics are counted (striped, thread_local, ...), or null
     * @param thresholds learned modes: U,W,P[,H], or null
     * @param sites      the call sites converted, or null for the run's
     * @param jvm        extra JVM flags of the arm's forks (empty for none)
     */
    public record Arm(String name, String mode, String placement, String policy, String stats, String thresholds, String sites,
            List<String> jvm, String planted) {
        public Arm {
            jvm = jvm == null ? List.of() : List.copyOf(jvm);
        }

        /** An arm without a planted effect. */
        public Arm(String name, String mode, String placement, String policy, String stats, String thresholds, String sites, List<String> jvm) {
            this(name, mode, placement, policy, stats, thresholds, sites, jvm, null);
        }

        /** An arm named after its mode, with no settings. */
        public static Arm ofMode(String mode) {
            return new Arm(mode, mode, null, null, null, null, null, List.of());
        }

        /** The arm as {@code --arm} takes it: {@code MODE;key=value;...} (settings that are set, in a fixed order). */
        public String spec() {
            StringBuilder b = new StringBuilder(mode);
            append(b, "placement", placement);
            append(b, "policy", policy);
            append(b, "stats", stats);
            append(b, "thresholds", thresholds);
            append(b, "sites", sites);
            if (!jvm.isEmpty()) {
                append(b, "jvm", String.join(" ", jvm));
            }
            append(b, "planted", planted);
            return b.toString();
        }

        private static void append(StringBuilder b, String key, String value) {
            if (value != null) {
                b.append(';').append(key).append('=').append(value);
            }
        }
    }

    /**
     * Where the run ran.
     *
     * @param jdk       java.vm.version
     * @param jvmFlags  the flags every fork got (mode flags are per fork)
     * @param cpuModel  from /proc/cpuinfo
     * @param kernel    os.name and os.version
     * @param cores     available processors
     * @param gitCommit the project's commit, "unknown" outside a git checkout
     * @param started   ISO-8601 start time
     * @param host      the machine's host name (null in files written before it was recorded; a merged run of several
     *                  machines lists them, comma-separated): the blocking factor when runs of several machines are combined
     */
    public record Provenance(String jdk, List<String> jvmFlags, String cpuModel, String kernel, int cores, String gitCommit,
            String started, String host) {
        public Provenance {
            jvmFlags = List.copyOf(jvmFlags);
        }

        /** Provenance without a host name (as files before it was recorded). */
        public Provenance(String jdk, List<String> jvmFlags, String cpuModel, String kernel, int cores, String gitCommit, String started) {
            this(jdk, jvmFlags, cpuModel, kernel, cores, gitCommit, started, null);
        }

        /** This provenance on {@code otherHost}. */
        public Provenance withHost(String otherHost) {
            return new Provenance(jdk, jvmFlags, cpuModel, kernel, cores, gitCommit, started, otherHost);
        }
    }

    /**
     * One fork of the plan.
     *
     * @param index position in the run order, from 0
     * @param block the randomized block it belongs to (each block runs every arm once)
     * @param arm   the arm it runs (its name)
     * @param mode  the arm's dispatch mode
     */
    public record PlannedFork(int index, int block, String arm, String mode) {
    }

    /**
     * A finished fork: its measured iterations, its counters, what its sites learned and what their
     * patches cost.
     *
     * @param arm               the arm it ran (its name)
     * @param mode              the arm's dispatch mode
     * @param scoresNsPerPacket measurement iterations, ns per packet (JMH's score of each fixed-time iteration)
     * @param packetsPerSecond  the fork's rate as its fork recorded it: {@link #rate} since issue 20, 1e9 / mean ns per packet
     *                          before (in older files); the analysis reads {@link #rate}, never this
     * @param counters          SNMP counters of the fork's last trial
     * @param outcomes          packets per outcome of the fork's last trial
     * @param sites             learned sites: name to installed targets
     * @param accounting        patch accounting over the measurement ({@link Accounting})
     * @param jmhJson           the fork's JMH result file, relative to the run directory
     * @param hlog              the fork's latency log, relative to the run directory
     * @param seconds           wall time of the fork
     * @param noise             what else the machine did while the fork measured ({@link Noise}), or null if not recorded
     * @param jit               what the JIT made of the fork's code ({@link JitFingerprint}), or null if not recorded (forks of an
     *                          icpbench before it, or a JVM whose Flight Recorder failed)
     */
    public record ForkResult(int index, int block, String arm, String mode, List<Double> scoresNsPerPacket, double packetsPerSecond,
            Map<String, Long> counters, Map<String, Long> outcomes, Map<String, List<String>> sites, Accounting accounting, String jmhJson,
            String hlog, double seconds, Noise noise, JitFingerprint jit) {
        public ForkResult {
            scoresNsPerPacket = List.copyOf(scoresNsPerPacket);
        }

        /** A fork without a JIT fingerprint. */
        public ForkResult(int index, int block, String arm, String mode, List<Double> scoresNsPerPacket, double packetsPerSecond,
                Map<String, Long> counters, Map<String, Long> outcomes, Map<String, List<String>> sites, Accounting accounting, String jmhJson,
                String hlog, double seconds, Noise noise) {
            this(index, block, arm, mode, scoresNsPerPacket, packetsPerSecond, counters, outcomes, sites, accounting, jmhJson, hlog, seconds, noise,
                    null);
        }

        /** A fork without a noise record. */
        public ForkResult(int index, int block, String arm, String mode, List<Double> scoresNsPerPacket, double packetsPerSecond,
                Map<String, Long> counters, Map<String, Long> outcomes, Map<String, List<String>> sites, Accounting accounting, String jmhJson,
                String hlog, double seconds) {
            this(index, block, arm, mode, scoresNsPerPacket, packetsPerSecond, counters, outcomes, sites, accounting, jmhJson, hlog, seconds, null,
                    null);
        }

        /** This fork with its noise record. */
        public ForkResult withNoise(Noise n) {
            return new ForkResult(index, block, arm, mode, scoresNsPerPacket, packetsPerSecond, counters, outcomes, sites, accounting, jmhJson,
                    hlog, seconds, n, jit);
        }

        /** This fork with its JIT fingerprint. */
        public ForkResult withJit(JitFingerprint j) {
            return new ForkResult(index, block, arm, mode, scoresNsPerPacket, packetsPerSecond, counters, outcomes, sites, accounting, jmhJson,
                    hlog, seconds, noise, j);
        }

        /** The mean of the iterations' ns per packet (a secondary figure: the fork's rate is {@link #rate}, not its inverse). */
        public double meanNsPerPacket() {
            return scoresNsPerPacket.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        }

        /**
         * The fork's rate, packets per second: its packets over its measured time, the unit of
         * replication. JMH's iterations are fixed-time, so an iteration's packets are its rate
         * (1e9 / its ns per packet) times the same time, and packets over time is the mean of the
         * iterations' rates. 1e9 / {@link #meanNsPerPacket} would be their harmonic mean instead,
         * low by about CV² of the iterations (3% at a turn-to-turn CV of 17%). Computed from the
         * scores, so files written before it (whose packetsPerSecond held the harmonic mean) are
         * read on the same scale; NaN without iterations.
         */
        public double rate() {
            return rateOf(scoresNsPerPacket);
        }

        /** The rate of fixed-time iterations with these scores (ns per packet): the mean of 1e9 / score ({@link #rate}). */
        public static double rateOf(List<Double> scoresNsPerPacket) {
            return scoresNsPerPacket.stream().mapToDouble(ns -> 1e9 / ns).average().orElse(Double.NaN);
        }

        /**
         * This fork with only the measured iterations of {@code phase} (those it has: a fork cut
         * short may end inside a phase), its rate theirs ({@link #rateOf}); null if it has none of them.
         */
        public ForkResult inPhase(Phase phase) {
            if (phase.first() >= scoresNsPerPacket.size()) {
                return null;
            }
            List<Double> s = scoresNsPerPacket.subList(phase.first(), Math.min(phase.last() + 1, scoresNsPerPacket.size()));
            return new ForkResult(index, block, arm, mode, s, rateOf(s), counters, outcomes, sites, accounting, jmhJson, hlog, seconds, noise, jit);
        }

        /** This fork renumbered (merging runs), its files at {@code jmhJson} and {@code hlog}. */
        public ForkResult moved(int newIndex, int newBlock, String newJmhJson, String newHlog) {
            return new ForkResult(newIndex, newBlock, arm, mode, scoresNsPerPacket, packetsPerSecond, counters, outcomes, sites, accounting,
                    newJmhJson, newHlog, seconds, noise, jit);
        }
    }

    /**
     * What else the machine did while a fork measured, from {@code /proc/stat} and {@code /proc/loadavg}
     * sampled around each of its measured iterations (interleaved design) or around its whole run
     * (sequential design).
     *
     * @param seconds       wall time the samples cover
     * @param stealPercent  CPU time the hypervisor gave to other guests, percent of all CPUs' time
     * @param othersPercent CPU time of every process but the fork's own JVM (other tenants' work in this guest, the
     *                      harness, idle forks), percent of all CPUs' time
     * @param forkPercent   the fork's own JVM's CPU time, percent of all CPUs' time
     * @param loadAverage   the 1-minute load average at the end
     * @param interfered    whether the fork ran under interference (steal or others' CPU above the flag thresholds)
     * @param reason        why it is flagged, in words (null when not)
     */
    public record Noise(double seconds, double stealPercent, double othersPercent, double forkPercent, double loadAverage, boolean interfered,
            String reason) {
    }

    /**
     * What the JIT made of a fork's receive path, from the fork's own Flight Recorder events
     * ({@code jdk.CompilerInlining}, {@code jdk.Compilation}, {@code jdk.Deoptimization}) from its
     * start to its end. A fork keeps the code C2 compiled for it for its whole life, and C2's
     * inlining depends on profiles taken at one moment (issue 20: about one fork in seven ran 30–40%
     * slower, its C2 compile not having inlined a few small methods that every fast fork inlined);
     * forks with the same {@link #id} compiled the receive path alike, so an arm's forks can be
     * grouped by it and the groups' rates compared.
     *
     * @param id              a short hash of the sites' decisions ({@link SiteDecision#line}): equal for forks whose C2
     *                        decided alike at every call site. Not the failures: C2's refusals on cold paths (error
     *                        counters, rare protocols) differ in nearly every fork (issue 20: 96 forks, 96 failure
     *                        lists) and would give every fork an id of its own; the report's splits read them instead
     * @param sites           per call site (1 to 13, in order), C2's decision at its ops call ({@link SiteDecision})
     * @param failures        C2's failures to inline an io.icpbench method into an io.icpbench caller, in the latest
     *                        C2 compile of each io.icpbench method (and of its OSR compile): "Caller.method -> Callee.method:
     *                        message", classes by their simple names, distinct, sorted
     * @param hot             the latest C2 compiles of io.icpbench methods with the most inlined bytes, most first
     * @param deoptimizations the fork's uncommon traps (JFR deoptimizations), by reason
     */
    public record JitFingerprint(String id, List<SiteDecision> sites, List<String> failures, List<HotCompile> hot,
            Map<String, Long> deoptimizations) {
        public JitFingerprint {
            sites = sites == null ? List.of() : List.copyOf(sites);
            failures = failures == null ? List.of() : List.copyOf(failures);
            hot = hot == null ? List.of() : List.copyOf(hot);
            deoptimizations = deoptimizations == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(deoptimizations));
            // Derived, never taken on trust: a file written when the id also hashed the failures reads with today's id.
            id = id(sites.stream().map(SiteDecision::line).toList());
        }

        /** A fingerprint of these decisions, its id computed from them. */
        public static JitFingerprint of(List<SiteDecision> sites, List<String> failures, List<HotCompile> hot, Map<String, Long> deoptimizations) {
            return new JitFingerprint(null, sites, failures, hot, deoptimizations);
        }

        /**
         * Every decision, one line each: every site's decision ("site 3 ptype->callbacks.gro_receive: inline
         * GroHandlers.InetGro, GroHandlers.Ipv6Gro"), then every failure; what a report's splits compare. The id hashes
         * the sites' lines only. Neither holds the hot compiles or the deoptimizations: their sizes and counts vary from
         * fork to fork without the code being different.
         */
        public List<String> decisions() {
            List<String> all = new ArrayList<>();
            sites.forEach(s -> all.add(s.line()));
            all.addAll(failures);
            return all;
        }

        /** The first 8 hex digits of the SHA-256 of the lines: short enough to read, long enough not to collide in a run. */
        static String id(List<String> decisions) {
            try {
                byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                        .digest(String.join("\n", decisions).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return java.util.HexFormat.of().formatHex(h, 0, 4);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JVM has SHA-256", e);
            }
        }
    }

    /**
     * C2's decision at one call site's ops call, in the latest C2 compile that contains the site's
     * method (compiled on its own or inlined into a caller).
     *
     * @param site     the site's number, 1 to 13
     * @param name     the site's kernel name ("ptype->callbacks.gro_receive")
     * @param decision "inline A, B" (the receiver classes C2 inlined, by simple name: one for a monomorphic
     *                 profile, two for a bimorphic one), failures as "A: message", "virtual call" when C2 left
     *                 the call as it is (it posts no event for that), or "not compiled" when no C2 compile holds the site
     * @param compile  the compile it was read from ("NetStack.napiGroReceive #2216", "OSR" added for an on-stack
     *                 replacement), or null when not compiled
     */
    public record SiteDecision(int site, String name, String decision, String compile) {
        /** "site 3 ptype->callbacks.gro_receive: inline GroHandlers.InetGro, GroHandlers.Ipv6Gro". */
        public String line() {
            return "site " + site + " " + name + ": " + decision;
        }
    }

    /**
     * One C2 compile of an io.icpbench method.
     *
     * @param method       "NetStack.netifReceiveSkb" (simple class name)
     * @param osr          whether it was an on-stack replacement compile (a loop entered while running)
     * @param codeSize     bytes of machine code
     * @param inlinedBytes bytecode bytes inlined into it
     */
    public record HotCompile(String method, boolean osr, long codeSize, long inlinedBytes) {
    }

    /**
     * What the learned sites' patches cost a fork. Counts are over the measurement (the JMH
     * measurement iterations) unless named total; -1 (or null) where the fork could not tell.
     *
     * @param packets            packets received over the measurement, all RX workers
     * @param updates            learning updates (relearns) over the measurement, all sites
     * @param patches            patches (installs of new targets) over the measurement, all sites
     * @param updatesTotal       updates over the whole fork, warmup included
     * @param patchesTotal       patches over the whole fork, warmup included
     * @param invalidations      compiled methods made not entrant because a dependency changed (a patch's
     *                           {@code setTarget}, a class hierarchy change): the JIT log's
     *                           "made not entrant: marked for deoptimization" lines
     * @param uncommonTraps      compiled methods made not entrant by an uncommon trap (a failed speculation)
     * @param compilations       JIT compilations (JFR {@code jdk.Compilation} events)
     * @param jitMillis          time the JIT's compiler threads spent compiling, ms
     *                           ({@code CompilationMXBean.getTotalCompilationTime} delta)
     * @param cpuNsPerPacket     CPU time of the whole process (RX workers, learner, compiler threads, GC) per packet, ns
     * @param usPerPatch         the in-fork estimate of one patch's cost to an RX worker, µs (null when not defined:
     *                           no patch, or no quiet stretch to measure the recovered rate against)
     * @param invalidatedMethods the methods invalidated most often by a dependency change, with their counts
     * @param siteAccounting     per learned site: its placement, updates, patches and wipes over the measurement
     */
    public record Accounting(long packets, long updates, long patches, long updatesTotal, long patchesTotal, long invalidations,
            long uncommonTraps, long compilations, double jitMillis, double cpuNsPerPacket, Double usPerPatch,
            Map<String, Long> invalidatedMethods, Map<String, SiteAccounting> siteAccounting) {
        public Accounting {
            invalidatedMethods = invalidatedMethods == null ? Map.of() : invalidatedMethods;
            siteAccounting = siteAccounting == null ? Map.of() : siteAccounting;
        }

        /** Nothing known (a fork of an older schema, say). */
        public static Accounting unknown() {
            return new Accounting(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, null, Map.of(), Map.of());
        }
    }

    /**
     * One learned site's share of a fork's accounting, over the measurement.
     *
     * @param placement where its chain lives (stub, inline, mh-field, adaptive)
     */
    public record SiteAccounting(String placement, long updates, long patches, long wipes) {
    }
}
