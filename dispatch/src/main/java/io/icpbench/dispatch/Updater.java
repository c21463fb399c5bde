package io.icpbench.dispatch;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The thread that runs learning updates off the hot path: the kernel's workqueue.
 *
 * <p>IMPLEMENTATION NOTES. Scheduling an update happens on the RX worker, inside the receive path,
 * so it must not allocate. A site owns one {@link Work} item (the kernel's embedded
 * {@code work_struct}); scheduling pushes that item on a lock-free intrusive stack and unparks the
 * learner, with no allocation; the learner takes the whole stack and runs it oldest first, so work
 * runs in the order it was scheduled. An item already queued is not queued twice. Any other
 * {@code Runnable} given to {@link #execute} is wrapped in a new item (tests, cold paths).
 */
public final class Updater implements Executor {
    private static final Updater BACKGROUND = new Updater("icpbench-learner");

    /** A unit of work that can be queued without allocating: keep one per site and reuse it. */
    public static final class Work {
        private final Runnable body;
        private final AtomicBoolean queued = new AtomicBoolean();
        private Work next;

        public Work(Runnable body) {
            this.body = body;
        }
    }

    private final AtomicReference<Work> head = new AtomicReference<>();
    private final Thread thread;

    private Updater(String name) {
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** The shared background updater (an {@code Updater}; typed as an Executor for callers built against older versions). */
    public static Executor background() {
        return BACKGROUND;
    }

    /** Queues {@code work} unless it is queued already; allocates nothing. */
    public void schedule(Work work) {
        if (!work.queued.compareAndSet(false, true)) {
            return;
        }
        Work h;
        do {
            h = head.get();
            work.next = h;
        } while (!head.compareAndSet(h, work));
        LockSupport.unpark(thread);
    }

    @Override
    public void execute(Runnable command) {
        schedule(new Work(command));
    }

    private void loop() {
        while (true) {
            Work taken = head.getAndSet(null);
            if (taken == null) {
                LockSupport.park(this);
                continue;
            }
            // The stack holds the newest first: reverse it, so work runs in the order it was scheduled.
            Work w = null;
            while (taken != null) {
                Work next = taken.next;
                taken.next = w;
                w = taken;
                taken = next;
            }
            while (w != null) {
                Work next = w.next;
                w.next = null;
                w.queued.set(false);
                try {
                    w.body.run();
                } catch (Throwable t) {
                    // An update that fails must not stop the learner for every other site.
                    System.err.println("icpbench-learner: an update failed: " + t);
                }
                w = next;
            }
        }
    }
}
