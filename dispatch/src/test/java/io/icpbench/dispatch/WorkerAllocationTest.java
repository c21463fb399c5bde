package io.icpbench.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.invoke.MethodHandles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The calling thread allocates nothing while a site keeps relearning on the background updater:
 * the statistics, the scheduling of an update (the site's own work item) and the calls through
 * every placement are allocation-free on the worker. The learner's own merge allocates, on its
 * own thread.
 */
class WorkerAllocationTest {
    @AfterEach
    void clear() {
        SiteRegistry.clear();
    }

    @ParameterizedTest
    @EnumSource(Placement.class)
    void aWorkerAllocatesNothingWhileItsSiteRelearns(Placement placement) throws Throwable {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        DynamicSite site = new DynamicSite("alloc", MethodHandles.lookup(), Receivers.Op.class, "apply", Receivers.TYPE,
                LearningPolicy.cree(), new LearningConfig(100, 100, 10), StatsStrategy.STRIPED, placement, Updater.background());
        java.lang.invoke.MethodHandle h = site.invoker();
        Receivers.Op[] ops = Receivers.OPS;
        long sum = 0;
        // Warm up: slots, stripes, the first chains, the JIT.
        for (int i = 0; i < 200_000; i++) {
            sum += (int) h.invokeExact(ops[(i * 7) % 5 + (i % 3 == 0 ? 3 : 0)], i);
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        long updatesBefore = site.updates();
        for (int i = 0; i < 200_000; i++) {
            sum += (int) h.invokeExact(ops[(i * 7) % 5 + (i % 3 == 0 ? 3 : 0)], i);
        }
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertThat(sum).isNotZero();
        assertThat(site.updates()).as("updates scheduled while measuring").isGreaterThan(updatesBefore);
        assertThat(allocated).as("bytes the calling thread allocated in 200,000 calls").isZero();
    }
}
