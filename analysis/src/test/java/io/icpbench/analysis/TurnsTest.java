package io.icpbench.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.icpbench.results.ResultsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TurnsTest {
    static final String H = Turns.HEADER;

    @Test
    void aRunWithoutTurnsHasNoneAndTurnsReadBackAsWritten(@TempDir Path dir) throws IOException {
        assertThat(Turns.read(dir)).isNull();
        SimulatedRuns.Simulated s = SimulatedRuns.run(SimulatedRuns.NORMAL.withBlocks(2).withIterations(5),
                List.of(SimulatedRuns.baseline(), SimulatedRuns.aa()), 1, true);
        Files.writeString(dir.resolve(Turns.FILE), SimulatedRuns.turnsCsv(s.turns()));
        Turns t = Turns.read(dir);
        assertThat(t.turns()).isEqualTo(s.turns().turns());
        // 2 blocks x 2 forks x (40 warmup + 5 measured) turns; each fork's measured turns in round order
        assertThat(t.turns()).hasSize(2 * 2 * 45);
        assertThat(t.measuredByFork()).hasSize(4).allSatisfy((fork, ts) -> assertThat(ts).extracting(Turns.Turn::round)
                .containsExactly(40, 41, 42, 43, 44));
        // from the first turn: block 0's measured rounds 40-44 of 2 forks of 0.1 s run from 8 s to 9 s, so each fork's mid-time is near 8.5 s
        assertThat(t.measuredMidSeconds().get(0)).isCloseTo(8.5, within(0.11));
        assertThat(t.measuredMidSeconds().get(2)).as("block 1 starts %.0f s later", 10 + 45 * 2 * 0.1).isCloseTo(8.5 + 19, within(0.11));
    }

    @Test
    void aTurnGivenTwiceKeepsItsLastRow() {
        Turns t = Turns.parse("t", List.of(H, "0,40,0,virtual,measurement,100,200", "0,40,0,virtual,measurement,300,400"));
        assertThat(t.turns()).singleElement().extracting(Turns.Turn::startUs).isEqualTo(300L);
    }

    @Test
    void aMalformedFileIsAnErrorNamingItsLine() {
        assertThatThrownBy(() -> Turns.parse("turns.csv", List.of("block,round,fork"))).isInstanceOf(ResultsException.class)
                .hasMessageContaining("turns.csv: line 1").hasMessageContaining("expected the header " + H);
        assertThatThrownBy(() -> Turns.parse("turns.csv", List.of(H, "0,0,0,virtual,warmup,1,2", "0,1,0,virtual,warmup,3"))).isInstanceOf(
                ResultsException.class).hasMessageContaining("line 3 has 6 fields, expected 7");
        assertThatThrownBy(() -> Turns.parse("turns.csv", List.of(H, "0,0,0,virtual,cooldown,1,2"))).isInstanceOf(ResultsException.class)
                .hasMessageContaining("line 2: phase 'cooldown', expected warmup or measurement");
        assertThatThrownBy(() -> Turns.parse("turns.csv", List.of(H, "0,x,0,virtual,warmup,1,2"))).isInstanceOf(ResultsException.class)
                .hasMessageContaining("line 2").hasMessageContaining("expected integers");
        assertThatThrownBy(() -> Turns.parse("turns.csv", List.of(H, "0,0,0,virtual,warmup,5,2"))).isInstanceOf(ResultsException.class)
                .hasMessageContaining("line 2").hasMessageContaining("an end not before the start");
    }
}
