package io.icpbench.harness.bench.promoted;

import io.icpbench.harness.bench.Caller;
import io.icpbench.harness.bench.Op;

/**
 * The call site of the promoted variants: the same plain {@code op.apply(x)} as the virtual
 * variant, in a class the promotion pass rewrites (at load time, or ahead of time in a jar).
 */
public final class PromotedCaller implements Caller {
    @Override
    public int call(Op op, int x) {
        return op.apply(x);
    }
}
