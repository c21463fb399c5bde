package io.icpbench.harness.host;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.BitSet;

/**
 * CPU affinity of the calling thread, through Linux's {@code sched_setaffinity(2)} and
 * {@code sched_getaffinity(2)} called with the FFM API (pid 0: the calling thread, not the process).
 *
 * <p>Why: a fork's measured RX worker shares the machine's CPUs with its own JIT compiler threads,
 * GC, the learner thread, the forks waiting for their turn and the orchestrator. On 2 CPUs the
 * scheduler may put any of them on the worker's CPU mid-iteration. The pin lever ({@code run
 * --pin}) starts every fork JVM under {@code taskset} on all CPUs but one, and the worker moves
 * itself to that one CPU ({@link #WORKER_CPU_PROPERTY}): the measured thread then runs alone on
 * its CPU, the rest of the JVM on the others.
 */
public final class Affinity {
    /** The system property of the CPU the benchmark's RX worker pins itself to (absent: no pin). */
    public static final String WORKER_CPU_PROPERTY = "icpbench.workerCpu";

    private static final MethodHandle SET;
    private static final MethodHandle GET;
    /** Bytes of the CPU mask passed to the kernel: 1024 CPUs, as glibc's cpu_set_t. */
    private static final int MASK_BYTES = 128;

    static {
        MethodHandle set = null;
        MethodHandle get = null;
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            FunctionDescriptor fd = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS);
            Linker.Option errno = Linker.Option.captureCallState("errno");
            set = libc.find("sched_setaffinity").map(a -> linker.downcallHandle(a, fd, errno)).orElse(null);
            get = libc.find("sched_getaffinity").map(a -> linker.downcallHandle(a, fd, errno)).orElse(null);
        } catch (RuntimeException | LinkageError e) {
            // Not Linux, or native access refused: available() says so.
        }
        SET = set;
        GET = get;
    }

    private Affinity() {
    }

    /** Whether this JVM can read and set thread affinity (Linux, native access allowed). */
    public static boolean available() {
        return SET != null && GET != null;
    }

    /** The CPUs the calling thread may run on. */
    public static BitSet ofThisThread() {
        requireAvailable();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            MemorySegment mask = arena.allocate(MASK_BYTES);
            int rc = (int) GET.invokeExact(state, 0, (long) MASK_BYTES, mask);
            if (rc < 0) {
                throw new IllegalStateException("sched_getaffinity failed, errno " + errno(state));
            }
            return BitSet.valueOf(mask.toArray(ValueLayout.JAVA_BYTE));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("sched_getaffinity: " + t, t);
        }
    }

    /**
     * Restricts the calling thread to {@code cpus}.
     *
     * @throws IllegalArgumentException when {@code cpus} is empty or names a CPU the kernel refuses (not online, outside the cgroup)
     */
    public static void pinThisThread(BitSet cpus) {
        requireAvailable();
        if (cpus.isEmpty() || cpus.length() > MASK_BYTES * 8) {
            throw new IllegalArgumentException("CPUs " + cpus + ": expected 1 to " + MASK_BYTES * 8 + " CPU numbers");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Linker.Option.captureStateLayout());
            MemorySegment mask = arena.allocate(MASK_BYTES);
            byte[] bytes = cpus.toByteArray();
            MemorySegment.copy(MemorySegment.ofArray(bytes), 0, mask, 0, bytes.length);
            int rc = (int) SET.invokeExact(state, 0, (long) MASK_BYTES, mask);
            if (rc < 0) {
                throw new IllegalArgumentException("sched_setaffinity to CPUs " + cpus + " failed, errno " + errno(state)
                        + " (22: no such CPU online or allowed here)");
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("sched_setaffinity: " + t, t);
        }
    }

    /** Pins the calling thread to {@code cpu}. */
    public static void pinThisThread(int cpu) {
        if (cpu < 0) {
            throw new IllegalArgumentException("CPU " + cpu + ": expected 0 or more");
        }
        BitSet one = new BitSet();
        one.set(cpu);
        pinThisThread(one);
    }

    /**
     * Pins the calling thread to the CPU of {@code -Dicpbench.workerCpu} when it is set; returns that
     * CPU, or -1 when the property is absent.
     *
     * @throws IllegalArgumentException when the property is not a CPU number, or the pin fails
     */
    public static int pinWorkerFromProperty() {
        String v = System.getProperty(WORKER_CPU_PROPERTY);
        if (v == null || v.isBlank()) {
            return -1;
        }
        int cpu;
        try {
            cpu = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + WORKER_CPU_PROPERTY + "=" + v + ": expected a CPU number such as 1", e);
        }
        pinThisThread(cpu);
        return cpu;
    }

    private static void requireAvailable() {
        if (!available()) {
            throw new IllegalStateException("thread affinity is not available here: it needs Linux's sched_setaffinity and "
                    + "--enable-native-access=ALL-UNNAMED");
        }
    }

    private static int errno(MemorySegment state) {
        return state.get(ValueLayout.JAVA_INT, Linker.Option.captureStateLayout().byteOffset(
                java.lang.foreign.MemoryLayout.PathElement.groupElement("errno")));
    }
}
