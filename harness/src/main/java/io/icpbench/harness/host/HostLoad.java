package io.icpbench.harness.host;

import io.icpbench.results.RunResults;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What else the machine did while a fork measured, from {@code /proc}: the CPU time the
 * hypervisor stole, the CPU time of every process but the fork's JVM, the fork's own CPU time, and
 * the 1-minute load average (issue 12, "Noise, shown").
 *
 * <p>The orchestrator takes a {@link #snapshot(long) snapshot} of the fork's JVM before and after
 * each measured interval (each measurement iteration in the interleaved design, the whole fork in
 * the sequential one) and {@link Accumulator#add adds} each pair to the fork's {@link Accumulator},
 * whose {@link Accumulator#result() result} is the fork's {@link RunResults.Noise} record. Every
 * percentage is of <em>all</em> CPUs' time over the summed intervals (on 2 CPUs, one busy thread is
 * 50%):
 * <ul>
 * <li>steal = Δsteal / Δtotal, where total is the sum of the aggregate {@code cpu} line's user,
 * nice, system, idle, iowait, irq, softirq and steal (its guest and guest_nice fields are already
 * inside user and nice, and are not added again);</li>
 * <li>fork = Δ(utime + stime of {@code /proc/PID/stat}) / Δtotal: the fork JVM's every thread
 * (RX workers, learner, JIT, GC);</li>
 * <li>others = (Δbusy − Δfork) / Δtotal, busy = total − idle − iowait − steal, clamped at 0: other
 * tenants' processes in this guest, the harness that waits for the fork, the kernel's softirqs.</li>
 * </ul>
 * Both files count in clock ticks (USER_HZ, 100 a second), so a 1-s interval on 2 CPUs holds about
 * 200 ticks and a percentage is good to about ±1% per interval; sums over a fork's iterations are
 * finer.
 *
 * <p><b>The flag.</b> A fork is flagged as run under interference when
 * <ul>
 * <li>steal exceeds {@value #STEAL_LIMIT_PERCENT}%: the hypervisor ran another guest on our vCPU
 * for that share of the time. It is about 0.7% of this machine's time since boot, and 0–1% in any
 * 2-s sample here, idle or busy;</li>
 * <li>others exceed {@value #OTHERS_LIMIT_PERCENT}%: on 2 CPUs, a fork's one RX thread is 50% and
 * the harness and idle forks should be about 1–2%, so 15% is a third of a core doing something
 * else, enough to take the second core from the fork's JIT, GC and learner threads, and to share
 * caches and memory bandwidth with the RX thread;</li>
 * <li>the 1-minute load average exceeds the CPUs + {@value #LOAD_MARGIN}: more runnable threads
 * than cores, so the fork waited for a CPU. It lags by a minute, so it also catches load that
 * ended just before the fork, and is reported beside the two shares that do not lag.</li>
 * </ul>
 *
 * <p><b>Measured here</b> (2 vCPUs, a shared cloud VM, 2-s samples of {@code /proc/stat}, about
 * 400 ticks each): idle, steal 0.00–0.25% and busy 0.0–0.75% of all CPUs; one busy loop (a shell
 * {@code while :; do :; done}): busy 50.1–50.9%, the loop's own share 49.6–50.1% (so others
 * 0.2–0.7%), steal 0–1.0%; two busy loops, one of them taken as the fork: busy 100%, fork 49.5–49.6%,
 * others 50.4–50.5%. Through this class, a JVM spinning one thread and taking its own pid as the
 * fork's, while another tenant's benchmark kept one core busy (load average 4.8–5.4): fork
 * 49.4–51.6%, others 47.9–50.6%, steal 0–0.25%, flagged for others and load; the same JVM idle:
 * fork 0.25–5% (its start-up JIT), others 49.8–50.4%. The thresholds sit well clear of what an idle
 * machine and a lone fork show, and far below what a second busy process shows.
 *
 * <p>Off Linux, or where {@code PROC/stat} cannot be read, {@link #available()} is false and
 * snapshots and results are null; nothing here throws.
 */
public final class HostLoad {
    /** Steal above this share of all CPUs' time flags a fork. */
    public static final double STEAL_LIMIT_PERCENT = 2.0;
    /** Other processes' CPU time above this share of all CPUs' time flags a fork. */
    public static final double OTHERS_LIMIT_PERCENT = 15.0;
    /** A 1-minute load average above the CPUs plus this flags a fork. */
    public static final double LOAD_MARGIN = 0.5;

    private final Path procRoot;
    private final boolean available;
    /** The last CPU time read for each pid, for a pid whose {@code stat} has gone. */
    private final Map<Long, Long> lastPidTicks = new ConcurrentHashMap<>();

    /** A reader of the {@code /proc} tree at {@code procRoot} (tests pass a fake one). */
    public HostLoad(Path procRoot) {
        this(procRoot, true);
    }

    private HostLoad(Path procRoot, boolean linux) {
        this.procRoot = procRoot;
        this.available = linux && readCpu(procRoot) != null;
    }

    /** This machine's {@code /proc}; not {@link #available()} off Linux. */
    public static HostLoad system() {
        return new HostLoad(Path.of("/proc"), System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux"));
    }

    /** Whether {@code stat} could be read and parsed when this was made. */
    public boolean available() {
        return available;
    }

    /**
     * The machine's CPU counters, load average and {@code pid}'s CPU time now, or null when not
     * {@link #available()} or {@code stat} cannot be read any more.
     *
     * @param pid the fork JVM's process id; 0 or less for none (its CPU time reads as 0). A pid that
     *            has gone reads as the last value read for it, or 0
     */
    public Snapshot snapshot(long pid) {
        if (!available) {
            return null;
        }
        Cpu cpu = readCpu(procRoot);
        if (cpu == null) {
            return null;
        }
        double load = readLoad(procRoot);
        long ticks = 0;
        if (pid > 0) {
            Long t = readPidTicks(procRoot, pid);
            if (t != null) {
                lastPidTicks.put(pid, t);
                ticks = t;
            } else {
                ticks = lastPidTicks.getOrDefault(pid, 0L);
            }
        }
        return new Snapshot(System.nanoTime(), cpu.user, cpu.nice, cpu.system, cpu.idle, cpu.iowait, cpu.irq, cpu.softirq, cpu.steal,
                cpu.cpus, load, pid, ticks);
    }

    /**
     * One reading: the aggregate {@code cpu} line of {@code /proc/stat} (clock ticks), the number of
     * CPUs it sums, the 1-minute load average (-1 where {@code /proc/loadavg} could not be read), and
     * the fork's utime + stime (clock ticks).
     */
    public record Snapshot(long nanoTime, long user, long nice, long system, long idle, long iowait, long irq, long softirq, long steal,
            int cpus, double loadAverage, long pid, long pidTicks) {
        /** All CPUs' time: user + nice + system + idle + iowait + irq + softirq + steal. */
        public long total() {
            return user + nice + system + idle + iowait + irq + softirq + steal;
        }
    }

    /**
     * One fork's noise: the sum of its measured intervals. Not thread-safe; one per fork.
     */
    public static final class Accumulator {
        private long nanos;
        private long total;
        private long busy;
        private long steal;
        private long fork;
        private double load = -1;
        private long lastTime = Long.MIN_VALUE;
        private int cpus;
        private int intervals;

        /**
         * Adds the interval between two snapshots of the same fork. A pair with a null snapshot (no
         * {@code /proc}) is skipped. Counters that went backwards (the kernel's iowait can) count as 0.
         */
        public void add(Snapshot before, Snapshot after) {
            if (before == null || after == null) {
                return;
            }
            long dSteal = delta(before.steal, after.steal);
            long dIdle = delta(before.idle, after.idle);
            long dIowait = delta(before.iowait, after.iowait);
            long dTotal = delta(before.user, after.user) + delta(before.nice, after.nice) + delta(before.system, after.system) + dIdle + dIowait
                    + delta(before.irq, after.irq) + delta(before.softirq, after.softirq) + dSteal;
            nanos += Math.max(0, after.nanoTime - before.nanoTime);
            total += dTotal;
            steal += dSteal;
            busy += dTotal - dIdle - dIowait - dSteal;
            fork += before.pid == after.pid ? delta(before.pidTicks, after.pidTicks) : 0;
            if (after.nanoTime >= lastTime) {
                lastTime = after.nanoTime;
                load = after.loadAverage;
                cpus = after.cpus;
            }
            intervals++;
        }

        /** The fork's noise record, or null when no interval was added. */
        public RunResults.Noise result() {
            if (intervals == 0) {
                return null;
            }
            double stealPct = percent(steal, total);
            double forkPct = percent(fork, total);
            double othersPct = percent(Math.max(0, busy - fork), total);
            List<String> why = new ArrayList<>();
            if (stealPct > STEAL_LIMIT_PERCENT) {
                why.add(String.format(Locale.ROOT, "the hypervisor stole %.1f%% of the CPUs' time (limit %.0f%%)", stealPct, STEAL_LIMIT_PERCENT));
            }
            if (othersPct > OTHERS_LIMIT_PERCENT) {
                why.add(String.format(Locale.ROOT, "other processes used %.1f%% of the CPUs' time (limit %.0f%%)", othersPct, OTHERS_LIMIT_PERCENT));
            }
            if (cpus > 0 && load > cpus + LOAD_MARGIN) {
                why.add(String.format(Locale.ROOT, "the load average was %.2f on %d CPUs (limit %.1f)", load, cpus, cpus + LOAD_MARGIN));
            }
            return new RunResults.Noise(nanos / 1e9, stealPct, othersPct, forkPct, load, !why.isEmpty(), why.isEmpty() ? null : String.join("; ", why));
        }

        private static long delta(long before, long after) {
            return Math.max(0, after - before);
        }

        private static double percent(long part, long whole) {
            return whole == 0 ? 0 : 100.0 * part / whole;
        }
    }

    private record Cpu(long user, long nice, long system, long idle, long iowait, long irq, long softirq, long steal, int cpus) {
    }

    /** The aggregate {@code cpu} line and the count of {@code cpuN} lines of {@code stat}, or null. */
    static Cpu readCpu(Path procRoot) {
        String text = read(procRoot.resolve("stat"));
        if (text == null) {
            return null;
        }
        long[] f = null;
        int cpus = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("cpu ")) {
                f = numbers(line.substring(4).trim(), 8);
            } else if (line.length() > 3 && line.startsWith("cpu") && Character.isDigit(line.charAt(3))) {
                cpus++;
            }
        }
        if (f == null) {
            return null;
        }
        return new Cpu(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], cpus > 0 ? cpus : Runtime.getRuntime().availableProcessors());
    }

    /** The 1-minute load average of {@code loadavg}, or -1. */
    static double readLoad(Path procRoot) {
        String text = read(procRoot.resolve("loadavg"));
        if (text == null) {
            return -1;
        }
        String[] f = text.trim().split("\\s+");
        try {
            double v = Double.parseDouble(f[0]);
            return Double.isFinite(v) && v >= 0 ? v : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * utime + stime (fields 14 and 15) of {@code PID/stat}, or null. The fields are counted after the
     * last ')', since the command name (field 2) may hold blanks and parentheses.
     */
    static Long readPidTicks(Path procRoot, long pid) {
        String text = read(procRoot.resolve(Long.toString(pid)).resolve("stat"));
        if (text == null) {
            return null;
        }
        int close = text.lastIndexOf(')');
        if (close < 0) {
            return null;
        }
        String[] f = text.substring(close + 1).trim().split("\\s+");
        // f[0] is field 3 (state), so field n is f[n - 3].
        if (f.length < 13) {
            return null;
        }
        try {
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The first {@code n} numbers of a blank-separated line (missing ones 0), or null if one is not a number. */
    private static long[] numbers(String s, int n) {
        long[] out = new long[n];
        String[] f = s.isEmpty() ? new String[0] : s.split("\\s+");
        try {
            for (int i = 0; i < n && i < f.length; i++) {
                out[i] = Long.parseLong(f[i]);
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return out;
    }

    private static String read(Path p) {
        try {
            return new String(Files.readAllBytes(p), StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
