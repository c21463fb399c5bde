package io.icpbench.harness.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.BitSet;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The pin lever's system call: a thread pins itself, and only itself, to one CPU. */
class AffinityTest {

    @Test
    void aThreadPinsItselfAndOnlyItself() throws Exception {
        assumeTrue(Affinity.available(), "sched_setaffinity through FFM (Linux)");
        BitSet before = Affinity.ofThisThread();
        assertThat(before.cardinality()).isPositive();
        int cpu = before.length() - 1;
        AtomicReference<BitSet> pinned = new AtomicReference<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                Affinity.pinThisThread(cpu);
                pinned.set(Affinity.ofThisThread());
            } catch (Throwable e) {
                failed.set(e);
            }
        });
        t.start();
        t.join();
        assertThat(failed.get()).isNull();
        BitSet one = new BitSet();
        one.set(cpu);
        assertThat(pinned.get()).isEqualTo(one);
        // The pin is the thread's own: this thread's mask is what it was.
        assertThat(Affinity.ofThisThread()).isEqualTo(before);
    }

    @Test
    void aCpuThatIsNotThereIsAClearError() {
        assumeTrue(Affinity.available(), "sched_setaffinity through FFM (Linux)");
        Thread t = Thread.currentThread();
        BitSet before = Affinity.ofThisThread();
        assertThatThrownBy(() -> Affinity.pinThisThread(1000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CPUs {1000}").hasMessageContaining("errno 22");
        assertThat(Affinity.ofThisThread()).as("unchanged on %s", t.getName()).isEqualTo(before);
        assertThatThrownBy(() -> Affinity.pinThisThread(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void thePropertyIsReadAsACpuNumber() {
        String old = System.getProperty(Affinity.WORKER_CPU_PROPERTY);
        try {
            System.clearProperty(Affinity.WORKER_CPU_PROPERTY);
            assertThat(Affinity.pinWorkerFromProperty()).isEqualTo(-1);
            System.setProperty(Affinity.WORKER_CPU_PROPERTY, "one");
            assertThatThrownBy(Affinity::pinWorkerFromProperty).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("-Dicpbench.workerCpu=one");
        } finally {
            if (old == null) {
                System.clearProperty(Affinity.WORKER_CPU_PROPERTY);
            } else {
                System.setProperty(Affinity.WORKER_CPU_PROPERTY, old);
            }
        }
    }
}
