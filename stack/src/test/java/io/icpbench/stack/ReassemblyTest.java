package io.icpbench.stack;

import static io.icpbench.stack.Outcome.*;
import static io.icpbench.stack.Topology.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.icpbench.stack.ip.Reassembly;
import io.icpbench.stack.wire.FrameBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * IP reassembly: what the kernel's ip_defrag and ipv6_frag_rcv do with in-order, out-of-order,
 * duplicate, overlapping, late and oversized fragments, with its limits and timers, counted by
 * the kernel's counter names.
 */
class ReassemblyTest {
    private static final byte[] PEER6 = FrameBuilder.ipv6("fd00:1::9");
    private static final byte[] ETH0_6 = FrameBuilder.ipv6("fd00::1");

    private final StackFixture f = new StackFixture();

    static byte[] payload(int n, long seed) {
        byte[] p = new byte[n];
        new Random(seed).nextBytes(p);
        return p;
    }

    static byte[] udp4(byte[] payload) {
        return FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(IP_PEER, IP_ETH0).udp(4000, PORT_APP).payload(payload).build();
    }

    static byte[] udp6(byte[] payload) {
        return FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv6(PEER6, ETH0_6).udp(4000, PORT_APP).payload(payload).build();
    }

    private long c(Counter counter) {
        return f.counters().get(counter);
    }

    private byte[] lastDatagram() {
        return Arrays.copyOf(f.lastRead.data, f.lastRead.length);
    }

    private void assertNoQueueAndNoMemory() {
        assertThat(f.stack.frags().queues()).as("queues").isZero();
        assertThat(f.stack.frags().memory(4)).as("IPv4 fragment memory").isZero();
        assertThat(f.stack.frags().memory(6)).as("IPv6 fragment memory").isZero();
    }

    private void assertConserved() {
        assertThat(f.counters().delivered() + f.counters().dropped()).isEqualTo(f.counters().received());
        assertThat(f.counters().inFlight()).isZero();
    }

    private void settle() {
        f.stack.advanceTime(f.stack.now + Reassembly.MAX_FRAG_TIMEOUT_NS + 1);
    }

    // ------------------------------------------------------------------ IPv4

    @Test
    void inOrderIpv4FragmentsMakeOneDatagramThatReachesItsSocket() {
        byte[] data = payload(3000, 1);
        List<byte[]> frags = FrameBuilder.fragments(udp4(data), 1480, 7);
        assertThat(frags).hasSize(3);
        assertThat(f.send("eth0", frags.toArray(byte[][]::new))).containsExactly(IP_FRAG_QUEUED, IP_FRAG_QUEUED, UDP_QUEUED);
        assertThat(lastDatagram()).isEqualTo(data);
        assertThat(c(Counter.IP_IN_RECEIVES)).isEqualTo(3);
        assertThat(c(Counter.IP_REASM_REQDS)).isEqualTo(3);
        assertThat(c(Counter.IP_REASM_OKS)).isEqualTo(1);
        assertThat(c(Counter.IP_REASM_FAILS)).isZero();
        assertThat(c(Counter.IP_IN_DELIVERS)).as("the datagram, once").isEqualTo(1);
        assertThat(c(Counter.UDP_IN_DATAGRAMS)).isEqualTo(1);
        assertThat(f.counters().get(IP_FRAG_QUEUED)).isEqualTo(2);
        assertNoQueueAndNoMemory();
        assertConserved();
    }

    @Test
    void outOfOrderIpv4FragmentsReassembleWhicheverCompletes() {
        byte[] data = payload(5000, 2);
        List<byte[]> frags = new ArrayList<>(FrameBuilder.fragments(udp4(data), 1024, 8));
        Collections.reverse(frags);
        List<Outcome> outcomes = f.send("eth0", frags.toArray(byte[][]::new));
        assertThat(outcomes.subList(0, frags.size() - 1)).containsOnly(IP_FRAG_QUEUED);
        assertThat(outcomes.getLast()).isEqualTo(UDP_QUEUED);
        assertThat(lastDatagram()).isEqualTo(data);
        assertThat(c(Counter.IP_REASM_OKS)).isEqualTo(1);
        assertNoQueueAndNoMemory();
    }

    @Test
    void anExactDuplicateIsDroppedAndItsQueueLivesOn() {
        byte[] data = payload(2000, 3);
        List<byte[]> frags = FrameBuilder.fragments(udp4(data), 1480, 9);
        assertThat(f.send("eth0", frags.get(0), frags.get(0), frags.get(1))).containsExactly(IP_FRAG_QUEUED, IP_FRAG_DUP, UDP_QUEUED);
        assertThat(lastDatagram()).isEqualTo(data);
        assertThat(c(Counter.IP_REASM_REQDS)).isEqualTo(3);
        assertThat(c(Counter.IP_REASM_OKS)).isEqualTo(1);
        assertThat(c(Counter.IP_REASM_FAILS)).as("a duplicate fails nothing").isZero();
        assertThat(c(Counter.IP_EXT_REASM_OVERLAPS)).isZero();
    }

    @Test
    void aFragmentInsideARunIsADuplicateEvenIfNoFragmentEqualsIt() {
        byte[] frame = udp4(payload(3000, 4));
        byte[] a = FrameBuilder.slice(frame, 0, 1480, true, 10);
        byte[] b = FrameBuilder.slice(frame, 1480, 1480, true, 10);
        byte[] inside = FrameBuilder.slice(frame, 1000, 960, true, 10);
        assertThat(f.send("eth0", a, b, inside)).containsExactly(IP_FRAG_QUEUED, IP_FRAG_QUEUED, IP_FRAG_DUP);
        assertThat(c(Counter.IP_REASM_FAILS)).isZero();
    }

    @Test
    void anOverlappingFragmentDiscardsTheWholeQueue() {
        byte[] frame = udp4(payload(3000, 5));
        byte[] a = FrameBuilder.slice(frame, 0, 1480, true, 11);
        byte[] overlapping = FrameBuilder.slice(frame, 1472, 1480, true, 11);
        assertThat(f.send("eth0", a, overlapping)).containsExactly(IP_FRAG_QUEUED, IP_FRAG_OVERLAP);
        assertThat(c(Counter.IP_EXT_REASM_OVERLAPS)).isEqualTo(1);
        assertThat(c(Counter.IP_REASM_FAILS)).isEqualTo(1);
        assertThat(c(Counter.IP_REASM_OKS)).isZero();
        assertNoQueueAndNoMemory();
        // A later fragment of the same datagram starts a new queue.
        assertThat(f.sendOne("eth0", FrameBuilder.slice(frame, 1480, 1480, true, 11))).isEqualTo(IP_FRAG_QUEUED);
        assertThat(f.stack.frags().queues()).isEqualTo(1);
    }

    @Test
    void aLateDuplicateAfterCompletionOpensAQueueThatTimesOut() {
        List<byte[]> frags = FrameBuilder.fragments(udp4(payload(2000, 6)), 1480, 12);
        assertThat(f.send("eth0", frags.get(0), frags.get(1))).containsExactly(IP_FRAG_QUEUED, UDP_QUEUED);
        assertThat(f.sendOne("eth0", frags.get(0))).isEqualTo(IP_FRAG_QUEUED);
        settle();
        assertThat(c(Counter.IP_REASM_OKS)).isEqualTo(1);
        assertThat(c(Counter.IP_REASM_FAILS)).isEqualTo(1);
        assertThat(c(Counter.IP_REASM_TIMEOUT)).isEqualTo(1);
        assertNoQueueAndNoMemory();
    }

    @Test
    void aSecondLastFragmentWithAnotherEndDiscardsTheQueue() {
        byte[] frame = udp4(payload(3000, 7));
        byte[] last = FrameBuilder.slice(frame, 1480, 1528, false, 13);
        byte[] otherLast = FrameBuilder.slice(frame, 1480, 1000, false, 13);
        assertThat(f.send("eth0", last, otherLast)).containsExactly(IP_FRAG_QUEUED, IP_FRAG_INVALID);
        assertThat(c(Counter.IP_REASM_FAILS)).isEqualTo(1);
        assertNoQueueAndNoMemory();
    }

    @Test
    void anIpv4DatagramLongerThan65535FailsWhenItCompletes() {
        List<byte[]> frags = new ArrayList<>();
        int off = 0;
        while (off < 65120) {
            frags.add(FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(IP_PEER, IP_ETH0).ipId(14).fragment(true, off / 8)
                    .ipProtocol(17).payload(1480).build());
            off += 1480;
        }
        // The last fragment ends at 65,720 bytes of data: the datagram would be 65,740 bytes.
        frags.add(FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(IP_PEER, IP_ETH0).ipId(14).fragment(false, off / 8)
                .ipProtocol(17).payload(600).build());
        List<Outcome> outcomes = f.send("eth0", frags.toArray(byte[][]::new));
        assertThat(outcomes.subList(0, frags.size() - 1)).containsOnly(IP_FRAG_QUEUED);
        assertThat(outcomes.getLast()).isEqualTo(IP_FRAG_TOO_BIG);
        assertThat(c(Counter.IP_REASM_FAILS)).isEqualTo(1);
        assertThat(c(Counter.IP_REASM_OKS)).isZero();
        assertThat(c(Counter.IP_IN_DELIVERS)).isZero();
        assertNoQueueAndNoMemory();
        assertConserved();
    }

    @Test
    void aFirstFragmentAloneTimesOutAfterIpfragTime() {
        List<byte[]> frags = FrameBuilder.fragments(udp4(payload(2000, 8)), 1480, 15);
        assertThat(f.sendOne("eth0", frags.get(0))).isEqualTo(IP_FRAG_QUEUED);
        long t0 = f.stack.now;
        f.stack.advanceTime(t0 + Reassembly.IP_FRAG_TIME_NS - 1);
        assertThat(f.stack.frags().queues()).isEqualTo(1);
        assertThat(c(Counter.IP_REASM_FAILS)).isZero();
        f.stack.advanceTime(t0 + Reassembly.IP_FRAG_TIME_NS);
        assertThat(c(Counter.IP_REASM_FAILS)).isEqualTo(1);
        assertThat(c(Counter.IP_REASM_TIMEOUT)).isEqualTo(1);
        assertNoQueueAndNoMemory();
        // The rest, late: a new queue, which never completes either.
        assertThat(f.sendOne("eth0", frags.get(1))).isEqualTo(IP_FRAG_QUEUED);
        assertThat(f.stack.frags().queues()).isEqualTo(1);
    }

    @Test
    void theTimerIsArmedOnceWhenTheQueueIsCreated() {
        byte[] frame = udp4(payload(4000, 9));
        List<byte[]> frags = FrameBuilder.fragments(frame, 1480, 16);
        f.sendOne("eth0", frags.get(0));
        long t0 = f.stack.now;
        f.stack.advanceTime(t0 + 20_000_000_000L);
        f.sendOne("eth0", frags.get(1));
        f.stack.advanceTime(t0 + Reassembly.IP_FRAG_TIME_NS);
        assertThat(c(Counter.IP_REASM_TIMEOUT)).as("30 s after the first fragment, not the last").isEqualTo(1);
    }

    @Test
    void aFragmentWithNoFreeQueueIsRefused() {
        byte[][] firsts = new byte[Reassembly.QUEUES + 1][];
        for (int i = 0; i < firsts.length; i++) {
            firsts[i] = FrameBuilder.fragments(udp4(payload(2000, i)), 1480, 100 + i).get(0);
        }
        List<Outcome> outcomes = f.send("eth0", firsts);
        assertThat(outcomes.subList(0, Reassembly.QUEUES)).containsOnly(IP_FRAG_QUEUED);
        assertThat(outcomes.getLast()).isEqualTo(IP_FRAG_MODEL_LIMIT);
        assertThat(c(Counter.FRAG_QUEUE_FULL)).isEqualTo(1);
        assertThat(c(Counter.IP_REASM_FAILS)).as("refused as the kernel refuses a fragment without memory").isEqualTo(1);
        settle();
        assertThat(c(Counter.IP_REASM_TIMEOUT)).isEqualTo(Reassembly.QUEUES);
        assertNoQueueAndNoMemory();
    }

    @Test
    void tooManyRunsInOneQueueDropTheFragmentAndTheQueueTimesOut() {
        // 70 fragments of 8 bytes sent last first: each one starts a run of its own.
        List<byte[]> frags = new ArrayList<>(FrameBuilder.fragments(udp4(payload(552, 10)), 8, 17));
        assertThat(frags).hasSize(70);
        Collections.reverse(frags);
        List<Outcome> outcomes = f.send("eth0", frags.toArray(byte[][]::new));
        assertThat(outcomes.subList(0, Reassembly.MAX_RUNS)).containsOnly(IP_FRAG_QUEUED);
        assertThat(outcomes.subList(Reassembly.MAX_RUNS, 70)).containsOnly(IP_FRAG_MODEL_LIMIT);
        assertThat(c(Counter.FRAG_TOO_MANY)).isEqualTo(70 - Reassembly.MAX_RUNS);
        assertThat(c(Counter.IP_REASM_FAILS)).isZero();
        settle();
        assertThat(c(Counter.IP_REASM_FAILS)).isEqualTo(1);
        assertThat(c(Counter.IP_REASM_TIMEOUT)).isEqualTo(1);
        assertNoQueueAndNoMemory();
    }

    @Test
    void inOrderTinyFragmentsStayOneRun() {
        byte[] data = payload(1200, 11);
        List<byte[]> frags = FrameBuilder.fragments(udp4(data), 8, 18);
        assertThat(frags.size()).isGreaterThan(Reassembly.MAX_RUNS);
        for (int i = 0; i < frags.size(); i += 100) {
            f.send("eth0", frags.subList(i, Math.min(frags.size(), i + 100)).toArray(byte[][]::new));
        }
        assertThat(c(Counter.FRAG_TOO_MANY)).isZero();
        assertThat(c(Counter.IP_REASM_OKS)).isEqualTo(1);
        assertThat(lastDatagram()).isEqualTo(data);
    }

    @Test
    void aboveHighThreshEveryIpv4FragmentIsRefusedUntilQueuesExpire() {
        // Datagrams of 60,000 bytes whose last fragment never comes: each holds 40 fragments of 2,944 bytes' truesize.
        Reassembly r = f.stack.frags();
        int id = 0;
        while (r.memory(4) <= Reassembly.HIGH_THRESH) {
            List<byte[]> frags = FrameBuilder.fragments(udp4(payload(60_000, id)), 1480, 1000 + id);
            List<Outcome> outcomes = f.send("eth0", frags.subList(0, frags.size() - 1).toArray(byte[][]::new));
            int taken = outcomes.indexOf(IP_FRAG_NOMEM) < 0 ? outcomes.size() : outcomes.indexOf(IP_FRAG_NOMEM);
            assertThat(outcomes.subList(0, taken)).allMatch(o -> o == IP_FRAG_QUEUED);
            assertThat(outcomes.subList(taken, outcomes.size())).allMatch(o -> o == IP_FRAG_NOMEM);
            id++;
        }
        long memory = r.memory(4);
        assertThat(memory).as("past the limit by one fragment at most").isGreaterThan(Reassembly.HIGH_THRESH)
                .isLessThanOrEqualTo(Reassembly.HIGH_THRESH + 1500 + Reassembly.TRUESIZE_OVERHEAD);
        long fails = c(Counter.IP_REASM_FAILS);
        // A fragment of a queue that exists, and one of a new datagram: both refused (inet_frag_find returns NULL).
        byte[] lastOfFirst = FrameBuilder.fragments(udp4(payload(60_000, 0)), 1480, 1000).getLast();
        byte[] newDatagram = FrameBuilder.fragments(udp4(payload(3000, 99)), 1480, 999).getFirst();
        assertThat(f.send("eth0", lastOfFirst, newDatagram)).containsExactly(IP_FRAG_NOMEM, IP_FRAG_NOMEM);
        assertThat(c(Counter.IP_REASM_FAILS)).isEqualTo(fails + 2);
        assertThat(r.memory(4)).isEqualTo(memory);
        // IPv6 has its own limit.
        assertThat(f.sendOne("eth0", FrameBuilder.fragments(udp6(payload(3000, 1)), 1448, 5).getFirst())).isEqualTo(IP_FRAG_QUEUED);
        settle();
        assertNoQueueAndNoMemory();
        assertThat(f.sendOne("eth0", newDatagram)).as("after the timers").isEqualTo(IP_FRAG_QUEUED);
        assertConserved();
    }

    @Test
    void aCorruptedMiddleFragmentFailsTheChecksumOfTheWholeDatagram() {
        List<byte[]> frags = FrameBuilder.fragments(udp4(payload(3000, 12)), 1480, 19);
        byte[] middle = frags.get(1).clone();
        middle[middle.length - 100] ^= 0x40;
        assertThat(f.send("eth0", frags.get(0), middle, frags.get(2))).containsExactly(IP_FRAG_QUEUED, IP_FRAG_QUEUED, UDP_CSUM);
        assertThat(c(Counter.UDP_IN_CSUM_ERRORS)).isEqualTo(1);
        assertThat(c(Counter.IP_REASM_OKS)).isEqualTo(1);
    }

    @Test
    void theReassembledDatagramGoesThroughLocalInAndItsPortIsFiltered() {
        byte[] frame = FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(IP_PEER, IP_ETH0).udp(4000, PORT_FILTERED).payload(payload(2000, 13))
                .build();
        List<byte[]> frags = FrameBuilder.fragments(frame, 1480, 20);
        assertThat(f.send("eth0", frags.toArray(byte[][]::new))).containsExactly(IP_FRAG_QUEUED, NETFILTER_DROP);
        assertThat(c(Counter.IP_IN_DELIVERS)).isZero();
    }

    // ------------------------------------------------------------------ IPv6

    @Test
    void ipv6FragmentsReassembleThroughTheFragmentHandlerAndAreDeliveredOnce() {
        byte[] data = payload(4000, 14);
        List<byte[]> frags = new ArrayList<>(FrameBuilder.fragments(udp6(data), 1448, 0xABCDEF01));
        assertThat(frags).hasSize(3);
        Collections.swap(frags, 0, 2);
        assertThat(f.send("eth0", frags.toArray(byte[][]::new))).containsExactly(IP_FRAG_QUEUED, IP_FRAG_QUEUED, UDP_QUEUED);
        assertThat(lastDatagram()).isEqualTo(data);
        assertThat(c(Counter.IP6_IN_RECEIVES)).isEqualTo(3);
        assertThat(c(Counter.IP6_REASM_REQDS)).isEqualTo(3);
        assertThat(c(Counter.IP6_REASM_OKS)).isEqualTo(1);
        assertThat(c(Counter.IP6_REASM_FAILS)).isZero();
        assertThat(c(Counter.IP6_IN_DELIVERS)).as("counted for the upper layer's return 0 only").isEqualTo(1);
        assertThat(c(Counter.UDP6_IN_DATAGRAMS)).isEqualTo(1);
        assertNoQueueAndNoMemory();
        assertConserved();
    }

    @Test
    void anAtomicIpv6FragmentIsDeliveredAtOnce() {
        byte[] frame = FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv6(PEER6, ETH0_6).ipv6Fragment(0, false).udp(4000, PORT_APP)
                .payload(payload(100, 15)).build();
        assertThat(f.sendOne("eth0", frame)).isEqualTo(UDP_QUEUED);
        assertThat(c(Counter.IP6_REASM_REQDS)).isEqualTo(1);
        assertThat(c(Counter.IP6_REASM_OKS)).isEqualTo(1);
        assertThat(c(Counter.IP6_IN_DELIVERS)).isEqualTo(1);
        assertThat(f.stack.frags().queues()).isZero();
    }

    @Test
    void ipv6DuplicatesOverlapsAndTimeouts() {
        byte[] frame = udp6(payload(3000, 16));
        byte[] a = FrameBuilder.slice(frame, 0, 1448, true, 21);
        byte[] overlapping = FrameBuilder.slice(frame, 1440, 1448, true, 21);
        assertThat(f.send("eth0", a, a, overlapping)).containsExactly(IP_FRAG_QUEUED, IP_FRAG_DUP, IP_FRAG_OVERLAP);
        assertThat(c(Counter.IP6_REASM_REQDS)).isEqualTo(3);
        assertThat(c(Counter.IP6_REASM_FAILS)).isEqualTo(1);
        assertThat(c(Counter.IP_EXT_REASM_OVERLAPS)).as("snmp6 prints no overlaps counter").isZero();
        assertThat(f.sendOne("eth0", a)).isEqualTo(IP_FRAG_QUEUED);
        long t0 = f.stack.now;
        f.stack.advanceTime(t0 + Reassembly.IP_FRAG_TIME_NS);
        assertThat(c(Counter.IP6_REASM_TIMEOUT)).as("IPv6 waits 60 s").isZero();
        f.stack.advanceTime(t0 + Reassembly.IPV6_FRAG_TIMEOUT_NS);
        assertThat(c(Counter.IP6_REASM_TIMEOUT)).isEqualTo(1);
        assertThat(c(Counter.IP6_REASM_FAILS)).isEqualTo(2);
        assertNoQueueAndNoMemory();
    }

    @Test
    void anIpv6FragmentEndingPast65535IsAParameterProblemAndItsQueueStays() {
        byte[] frame = FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv6(PEER6, ETH0_6).ipv6Fragment(8191, false).ipProtocol(17)
                .payload(16).build();
        assertThat(f.sendOne("eth0", frame)).isEqualTo(IP_FRAG_TOO_BIG);
        assertThat(c(Counter.IP6_REASM_REQDS)).isEqualTo(1);
        assertThat(c(Counter.IP6_IN_HDR_ERRORS)).isEqualTo(1);
        assertThat(c(Counter.IP6_REASM_FAILS)).isZero();
        assertThat(f.stack.frags().queues()).as("fq_find created it before ip6_frag_queue refused").isEqualTo(1);
        settle();
        assertThat(c(Counter.IP6_REASM_FAILS)).isEqualTo(1);
        assertThat(c(Counter.IP6_REASM_TIMEOUT)).isEqualTo(1);
    }

    @Test
    void aFirstIpv6FragmentWithoutTheWholeUdpHeaderIsAHeaderError() {
        byte[] frame = FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv6(PEER6, ETH0_6).ipv6Fragment(0, true).ipProtocol(17).payload(4)
                .build();
        assertThat(f.sendOne("eth0", frame)).isEqualTo(IP6_INHDR);
        assertThat(c(Counter.IP6_REASM_REQDS)).isEqualTo(1);
        assertThat(c(Counter.IP6_IN_HDR_ERRORS)).isEqualTo(1);
        assertThat(f.stack.frags().queues()).isZero();
    }

    @Test
    void anIpv6UnfragmentablePartLongerThanAQueueKeepsIsAModelLimit() {
        byte[] frame = FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv6(PEER6, ETH0_6).ipv6ExtensionHeader(60, 1200)
                .ipv6Fragment(0, true).udp(4000, PORT_APP).payload(64).build();
        assertThat(f.sendOne("eth0", frame)).isEqualTo(IP_FRAG_MODEL_LIMIT);
        assertThat(c(Counter.FRAG_HDR_TOO_LONG)).isEqualTo(1);
    }

    @Test
    void anIpv6DatagramWithADestinationOptionsHeaderBeforeTheFragmentHeaderKeepsIt() {
        byte[] data = payload(2500, 17);
        byte[] whole = FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv6(PEER6, ETH0_6).ipv6ExtensionHeader(60, 8).udp(4000, PORT_APP)
                .payload(data).build();
        // Fragment it by hand: the destination options header stays in front of the fragment header.
        int ext = 14 + 40;
        byte[] body = Arrays.copyOfRange(whole, ext + 8, whole.length);
        List<byte[]> frags = new ArrayList<>();
        for (int off = 0; off < body.length; off += 1232) {
            int n = Math.min(1232, body.length - off);
            byte[] fr = new byte[ext + 8 + 8 + n];
            System.arraycopy(whole, 0, fr, 0, ext + 8);
            fr[ext] = 44;
            fr[14 + 4] = (byte) ((16 + n) >>> 8);
            fr[14 + 5] = (byte) (16 + n);
            fr[ext + 8] = 17;
            fr[ext + 8 + 2] = (byte) (off >>> 8);
            fr[ext + 8 + 3] = (byte) (off | (off + n < body.length ? 1 : 0));
            fr[ext + 8 + 7] = 22;
            System.arraycopy(body, off, fr, ext + 16, n);
            frags.add(fr);
        }
        Collections.reverse(frags);
        List<Outcome> outcomes = f.send("eth0", frags.toArray(byte[][]::new));
        assertThat(outcomes.getLast()).isEqualTo(UDP_QUEUED);
        assertThat(lastDatagram()).isEqualTo(data);
    }

    // ------------------------------------------------------------------ tunnels and time

    @Test
    void innerFragmentsOfVxlanReassembleOnTheTunnelDevice() {
        byte[] data = payload(3000, 18);
        byte[] inner = FrameBuilder.ethernet(MAC_VXLAN0, MAC_PEER).ipv4(IP_PEER, IP_VXLAN_INNER).udp(4000, PORT_APP).payload(data).build();
        List<byte[]> outer = new ArrayList<>();
        for (byte[] fr : FrameBuilder.fragments(inner, 1400, 23)) {
            outer.add(FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(IP_PEER, IP_ETH0).udp(50000, PORT_VXLAN).vxlan(VXLAN_VNI, fr).build());
        }
        assertThat(f.send("eth0", outer.toArray(byte[][]::new))).containsExactly(IP_FRAG_QUEUED, IP_FRAG_QUEUED, UDP_QUEUED);
        assertThat(lastDatagram()).isEqualTo(data);
        assertThat(c(Counter.VXLAN_DECAPS)).isEqualTo(3);
        assertThat(c(Counter.IP_REASM_OKS)).isEqualTo(1);
        assertThat(c(Counter.IP_IN_DELIVERS)).as("3 outer datagrams and the inner one").isEqualTo(4);
    }

    @Test
    void aFragmentedVxlanDatagramIsDecapsulatedFromTheReassembledCopy() {
        byte[] data = payload(2000, 19);
        byte[] inner = FrameBuilder.ethernet(MAC_VXLAN0, MAC_PEER).ipv4(IP_PEER, IP_VXLAN_INNER).udp(4000, PORT_APP).payload(data).build();
        byte[] outer = FrameBuilder.ethernet(MAC_ETH0, MAC_PEER).ipv4(IP_PEER, IP_ETH0).udp(50000, PORT_VXLAN).vxlan(VXLAN_VNI, inner).build();
        List<byte[]> frags = FrameBuilder.fragments(outer, 1480, 24);
        List<Outcome> outcomes = f.send("eth0", frags.toArray(byte[][]::new));
        assertThat(outcomes).containsExactly(IP_FRAG_QUEUED, UDP_QUEUED);
        assertThat(lastDatagram()).isEqualTo(data);
        assertThat(c(Counter.VXLAN_DECAPS)).isEqualTo(1);
    }

    @Test
    void aLoopedCaptureGoesOnInTimeAndSettleExpiresWhatIsLeft() {
        byte[] first = FrameBuilder.fragments(udp4(payload(2000, 20)), 1480, 25).getFirst();
        byte[] other = udp4(payload(10, 21));
        long epoch = 1_700_000_000_000_000_000L;
        NetStack stack = f.stack;
        try (FrameRing ring = new FrameRing(List.of(first, other), List.of(stack.device("eth0"), stack.device("eth0")),
                new long[] {epoch, epoch + 10_000_000_000L}, io.netty.buffer.UnpooledByteBufAllocator.DEFAULT)) {
            ring.replay(stack, 2, 2);
            assertThat(stack.now).isEqualTo(10_000_000_000L);
            // Pass 2 starts one pass (10 s span + 10 s mean gap) later: the fragment is a duplicate of the live queue.
            ring.replay(stack, 1, 1);
            assertThat(stack.now).isEqualTo(20_000_000_000L);
            assertThat(ring.lastOutcome(0)).isEqualTo(IP_FRAG_DUP);
            ring.replay(stack, 1, 1);
            assertThat(stack.counters.get(Counter.IP_REASM_TIMEOUT)).as("30 s after the first fragment").isEqualTo(1);
            ring.replay(stack, 1, 1);
            assertThat(ring.lastOutcome(0)).isEqualTo(IP_FRAG_QUEUED);
            ring.settle(stack);
            assertThat(stack.counters.get(Counter.IP_REASM_TIMEOUT)).isEqualTo(2);
            assertThat(stack.counters.get(Counter.IP_REASM_FAILS)).isEqualTo(2);
            long settled = stack.now;
            ring.replay(stack, 1, 1);
            assertThat(stack.now).as("replay goes on after the settled time").isGreaterThan(settled);
        }
    }

    @Test
    void framesWithoutTimestampsAreOneMicrosecondApart() {
        byte[] a = udp4(payload(10, 22));
        NetStack stack = f.stack;
        try (FrameRing ring = new FrameRing(List.of(a, a, a), List.of(stack.device("eth0"), stack.device("eth0"), stack.device("eth0")),
                io.netty.buffer.UnpooledByteBufAllocator.DEFAULT)) {
            ring.replay(stack, 3, 3);
            assertThat(stack.now).isEqualTo(2_000L);
            ring.replay(stack, 1, 1);
            assertThat(stack.now).isEqualTo(3_000L);
        }
        assertThat(stack.hasFrags()).as("no fragment, no reassembly buffers").isFalse();
    }

    // ------------------------------------------------------------------ properties

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 40);
    }

    /**
     * Any order, any fragment size and duplicates of fragments already sent: the datagram is
     * reassembled exactly once, intact, when its last missing fragment arrives.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void anyOrderWithDuplicatesReassemblesOnceAndIntact(long seed) {
        Random r = new Random(seed);
        boolean v6 = r.nextBoolean();
        byte[] data = payload(1 + r.nextInt(20_000), seed);
        // At most 64 fragments, so that any order stays within a queue's runs.
        int least = (data.length + 8 + 64 * 8 - 1) / (64 * 8) * 8;
        int size = Math.max(least, 8 * (1 + r.nextInt(v6 ? 181 : 185)));
        List<byte[]> frags = new ArrayList<>(FrameBuilder.fragments(v6 ? udp6(data) : udp4(data), size, r.nextInt(1 << 16)));
        Collections.shuffle(frags, r);
        List<byte[]> sent = new ArrayList<>();
        List<Outcome> expected = new ArrayList<>();
        for (int i = 0; i < frags.size(); i++) {
            int dups = i == 0 ? 0 : r.nextInt(3);
            for (int d = 0; d < dups; d++) {
                sent.add(frags.get(r.nextInt(i)));
                expected.add(IP_FRAG_DUP);
            }
            sent.add(frags.get(i));
            expected.add(i == frags.size() - 1 ? UDP_QUEUED : IP_FRAG_QUEUED);
        }
        for (int from = 0; from < sent.size(); from += 1024) {
            int to = Math.min(sent.size(), from + 1024);
            assertThat(f.send("eth0", sent.subList(from, to).toArray(byte[][]::new))).as("seed %d", seed)
                    .isEqualTo(expected.subList(from, to));
        }
        assertThat(lastDatagram()).isEqualTo(data);
        Counter reqds = v6 ? Counter.IP6_REASM_REQDS : Counter.IP_REASM_REQDS;
        assertThat(c(reqds)).isEqualTo(sent.size());
        assertThat(c(v6 ? Counter.IP6_REASM_OKS : Counter.IP_REASM_OKS)).isEqualTo(1);
        assertThat(c(v6 ? Counter.IP6_REASM_FAILS : Counter.IP_REASM_FAILS)).isZero();
        assertNoQueueAndNoMemory();
        assertConserved();
    }

    /**
     * Random slices of a few datagrams, both families, any range and flags: nothing throws, every
     * packet ends once, and after the timers no queue and no memory is left.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void randomSlicesAlwaysEndAndLeaveNothingBehind(long seed) {
        Random r = new Random(seed);
        byte[][] datagrams = {udp4(payload(3000, seed)), udp6(payload(3000, seed + 1)), udp4(payload(200, seed + 2))};
        List<byte[]> sent = new ArrayList<>();
        int fragments = 0;
        for (int i = 0; i < 300; i++) {
            byte[] d = datagrams[r.nextInt(datagrams.length)];
            boolean v6 = (d[14] & 0xF0) == 0x60;
            int total = d.length - 14 - (v6 ? 40 : 20);
            int off = 8 * r.nextInt(total / 8);
            int len = r.nextInt(total - off + 1);
            boolean more = r.nextInt(4) != 0;
            sent.add(FrameBuilder.slice(d, off, len, more, r.nextInt(3)));
            // An IPv4 slice with offset 0 and MF clear is no fragment; an IPv6 one still has a fragment header.
            fragments += v6 || off > 0 || more ? 1 : 0;
        }
        f.send("eth0", sent.toArray(byte[][]::new));
        settle();
        assertNoQueueAndNoMemory();
        assertConserved();
        long reqds = c(Counter.IP_REASM_REQDS) + c(Counter.IP6_REASM_REQDS);
        long ended = c(Counter.IP_REASM_OKS) + c(Counter.IP_REASM_FAILS) + c(Counter.IP6_REASM_OKS) + c(Counter.IP6_REASM_FAILS);
        assertThat(ended).isLessThanOrEqualTo(reqds);
        assertThat(reqds).isEqualTo(fragments);
    }
}
