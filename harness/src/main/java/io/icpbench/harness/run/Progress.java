package io.icpbench.harness.run;

import io.icpbench.results.RunResults;
import java.io.PrintStream;
import java.util.Locale;

/** The progress lines of a run on stderr: redrawn on a terminal, one line at a time in a log. */
public final class Progress {
    private static final int WIDTH = 30;

    private Progress() {
    }

    /** The time a run has left, at the pace of the forks finished since it (re)started, or a guess before the first. */
    static final class Eta {
        private final long started = System.nanoTime();
        private final int doneAtStart;

        Eta(int doneAtStart) {
            this.doneAtStart = doneAtStart;
        }

        /** Seconds left with {@code done} of {@code total} forks finished; {@code perForkGuess} until one has finished here. */
        double secondsLeft(int done, int total, double perForkGuess) {
            int ranHere = done - doneAtStart;
            double perFork = ranHere > 0 ? (System.nanoTime() - started) / 1e9 / ranHere : perForkGuess;
            return perFork * (total - done);
        }
    }

    /** The run's progress before fork {@code next} (null: done), with the time left. */
    public static void forks(PrintStream err, int done, int total, RunResults.PlannedFork next, double secondsLeft) {
        String what = next == null ? "done" : String.format(Locale.ROOT, "fork %d (block %d) %s", next.index(), next.block(), armLabel(next));
        boolean console = System.console() != null;
        err.printf(Locale.ROOT, "%s[%s] %d/%d forks, %s, %s left   %s", console ? "\r" : "", bar(done, total), done, total, what,
                duration(secondsLeft), console ? "" : System.lineSeparator());
        err.flush();
    }

    /**
     * Progress inside an interleaved block: on a terminal every turn (one line, redrawn), otherwise a
     * line every 10 rounds, so a log stays readable.
     */
    static void block(PrintStream err, int done, int total, int block, String turn, double secondsLeft, int[] lastRound) {
        boolean console = System.console() != null;
        int round = Integer.parseInt(turn.replaceAll(".*round (\\d+)/.*", "$1"));
        if (!console && (round == lastRound[0] || (round - 1) % 10 != 0)) {
            return;
        }
        lastRound[0] = round;
        err.printf(Locale.ROOT, "%s[%s] %d/%d forks, block %d: %s, %s left   %s", console ? "\r" : "", bar(done, total),
                done, total, block, turn, duration(secondsLeft), console ? "" : System.lineSeparator());
        err.flush();
    }

    private static String bar(int done, int total) {
        int filled = total == 0 ? WIDTH : done * WIDTH / total;
        return "#".repeat(filled) + ".".repeat(WIDTH - filled);
    }

    /** "promoted", or "dc-once (dynamic-call)" for an arm not named after its mode. */
    public static String armLabel(RunResults.PlannedFork p) {
        return p.arm().equals(p.mode()) ? p.arm() : p.arm() + " (" + p.mode() + ")";
    }

    /** "42s" or "3m05s". */
    public static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 60 ? (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s" : s + "s";
    }
}
