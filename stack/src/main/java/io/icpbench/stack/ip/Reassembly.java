package io.icpbench.stack.ip;

import io.icpbench.stack.Counter;
import io.icpbench.stack.Counters;
import io.icpbench.stack.NetStack;
import io.icpbench.stack.Outcome;
import io.icpbench.stack.SkBuff;
import io.icpbench.stack.wire.InetChecksum;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;

/**
 * IP reassembly as the kernel does it: the fragment queues of {@code net/ipv4/inet_fragment.c}
 * with the IPv4 rules of {@code ip_defrag} ({@code net/ipv4/ip_fragment.c}) and the IPv6 rules of
 * {@code ipv6_frag_rcv} ({@code net/ipv6/reassembly.c}). One per stack, created on the first
 * fragment the stack sees ({@link NetStack#frags()}): traffic without fragments pays nothing.
 *
 * <h2>Where it is called</h2>
 * <pre>
 *  IPv4: ip_rcv -> dst->input (site 8) = ip_local_deliver
 *          fragment (MF or offset)? ip_defrag ─ held/dropped: the fragment ends here
 *                                        └──── complete: the skb is the datagram
 *          NF_HOOK(LOCAL_IN) -> ip_protocol_deliver -> ipprot->handler (site 9) = udp_rcv ...
 *  IPv6: ipv6_rcv (stops at the fragment header) -> dst->input (site 8) = ip6_input -> LOCAL_IN
 *          -> ip6_protocol_deliver -> ipprot->handler (site 9) = ipv6_frag_rcv ({@link Ipv6FragRcv})
 *               returns 1 on completion: "resubmit" -> ipprot->handler (site 9) = udpv6_rcv ...
 * </pre>
 * The reassembled datagram goes on through the same call sites as any other packet.
 *
 * <h2>Kernel behaviour modeled</h2>
 * <ul>
 * <li>Keys: IPv4 (saddr, daddr, id, protocol, user) as {@code ip4_frag_cmp}; IPv6 (saddr, daddr,
 *     32-bit id, user, and the input interface only for link-local or multicast destinations) as
 *     {@code fq_find}. One user: IP_DEFRAG_LOCAL_DELIVER / IP6_DEFRAG_LOCAL_DELIVER.</li>
 * <li>{@code inet_frag_find}: while a family's fragment memory is above its high_thresh (4 MiB,
 *     {@code ipfrag_high_thresh} and {@code ip6frag_high_thresh}), every fragment of that family is
 *     refused, even one of an existing queue: ReasmReqds and ReasmFails, the queue is not touched.
 *     The check is {@code >}, before the fragment is added, so memory may pass the limit by one
 *     fragment.</li>
 * <li>Memory ({@code frag_mem_limit}): each queue costs {@link #QSIZE} (sizeof(struct ipq) per the
 *     comment in {@code ipv4_frags_init_net}) and each held fragment its skb's truesize, modeled as
 *     the IP packet's length plus {@link #TRUESIZE_OVERHEAD}, so that a 1,500-byte fragment costs
 *     2,944 bytes as in that comment. Released when the queue completes, fails or expires.</li>
 * <li>{@code inet_frag_queue_insert}: fragments are kept as "runs" (a fragment that starts where
 *     the last run ends extends it; any other starts a run). A fragment that lies inside one run is
 *     a duplicate (IPFRAG_DUP): dropped, no counter but ReasmReqds, the queue lives. A fragment that
 *     overlaps held data otherwise (RFC 5722) discards the whole queue: IpExtReasmOverlaps (IPv6
 *     counts IPSTATS_MIB_REASM_OVERLAPS too, but /proc/net/snmp6 never prints it, so it has no
 *     counter here) and ReasmFails.</li>
 * <li>{@code ip_frag_queue} / {@code ip6_frag_queue}: the end of the datagram is known from the
 *     last fragment (MF/M clear); a last fragment that ends before data already held, a second
 *     last fragment with another end, a fragment past a known end, or a fragment with no data
 *     discards the queue (ReasmFails). A non-last IPv4 fragment's length is rounded down to 8
 *     bytes; a non-last IPv6 fragment whose length is not a multiple of 8, and an IPv6 fragment
 *     whose end passes 65,535, are parameter problems (Ip6InHdrErrors; the queue, just found or
 *     created, stays and times out).</li>
 * <li>Completion ({@code ip_frag_reasm}, {@code ip6_frag_reasm}) when the first and last fragments
 *     are in and the data held equals the length: the queue is freed; a datagram longer than
 *     65,535 (IPv4: header plus data; IPv6: payload length) or an invalid ECN mix
 *     ({@code ip_frag_ecn_table}) fails (ReasmFails), else ReasmOKs and the datagram goes on. The
 *     IPv4 header is the first fragment's, with the total length, DF if the largest fragment had
 *     DF ({@code max_df_size == max_size}), CE folded in and a new checksum; the IPv6 header and
 *     unfragmentable part are the first fragment's, with the fragment header removed (the next
 *     header at {@code nhoff} takes the fragment header's) and the payload length set.</li>
 * <li>IPv6 only: ReasmReqds is counted before anything else; a jumbo payload (length 0) or a cut
 *     fragment header is Ip6InHdrErrors; an atomic fragment (offset 0, M clear) is Ip6ReasmOKs
 *     and resubmitted at once; a first fragment that does not hold the whole upper-layer header
 *     ({@code ipv6frag_thdr_truncated}: 20 bytes TCP, 8 UDP, 4 ICMPv6, else 1) is Ip6InHdrErrors.
 *     The handler returns -1 for a fragment it took or dropped (so {@code ip6_protocol_deliver_rcu}
 *     counts no Ip6InDelivers) and 1 on completion, after which the resubmitted upper layer counts
 *     Ip6InDelivers once. A second fragment header in a reassembled datagram is
 *     Ip6InHdrErrors (IP6SKB_FRAGMENTED).</li>
 * <li>Timeouts ({@code ip_expire}, {@code ip6frag_expire_frag_queue}): a queue's timer is armed
 *     once, when the queue is created ({@code inet_frag_create}), for {@code ipfrag_time} (30 s) or
 *     {@code ip6frag_time} (60 s), and never pushed back. A queue still incomplete then is freed:
 *     ReasmFails and ReasmTimeout. The kernel also sends an ICMP time exceeded (fragment
 *     reassembly time exceeded) if the first fragment had arrived; the model sends nothing.</li>
 * </ul>
 *
 * <h2>Where the model deviates</h2>
 * <ul>
 * <li>{@link #QUEUES} queues in all (both families), each holding up to 64 KiB of data, with at
 *     most {@link #MAX_RUNS} runs, and an IPv6 unfragmentable part of at most {@link #HDR_ROOM}
 *     bytes. The kernel's only bound is the memory limit (about 2,500 queues of one small
 *     fragment). A fragment that finds no free queue is refused as the kernel refuses one without
 *     memory (ReasmFails) and counted FragQueueFull; one that would open a run past the list, or
 *     whose header is too long, is dropped and counted FragTooMany / FragHdrTooLong, and its queue
 *     lives on (it will time out, as it would in the kernel had the fragment been lost). All end
 *     as {@link Outcome#IP_FRAG_MODEL_LIMIT}.</li>
 * <li>An IPv4 fragment whose data ends past 64 KiB is counted and accounted like any other but
 *     its bytes are not kept: its datagram can only fail (too big) or time out.</li>
 * <li>{@code ipfrag_max_dist} (64: a queue is reinitialized when more than 64 fragments from the
 *     same source arrived between two of its own) is not modeled: it needs the kernel's per-peer
 *     {@code inet_peer} counters.</li>
 * <li>Conntrack's own defragmentation ({@code nf_defrag_ipv4} / {@code nf_defrag_ipv6} at
 *     PRE_ROUTING, users IP_DEFRAG_CONNTRACK_IN...) is not modeled: the conntrack hook sees
 *     fragments, and only the local-deliver user reassembles.</li>
 * <li>Time is the stack's clock ({@link NetStack#now}), which the feeder advances
 *     ({@link NetStack#advanceTime}); timers run when the clock passes them, and lazily when a
 *     fragment arrives.</li>
 * </ul>
 *
 * <h2>Memory and the output arena</h2>
 * Nothing is allocated per packet. On creation: one direct buffer of {@link #QUEUES} regions of
 * {@link #HDR_ROOM} + 64 KiB (the first fragment's headers end where the data begins, each
 * fragment's bytes are copied at their offset when they arrive: frames are reused after a batch,
 * so no reference to one is kept), the queues' fields in primitive arrays, and a
 * {@link #ARENA_BYTES} direct ring where completed datagrams are written. The skb of the fragment
 * that completes a datagram is pointed at the ring ({@code buf}, {@code network}, {@code transport},
 * {@code end}; the IPv6 addresses stay at {@code network + 8} and {@code + 24}). A socket keeps a
 * (buffer, offset, length) reference to the datagram until the application reads it, and
 * {@code FrameRing.replay} drains every socket after each batch, so a datagram stays intact as
 * long as the ring is not lapped within one batch: at most the data all queues hold
 * ({@link #QUEUES} x 64 KiB = 4 MiB) plus the fragments of one batch (1,024 frames; 9,018-byte
 * jumbo frames make 8.8 MiB) is written in one batch, below the 16 MiB ring. A socket that keeps
 * datagrams over several drains (the slow socket: 8 datagrams, one read per drain) may read
 * bytes already overwritten; lengths and counts stay right.
 */
public final class Reassembly {
    /** {@code ipfrag_time}: IP_FRAG_TIME, 30 s. */
    public static final long IP_FRAG_TIME_NS = 30_000_000_000L;
    /** {@code ip6frag_time}: IPV6_FRAG_TIMEOUT, 60 s. */
    public static final long IPV6_FRAG_TIMEOUT_NS = 60_000_000_000L;
    /** The longer of the two timeouts: a clock moved this far past the last fragment has expired every queue. */
    public static final long MAX_FRAG_TIMEOUT_NS = IPV6_FRAG_TIMEOUT_NS;
    /** {@code ipfrag_high_thresh} and {@code ip6frag_high_thresh}: 4 MiB each. */
    public static final long HIGH_THRESH = 4L * 1024 * 1024;
    /** Memory a queue costs (the kernel's f->qsize: sizeof(struct ipq), 200 on x86-64). */
    public static final int QSIZE = 200;
    /** A held fragment's truesize beyond its IP packet: a 1,500-byte fragment costs 2,944 bytes. */
    public static final int TRUESIZE_OVERHEAD = 1444;
    /** Reassembly queues, both families together (a model limit). */
    public static final int QUEUES = 64;
    /** Runs one queue keeps (a model limit; in-order fragments make one run). */
    public static final int MAX_RUNS = 64;
    /** Bytes kept for the first fragment's headers (IPv4: up to 60; IPv6: header and unfragmentable part). */
    public static final int HDR_ROOM = 1024;
    /** Data a queue keeps: offsets 0..65535. */
    static final int DATA_ROOM = 65536;
    /** The output ring of completed datagrams. */
    public static final int ARENA_BYTES = 16 * 1024 * 1024;

    private static final int REGION = HDR_ROOM + DATA_ROOM;
    private static final int FIRST_IN = 1, LAST_IN = 2;
    private static final int INSERTED = 0, DUP = 1, OVERLAP = 2, TOO_MANY = 3;
    private static final int NO_MEMORY = -1, NO_QUEUE = -2;
    private static final int NEXTHDR_FRAGMENT = 44;

    private final NetStack stack;
    private final Counters counters;
    private final ByteBuf store;
    private final ByteBuf arena;
    private int arenaPos;

    // Queue fields, indexed by queue; family 0 = free.
    private final int[] family = new int[QUEUES];
    private final int[] k4saddr = new int[QUEUES], k4daddr = new int[QUEUES], kid = new int[QUEUES], k4proto = new int[QUEUES];
    private final long[] k6sHi = new long[QUEUES], k6sLo = new long[QUEUES], k6dHi = new long[QUEUES], k6dLo = new long[QUEUES];
    private final int[] kiif = new int[QUEUES];
    private final long[] deadline = new long[QUEUES];
    private final int[] flags = new int[QUEUES];
    /** q.len: the datagram's data length as far as known. */
    private final int[] len = new int[QUEUES];
    /** q.meat: data bytes held. */
    private final int[] meat = new int[QUEUES];
    private final long[] truesize = new long[QUEUES];
    private final boolean[] oversize = new boolean[QUEUES];
    private final int[] ecn = new int[QUEUES];
    private final int[] maxSize = new int[QUEUES], maxDfSize = new int[QUEUES];
    /** The first fragment's header length: IPv4 ihl; IPv6 the header and the unfragmentable part. */
    private final int[] hdrLen = new int[QUEUES];
    /** IPv6: the offset from the network header of the next-header byte that named the fragment header. */
    private final int[] nhoff = new int[QUEUES];
    /** IPv6: the first fragment's fragment header's next header. */
    private final int[] fragNexthdr = new int[QUEUES];
    private final int[] runCount = new int[QUEUES];
    private final int[] lastRun = new int[QUEUES];
    private final int[] runStart = new int[QUEUES * MAX_RUNS], runEnd = new int[QUEUES * MAX_RUNS];

    private final long[] memory = new long[2];
    private int inUse;
    private long nextExpiry = Long.MAX_VALUE;

    /** Allocates the queues' buffers and the output ring (about 20 MiB of direct memory). */
    public Reassembly(NetStack stack) {
        this.stack = stack;
        this.counters = stack.counters;
        // Plain direct buffers outside any allocator: they live as long as the stack, need no release,
        // and no leak detector wraps them.
        this.store = Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(QUEUES * REGION));
        this.arena = Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(ARENA_BYTES));
    }

    // ---------------------------------------------------------------- IPv4

    /**
     * ip_defrag (user IP_DEFRAG_LOCAL_DELIVER), for an IPv4 fragment that ip_rcv parsed.
     *
     * @return true if the fragment completed its datagram and {@code skb} now describes the whole
     *         datagram (go on to LOCAL_IN); false if the fragment ended here (held or dropped)
     */
    public boolean ipDefrag(SkBuff skb) {
        counters.inc(Counter.IP_REASM_REQDS);
        expireDue(stack.now);
        ByteBuf b = skb.buf;
        int n = skb.network;
        int ihl = skb.transport - n;
        int totLen = skb.end - n;
        int fragOff = b.getUnsignedShort(n + 6);
        int q = find4(skb.saddr, skb.daddr, b.getUnsignedShort(n + 4), skb.ipProto);
        if (q < 0) {
            counters.inc(Counter.IP_REASM_FAILS);
            return refused(skb, q);
        }
        int offset = (fragOff & 0x1FFF) << 3;
        int end = offset + totLen - ihl;
        if ((fragOff & 0x2000) == 0) {
            // The final fragment: data already past its end, or another end, corrupts the datagram.
            if (end < len[q] || ((flags[q] & LAST_IN) != 0 && end != len[q])) {
                return discard(skb, q, Counter.IP_REASM_FAILS, Outcome.IP_FRAG_INVALID);
            }
            flags[q] |= LAST_IN;
            len[q] = end;
        } else {
            end &= ~7;
            if (end > len[q]) {
                if ((flags[q] & LAST_IN) != 0) {
                    return discard(skb, q, Counter.IP_REASM_FAILS, Outcome.IP_FRAG_INVALID);
                }
                len[q] = end;
            }
        }
        if (end == offset) {
            return discard(skb, q, Counter.IP_REASM_FAILS, Outcome.IP_FRAG_INVALID);
        }
        switch (insert(q, offset, end)) {
            case DUP -> {
                counters.finish(skb, Outcome.IP_FRAG_DUP);
                return false;
            }
            case OVERLAP -> {
                counters.inc(Counter.IP_EXT_REASM_OVERLAPS);
                return discard(skb, q, Counter.IP_REASM_FAILS, Outcome.IP_FRAG_OVERLAP);
            }
            case TOO_MANY -> {
                counters.inc(Counter.FRAG_TOO_MANY);
                counters.finish(skb, Outcome.IP_FRAG_MODEL_LIMIT);
                return false;
            }
            default -> {
            }
        }
        keep(q, b, skb.transport, offset, end, totLen, 0);
        ecn[q] |= 1 << (b.getUnsignedByte(n + 1) & 3);
        if (offset == 0) {
            flags[q] |= FIRST_IN;
            hdrLen[q] = ihl;
            b.getBytes(n, store, q * REGION + HDR_ROOM - ihl, ihl);
        }
        int fragsize = end - offset + ihl;
        maxSize[q] = Math.max(maxSize[q], fragsize);
        if ((fragOff & 0x4000) != 0) {
            maxDfSize[q] = Math.max(maxDfSize[q], fragsize);
        }
        if (flags[q] == (FIRST_IN | LAST_IN) && meat[q] == len[q]) {
            return reasm4(skb, q);
        }
        counters.finish(skb, Outcome.IP_FRAG_QUEUED);
        return false;
    }

    /** ip_frag_reasm: the queue is freed; the datagram is written to the ring and {@code skb} points at it. */
    private boolean reasm4(SkBuff skb, int q) {
        int ecnOr = ecnFix(ecn[q]);
        int h = hdrLen[q];
        int total = h + len[q];
        boolean tooBig = oversize[q] || total > 0xFFFF;
        boolean df = maxDfSize[q] == maxSize[q];
        int src = q * REGION + HDR_ROOM - h;
        free(q);
        if (ecnOr < 0) {
            counters.inc(Counter.IP_REASM_FAILS);
            counters.finish(skb, Outcome.IP_FRAG_INVALID);
            return false;
        }
        if (tooBig) {
            counters.inc(Counter.IP_REASM_FAILS);
            counters.finish(skb, Outcome.IP_FRAG_TOO_BIG);
            return false;
        }
        int pos = arenaAlloc(total);
        ByteBuf a = arena;
        store.getBytes(src, a, pos, total);
        a.setByte(pos + 1, a.getUnsignedByte(pos + 1) | ecnOr);
        a.setShort(pos + 2, total);
        a.setShort(pos + 6, df ? 0x4000 : 0);
        a.setShort(pos + 10, 0);
        a.setShort(pos + 10, InetChecksum.checksum(InetChecksum.add(a, pos, h, 0)));
        counters.inc(Counter.IP_REASM_OKS);
        point(skb, pos, h, total);
        return true;
    }

    private int find4(int saddr, int daddr, int id, int proto) {
        if (memory[0] > HIGH_THRESH) {
            return NO_MEMORY;
        }
        for (int q = 0; q < QUEUES; q++) {
            if (family[q] == 4 && kid[q] == id && k4saddr[q] == saddr && k4daddr[q] == daddr && k4proto[q] == proto) {
                return q;
            }
        }
        int q = create(4, IP_FRAG_TIME_NS);
        if (q >= 0) {
            k4saddr[q] = saddr;
            k4daddr[q] = daddr;
            kid[q] = id;
            k4proto[q] = proto;
        }
        return q;
    }

    // ---------------------------------------------------------------- IPv6

    /**
     * ipv6_frag_rcv, for a packet whose transport header is a fragment header (ipv6_rcv stopped
     * there).
     *
     * <pre>
     *  0                   1                   2                   3
     *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                         Identification                        |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * </pre>
     *
     * @return 1 to resubmit: the datagram is complete (or the fragment was atomic), and
     *         {@code skb.ipProto} / {@code skb.transport} are its upper layer; -1 if the fragment
     *         ended here (held or dropped)
     */
    int ipv6FragRcv(SkBuff skb) {
        counters.inc(Counter.IP6_REASM_REQDS);
        ByteBuf b = skb.buf;
        int n = skb.network;
        int t = skb.transport;
        if (b.getUnsignedShort(n + 4) == 0 || skb.end - t < 8) {
            return hdrError6(skb);
        }
        int fragOff = b.getUnsignedShort(t + 2);
        if ((fragOff & 0xFFF9) == 0) {
            // An atomic fragment (RFC 6946): not fragmented at all.
            counters.inc(Counter.IP6_REASM_OKS);
            return resubmit6(skb, b.getUnsignedByte(t), t + 8);
        }
        if (thdrTruncated(b, n, skb.end)) {
            return hdrError6(skb);
        }
        expireDue(stack.now);
        long dHi = skb.daddrHi;
        boolean scoped = (dHi >>> 56) == 0xFF || (dHi >>> 54) == 0x3FA;
        int q = find6(skb.saddrHi, skb.saddrLo, dHi, skb.daddrLo, b.getInt(t + 4), scoped ? skb.dev.ifindex : 0);
        if (q < 0) {
            counters.inc(Counter.IP6_REASM_FAILS);
            refused(skb, q);
            return -1;
        }
        int offset = fragOff & ~7;
        int end = offset + skb.end - (t + 8);
        if (end > 0xFFFF) {
            // A parameter problem pointing at the fragment offset; the queue stays.
            counters.inc(Counter.IP6_IN_HDR_ERRORS);
            counters.finish(skb, Outcome.IP_FRAG_TOO_BIG);
            return -1;
        }
        if ((fragOff & 1) == 0) {
            if (end < len[q] || ((flags[q] & LAST_IN) != 0 && end != len[q])) {
                discard(skb, q, Counter.IP6_REASM_FAILS, Outcome.IP_FRAG_INVALID);
                return -1;
            }
            flags[q] |= LAST_IN;
            len[q] = end;
        } else {
            if ((end & 7) != 0) {
                // RFC 8200: a non-last fragment is a multiple of 8 bytes long; a parameter problem.
                return hdrError6(skb);
            }
            if (end > len[q]) {
                if ((flags[q] & LAST_IN) != 0) {
                    discard(skb, q, Counter.IP6_REASM_FAILS, Outcome.IP_FRAG_INVALID);
                    return -1;
                }
                len[q] = end;
            }
        }
        if (end == offset) {
            discard(skb, q, Counter.IP6_REASM_FAILS, Outcome.IP_FRAG_INVALID);
            return -1;
        }
        int unfrag = t - n;
        if (offset == 0 && unfrag > HDR_ROOM) {
            counters.inc(Counter.FRAG_HDR_TOO_LONG);
            counters.finish(skb, Outcome.IP_FRAG_MODEL_LIMIT);
            return -1;
        }
        switch (insert(q, offset, end)) {
            case DUP -> {
                counters.finish(skb, Outcome.IP_FRAG_DUP);
                return -1;
            }
            case OVERLAP -> {
                discard(skb, q, Counter.IP6_REASM_FAILS, Outcome.IP_FRAG_OVERLAP);
                return -1;
            }
            case TOO_MANY -> {
                counters.inc(Counter.FRAG_TOO_MANY);
                counters.finish(skb, Outcome.IP_FRAG_MODEL_LIMIT);
                return -1;
            }
            default -> {
            }
        }
        keep(q, b, t + 8, offset, end, skb.end - n, 1);
        ecn[q] |= 1 << ((b.getUnsignedByte(n + 1) >>> 4) & 3);
        if (offset == 0) {
            flags[q] |= FIRST_IN;
            hdrLen[q] = unfrag;
            nhoff[q] = nextHeaderOffset(b, n, t);
            fragNexthdr[q] = b.getUnsignedByte(t);
            b.getBytes(n, store, q * REGION + HDR_ROOM - unfrag, unfrag);
        }
        if (flags[q] == (FIRST_IN | LAST_IN) && meat[q] == len[q]) {
            return reasm6(skb, q);
        }
        counters.finish(skb, Outcome.IP_FRAG_QUEUED);
        return -1;
    }

    /** ip6_frag_reasm: the queue is freed; the datagram, without its fragment header, is written to the ring. */
    private int reasm6(SkBuff skb, int q) {
        int ecnOr = ecnFix(ecn[q]);
        int h = hdrLen[q];
        int payloadLen = h - 40 + len[q];
        int total = h + len[q];
        int src = q * REGION + HDR_ROOM - h;
        int nho = nhoff[q];
        int next = fragNexthdr[q];
        free(q);
        if (ecnOr < 0) {
            counters.inc(Counter.IP6_REASM_FAILS);
            counters.finish(skb, Outcome.IP_FRAG_INVALID);
            return -1;
        }
        if (payloadLen > 0xFFFF) {
            counters.inc(Counter.IP6_REASM_FAILS);
            counters.finish(skb, Outcome.IP_FRAG_TOO_BIG);
            return -1;
        }
        int pos = arenaAlloc(total);
        ByteBuf a = arena;
        store.getBytes(src, a, pos, total);
        a.setByte(pos + nho, next);
        a.setShort(pos + 4, payloadLen);
        a.setByte(pos + 1, a.getUnsignedByte(pos + 1) | (ecnOr << 4));
        counters.inc(Counter.IP6_REASM_OKS);
        point(skb, pos, h, total);
        return resubmit6(skb, next, pos + h);
    }

    /**
     * The headers after a fragment header, as ipv6_rcv walks them ({@link Ipv6Rcv#walkExtensionHeaders}),
     * then the upper layer is the packet's protocol. A second fragment header is an error
     * (IP6SKB_FRAGMENTED: ipv6_frag_rcv's fail_hdr).
     */
    private int resubmit6(SkBuff skb, int nh, int off) {
        long w = Ipv6Rcv.walkExtensionHeaders(skb.buf, nh, off, skb.end, 1);
        if (w < 0 || (int) (w >>> 32) == NEXTHDR_FRAGMENT) {
            return hdrError6(skb);
        }
        skb.fragment = 0;
        skb.ipProto = (int) (w >>> 32);
        skb.transport = (int) w;
        skb.l4Len = skb.end - skb.transport;
        return 1;
    }

    private int hdrError6(SkBuff skb) {
        counters.inc(Counter.IP6_IN_HDR_ERRORS);
        counters.finish(skb, Outcome.IP6_INHDR);
        return -1;
    }

    private int find6(long sHi, long sLo, long dHi, long dLo, int id, int iif) {
        if (memory[1] > HIGH_THRESH) {
            return NO_MEMORY;
        }
        for (int q = 0; q < QUEUES; q++) {
            if (family[q] == 6 && kid[q] == id && k6sLo[q] == sLo && k6sHi[q] == sHi && k6dLo[q] == dLo && k6dHi[q] == dHi
                    && kiif[q] == iif) {
                return q;
            }
        }
        int q = create(6, IPV6_FRAG_TIMEOUT_NS);
        if (q >= 0) {
            k6sHi[q] = sHi;
            k6sLo[q] = sLo;
            k6dHi[q] = dHi;
            k6dLo[q] = dLo;
            kid[q] = id;
            kiif[q] = iif;
        }
        return q;
    }

    /**
     * ipv6frag_thdr_truncated: a first fragment must hold every header through the upper-layer
     * header (RFC 8200 4.5). Walks as ipv6_skip_exthdr does from the IPv6 header; a non-first
     * fragment header, or headers that run out, are not "truncated".
     */
    static boolean thdrTruncated(ByteBuf b, int n, int end) {
        int nh = b.getUnsignedByte(n + 6);
        int off = n + 40;
        while (nh == 0 || nh == 43 || nh == NEXTHDR_FRAGMENT || nh == 51 || nh == 59 || nh == 60) {
            if (nh == 59 || off + 2 > end) {
                return false;
            }
            int hdr;
            if (nh == NEXTHDR_FRAGMENT) {
                if (off + 4 > end || (b.getUnsignedShort(off + 2) & ~7) != 0) {
                    return false;
                }
                hdr = 8;
            } else if (nh == 51) {
                hdr = (b.getUnsignedByte(off + 1) + 2) * 4;
            } else {
                hdr = (b.getUnsignedByte(off + 1) + 1) * 8;
            }
            nh = b.getUnsignedByte(off);
            off += hdr;
        }
        int need = switch (nh) {
            case 6 -> 20;
            case 17 -> 8;
            case 58 -> 4;
            default -> 1;
        };
        return off + need > end;
    }

    /** The offset from {@code n} of the next-header byte that names the header at {@code t}. */
    private static int nextHeaderOffset(ByteBuf b, int n, int t) {
        int at = 6;
        int off = n + 40;
        while (off < t) {
            at = off - n;
            off += (b.getUnsignedByte(off + 1) + 1) * 8;
        }
        return at;
    }

    // ---------------------------------------------------------------- queues

    /** inet_frag_create: a free queue with its timer armed, or NO_QUEUE (a model limit). */
    private int create(int fam, long timeout) {
        if (inUse == QUEUES) {
            counters.inc(Counter.FRAG_QUEUE_FULL);
            return NO_QUEUE;
        }
        int q = 0;
        while (family[q] != 0) {
            q++;
        }
        family[q] = fam;
        inUse++;
        long due = stack.now + timeout;
        deadline[q] = due;
        if (due < nextExpiry) {
            nextExpiry = due;
        }
        flags[q] = 0;
        len[q] = 0;
        meat[q] = 0;
        truesize[q] = 0;
        oversize[q] = false;
        ecn[q] = 0;
        maxSize[q] = 0;
        maxDfSize[q] = 0;
        hdrLen[q] = 0;
        runCount[q] = 0;
        lastRun[q] = -1;
        memory[fam == 6 ? 1 : 0] += QSIZE;
        return q;
    }

    /**
     * inet_frag_queue_insert on the queue's runs.
     *
     * @return INSERTED, DUP (inside one run), OVERLAP (any other overlap) or TOO_MANY (a new run
     *         past {@link #MAX_RUNS}; nothing changed)
     */
    private int insert(int q, int offset, int end) {
        int base = q * MAX_RUNS;
        int runs = runCount[q];
        if (runs == 0) {
            return newRun(q, base, offset, end, true);
        }
        int last = base + lastRun[q];
        int tailEnd = runEnd[last];
        if (tailEnd < end) {
            // The common case: the fragment goes at the end.
            if (offset < tailEnd) {
                return OVERLAP;
            }
            if (offset == tailEnd) {
                runEnd[last] = end;
                return INSERTED;
            }
            return newRun(q, base, offset, end, true);
        }
        // The kernel's binary search over the runs: the fragment inside one run is a duplicate,
        // touching any run otherwise is an overlap.
        for (int i = base; i < base + runs; i++) {
            if (end > runStart[i] && offset < runEnd[i]) {
                return offset >= runStart[i] && end <= runEnd[i] ? DUP : OVERLAP;
            }
        }
        return newRun(q, base, offset, end, false);
    }

    private int newRun(int q, int base, int offset, int end, boolean last) {
        int runs = runCount[q];
        if (runs == MAX_RUNS) {
            return TOO_MANY;
        }
        runStart[base + runs] = offset;
        runEnd[base + runs] = end;
        if (last) {
            lastRun[q] = runs;
        }
        runCount[q] = runs + 1;
        return INSERTED;
    }

    /** Keeps the data bytes [offset, end) of a fragment whose data starts at {@code data}, and accounts its truesize. */
    private void keep(int q, ByteBuf b, int data, int offset, int end, int packetLen, int fam6) {
        if (end <= DATA_ROOM) {
            b.getBytes(data, store, q * REGION + HDR_ROOM + offset, end - offset);
        } else {
            oversize[q] = true;
        }
        meat[q] += end - offset;
        int ts = packetLen + TRUESIZE_OVERHEAD;
        truesize[q] += ts;
        memory[fam6] += ts;
    }

    /** ip_frag_queue's discard_qp / ip6_frag_queue's discard_fq: the queue is killed, the fragment dropped. */
    private boolean discard(SkBuff skb, int q, Counter fails, Outcome outcome) {
        free(q);
        counters.inc(fails);
        counters.finish(skb, outcome);
        return false;
    }

    private boolean refused(SkBuff skb, int why) {
        counters.finish(skb, why == NO_MEMORY ? Outcome.IP_FRAG_NOMEM : Outcome.IP_FRAG_MODEL_LIMIT);
        return false;
    }

    /** inet_frag_kill and inet_frag_destroy: the queue's memory is released. */
    private void free(int q) {
        memory[family[q] == 6 ? 1 : 0] -= truesize[q] + QSIZE;
        family[q] = 0;
        inUse--;
    }

    /**
     * Runs the timers that are due: {@code ip_expire} / {@code ip6frag_expire_frag_queue} for every
     * queue created more than its timeout before {@code now}: ReasmFails and ReasmTimeout.
     */
    public void expireDue(long now) {
        if (now < nextExpiry) {
            return;
        }
        long next = Long.MAX_VALUE;
        for (int q = 0; q < QUEUES; q++) {
            int fam = family[q];
            if (fam == 0) {
                continue;
            }
            if (deadline[q] <= now) {
                free(q);
                counters.inc(fam == 6 ? Counter.IP6_REASM_FAILS : Counter.IP_REASM_FAILS);
                counters.inc(fam == 6 ? Counter.IP6_REASM_TIMEOUT : Counter.IP_REASM_TIMEOUT);
            } else if (deadline[q] < next) {
                next = deadline[q];
            }
        }
        nextExpiry = next;
    }

    /**
     * ip_frag_ecn_table (RFC 3168 5.3) over the OR of the fragments' {@code 1 << ecn}: -1 to drop
     * (not-ECT mixed with ECT or CE), 3 (CE) to fold into the datagram, or 0.
     */
    static int ecnFix(int bits) {
        if ((bits & 1) != 0 && bits != 1) {
            return -1;
        }
        return (bits & 8) != 0 && (bits & 6) != 0 ? 3 : 0;
    }

    /** A place in the ring for {@code length} bytes, wrapping to the start when the rest is too short. */
    private int arenaAlloc(int length) {
        int pos = arenaPos;
        if (pos + length > ARENA_BYTES) {
            pos = 0;
        }
        arenaPos = pos + length;
        return pos;
    }

    /** Points {@code skb} at the datagram at {@code pos} in the ring. */
    private void point(SkBuff skb, int pos, int h, int total) {
        skb.buf = arena;
        skb.mac = pos;
        skb.network = pos;
        skb.transport = pos + h;
        skb.end = pos + total;
        skb.l4Len = total - h;
        skb.fragment = 0;
        skb.ttl = arena.getUnsignedByte(pos + (skb.family == 6 ? 7 : 8));
    }

    // ---------------------------------------------------------------- for tests and reports

    /** Queues in use. */
    public int queues() {
        return inUse;
    }

    /** Fragment memory of family 4 or 6 ({@code frag_mem_limit}): queues and held fragments' truesize. */
    public long memory(int fam) {
        return memory[fam == 6 ? 1 : 0];
    }

    /** The ring completed datagrams are written to. */
    public ByteBuf arena() {
        return arena;
    }
}
