package io.icpbench.harness.run;

import io.icpbench.harness.host.Affinity;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * A lever against the fork lottery: something every fork of a run runs under, whatever its arm, so
 * that it changes how alike the forks are without changing what an arm compares. A run records
 * its levers in its settings ({@code levers}) and the report states them as in force.
 *
 * <ul>
 * <li>{@code pin}: the RX worker alone on the last CPU of the orchestrator's mask, everything else of
 *     every fork JVM (JIT compiler threads, GC, the learner, forks waiting for their turn) and the
 *     orchestrator on the other CPUs ({@code taskset} for the JVM, {@link Affinity} for the worker);
 * <li>{@code fixed-heap}: a 1 GiB heap, fixed and pre-touched ({@code -Xms1g -Xmx1g -XX:+AlwaysPreTouch}),
 *     so that no fork resizes its heap or touches fresh pages while it measures;
 * <li>{@code jvm=FLAGS}: JVM flags for every fork (space-separated), for example a JIT flag; unlike an
 *     arm's own {@code jvm=}, it applies to the controls and the baseline alike.
 * </ul>
 *
 * @param name  pin, fixed-heap or jvm
 * @param flags the JVM flags of a {@code jvm} lever (empty otherwise)
 */
public record Lever(String name, List<String> flags) {
    public static final String PIN = "pin";
    public static final String FIXED_HEAP = "fixed-heap";
    public static final String JVM = "jvm";
    static final List<String> FIXED_HEAP_FLAGS = List.of("-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch");

    public Lever {
        flags = List.copyOf(flags);
    }

    /** The lever as written: {@code pin}, {@code fixed-heap}, {@code jvm=-XX:Foo -XX:Bar}. */
    public String written() {
        return name.equals(JVM) ? JVM + "=" + String.join(" ", flags) : name;
    }

    /** One lever from its written form. */
    public static Lever parse(String text) {
        String t = text.strip();
        if (t.equals(PIN) || t.equals(FIXED_HEAP)) {
            return new Lever(t, List.of());
        }
        if (t.startsWith(JVM + "=")) {
            List<String> flags = List.of(t.substring(JVM.length() + 1).strip().split("\\s+"));
            if (flags.isEmpty() || flags.get(0).isEmpty() || flags.stream().anyMatch(f -> !f.startsWith("-"))) {
                throw new IllegalArgumentException("--lever " + text + ": expected jvm= and JVM flags, each starting with '-', "
                        + "such as jvm=-XX:InlineSmallCode=6000");
            }
            return new Lever(JVM, flags);
        }
        throw new IllegalArgumentException("--lever " + text + ": expected pin, fixed-heap or jvm=FLAGS");
    }

    /** Levers from their written forms (null: none); each name at most once, jvm levers any number of times. */
    public static List<Lever> parseAll(List<String> written) {
        List<Lever> out = new ArrayList<>();
        for (String w : written == null ? List.<String>of() : written) {
            Lever l = parse(w);
            if (!l.name.equals(JVM) && out.stream().anyMatch(o -> o.name.equals(l.name))) {
                throw new IllegalArgumentException("--lever " + w + " given twice");
            }
            out.add(l);
        }
        return List.copyOf(out);
    }

    /** One line for the report: what the lever does. */
    public String description() {
        return switch (name) {
            case PIN -> "the RX worker pinned alone to the last CPU, the rest of every fork JVM and the orchestrator on the others";
            case FIXED_HEAP -> "a fixed, pre-touched 1 GiB heap (" + String.join(" ", FIXED_HEAP_FLAGS) + ")";
            default -> "JVM flags for every fork: " + String.join(" ", flags);
        };
    }

    /**
     * How the forks of a run start under {@code levers}: a command prefix, JVM flags and system
     * properties for every fork, the same for every arm.
     *
     * @param prefix     what goes before the JVM's command ({@code taskset -c CPUS}), empty for none
     * @param jvmFlags   flags before the arm's own
     * @param properties system properties (the worker's CPU)
     * @param othersCpus the CPUs everything but the worker runs on (empty without pin)
     */
    public record ForkLaunch(List<String> prefix, List<String> jvmFlags, Map<String, String> properties, BitSet othersCpus) {
        public static final ForkLaunch NONE = new ForkLaunch(List.of(), List.of(), Map.of(), new BitSet());
    }

    /**
     * The launch of every fork under {@code levers}, on CPUs {@code cpus} (the orchestrator's mask).
     *
     * @throws IllegalArgumentException when pin is asked for on fewer than 2 CPUs
     */
    public static ForkLaunch launch(List<Lever> levers, BitSet cpus) {
        List<String> prefix = new ArrayList<>();
        List<String> flags = new ArrayList<>();
        Map<String, String> props = new java.util.LinkedHashMap<>();
        BitSet others = new BitSet();
        for (Lever l : levers) {
            switch (l.name) {
                case PIN -> {
                    if (cpus.cardinality() < 2) {
                        throw new IllegalArgumentException("--lever pin needs at least 2 CPUs (this process may use " + cpus.cardinality()
                                + "): one for the RX worker alone, the others for the rest");
                    }
                    int worker = cpus.length() - 1;
                    others = (BitSet) cpus.clone();
                    others.clear(worker);
                    prefix.addAll(List.of("taskset", "-c", cpuList(others)));
                    props.put(Affinity.WORKER_CPU_PROPERTY, Integer.toString(worker));
                }
                case FIXED_HEAP -> flags.addAll(FIXED_HEAP_FLAGS);
                default -> flags.addAll(l.flags);
            }
        }
        return new ForkLaunch(prefix, flags, props, others);
    }

    /**
     * The CPUs this process could use when it first asked (before {@link #pinOrchestrator} moved it):
     * the set a pinned run divides between the worker and the rest.
     */
    public static BitSet processCpus() {
        return (BitSet) Cpus.AT_START.clone();
    }

    private static final class Cpus {
        static final BitSet AT_START = startMask();

        private static BitSet startMask() {
            if (Affinity.available()) {
                return Affinity.ofThisThread();
            }
            BitSet all = new BitSet();
            all.set(0, Runtime.getRuntime().availableProcessors());
            return all;
        }
    }

    /** The launch of every fork of {@code spec}, on this process's CPUs ({@link #processCpus}). */
    public static ForkLaunch launch(RunSpec spec) {
        return launch(spec.levers(), processCpus());
    }

    /**
     * With pin in force, moves every thread of this process (the orchestrator) to the CPUs that are
     * not the worker's ({@code taskset -a -p}), so that not even its noise sampling lands on the
     * measured CPU. Nothing without pin.
     *
     * @throws IllegalStateException when taskset fails
     */
    public static void pinOrchestrator(ForkLaunch launch) {
        if (!launch.othersCpus().isEmpty()) {
            moveProcess(launch.othersCpus());
        }
    }

    /**
     * Undoes {@link #pinOrchestrator}: every thread of this process back on {@link #processCpus}, so
     * that what runs after the forks (the calibration suite's JMH forks inherit the mask) is not
     * confined to the others' CPUs. Nothing without pin.
     */
    public static void unpinOrchestrator(ForkLaunch launch) {
        if (!launch.othersCpus().isEmpty()) {
            moveProcess(processCpus());
        }
    }

    private static void moveProcess(BitSet cpus) {
        List<String> cmd = List.of("taskset", "-a", "-p", "-c", cpuList(cpus), Long.toString(ProcessHandle.current().pid()));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("--lever pin: " + String.join(" ", cmd) + " failed: " + out);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("--lever pin needs taskset (util-linux): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** "0,2-3": a CPU list as taskset reads it. */
    static String cpuList(BitSet cpus) {
        StringBuilder b = new StringBuilder();
        for (int i = cpus.nextSetBit(0); i >= 0; ) {
            int end = cpus.nextClearBit(i) - 1;
            b.append(b.isEmpty() ? "" : ",").append(i).append(end > i ? "-" + end : "");
            i = cpus.nextSetBit(end + 1);
        }
        return b.toString();
    }
}
