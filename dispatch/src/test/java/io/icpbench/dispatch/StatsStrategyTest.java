package io.icpbench.dispatch;

import static io.icpbench.dispatch.Receivers.cls;
import static org.assertj.core.api.Assertions.assertThat;

import io.icpbench.dispatch.Receivers.Mix;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Learning and counting under each statistics strategy. */
class StatsStrategyTest {
    private static final int P = DynamicSite.SAMPLE_PERIOD;

    @BeforeEach
    void resetRuns() {
        Receivers.resetThisThread();
    }

    @AfterEach
    void clearRegistry() {
        SiteRegistry.clear();
    }

    private static boolean countsEveryFastHit(StatsStrategy s) {
        return s == StatsStrategy.STRIPED || s == StatsStrategy.THREAD_LOCAL || s == StatsStrategy.SHARED;
    }

    /**
     * The skewed mix learned under each strategy. The first update sees only candidates (nothing is
     * installed yet), so every strategy installs [T0, T1] on the 1001st call. After that the
     * strategies that count the fast path keep [T0, T1] with no further patch; MISSES_ONLY merges only
     * the calls that reach the fallback, i.e. the classes not installed, so the code guarantees no
     * stable choice there: only that every call is right (its patches are reported, not asserted).
     */
    @ParameterizedTest
    @EnumSource(StatsStrategy.class)
    void learningInstallsTheDominantTargets(StatsStrategy stats, TestReporter reporter) throws Throwable {
        DynamicSite site = Receivers.site(LearningPolicy.cree(), LearningConfig.CREE, stats);
        assertThat(site.statsStrategy()).isEqualTo(stats);
        Driver d = new Driver(site);
        Mix mix = new Mix(stats.ordinal() + 100, 60, 25, 10, 5);
        assertThat(d.callsUntilPatches(mix, 1, 5000)).isEqualTo(1001);
        assertThat(site.installed()).containsExactly(cls(0), cls(1));

        d.calls(mix, 60_000);
        assertThat(site.updates()).isGreaterThan(5);
        if (stats == StatsStrategy.MISSES_ONLY) {
            reporter.publishEntry(Map.of("strategy", stats.name(), "updates", Long.toString(site.updates()), "patches",
                    Long.toString(site.patches()), "installed", site.installed().toString()));
            assertThat(site.fastHits()).isZero();
        } else {
            assertThat(site.patches()).isEqualTo(1);
            assertThat(site.installed()).containsExactly(cls(0), cls(1));
        }
        // Every call was checked by the driver; the fallback's count is exact for every strategy.
        assertThat(site.misses()).isEqualTo(d.expectedMisses);
    }

    @ParameterizedTest
    @EnumSource(StatsStrategy.class)
    void fastHitsAreExactForPerCallStrategiesAndBoundedForSampled(StatsStrategy stats) throws Throwable {
        DynamicSite site = Receivers.site(LearningPolicy.cree(), LearningConfig.CREE, stats);
        Driver d = new Driver(site);
        Mix mix = new Mix(stats.ordinal() + 200, 70, 20, 7, 3);
        d.callsUntilPatches(mix, 1, 5000);
        long updatesAtInstall = site.updates();
        d.calls(mix, 40_000 + 13); // 13: end mid-window
        assertThat(d.expectedFast).isGreaterThan(30_000);
        assertThat(site.misses()).isEqualTo(d.expectedMisses);
        long windows = site.updates() - updatesAtInstall + 1; // stretches of fast hits between updates
        switch (stats) {
            case STRIPED, THREAD_LOCAL, SHARED -> {
                assertThat(site.fastHits()).isEqualTo(d.expectedFast);
                assertThat(site.fastHits() + site.misses()).isEqualTo(d.calls);
            }
            case SAMPLED -> {
                // Each window's hits n are counted as P * ceil(n / P) (the countdown starts at 0 after
                // each update, so the first hit of a window counts P): never below the truth and less
                // than P above it per window.
                assertThat(site.fastHits()).isBetween(d.expectedFast, d.expectedFast + P * windows - 1);
                assertThat(site.fastHits() % P).isZero();
                assertThat((double) site.fastHits()).isCloseTo(d.expectedFast, org.assertj.core.data.Percentage.withPercentage(1));
            }
            case MISSES_ONLY -> assertThat(site.fastHits()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(StatsStrategy.class)
    void sampledCountsEverySixteenthHitFromTheFirst(StatsStrategy stats) throws Throwable {
        // A site with a hand-installed target and no updates: n fast hits.
        DynamicSite site = Receivers.site(LearningPolicy.cree(), new LearningConfig(Long.MAX_VALUE, Long.MAX_VALUE, 0), stats);
        site.install(List.of(cls(3)));
        Driver d = new Driver(site);
        long[] checkpoints = {1, 2, 16, 17, 18, 32, 33, 1000};
        int made = 0;
        for (long n : checkpoints) {
            while (made < n) {
                d.call(3);
                made++;
            }
            long expected = switch (stats) {
                case SAMPLED -> P * ((n + P - 1) / P);
                case MISSES_ONLY -> 0;
                default -> n;
            };
            assertThat(site.fastHits()).as("%s after %d hits", stats, n).isEqualTo(expected);
        }
        assertThat(site.misses()).isZero();
        assertThat(site.candidatesOfThisThread()).isEmpty();
    }

    /**
     * A worker thread. {@link Stripes} gives every live thread its own stripe whatever its id (the
     * ids of these threads are not chosen), which the per-worker tests below rely on.
     */
    private static Thread threadOnAnotherStripe(Runnable body, List<Thread> taken) {
        return new Thread(body);
    }

    @ParameterizedTest
    @EnumSource(StatsStrategy.class)
    void theUpdateMergesEveryWorkersCandidates(StatsStrategy stats) throws Throwable {
        DynamicSite site = Receivers.site(LearningPolicy.cree(), LearningConfig.CREE, stats);
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        // Worker B: 600 calls of T2, below its own update threshold.
        Thread b = threadOnAnotherStripe(() -> {
            try {
                for (int i = 0; i < 600; i++) {
                    Receivers.call(site, 2, i);
                }
            } catch (Throwable e) {
                errors.add(e);
            }
        }, List.of());
        b.start();
        b.join();
        assertThat(errors).isEmpty();
        assertThat(site.updates()).isZero();

        // This worker: T0 until an update runs.
        Driver d = new Driver(site);
        while (site.updates() == 0) {
            d.call(0);
        }
        if (stats == StatsStrategy.SHARED) {
            // One stripe for everybody: B's 600 T2 hits and ours add up, so the update comes on our 401st call.
            assertThat(d.calls).isEqualTo(401);
            assertThat(site.installed()).containsExactly(cls(2), cls(0));
        } else {
            // Our own 1001 candidate hits trigger it; the merge adds B's 600 T2 hits as the runner-up.
            assertThat(d.calls).isEqualTo(1001);
            assertThat(site.installed()).containsExactly(cls(0), cls(2));
        }
        assertThat(site.misses()).isEqualTo(600 + d.calls);
        // The update zeroed every worker's statistics, ours included.
        assertThat(site.candidatesOfThisThread()).isEmpty();
    }

    /**
     * THREAD_LOCAL is documented as "one stripe per thread": whatever the number of threads that ever
     * used the site, a thread's slots hold its own calls only. Threads run one after another, so any
     * sharing shows as another thread's candidates in this thread's slots (not as a lost update).
     */
    @org.junit.jupiter.api.Test
    void threadLocalGivesEveryThreadItsOwnStripe() throws Throwable {
        // Every live thread has its own stripe: the threads stay alive until all have checked theirs.
        DynamicSite site = Receivers.site(LearningPolicy.cree(), LearningConfig.CREE, StatsStrategy.THREAD_LOCAL);
        int threads = Stripes.COUNT - 2;
        CyclicBarrier done = new CyclicBarrier(threads);
        List<Thread> all = new ArrayList<>();
        List<String> shared = new ArrayList<>();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            int k = t % 8;
            int n = 1 + t; // thread t makes t + 1 calls of T(t % 8)
            Thread th = new Thread(() -> {
                try {
                    for (int i = 0; i < n; i++) {
                        Receivers.call(site, k, i);
                    }
                    List<LearningPolicy.Candidate> mine = site.candidatesOfThisThread();
                    if (!mine.equals(List.of(new LearningPolicy.Candidate(cls(k), n)))) {
                        shared.add("thread " + id + " (" + n + " calls of T" + k + ") sees " + mine.stream()
                                .map(c -> c.target().getSimpleName() + "=" + c.count()).toList());
                    }
                    done.await(2, java.util.concurrent.TimeUnit.MINUTES); // a hang guard, not a timing check
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            th.start();
            all.add(th);
        }
        for (Thread th : all) {
            th.join();
        }
        assertThat(errors).isEmpty();
        assertThat(shared).as("threads whose slots hold another thread's calls").isEmpty();
        assertThat(site.misses()).isEqualTo((long) threads * (threads + 1) / 2);
    }

    /**
     * Concurrent callers on a site with hand-installed targets and no updates: each worker has its own
     * stripe (thread ids chosen to differ), so the per-call strategies are exact; SHARED's racy
     * increments may lose counts (never invent them).
     */
    @ParameterizedTest
    @EnumSource(StatsStrategy.class)
    void concurrentCallersAreCountedPerWorker(StatsStrategy stats) throws Throwable {
        DynamicSite site = Receivers.site(LearningPolicy.cree(), new LearningConfig(Long.MAX_VALUE, Long.MAX_VALUE, 0), stats);
        site.install(List.of(cls(0), cls(1)));
        int threads = 4;
        int calls = 20_000;
        CyclicBarrier start = new CyclicBarrier(threads);
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        long[] fast = new long[threads];
        long[] slow = new long[threads];
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            int id = w;
            workers.add(threadOnAnotherStripe(() -> {
                try {
                    Mix mix = new Mix(300 + id, 50, 30, 20);
                    start.await();
                    for (int i = 0; i < calls; i++) {
                        int k = mix.next();
                        Receivers.call(site, k, i);
                        if (k < 2) {
                            fast[id]++;
                        } else {
                            slow[id]++;
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }, workers));
        }
        workers.forEach(Thread::start);
        for (Thread t : workers) {
            t.join();
        }
        assertThat(errors).isEmpty();
        long expectedFast = java.util.Arrays.stream(fast).sum();
        long expectedSlow = java.util.Arrays.stream(slow).sum();
        assertThat(expectedFast + expectedSlow).isEqualTo((long) threads * calls);
        switch (stats) {
            case STRIPED, THREAD_LOCAL -> {
                assertThat(site.fastHits()).isEqualTo(expectedFast);
                assertThat(site.misses()).isEqualTo(expectedSlow);
            }
            case SHARED -> {
                assertThat(site.fastHits()).isPositive().isLessThanOrEqualTo(expectedFast);
                assertThat(site.misses()).isPositive().isLessThanOrEqualTo(expectedSlow);
            }
            case SAMPLED -> {
                long bound = 0;
                for (long f : fast) {
                    bound += P * ((f + P - 1) / P);
                }
                assertThat(site.fastHits()).isEqualTo(bound);
                assertThat(site.misses()).isEqualTo(expectedSlow);
            }
            case MISSES_ONLY -> {
                assertThat(site.fastHits()).isZero();
                assertThat(site.misses()).isEqualTo(expectedSlow);
            }
        }
        assertThat(site.updates()).isZero();
        assertThat(site.installed()).containsExactly(cls(0), cls(1));
    }
}
