package io.icpbench.harness.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icpbench.results.RunResults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One block of the interleaved design, with real fork JVMs at tiny settings: the turns it gives
 * (turns.csv), the duet's pairs, a fork that dies, and which blocks a resumed run still owes.
 *
 * <p>IMPLEMENTATION NOTES. Fork JVMs are the cost here (a few seconds of CPU each), so the
 * interleaved block runs once per class ({@link #interleaved}) and the duet block is the second run
 * with the same seed and forks: the turn order is drawn from the seed alone, the duet only takes the
 * drawn order two at a time, so the two runs must agree round by round. Nothing asserts how long a
 * turn took; start and end times are only compared with each other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InterleavedBlockTest {
    static final int WARMUP = 2;
    static final int ITERATIONS = 2;
    static final long SEED = 42;
    static final List<RunResults.Arm> ARMS = List.of(RunResults.Arm.ofMode("virtual"), RunResults.Arm.ofMode("virtual-megamorphic"),
            new RunResults.Arm("aa", "virtual", null, null, null, null, null, List.of()));

    @TempDir
    Path tmp;

    private Turns interleaved;

    /** The run's settings: the arms, {@code profile}, 1 worker, {@link #WARMUP} + {@link #ITERATIONS} iterations of 0.1 s. */
    static RunResults.Settings settings(List<RunResults.Arm> arms, String profile, String design) {
        return new RunResults.Settings(arms, profile, 0, 1, "all", 2, WARMUP, ITERATIONS, 0.1, SEED, true, null, design);
    }

    /** Block 1 of a 2-block plan (fork indices from arms.size()): the block's own numbers must reach turns.csv. */
    static List<RunResults.PlannedFork> block1(List<RunResults.Arm> arms) {
        List<RunResults.PlannedFork> plan = ForkPlan.plan(arms, 2, 7);
        return plan.subList(arms.size(), plan.size());
    }

    /** One row of turns.csv. */
    record Turn(int block, int round, int fork, String arm, String phase, long startUs, long endUs) {
        static Turn parse(String line) {
            String[] x = line.split(",");
            assertThat(x).as(line).hasSize(7);
            return new Turn(Integer.parseInt(x[0]), Integer.parseInt(x[1]), Integer.parseInt(x[2]), x[3], x[4], Long.parseLong(x[5]),
                    Long.parseLong(x[6]));
        }
    }

    /** A finished block: its outcome, its turns in file order, and the forks it ran. */
    record Turns(InterleavedBlock.Outcome outcome, List<Turn> rows, List<RunResults.PlannedFork> forks) {
        /** Each round's forks, in the order they took their turns. */
        List<List<Integer>> orders() {
            List<List<Integer>> out = new ArrayList<>();
            for (int round = 0; round < WARMUP + ITERATIONS; round++) {
                int r = round;
                out.add(rows.stream().filter(t -> t.round() == r).map(Turn::fork).toList());
            }
            return out;
        }
    }

    /** Runs block 1 of {@link #ARMS} in {@code dir} with {@code together} forks at a time, and reads its turns. */
    static Turns run(Path dir, int together) throws IOException {
        Files.createDirectories(dir);
        List<RunResults.PlannedFork> forks = block1(ARMS);
        String design = together == 2 ? RunResults.Settings.DUET : RunResults.Settings.INTERLEAVED;
        InterleavedBlock b = new InterleavedBlock(dir, RunSpec.of(settings(ARMS, "udp-only", design)), forks, SEED, together);
        List<String> progress = new ArrayList<>();
        InterleavedBlock.Outcome outcome = b.run(progress::add, null);
        assertThat(progress).as("one progress line per turn").hasSize((WARMUP + ITERATIONS) * (int) Math.ceil(forks.size() / (double) together));
        assertThat(b.processes()).hasSize(forks.size()).allSatisfy(p -> assertThat(p.isAlive()).isFalse());
        List<String> lines = Files.readAllLines(dir.resolve(InterleavedBlock.TURNS));
        assertThat(lines.get(0)).isEqualTo("block,round,fork,arm,phase,start_us,end_us");
        return new Turns(outcome, lines.subList(1, lines.size()).stream().map(Turn::parse).toList(), forks);
    }

    /** The interleaved block, run once for the class. */
    synchronized Turns interleaved() throws IOException {
        if (interleaved == null) {
            interleaved = run(tmp.resolve("interleaved"), 1);
        }
        return interleaved;
    }

    @Test
    void everyForkTakesEachRoundOneTurnAtATimeAndTheOrderChangesBetweenRounds() throws IOException {
        Turns t = interleaved();
        int rounds = WARMUP + ITERATIONS;
        assertThat(t.rows()).hasSize(rounds * t.forks().size());
        for (RunResults.PlannedFork f : t.forks()) {
            List<Turn> mine = t.rows().stream().filter(x -> x.fork() == f.index()).toList();
            assertThat(mine).as("fork %d's turns", f.index()).hasSize(rounds).allSatisfy(x -> {
                assertThat(x.block()).isEqualTo(1);
                assertThat(x.arm()).isEqualTo(f.arm());
            });
            assertThat(mine).extracting(Turn::phase).containsExactly("warmup", "warmup", "measurement", "measurement");
            RunResults.ForkResult r = t.outcome().forks().get(f.index());
            assertThat(r.arm()).isEqualTo(f.arm());
            assertThat(r.block()).isEqualTo(1);
            assertThat(r.scoresNsPerPacket()).hasSize(ITERATIONS).allSatisfy(s -> assertThat(s).isPositive());
        }
        assertThat(t.outcome().forks()).containsOnlyKeys(t.forks().stream().map(RunResults.PlannedFork::index).toList());
        List<Integer> indices = t.forks().stream().map(RunResults.PlannedFork::index).toList();
        for (List<Integer> order : t.orders()) {
            assertThat(order).as("every fork once a round").containsExactlyInAnyOrderElementsOf(indices);
        }
        assertThat(t.rows()).extracting(Turn::round).isSorted();
        assertThat(t.orders().stream().distinct().count()).as("the rounds' orders %s are drawn afresh", t.orders()).isGreaterThan(1);
        // One fork at a time: a turn starts once the one before it has ended.
        for (int i = 1; i < t.rows().size(); i++) {
            assertThat(t.rows().get(i).startUs()).as("turn %d", i).isGreaterThanOrEqualTo(t.rows().get(i - 1).endUs());
        }
    }

    @Test
    void theDuetStartsTwoForksTogetherInTheOrderTheSameSeedDraws(@TempDir Path dir) throws IOException {
        Turns duet = run(dir, 2);
        int rounds = WARMUP + ITERATIONS;
        assertThat(duet.rows()).hasSize(rounds * duet.forks().size());
        assertThat(duet.orders()).as("same seed, same order").isEqualTo(interleaved().orders());
        for (int round = 0; round < rounds; round++) {
            int r = round;
            List<Turn> inRound = duet.rows().stream().filter(x -> x.round() == r).toList();
            // Three forks: a pair, then the third by itself once the pair is done.
            Turn a = inRound.get(0);
            Turn b = inRound.get(1);
            Turn c = inRound.get(2);
            assertThat(a.startUs()).as("round %d: the pair starts together", r).isEqualTo(b.startUs());
            assertThat(a.startUs()).isLessThan(b.endUs());
            assertThat(b.startUs()).isLessThan(a.endUs());
            assertThat(c.startUs()).as("round %d: the third after the pair", r).isGreaterThanOrEqualTo(Math.max(a.endUs(), b.endUs()));
        }
        for (RunResults.PlannedFork f : duet.forks()) {
            assertThat(duet.outcome().forks().get(f.index()).scoresNsPerPacket()).hasSize(ITERATIONS);
        }
    }

    /** A block whose fork dies: its arms, its traffic, the arms that may die, and what the end of the log says (null: anything). */
    static Stream<Arguments> deadForks() {
        RunResults.Arm bad = new RunResults.Arm("bad", "virtual", null, null, null, null, null, List.of("-XX:+NoSuchFlagForIcpbench"));
        return Stream.of(
                Arguments.of("a bad JVM flag", List.of(RunResults.Arm.ofMode("virtual"), bad), "udp-only", List.of("bad"), "NoSuchFlagForIcpbench"),
                /*
                 * Every fork of the block has the run's traffic: whichever dies first is named. Each connects to the gate,
                 * then dies in JMH's set-up, before or after its GO is sent (the gate's write breaks, or its read is reset).
                 * The end of its log is a stack trace of JMH's RunnerException (the fork prints no one-line error for it),
                 * so only its last line is checked.
                 */
                Arguments.of("no such traffic profile", List.of(RunResults.Arm.ofMode("virtual"), RunResults.Arm.ofMode("virtual-megamorphic")),
                        "no-such-profile-for-icpbench", List.of("virtual", "virtual-megamorphic"), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deadForks")
    void aForkThatDiesFailsTheBlockWithItsArmAndLogAndStopsTheOthers(String why, List<RunResults.Arm> arms, String profile, List<String> dying,
            String logSays, @TempDir Path dir) throws IOException {
        List<RunResults.PlannedFork> forks = block1(arms);
        InterleavedBlock b = new InterleavedBlock(dir, RunSpec.of(settings(arms, profile, RunResults.Settings.INTERLEAVED)), forks, SEED, 1);
        Map<Integer, String> armOf = new LinkedHashMap<>();
        forks.forEach(f -> armOf.put(f.index(), f.arm()));
        Consumer<String> ignore = turn -> {
        };
        assertThatThrownBy(() -> b.run(ignore, null)).isInstanceOf(IllegalStateException.class).satisfies(e -> {
            String m = e.getMessage();
            int index = Integer.parseInt(m.substring("fork ".length(), m.indexOf(' ', "fork ".length())));
            assertThat(armOf).as(m).containsKey(index);
            assertThat(dying).as(m).contains(armOf.get(index));
            Path log = dir.resolve(RunEngine.forkName(index)).resolve("fork.log");
            List<String> lines = Files.readAllLines(log);
            assertThat(m).startsWith("fork " + index + " (" + armOf.get(index)).contains(log + " ends with:\n")
                    .endsWith(lines.get(lines.size() - 1));
            if (logSays != null) {
                assertThat(m).contains(logSays);
            }
        });
        // Every fork's JVM was started and none is left running: the dead one exited, the others were killed.
        assertThat(b.processes()).hasSize(forks.size()).allSatisfy(p -> {
            assertThat(p.onExit()).succeedsWithin(Duration.ofSeconds(60));
            assertThat(p.isAlive()).isFalse();
        });
        if (dying.size() == 1) {
            Process healthy = b.processes().get(forks.stream().map(RunResults.PlannedFork::arm).toList().indexOf("virtual"));
            assertThat(healthy.exitValue()).as("killed (SIGKILL), not exited by itself").isEqualTo(128 + 9);
        }
        assertThat(dir.resolve(InterleavedBlock.TURNS)).as("a failed block records no turns").doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1})
    void togetherBelowOneIsRefused(int together) {
        assertThatThrownBy(() -> new InterleavedBlock(tmp, RunSpec.of(settings(ARMS, "udp-only", RunResults.Settings.INTERLEAVED)), block1(ARMS), SEED, together))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("together=" + together).hasMessageContaining("expected");
    }

    @Test
    void anEmptyBlockIsRefused() {
        assertThatThrownBy(() -> new InterleavedBlock(tmp, RunSpec.of(settings(ARMS, "udp-only", RunResults.Settings.INTERLEAVED)), List.of(), SEED, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty block").hasMessageContaining("expected");
    }

    /** A finished fork of {@code p} (its numbers do not matter here). */
    static RunResults.ForkResult finished(RunResults.PlannedFork p) {
        return new RunResults.ForkResult(p.index(), p.block(), p.arm(), p.mode(), List.of(1.0), 1e9, Map.of(), Map.of(), Map.of(),
                RunResults.Accounting.unknown(), RunEngine.forkName(p.index()) + "/jmh.json", null, 1);
    }

    /**
     * Which forks of a 3-block plan of the three arms (indices 0-8, block = index / 3) are finished,
     * and the blocks left, each as its forks' indices.
     */
    static Stream<Arguments> resumes() {
        return Stream.of(
                Arguments.of("none finished", List.of(), List.of(List.of(0, 1, 2), List.of(3, 4, 5), List.of(6, 7, 8))),
                Arguments.of("the first block", List.of(0, 1, 2), List.of(List.of(3, 4, 5), List.of(6, 7, 8))),
                Arguments.of("half the middle block", List.of(0, 1, 2, 4), List.of(List.of(3, 5), List.of(6, 7, 8))),
                Arguments.of("a late fork before the others", List.of(8, 0), List.of(List.of(1, 2), List.of(3, 4, 5), List.of(6, 7))),
                Arguments.of("all", List.of(0, 1, 2, 3, 4, 5, 6, 7, 8), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resumes")
    void pendingBlocksAreTheUnfinishedForksByBlockInPlanOrder(String what, List<Integer> done, List<List<Integer>> expected) {
        List<RunResults.PlannedFork> plan = ForkPlan.plan(ARMS, 3, 5);
        RunResults.Settings s = settings(ARMS, "udp-only", RunResults.Settings.INTERLEAVED);
        List<RunResults.ForkResult> forks = done.stream().map(i -> finished(plan.get(i))).toList();
        for (List<RunResults.PlannedFork> order : List.of(plan, plan.reversed())) {
            RunResults r = new RunResults(RunResults.SCHEMA, s, null, order, forks);
            List<List<RunResults.PlannedFork>> pending = InterleavedBlock.pendingBlocks(r);
            assertThat(pending).as("%s, plan listed %s", what, order == plan ? "in order" : "backwards")
                    .map(b -> b.stream().map(RunResults.PlannedFork::index).toList()).isEqualTo(expected);
            for (List<RunResults.PlannedFork> b : pending) {
                assertThat(b).extracting(RunResults.PlannedFork::block).containsOnly(b.get(0).block());
                assertThat(b).allSatisfy(p -> assertThat(plan).contains(p));
            }
        }
    }
}
