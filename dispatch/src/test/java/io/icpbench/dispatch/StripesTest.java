package io.icpbench.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Every live thread has its own statistics stripe (the percpu analog), whatever its id. */
class StripesTest {
    @Test
    void liveThreadsNeverShareAStripeAndAThreadKeepsItsOwn() throws Exception {
        int threads = 40;
        Set<Integer> seen = ConcurrentHashMap.newKeySet();
        List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
        CyclicBarrier allIn = new CyclicBarrier(threads);
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                try {
                    int s = Stripes.current();
                    allIn.await(1, TimeUnit.MINUTES); // all alive at once; a hang guard, not a timing check
                    if (!seen.add(s)) {
                        problems.add("stripe " + s + " given to two live threads");
                    }
                    if (Stripes.current() != s) {
                        problems.add("a thread's stripe changed");
                    }
                } catch (Exception e) {
                    problems.add(e.toString());
                }
            });
            th.start();
            all.add(th);
        }
        for (Thread th : all) {
            th.join();
        }
        assertThat(problems).isEmpty();
        assertThat(seen).hasSize(threads).allMatch(s -> s >= 0 && s < Stripes.OVERFLOW);
    }

    @Test
    void stripesOfThreadsThatDiedAreHandedOutAgain() throws Exception {
        long overflowsBefore = Stripes.overflows();
        // Many more threads than stripes, one after another: none needs the overflow stripe.
        for (int t = 0; t < 3 * Stripes.COUNT; t++) {
            Thread th = new Thread(Stripes::current);
            th.start();
            th.join();
        }
        assertThat(Stripes.overflows()).isEqualTo(overflowsBefore);
    }
}
