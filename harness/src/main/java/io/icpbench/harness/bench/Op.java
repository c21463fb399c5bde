package io.icpbench.harness.bench;

/**
 * The ops interface of the call-site benchmarks ({@link CallSiteBenchmark}, {@link DispatchStatsBenchmark}):
 * one indirect call, {@code op.apply(x)}, with eight implementations in {@link Receivers}.
 */
@io.icpbench.dispatch.OpsStruct
public interface Op {
    int apply(int x);
}
