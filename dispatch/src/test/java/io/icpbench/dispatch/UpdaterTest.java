package io.icpbench.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The learner's queue: work runs in the order it was scheduled, and a queued item is not queued twice. */
class UpdaterTest {
    @Test
    void workRunsInOrderAndAQueuedItemRunsOnce() throws Exception {
        Updater u = (Updater) Updater.background();
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        List<Integer> ran = java.util.Collections.synchronizedList(new ArrayList<>());
        // Hold the learner so that everything below is queued together.
        u.execute(() -> {
            try {
                gate.await(1, TimeUnit.MINUTES); // a hang guard, not a timing check
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Updater.Work twice = new Updater.Work(() -> ran.add(-1));
        for (int i = 0; i < 100; i++) {
            int k = i;
            u.execute(() -> ran.add(k));
            if (i == 10 || i == 20) {
                u.schedule(twice);
            }
        }
        u.execute(done::countDown);
        gate.countDown();
        assertThat(done.await(1, TimeUnit.MINUTES)).isTrue();
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            expected.add(i);
            if (i == 10) {
                expected.add(-1);
            }
        }
        assertThat(ran).containsExactlyElementsOf(expected);
    }
}
