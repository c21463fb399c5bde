package io.icpbench.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import io.icpbench.results.RunResults;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/** Runs (schema 3) built for tests: from given forks, or the default suite drawn from a model of a drifting machine. */
final class SyntheticRuns {
    private SyntheticRuns() {
    }

    /** One fork to put in a run: its block, arm, ns/packet per measurement iteration and noise record (or null). */
    record Fork(int block, String arm, double[] ns, RunResults.Noise noise, String hlog) {
        Fork(int block, String arm, double[] ns) {
            this(block, arm, ns, null, null);
        }
    }

    /** The default suite's arms: the baseline, an A/A arm, a planted 2% arm and three questions. */
    static final List<RunResults.Arm> SUITE = List.of(RunResults.Arm.ofMode("virtual"),
            new RunResults.Arm("aa", "virtual", null, null, null, null, null, List.of()),
            new RunResults.Arm("planted", "virtual", null, null, null, null, null, List.of(), "2"), RunResults.Arm.ofMode("dynamic-call"),
            RunResults.Arm.ofMode("promoted"), RunResults.Arm.ofMode("devirtualized"));

    /** The suite's true rate ratios against virtual. */
    static final Map<String, Double> TRUTH = Map.of("virtual", 1.0, "aa", 1.0, "planted", 1 / 1.02, "dynamic-call", 0.62, "promoted", 0.80,
            "devirtualized", 1.04);

    /** A run of these forks, in this order (fork i is plan entry i). */
    static RunResults run(List<RunResults.Arm> arms, String baseline, String design, List<Fork> forks) {
        List<RunResults.PlannedFork> plan = new ArrayList<>();
        List<RunResults.ForkResult> results = new ArrayList<>();
        int iterations = 0;
        for (int i = 0; i < forks.size(); i++) {
            Fork f = forks.get(i);
            String mode = arms.stream().filter(a -> a.name().equals(f.arm())).findFirst().orElseThrow().mode();
            plan.add(new RunResults.PlannedFork(i, f.block(), f.arm(), mode));
            List<Double> scores = java.util.Arrays.stream(f.ns()).boxed().toList();
            iterations = scores.size();
            results.add(new RunResults.ForkResult(i, f.block(), f.arm(), mode, scores, 1e9 / Stats.mean(f.ns()), Map.of(), Map.of(), Map.of(),
                    RunResults.Accounting.unknown(), null, f.hlog(), 20, f.noise()));
        }
        int perArm = (int) forks.stream().filter(f -> f.arm().equals(arms.get(arms.size() - 1).name())).count();
        RunResults.Settings s = new RunResults.Settings(arms, "default", 0, 1, "all", perArm, 5, iterations, 1, 81, false, baseline, design);
        RunResults.Provenance p = new RunResults.Provenance("25.0.3+9-LTS", List.of(), "Intel(R) Xeon(R) Processor", "Linux 6.18", 2, "1a2b3c4",
                "2026-12-03T10:12:00Z");
        return new RunResults(RunResults.SCHEMA, s, p, plan, results);
    }

    /** A run from reference_values.json's {"arms": [...], "forks": [{"block", "arm", "ns": [...]}]}. */
    static RunResults fromJson(JsonNode scenario) {
        List<RunResults.Arm> arms = new ArrayList<>();
        for (JsonNode a : scenario.get("arms")) {
            arms.add(new RunResults.Arm(a.get("name").asText(), a.get("mode").asText(), null, null, null, null, null, List.of(),
                    a.hasNonNull("planted") ? a.get("planted").asText() : null));
        }
        List<Fork> forks = new ArrayList<>();
        for (JsonNode f : scenario.get("forks")) {
            forks.add(new Fork(f.get("block").asInt(), f.get("arm").asText(), StatsTest.array(f.get("ns"))));
        }
        return run(arms, arms.get(0).name(), RunResults.Settings.SEQUENTIAL, forks);
    }

    /**
     * The default suite, interleaved, on a machine that drifts: per block one fork of every arm (the
     * baseline twice in every other block), each fork's log rate its arm's truth (times
     * {@code shift}) plus a block effect the arms share (SD {@code blockSd}), a fork effect (SD 1%) and
     * iteration noise (SD 4%), the whole run at {@code scale}. A share {@code flagged} of the forks
     * carry a noise record that flags them. With {@code dir}, each fork gets a latency log there.
     */
    static RunResults suite(long seed, int blocks, double scale, Map<String, Double> shift, double blockSd, double flagged, Path dir)
            throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        List<Fork> forks = new ArrayList<>();
        for (int b = 0; b < blocks; b++) {
            double shared = blockSd * random.nextGaussian();
            List<String> arms = new ArrayList<>(SUITE.stream().map(RunResults.Arm::name).toList());
            if (b % 2 == 1) {
                arms.add("virtual");
            }
            for (String arm : arms) {
                double logRate = Math.log(2.2e6 * scale * TRUTH.get(arm) * shift.getOrDefault(arm, 1.0)) + shared + 0.01 * random.nextGaussian();
                double[] ns = new double[10];
                for (int i = 0; i < ns.length; i++) {
                    ns[i] = 1e9 / Math.exp(logRate) * Math.exp(0.04 * random.nextGaussian());
                }
                boolean bad = random.nextDouble() < flagged;
                double steal = bad ? 6 + 4 * random.nextDouble() : 0.3 * random.nextDouble();
                double others = bad ? 30 + 20 * random.nextDouble() : 2 * random.nextDouble();
                RunResults.Noise noise = new RunResults.Noise(10, steal, others, 48, bad ? 2.6 : 1.1, bad,
                        bad ? String.format(java.util.Locale.ROOT, "steal %.1f%% > 5%%", steal) : null);
                String hlog = null;
                if (dir != null) {
                    hlog = String.format(java.util.Locale.ROOT, "fork-%03d/latency.hlog", forks.size());
                    writeLatencyLog(dir.resolve(hlog), Stats.mean(ns), random);
                }
                forks.add(new Fork(b, arm, ns, noise, hlog));
            }
        }
        return run(SUITE, "virtual", RunResults.Settings.INTERLEAVED, forks);
    }

    /** A latency log as a fork writes it: receive times of batches of 256 packets, ns, a few intervals, a long tail. */
    static void writeLatencyLog(Path file, double nsPerPacket, SplittableRandom random) throws IOException {
        Files.createDirectories(file.getParent());
        try (PrintStream out = new PrintStream(Files.newOutputStream(file))) {
            HistogramLogWriter w = new HistogramLogWriter(out);
            w.outputComment("icpbench: receive time of one batch of 256 packets, ns; profile default");
            w.outputLogFormatVersion();
            w.outputStartTime(1_796_091_386_531L);
            w.setBaseTime(1_796_091_386_531L);
            w.outputBaseTime(1_796_091_386_531L);
            w.outputLegend();
            for (int interval = 0; interval < 3; interval++) {
                Histogram h = new Histogram(10_000_000_000L, 3);
                h.setStartTimeStamp(1_796_091_386_531L + 1000L * interval);
                h.setEndTimeStamp(1_796_091_386_531L + 1000L * (interval + 1));
                for (int i = 0; i < 20_000; i++) {
                    // lognormal body, and 1 in 200 batches hit by a pause 5-50x as long
                    double v = 256 * nsPerPacket * Math.exp(0.15 * random.nextGaussian());
                    if (random.nextInt(200) == 0) {
                        v *= 5 + 45 * random.nextDouble();
                    }
                    h.recordValue((long) v);
                }
                w.outputIntervalHistogram(h);
            }
        }
    }
}
