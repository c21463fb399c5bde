package io.icpbench.dispatch;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The thread that runs learning updates off the hot path (the kernel's workqueue). */
public final class Updater {
    private static final ExecutorService BACKGROUND = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "icpbench-learner");
        t.setDaemon(true);
        return t;
    });

    private Updater() {
    }

    /** The shared background updater. */
    public static Executor background() {
        return BACKGROUND;
    }
}
