package io.icpbench.stack;

import io.icpbench.stack.ops.DstInput;

/** A route's destination entry ({@code struct dst_entry}): where a routed packet goes next. */
public final class Dst {
    public final String name;
    /** {@code dst->input} (call site 8). */
    public final DstInput input;

    public Dst(String name, DstInput input) {
        this.name = name;
        this.input = input;
    }

    @Override
    public String toString() {
        return name;
    }
}
