package io.icpbench.harness.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.icpbench.dispatch.Mode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The calibration suite: one call site, monomorphic, bimorphic and megamorphic at two skews, under
 * every mode (CallSiteBenchmark, a JMH run of its own with its own forks), so each run shows what
 * one call costs on the machine it ran on.
 */
public final class CalibrationSuite {
    /** The suite's JMH result file in the run directory. */
    public static final String FILE = "calibration.json";
    /** Seconds the suite takes (measured here), set aside from the budget. */
    public static final double SECONDS = 100;
    static final String BENCHMARKS = "CallSiteBenchmark.(monomorphic|virtual|virtualNoprofile|indirectCall|handGuard2|dynamicCall|promoted)$";

    private CalibrationSuite() {
    }

    /**
     * Runs the suite into {@code dir}'s {@link #FILE}; its output goes to calibration.log.
     *
     * @param running hears the suite's process while it runs (null when it ended), so a stop can kill it
     */
    static void run(Path dir, Consumer<Process> running) throws IOException {
        System.err.println("icpbench run: calibration suite (single call sites under every mode, about 90 s)...");
        List<String> cmd = Forks.command(Mode.VIRTUAL, Map.of(), List.of(), List.of("jmh", BENCHMARKS, "-f", "1", "-wi", "2",
                "-w", "500ms", "-i", "3", "-r", "500ms", "-p", "shape=bimorphic,megamorphic", "-p", "r0Percent=50,89", "-rf", "json",
                "-rff", dir.resolve(FILE).toAbsolutePath().toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(dir.resolve("calibration.log").toFile())).start();
        running.accept(p);
        try {
            if (p.waitFor() != 0) {
                System.err.println("icpbench run: the calibration suite failed; see " + dir.resolve("calibration.log"));
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            running.accept(null);
        }
    }

    /** Prints ns per call of each calibration variant: rows are variants, columns the receiver shapes. */
    public static void print(PrintStream out, Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return;
        }
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        Map<String, Map<String, Double>> table = new LinkedHashMap<>();
        List<String> columns = new ArrayList<>();
        for (JsonNode b : root) {
            String variant = b.get("benchmark").asText().replaceAll(".*\\.", "");
            JsonNode params = b.get("params");
            String column = params.get("shape").asText().replace("morphic", "") + " " + params.get("r0Percent").asText() + "%";
            if (!columns.contains(column)) {
                columns.add(column);
            }
            table.computeIfAbsent(variant, k -> new LinkedHashMap<>()).put(column, b.get("primaryMetric").get("score").asDouble());
        }
        out.println();
        out.println("calibration: one call site, ns per call (receiver shape, dominant class's share; monomorphic ignores the shape)");
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "  %-18s", "variant"));
        columns.forEach(c -> head.append(String.format(Locale.ROOT, " %10s", c)));
        out.println(head);
        table.forEach((variant, row) -> {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-18s", variant));
            columns.forEach(c -> line.append(row.containsKey(c) ? String.format(Locale.ROOT, " %10.2f", row.get(c)) : String.format(" %10s", "-")));
            out.println(line);
        });
    }
}
