package io.icpbench.harness.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icpbench.stack.Counter;
import io.icpbench.stack.Counters;
import io.icpbench.stack.FrameRing;
import io.icpbench.stack.NetStack;
import io.icpbench.stack.StackOptions;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Profiles with phases: the [phase NAME] syntax, its errors, how runs split into phases, and the phase-shift profile's rings. */
class TrafficPhasesTest {
    /** A profile with a starting mix and two phases that change it. */
    static final String TWO_PHASES = """
            frames = 64
            mix.arp = 2          # every phase starts here
            mix.icmp = 1

            [phase v4]
            length = 30%
            mix.udp4 = 10

            [phase v6]           # the last phase may leave its length out
            mix.udp6 = 10
            mix.icmp = 0         # out of this phase
            mix.arp = 5          # changed in this phase
            """;

    @Test
    void aPhaseStartsFromTheProfilesMixAndChangesIt() {
        TrafficProfile p = TrafficProfile.parse("two.profile", TWO_PHASES);
        assertThat(p.phased()).isTrue();
        assertThat(p.phases()).extracting(TrafficProfile.Phase::name).containsExactly("v4", "v6");
        assertThat(p.phases()).extracting(TrafficProfile.Phase::percent).containsExactly(30, 70);
        assertThat(p.phases().get(0).mix()).isEqualTo(Map.of(TrafficClass.ARP, 2, TrafficClass.ICMP, 1, TrafficClass.UDP4, 10));
        assertThat(p.phases().get(1).mix()).isEqualTo(Map.of(TrafficClass.ARP, 5, TrafficClass.UDP6, 10));
        // Everything that knows nothing of phases sees the first phase (the warmup's traffic).
        assertThat(p.mix()).isEqualTo(p.phases().get(0).mix());
        assertThat(p.ringCount()).isEqualTo(2);
        TrafficProfile second = p.phase(1);
        assertThat(second.phased()).isFalse();
        assertThat(second.mix()).isEqualTo(p.phases().get(1).mix());
        assertThat(second.frames()).isEqualTo(p.frames());
        assertThat(second.seed()).isEqualTo(p.seed());
        assertThat(p.phasesInWords()).isEqualTo("phases v4 30%, v6 70%");
    }

    @Test
    void aProfileWithoutPhasesIsOneMixForTheWholeRun() {
        TrafficProfile p = TrafficProfile.load("default");
        assertThat(p.phased()).isFalse();
        assertThat(p.phases()).isEmpty();
        assertThat(p.ringCount()).isEqualTo(1);
        assertThat(p.phase(0)).isSameAs(p);
        assertThat(p.spans(100, "iteration")).containsExactly(new TrafficProfile.Span("default", 0, 99));
        assertThat(p.phasesInWords()).isEmpty();
        assertThat(p.requireNoPhases("live traffic")).isSameAs(p);
        assertThat(TrafficSource.phases("default", 100, "iteration")).isEmpty();
    }

    @Test
    void thePhaseShiftProfileGoesFromIpv4ToIpv6HalfWay() {
        TrafficProfile p = TrafficProfile.load("phase-shift");
        assertThat(p.phases()).extracting(TrafficProfile.Phase::name).containsExactly("ipv4", "ipv6");
        assertThat(p.phases()).extracting(TrafficProfile.Phase::percent).containsExactly(50, 50);
        assertThat(p.phase(0).mixByWeight().get(0).getKey()).isEqualTo(TrafficClass.UDP4);
        assertThat(p.phase(1).mixByWeight().get(0).getKey()).isEqualTo(TrafficClass.UDP6);
        // Each phase keeps a little of the other family, so no site's profile is monomorphic in phase 1.
        assertThat(p.phase(0).mix()).containsKeys(TrafficClass.UDP6, TrafficClass.ARP);
        assertThat(p.phase(1).mix()).containsKeys(TrafficClass.UDP4, TrafficClass.ARP);
        assertThat(p.spans(100, "measured iteration")).containsExactly(new TrafficProfile.Span("ipv4", 0, 49),
                new TrafficProfile.Span("ipv6", 50, 99));
    }

    /** Each phase's ring, replayed once through a fresh stack, is that phase's traffic: IPv4 in the first, IPv6 in the second. */
    @Test
    void eachPhaseOfPhaseShiftHasItsOwnRingWithItsOwnMix() {
        TrafficSource.Traffic t = TrafficSource.load("phase-shift");
        assertThat(t.phased()).isTrue();
        long[][] families = new long[2][];
        for (int k = 0; k < 2; k++) {
            NetStack stack = t.newStack(StackOptions.DEFAULT);
            List<FrameRing> rings = t.rings(stack, UnpooledByteBufAllocator.DEFAULT);
            try {
                assertThat(rings).hasSize(2);
                assertThat(rings).allSatisfy(r -> assertThat(r.size()).isEqualTo(t.frames()));
                rings.get(k).replay(stack, rings.get(k).size(), 256);
                Counters c = stack.counters;
                families[k] = new long[] {c.get(Counter.IP_IN_RECEIVES), c.get(Counter.IP6_IN_RECEIVES)};
                assertThat(c.received()).isEqualTo(t.frames());
                assertThat(c.inFlight()).isZero();
            } finally {
                rings.forEach(FrameRing::close);
            }
        }
        // Phase 1: about 94% IPv4 (udp4, forward, icmp) against 2% IPv6; phase 2 the other way round.
        assertThat(families[0][0]).isGreaterThan(20 * families[0][1]).isPositive();
        assertThat(families[1][1]).isGreaterThan(20 * families[1][0]).isPositive();
        // The allocation of each phase's frames follows its own weights.
        Map<TrafficClass, Integer> a1 = TrafficGenerator.allocation(t.profile().phase(0));
        Map<TrafficClass, Integer> a2 = TrafficGenerator.allocation(t.profile().phase(1));
        // Weights sum to 100 in each phase: 90% of 4096 frames is 3686.4.
        assertThat(a1.get(TrafficClass.UDP4)).isBetween(3686, 3687);
        assertThat(a2.get(TrafficClass.UDP6)).isBetween(3686, 3687);
        assertThat(a2).doesNotContainKey(TrafficClass.ICMP).containsKey(TrafficClass.ICMP6);
        // The first ring is the one every phase-unaware user gets.
        NetStack stack = t.newStack(StackOptions.DEFAULT);
        try (FrameRing one = t.ring(stack, UnpooledByteBufAllocator.DEFAULT)) {
            List<TrafficClass.Frame> frames = TrafficGenerator.frames(t.profile().phase(0));
            assertThat(io.netty.buffer.ByteBufUtil.getBytes(one.frame(0))).isEqualTo(frames.get(0).bytes());
        }
    }

    @Test
    void liveTrafficRefusesPhasesInOneLine() {
        assertThatThrownBy(() -> TrafficSource.validate("live:phase-shift")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("profile phase-shift has phases (ipv4 50%, ipv6 50%)").hasMessageContaining("live traffic")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> io.icpbench.harness.live.LiveSession.profile("phase-shift", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has phases");
    }

    @Test
    void aCaptureHasNoPhasesAndIsNotReadForThem() {
        assertThat(TrafficSource.phases("pcap:/no/such/file.pcap", 100, "iteration")).isEmpty();
    }

    // ------------------------------------------------------------------------------- splitting a run

    @ParameterizedTest
    @CsvSource({
        "100, 50, '0-49 50-99'",
        "5, 50, '0-2 3-4'",          // 2.5 rounds half up
        "3, 50, '0-1 2-2'",
        "10, 30, '0-2 3-9'",
        "7, 10, '0-0 1-6'",          // 0.7 rounds to 1
        "200000, 50, '0-99999 100000-199999'"})
    void aRunSplitsAtTheRoundedShare(long units, int first, String expected) {
        TrafficProfile p = TrafficProfile.parse("t", "[phase a]\nlength = " + first + "%\nmix.udp4 = 1\n[phase b]\nmix.udp6 = 1\n");
        List<String> got = p.spans(units, "iteration").stream().map(s -> s.first() + "-" + s.last()).toList();
        assertThat(String.join(" ", got)).isEqualTo(expected);
    }

    @Test
    void aPhaseThatGetsNoUnitIsAnErrorNamingIt() {
        TrafficProfile p = TrafficProfile.parse("t", "[phase a]\nlength = 10%\nmix.udp4 = 1\n[phase b]\nmix.udp6 = 1\n");
        assertThatThrownBy(() -> p.spans(4, "measured iteration")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("profile t: phase a (10%) gets no measured iteration of 4: give more measured iterations");
        assertThatThrownBy(() -> TrafficProfile.load("phase-shift").spans(1, "measured packet")).hasMessageContaining("phase ipv6 (50%)");
    }

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 200);
    }

    /**
     * Random phases (2 to 6, lengths summing to 100%) over random runs (1 to 10^6 units, log-uniform):
     * the spans cover every unit once, in order, each phase starting at round(units × the lengths
     * before it / 100); or, when that leaves a phase with none, the split is refused.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void spansCoverTheRunInOrderAtTheRoundedShares(long seed) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L);
        int n = 2 + r.nextInt(5);
        int[] percent = new int[n];
        int left = 100;
        for (int k = 0; k < n - 1; k++) {
            percent[k] = 1 + r.nextInt(left - (n - 1 - k));
            left -= percent[k];
        }
        percent[n - 1] = left;
        StringBuilder text = new StringBuilder("mix.udp4 = 1\n");
        for (int k = 0; k < n; k++) {
            text.append("[phase p").append(k).append("]\nlength = ").append(percent[k]).append("%\n");
        }
        TrafficProfile p = TrafficProfile.parse("random-" + seed, text.toString());
        long units = Math.max(1, Math.round(Math.exp(r.nextDouble(0, Math.log(1e6)))));
        long[] start = new long[n + 1];
        int cum = 0;
        boolean empty = false;
        for (int k = 0; k < n; k++) {
            start[k] = Math.floorDiv(units * cum + 50, 100);
            cum += percent[k];
        }
        start[n] = units;
        for (int k = 0; k < n; k++) {
            empty |= start[k + 1] <= start[k];
        }
        if (empty) {
            assertThatThrownBy(() -> p.spans(units, "unit")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gets no unit");
            return;
        }
        List<TrafficProfile.Span> spans = p.spans(units, "unit");
        assertThat(spans).hasSize(n);
        long next = 0;
        for (int k = 0; k < n; k++) {
            TrafficProfile.Span s = spans.get(k);
            assertThat(s.name()).isEqualTo("p" + k);
            assertThat(s.first()).isEqualTo(next).isEqualTo(start[k]);
            assertThat(s.length()).isPositive();
            next = s.last() + 1;
        }
        assertThat(next).isEqualTo(units);
        assertThat(p.phaseStarts(units, "unit")).containsExactly(java.util.Arrays.copyOf(start, n));
        // The same profile and units always give the same switch points (every arm of a run switches together).
        assertThat(TrafficProfile.parse("random-" + seed, text.toString()).spans(units, "unit")).isEqualTo(spans);
    }

    // ------------------------------------------------------------------------------- errors

    /** A bad phase line: the profile text, the line the error must name, and what it must say. */
    record Bad(String text, int line, String says) {
    }

    static List<Bad> badPhases() {
        String b = "mix.udp4 = 1\n[phase b]\nlength = 50%\n";      // a good second phase to append
        List<Bad> bad = new ArrayList<>();
        bad.add(new Bad("mix.udp4 = 1\n[phase]\n", 2, "expected [phase NAME]"));
        bad.add(new Bad("mix.udp4 = 1\n[stage a]\n", 2, "is not a section header"));
        bad.add(new Bad("mix.udp4 = 1\n[phase a b]\n", 2, "is not a section header"));
        bad.add(new Bad("mix.udp4 = 1\n[phase a/b]\n", 2, "letters, digits"));
        bad.add(new Bad("[phase a]\nlength = 50%\n[phase a]\n", 3, "phase 'a' is named twice"));
        bad.add(new Bad("length = 50%\n" + b, 1, "'length' outside a phase"));
        bad.add(new Bad("[phase a]\nlength = 50%\nlength = 40%\n" + b, 3, "phase a has a length already"));
        bad.add(new Bad("[phase a]\nlength = 50\n" + b, 2, "expected a share of the measured run such as 50%"));
        bad.add(new Bad("[phase a]\nlength = 0%\n" + b, 2, "expected 1..99"));
        bad.add(new Bad("[phase a]\nlength = 100%\n" + b, 2, "expected 1..99"));
        bad.add(new Bad("[phase a]\nlength = half%\n" + b, 2, "is not a whole number"));
        bad.add(new Bad("[phase a]\nlength = 50%\nframes = 64\n" + b, 3, "put it before the first [phase]"));
        bad.add(new Bad("[phase a]\nlength = 50%\nseed = 2\n" + b, 3, "a phase has only length and mix.CLASS lines"));
        bad.add(new Bad("[phase a]\nlength = 50%\nmix.udp5 = 1\n" + b, 3, "unknown traffic class 'udp5'"));
        bad.add(new Bad("mix.udp4 = 1\n[phase a]\nlength = 50%\n", 2, "only one [phase]"));
        bad.add(new Bad("mix.udp4 = 1\n[phase a]\n[phase b]\nlength = 50%\n", 2, "phase a has no length, expected a line such as 'length = 50%'"));
        bad.add(new Bad("mix.udp4 = 1\n[phase a]\nlength = 40%\n[phase b]\nlength = 50%\n", 4, "add up to 90%, expected 100%"));
        bad.add(new Bad("mix.udp4 = 1\n[phase a]\nlength = 60%\n[phase b]\nlength = 50%\n", 4, "add up to 110%, expected 100%"));
        bad.add(new Bad("mix.udp4 = 1\n[phase a]\nlength = 60%\n[phase b]\nlength = 50%\n[phase c]\n", 4, "add up to 110% already"));
        bad.add(new Bad("mix.udp4 = 1\n[phase a]\nlength = 60%\n[phase b]\nlength = 40%\n[phase c]\n", 6, "nothing is left for it"));
        bad.add(new Bad("mix.udp4 = 1\n[phase a]\nlength = 50%\nmix.udp4 = 0\n" + b.substring(13), 2, "no traffic class has a weight"));
        bad.add(new Bad("frames = 16\n" + TrafficProfile.builtInText("uniform").replaceAll("(?m)^frames.*$", "") + "[phase a]\nlength = 50%\n"
                + "[phase b]\n", -1, "frames must be at least the number of weighted classes"));
        return bad;
    }

    @ParameterizedTest
    @MethodSource("badPhases")
    void aBadPhaseLineNamesItsLineAndWhatWasExpected(Bad bad) {
        assertThatThrownBy(() -> TrafficProfile.parse("my.profile", bad.text())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(bad.line() > 0 ? "my.profile line " + bad.line() + ":" : "my.profile")
                .hasMessageContaining(bad.says()).hasMessageNotContaining("\n");
    }

    @Test
    void aPhaseHeaderTakesCommentsAndAnyCase() {
        TrafficProfile p = TrafficProfile.parse("t", "[ Phase morning ]   # comment\nlength=25%\nmix.udp4=1\n[PHASE evening]\nmix.udp6=1\n");
        assertThat(p.phases()).extracting(TrafficProfile.Phase::name).containsExactly("morning", "evening");
        assertThat(p.phases()).extracting(TrafficProfile.Phase::percent).containsExactly(25, 75);
    }

    @Test
    void aProfileBuiltWithOnePhaseIsRefused() {
        assertThatThrownBy(() -> new TrafficProfile("x", "", 64, 1, 0, 0, 1, Map.of(TrafficClass.UDP4, 1),
                List.of(new TrafficProfile.Phase("only", 99, Map.of(TrafficClass.UDP4, 1))))).hasMessageContaining("one phase");
    }
}
