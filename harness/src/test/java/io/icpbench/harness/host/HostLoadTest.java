package io.icpbench.harness.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.icpbench.results.RunResults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostLoadTest {
    @TempDir
    Path proc;

    private static final long PID = 4242;

    /** A /proc/stat with two CPUs; guest and guest_nice (the last two) are large to catch double counting. */
    private void stat(long user, long nice, long system, long idle, long iowait, long irq, long softirq, long steal) throws IOException {
        String cpu = String.format("cpu  %d %d %d %d %d %d %d %d 900000 800000%n", user, nice, system, idle, iowait, irq, softirq, steal);
        Files.writeString(proc.resolve("stat"), cpu + "cpu0 1 2 3 4 5 6 7 8 0 0\ncpu1 1 2 3 4 5 6 7 8 0 0\nintr 12345 0 1\nctxt 99\nbtime 1700000000\n");
    }

    private void loadavg(String text) throws IOException {
        Files.writeString(proc.resolve("loadavg"), text);
    }

    /** /proc/PID/stat for a command name that holds ") (", blanks and parentheses. */
    private void pidStat(long pid, long utime, long stime) throws IOException {
        Files.createDirectories(proc.resolve(Long.toString(pid)));
        // fields: 1 pid, 2 (comm), 3 state, 4 ppid ... 14 utime, 15 stime, 16 cutime ...
        String text = pid + " (java) (x y) 1) S 1 " + pid + " " + pid + " 0 -1 4194560 100 0 0 0 " + utime + " " + stime
                + " 77 88 20 0 30 0 123 456 789\n";
        Files.writeString(proc.resolve(Long.toString(pid)).resolve("stat"), text);
    }

    @Test
    void parsesTheCpuLineTheLoadAndAPidWhoseNameHoldsParentheses() throws IOException {
        stat(100, 2, 30, 400, 5, 6, 7, 8);
        loadavg("1.25 0.80 0.50 2/345 6789\n");
        pidStat(PID, 41, 19);
        HostLoad h = new HostLoad(proc);
        assertThat(h.available()).isTrue();
        HostLoad.Snapshot s = h.snapshot(PID);
        assertThat(s.user()).isEqualTo(100);
        assertThat(s.nice()).isEqualTo(2);
        assertThat(s.system()).isEqualTo(30);
        assertThat(s.idle()).isEqualTo(400);
        assertThat(s.iowait()).isEqualTo(5);
        assertThat(s.irq()).isEqualTo(6);
        assertThat(s.softirq()).isEqualTo(7);
        assertThat(s.steal()).isEqualTo(8);
        assertThat(s.total()).as("guest fields are inside user and nice").isEqualTo(558);
        assertThat(s.cpus()).isEqualTo(2);
        assertThat(s.loadAverage()).isEqualTo(1.25);
        assertThat(s.pid()).isEqualTo(PID);
        assertThat(s.pidTicks()).as("utime 41 + stime 19, not cutime/cstime").isEqualTo(60);
        assertThat(h.snapshot(0).pidTicks()).isZero();
    }

    @Test
    void sharesAreOfAllCpusTimeOverTheSummedIntervals() throws IOException {
        loadavg("0.50 0.40 0.30 1/100 1\n");
        // Interval 1: 200 ticks (1 s on 2 CPUs): fork 100, others 10 (user/system/irq/softirq), steal 2, idle 88.
        stat(1000, 10, 500, 5000, 50, 5, 5, 20);
        pidStat(PID, 300, 100);
        HostLoad h = new HostLoad(proc);
        HostLoad.Accumulator acc = new HostLoad.Accumulator();
        HostLoad.Snapshot a = h.snapshot(PID);
        stat(1000 + 95, 10 + 1, 500 + 10, 5000 + 80, 50 + 8, 5 + 2, 5 + 2, 20 + 2);
        pidStat(PID, 300 + 90, 100 + 10);
        HostLoad.Snapshot b = h.snapshot(PID);
        acc.add(a, b);

        // Interval 2: another 200 ticks: fork 100, others 30, steal 6, idle 64.
        stat(2000, 20, 600, 6000, 60, 10, 10, 30);
        pidStat(PID, 500, 200);
        HostLoad.Snapshot c = h.snapshot(PID);
        loadavg("2.10 0.40 0.30 1/100 1\n");
        stat(2000 + 120, 20, 600 + 10, 6000 + 60, 60 + 4, 10, 10, 30 + 6);
        pidStat(PID, 500 + 100, 200);
        HostLoad.Snapshot d = h.snapshot(PID);
        acc.add(c, d);

        RunResults.Noise n = acc.result();
        assertThat(n.stealPercent()).isCloseTo(100.0 * 8 / 400, within(1e-9));
        assertThat(n.forkPercent()).isCloseTo(100.0 * 200 / 400, within(1e-9));
        assertThat(n.othersPercent()).isCloseTo(100.0 * 40 / 400, within(1e-9));
        assertThat(n.loadAverage()).as("the last snapshot's").isEqualTo(2.10);
        assertThat(n.seconds()).isGreaterThanOrEqualTo(0);
        assertThat(n.interfered()).isFalse();
        assertThat(n.reason()).isNull();
    }

    private static HostLoad.Snapshot snap(long t, long busyUser, long idle, long steal, double load, long pidTicks) {
        return new HostLoad.Snapshot(t, busyUser, 0, 0, idle, 0, 0, 0, steal, 2, load, PID, pidTicks);
    }

    private static RunResults.Noise noise(long dBusy, long dIdle, long dSteal, long dFork, double load) {
        HostLoad.Accumulator acc = new HostLoad.Accumulator();
        acc.add(snap(0, 1000, 1000, 100, 0.1, 500), snap(1_000_000_000L, 1000 + dBusy, 1000 + dIdle, 100 + dSteal, load, 500 + dFork));
        return acc.result();
    }

    @Test
    void flagsStealOthersAndLoadAboveTheirLimits() {
        RunResults.Noise quiet = noise(104, 96, 0, 100, 1.2);
        assertThat(quiet.othersPercent()).isCloseTo(2, within(1e-9));
        assertThat(quiet.seconds()).isEqualTo(1.0);
        assertThat(quiet.interfered()).isFalse();

        RunResults.Noise atLimits = noise(130, 66, 4, 100, 2.5);
        assertThat(atLimits.stealPercent()).isEqualTo(2.0);
        assertThat(atLimits.othersPercent()).isEqualTo(15.0);
        assertThat(atLimits.interfered()).as("at the limits is not above them").isFalse();

        RunResults.Noise steal = noise(100, 90, 10, 100, 1.0);
        assertThat(steal.interfered()).isTrue();
        assertThat(steal.reason()).isEqualTo("the hypervisor stole 5.0% of the CPUs' time (limit 2%)");

        RunResults.Noise others = noise(200, 0, 0, 100, 1.0);
        assertThat(others.othersPercent()).isEqualTo(50.0);
        assertThat(others.reason()).isEqualTo("other processes used 50.0% of the CPUs' time (limit 15%)");

        RunResults.Noise load = noise(100, 100, 0, 100, 2.6);
        assertThat(load.interfered()).isTrue();
        assertThat(load.reason()).isEqualTo("the load average was 2.60 on 2 CPUs (limit 2.5)");

        RunResults.Noise all = noise(190, 0, 10, 100, 3.0);
        assertThat(all.reason()).contains("stole").contains("other processes used 45.0%").contains("load average was 3.00");
    }

    @Test
    void othersAreClampedAtZeroAndCountersThatGoBackCountAsZero() {
        // The fork's ticks (sampled at other instants) can exceed the machine's busy ticks over a short interval.
        RunResults.Noise n = noise(90, 110, 0, 100, 0.5);
        assertThat(n.othersPercent()).isZero();
        assertThat(n.forkPercent()).isEqualTo(50.0);
        // iowait can go backwards in /proc/stat.
        HostLoad.Accumulator acc = new HostLoad.Accumulator();
        acc.add(new HostLoad.Snapshot(0, 100, 0, 0, 100, 50, 0, 0, 0, 2, 0.1, PID, 0),
                new HostLoad.Snapshot(1, 200, 0, 0, 200, 40, 0, 0, 0, 2, 0.1, PID, 100));
        assertThat(acc.result().forkPercent()).isEqualTo(50.0);
    }

    @Test
    void aVanishedPidReadsAsItsLastValueAndAnUnknownOneAsZero() throws IOException {
        stat(100, 0, 0, 100, 0, 0, 0, 0);
        loadavg("0.1 0.1 0.1 1/1 1\n");
        pidStat(PID, 7, 3);
        HostLoad h = new HostLoad(proc);
        assertThat(h.snapshot(PID).pidTicks()).isEqualTo(10);
        Files.delete(proc.resolve(Long.toString(PID)).resolve("stat"));
        Files.delete(proc.resolve(Long.toString(PID)));
        assertThat(h.snapshot(PID).pidTicks()).isEqualTo(10);
        assertThat(h.snapshot(99999).pidTicks()).isZero();
        // A truncated stat line (the process exiting as it is read) reads the same way.
        Files.createDirectories(proc.resolve("77"));
        Files.writeString(proc.resolve("77").resolve("stat"), "77 (ja");
        assertThat(h.snapshot(77).pidTicks()).isZero();
    }

    @Test
    void withoutProcStatNothingIsAvailableAndNothingThrows() throws IOException {
        HostLoad none = new HostLoad(proc.resolve("missing"));
        assertThat(none.available()).isFalse();
        assertThat(none.snapshot(PID)).isNull();
        HostLoad.Accumulator acc = new HostLoad.Accumulator();
        acc.add(none.snapshot(PID), none.snapshot(PID));
        assertThat(acc.result()).isNull();
        assertThat(new HostLoad.Accumulator().result()).isNull();

        Files.writeString(proc.resolve("stat"), "intr 1 2 3\n");
        assertThat(new HostLoad(proc).available()).as("no cpu line").isFalse();
        Files.writeString(proc.resolve("stat"), "cpu  1 2 x 4\n");
        assertThat(new HostLoad(proc).available()).as("not numbers").isFalse();
    }

    @Test
    void aStatThatGoesAwayLaterGivesNullAndAMissingLoadavgReadsAsMinusOne() throws IOException {
        stat(100, 0, 0, 100, 0, 0, 0, 0);
        HostLoad h = new HostLoad(proc);
        assertThat(h.available()).isTrue();
        HostLoad.Snapshot s = h.snapshot(PID);
        assertThat(s.loadAverage()).isEqualTo(-1);
        assertThat(s.pidTicks()).isZero();
        HostLoad.Accumulator acc = new HostLoad.Accumulator();
        acc.add(s, s);
        assertThat(acc.result().interfered()).isFalse();
        Files.delete(proc.resolve("stat"));
        assertThat(h.snapshot(PID)).isNull();
    }

    @Test
    void readsThisMachine() throws InterruptedException {
        HostLoad h = HostLoad.system();
        if (!h.available()) {
            assertThat(h.snapshot(ProcessHandle.current().pid())).isNull();
            return;
        }
        long pid = ProcessHandle.current().pid();
        HostLoad.Snapshot a = h.snapshot(pid);
        long end = System.nanoTime() + 60_000_000L;
        long spin = 0;
        while (System.nanoTime() < end) {
            spin++;
        }
        HostLoad.Snapshot b = h.snapshot(pid);
        assertThat(spin).isPositive();
        assertThat(a.cpus()).isPositive();
        assertThat(b.total()).isGreaterThanOrEqualTo(a.total());
        assertThat(b.pidTicks()).isGreaterThanOrEqualTo(a.pidTicks()).isPositive();
        HostLoad.Accumulator acc = new HostLoad.Accumulator();
        acc.add(a, b);
        RunResults.Noise n = acc.result();
        assertThat(n.seconds()).isGreaterThan(0.05);
        assertThat(n.stealPercent()).isBetween(0.0, 100.0);
        assertThat(n.othersPercent()).isBetween(0.0, 100.0);
        assertThat(n.loadAverage()).isGreaterThanOrEqualTo(0);
    }
}
