package io.icpbench.harness.fork;

import static org.assertj.core.api.Assertions.assertThat;

import io.icpbench.harness.bench.RxPathBenchmark;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fork's .hlog carries real times: HdrHistogram's own reader finds its start time and interval. */
class LatencyLogTest {
    @Test
    void theLogHasAStartTimeAndTheIntervalItRecorded(@TempDir Path dir) throws Exception {
        Histogram h = new Histogram(10_000_000_000L, 3);
        long start = System.currentTimeMillis() - 5_000;
        h.setStartTimeStamp(start);
        for (int i = 1; i <= 1000; i++) {
            h.recordValue(i * 100L);
        }
        Path file = dir.resolve("latency.hlog");
        RxPathBenchmark.writeLatencyLog(file, "test values", h);
        try (InputStream in = Files.newInputStream(file)) {
            HistogramLogReader reader = new HistogramLogReader(in);
            EncodableHistogram read = reader.nextIntervalHistogram();
            assertThat(read).isNotNull();
            assertThat(reader.getStartTimeSec()).as("the log's StartTime, s").isCloseTo(start / 1000.0, org.assertj.core.data.Offset.offset(0.001));
            assertThat(read.getStartTimeStamp()).isEqualTo(start);
            assertThat(read.getEndTimeStamp()).isBetween(start + 5_000, System.currentTimeMillis());
            assertThat(((Histogram) read).getTotalCount()).isEqualTo(1000);
        }
        assertThat(Files.readString(file)).contains("#[StartTime: ").doesNotContain("9223372036854776");
    }

    @Test
    void aHistogramWithoutAStartGetsTheWriteTime(@TempDir Path dir) throws Exception {
        Histogram h = new Histogram(3);
        h.recordValue(42);
        long before = System.currentTimeMillis();
        Path file = dir.resolve("latency.hlog");
        RxPathBenchmark.writeLatencyLog(file, "no start", h);
        try (InputStream in = Files.newInputStream(file)) {
            HistogramLogReader reader = new HistogramLogReader(in);
            EncodableHistogram read = reader.nextIntervalHistogram();
            assertThat(read.getStartTimeStamp()).isBetween(before, System.currentTimeMillis());
            assertThat(reader.getStartTimeSec()).isGreaterThan(before / 1000.0 - 1);
        }
    }
}
