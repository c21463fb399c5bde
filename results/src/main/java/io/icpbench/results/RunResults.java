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
    public static final int SCHEMA = 1;

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

    /** Whether the planned fork {@code index} has finished. */
    public boolean finished(int index) {
        return forks.stream().anyMatch(f -> f.index() == index);
    }

    /**
     * The run's settings.
     *
     * @param modes              dispatch modes compared
     * @param profile            traffic profile name
     * @param workNs             handler work, ns
     * @param workers            RX workers (benchmark threads) per fork; scores are per packet per worker
     * @param sites              which of the 12 call sites the modes convert ("all", "none", or sites and ranges such as "1-5,9")
     * @param forksPerMode       forks of each mode
     * @param warmupIterations   warmup iterations per fork
     * @param iterations         measurement iterations per fork
     * @param iterationSeconds   seconds per iteration
     * @param seed               the seed of the fork order
     * @param quick              whether this is a --quick run
     */
    public record Settings(List<String> modes, String profile, double workNs, int workers, String sites, int forksPerMode, int warmupIterations, int iterations,
            double iterationSeconds, long seed, boolean quick) {
        public Settings {
            modes = List.copyOf(modes);
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
     */
    public record Provenance(String jdk, List<String> jvmFlags, String cpuModel, String kernel, int cores, String gitCommit,
            String started) {
        public Provenance {
            jvmFlags = List.copyOf(jvmFlags);
        }
    }

    /**
     * One fork of the plan.
     *
     * @param index position in the run order, from 0
     * @param block the randomized block it belongs to (each block runs every mode once)
     */
    public record PlannedFork(int index, int block, String mode) {
    }

    /**
     * A finished fork: its measured iterations, its counters and what its sites learned.
     *
     * @param scoresNsPerPacket measurement iterations, ns per packet (the fork mean is their mean)
     * @param packetsPerSecond  1e9 / mean ns per packet
     * @param counters          SNMP counters of the fork's last trial
     * @param outcomes          packets per outcome of the fork's last trial
     * @param sites             learned sites: name to installed targets
     * @param updates           learning updates (relearns), all sites
     * @param patches           setTarget patches, all sites
     * @param deopts            JFR deoptimization events during the fork's measurement
     * @param compilations      JFR compilation events during the fork's measurement
     * @param jmhJson           the fork's JMH result file, relative to the run directory
     * @param hlog              the fork's latency log, relative to the run directory
     * @param seconds           wall time of the fork
     */
    public record ForkResult(int index, int block, String mode, List<Double> scoresNsPerPacket, double packetsPerSecond,
            Map<String, Long> counters, Map<String, Long> outcomes, Map<String, List<String>> sites, long updates, long patches,
            long deopts, long compilations, String jmhJson, String hlog, double seconds) {
        public ForkResult {
            scoresNsPerPacket = List.copyOf(scoresNsPerPacket);
        }

        /** The fork mean in ns per packet: the unit of replication. */
        public double meanNsPerPacket() {
            return scoresNsPerPacket.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        }
    }
}
