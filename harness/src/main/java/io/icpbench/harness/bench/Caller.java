package io.icpbench.harness.bench;

/** How the benchmark reaches a call site compiled in a class of its own (the promoted variants). */
public interface Caller {
    int call(Op op, int x);
}
