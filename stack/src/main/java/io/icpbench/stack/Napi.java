package io.icpbench.stack;

import io.icpbench.stack.ops.NapiPoll;

/**
 * A NAPI context ({@code struct napi_struct}): a bounded queue of received descriptors (the RX
 * ring of a NIC, the backlog, a GRO cell) and the poll function that drains it.
 *
 * <p>The queue is a fixed ring of {@link SkBuff} references; posting and polling allocate nothing.
 */
public final class Napi {
    public final String name;
    public final NetDevice dev;
    /** {@code napi->poll} (call site 1). */
    public final NapiPoll poll;
    /** The stack this context belongs to. */
    public final NetStack stack;

    private final SkBuff[] ring;
    private final int mask;
    private long head;
    private long tail;
    /** Whether the context is on the poll list. */
    boolean scheduled;

    /**
     * @param capacity ring slots, a power of two (e.g. 256 for a NIC ring, 1024 for the backlog)
     */
    public Napi(String name, NetDevice dev, NapiPoll poll, NetStack stack, int capacity) {
        if (capacity < 1 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity=" + capacity + ", expected a power of two >= 1");
        }
        this.name = name;
        this.dev = dev;
        this.poll = poll;
        this.stack = stack;
        this.ring = new SkBuff[capacity];
        this.mask = capacity - 1;
    }

    /** Queues a packet and schedules the context; returns false (and queues nothing) if the ring is full. */
    public boolean post(SkBuff skb) {
        if (tail - head == ring.length) {
            return false;
        }
        ring[(int) (tail++ & mask)] = skb;
        stack.napiSchedule(this);
        return true;
    }

    /**
     * The next queued packet, or null. The stack's clock moves to the packet's arrival time
     * ({@link SkBuff#tstamp}) if that is later: the stack runs at the time of the packet it
     * processes, not of the last one posted.
     */
    public SkBuff take() {
        if (head == tail) {
            return null;
        }
        int i = (int) (head++ & mask);
        SkBuff skb = ring[i];
        ring[i] = null;
        if (skb.tstamp > stack.now) {
            stack.advanceTime(skb.tstamp);
        }
        return skb;
    }

    public int queued() {
        return (int) (tail - head);
    }

    @Override
    public String toString() {
        return name;
    }
}
