package io.icpbench.analysis;

import io.icpbench.results.ResultsException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The turns of a run's interleaved blocks, as the harness records them in {@code turns.csv}
 * ({@code InterleavedBlock.appendTurns}): one row per turn, {@code block,round,fork,arm,phase,start_us,end_us}.
 * What results.json does not say and the analysis needs from it: which round each measured
 * iteration ran in (a fork's n-th measured iteration is its n-th measured turn), and when, on one
 * clock for all forks. The first lets {@link RoundComponents} check that forks are paired round by
 * round; the second lets {@link Diagnostics#drift(io.icpbench.results.RunResults, Turns)} regress on
 * time, which fork order is not in this design (a block's forks measure together).
 *
 * @param turns every turn, in file order (a turn given twice, as when a block was rerun after its
 *              turns were written, keeps its last row)
 */
public record Turns(List<Turn> turns) {
    /** The file in the run directory. */
    public static final String FILE = "turns.csv";
    /** Its header, as the harness writes it. */
    public static final String HEADER = "block,round,fork,arm,phase,start_us,end_us";

    public Turns {
        turns = List.copyOf(turns);
    }

    /**
     * One turn: the fork ran one iteration, from the GO sent to the DONE read.
     *
     * @param round    from 0, warmup rounds included
     * @param fork     the fork's plan index
     * @param measured whether it was a measurement turn (phase {@code measurement}) rather than warmup
     * @param startUs  start, µs since the epoch; endUs its end
     */
    public record Turn(int block, int round, int fork, String arm, boolean measured, long startUs, long endUs) {
        /** The turn's middle, µs since the epoch. */
        public double midUs() {
            return (startUs + endUs) / 2.0;
        }
    }

    /**
     * The turns of the run in {@code runDir}; null when it has no {@code turns.csv} (the sequential
     * design, runs from before it was written).
     *
     * @throws ResultsException naming the file, the line and what is wrong, when the file is malformed
     */
    public static Turns read(Path runDir) {
        Path file = runDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(file.toString(), lines);
    }

    /** The turns in {@code lines} (a turns.csv's lines, header first); {@code name} names the file in errors. */
    static Turns parse(String name, List<String> lines) {
        if (lines.isEmpty() || !lines.get(0).strip().equals(HEADER)) {
            throw new ResultsException(name + ": line 1 is '" + (lines.isEmpty() ? "" : lines.get(0)) + "', expected the header " + HEADER);
        }
        Map<Long, Turn> byForkRound = new LinkedHashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (f.length != 7) {
                throw new ResultsException(name + ": line " + (i + 1) + " has " + f.length + " fields, expected 7 (" + HEADER + "): " + line);
            }
            Turn t;
            try {
                boolean measured = switch (f[4]) {
                    case "measurement" -> true;
                    case "warmup" -> false;
                    default -> throw new ResultsException(name + ": line " + (i + 1) + ": phase '" + f[4] + "', expected warmup or measurement");
                };
                t = new Turn(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]), f[3], measured, Long.parseLong(f[5]),
                        Long.parseLong(f[6]));
            } catch (NumberFormatException e) {
                throw new ResultsException(name + ": line " + (i + 1) + ": " + e.getMessage() + ", expected integers for block, round, fork, "
                        + "start_us and end_us: " + line, e);
            }
            if (t.round() < 0 || t.fork() < 0 || t.endUs() < t.startUs()) {
                throw new ResultsException(name + ": line " + (i + 1) + ": round " + t.round() + ", fork " + t.fork() + ", " + t.startUs() + " to "
                        + t.endUs() + " µs; expected a round and fork from 0 and an end not before the start");
            }
            byForkRound.remove(key(t));
            byForkRound.put(key(t), t);
        }
        return new Turns(new ArrayList<>(byForkRound.values()));
    }

    /** A turn's identity in its run: its fork and its round, as one number. */
    static long key(Turn t) {
        return ((long) t.fork() << 32) | t.round();
    }

    /** Per fork (plan index): its measurement turns in round order. */
    public Map<Integer, List<Turn>> measuredByFork() {
        Map<Integer, List<Turn>> out = new TreeMap<>();
        turns.stream().filter(Turn::measured).sorted(Comparator.comparingInt(Turn::round))
                .forEach(t -> out.computeIfAbsent(t.fork(), k -> new ArrayList<>()).add(t));
        return out;
    }

    /**
     * Per fork (plan index): the mean of the middles of its measurement turns, in seconds since the
     * run's first turn began: when the fork measured, on the run's clock. Forks without a measured
     * turn are absent.
     */
    public Map<Integer, Double> measuredMidSeconds() {
        long origin = turns.stream().mapToLong(Turn::startUs).min().orElse(0);
        Map<Integer, Double> out = new TreeMap<>();
        measuredByFork().forEach((fork, ts) -> out.put(fork, ts.stream().mapToDouble(t -> (t.midUs() - origin) / 1e6).average().orElseThrow()));
        return out;
    }
}
