package io.icpbench.stack;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The SNMP-style counters and per-outcome counts of one stack instance (one RX worker).
 *
 * <p>Plain {@code long[]} indexed by ordinal: single writer (the worker that owns the stack), read
 * by others only after the worker stopped.
 */
public final class Counters {
    private static final Counter[] COUNTERS = Counter.values();
    private static final Outcome[] OUTCOMES = Outcome.values();

    private final long[] snmp = new long[COUNTERS.length];
    private final long[] outcomes = new long[OUTCOMES.length];
    private long received;

    /** Adds one to an SNMP counter. */
    public void inc(Counter c) {
        snmp[c.ordinal()]++;
    }

    /** Counts one packet entering the stack (a frame handed to a device). */
    public void countReceived() {
        received++;
    }

    /**
     * Ends a packet under {@code outcome}.
     *
     * @throws IllegalStateException if the packet already ended: that is a bug in the stack
     */
    public void finish(SkBuff skb, Outcome outcome) {
        if (skb.outcome != null) {
            throw new IllegalStateException("packet " + skb.slot + " ended twice: " + skb.outcome + " then " + outcome);
        }
        skb.outcome = outcome;
        outcomes[outcome.ordinal()]++;
    }

    public long get(Counter c) {
        return snmp[c.ordinal()];
    }

    public long get(Outcome o) {
        return outcomes[o.ordinal()];
    }

    /** Packets that entered the stack. */
    public long received() {
        return received;
    }

    /** Packets that ended under a delivered outcome. */
    public long delivered() {
        long sum = 0;
        for (Outcome o : OUTCOMES) {
            if (o.delivered()) {
                sum += outcomes[o.ordinal()];
            }
        }
        return sum;
    }

    /** Packets that ended under a drop reason. */
    public long dropped() {
        long sum = 0;
        for (Outcome o : OUTCOMES) {
            if (!o.delivered()) {
                sum += outcomes[o.ordinal()];
            }
        }
        return sum;
    }

    /** Packets that entered but have not ended yet (queued inside the stack). */
    public long inFlight() {
        return received - delivered() - dropped();
    }

    /** Adds another stack's counts to these (to sum RX workers). */
    public void add(Counters other) {
        for (int i = 0; i < snmp.length; i++) {
            snmp[i] += other.snmp[i];
        }
        for (int i = 0; i < outcomes.length; i++) {
            outcomes[i] += other.outcomes[i];
        }
        received += other.received;
    }

    /** Takes another stack's counts (or an earlier copy of these) off these: what was counted since that copy. */
    public void subtract(Counters other) {
        for (int i = 0; i < snmp.length; i++) {
            snmp[i] -= other.snmp[i];
        }
        for (int i = 0; i < outcomes.length; i++) {
            outcomes[i] -= other.outcomes[i];
        }
        received -= other.received;
    }

    public void reset() {
        Arrays.fill(snmp, 0);
        Arrays.fill(outcomes, 0);
        received = 0;
    }

    /** Non-zero SNMP counters by kernel name, in declaration order. */
    public Map<String, Long> snmpSnapshot() {
        Map<String, Long> map = new LinkedHashMap<>();
        for (Counter c : COUNTERS) {
            if (snmp[c.ordinal()] != 0) {
                map.put(c.snmpName(), snmp[c.ordinal()]);
            }
        }
        return map;
    }

    /** Non-zero outcome counts, in declaration order. */
    public Map<Outcome, Long> outcomeSnapshot() {
        Map<Outcome, Long> map = new LinkedHashMap<>();
        for (Outcome o : OUTCOMES) {
            if (outcomes[o.ordinal()] != 0) {
                map.put(o, outcomes[o.ordinal()]);
            }
        }
        return map;
    }

    /** Non-zero outcome counts by lower-case name ({@code udp_queued}), in declaration order: the result files' form. */
    public Map<String, Long> outcomeNames() {
        Map<String, Long> map = new LinkedHashMap<>();
        outcomeSnapshot().forEach((o, n) -> map.put(o.name().toLowerCase(java.util.Locale.ROOT), n));
        return map;
    }
}
