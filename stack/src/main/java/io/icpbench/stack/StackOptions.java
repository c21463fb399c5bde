package io.icpbench.stack;

/**
 * How a stack is set up.
 *
 * @param work          work every handler does per call
 * @param maxEncapDepth encapsulations a packet may go through (VXLAN in VXLAN ...), 0..16
 * @param netfilter     whether the PRE_ROUTING and LOCAL_IN hook chains are registered
 * @param taps          AF_PACKET taps (tcpdump) listening on all devices, 0..4
 * @param forwarding    whether the host forwards to its forward prefixes (else they are unreachable)
 */
public record StackOptions(HandlerWork work, int maxEncapDepth, boolean netfilter, int taps, boolean forwarding) {
    /** Default: no work, 4 encapsulations, netfilter on, no taps, forwarding on. */
    public static final StackOptions DEFAULT = new StackOptions(HandlerWork.NONE, 4, true, 0, true);

    public StackOptions {
        if (work == null) {
            throw new IllegalArgumentException("work must not be null");
        }
        if (maxEncapDepth < 0 || maxEncapDepth > 16) {
            throw new IllegalArgumentException("maxEncapDepth=" + maxEncapDepth + ", expected 0..16");
        }
        if (taps < 0 || taps > 4) {
            throw new IllegalArgumentException("taps=" + taps + ", expected 0..4");
        }
    }

    public StackOptions withWork(HandlerWork w) {
        return new StackOptions(w, maxEncapDepth, netfilter, taps, forwarding);
    }

    public StackOptions withMaxEncapDepth(int depth) {
        return new StackOptions(work, depth, netfilter, taps, forwarding);
    }

    public StackOptions withNetfilter(boolean on) {
        return new StackOptions(work, maxEncapDepth, on, taps, forwarding);
    }

    public StackOptions withTaps(int n) {
        return new StackOptions(work, maxEncapDepth, netfilter, n, forwarding);
    }

    public StackOptions withForwarding(boolean on) {
        return new StackOptions(work, maxEncapDepth, netfilter, taps, on);
    }
}
