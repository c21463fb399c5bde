package io.icpbench.dispatch;

/**
 * Drives a site from the test thread and keeps, per call, what the statistics must have seen: a
 * call whose receiver class is installed when it starts takes a guard (a fast-path hit), any other
 * reaches the fallback (a miss). With the synchronous updater an install happens inside the call
 * that triggers it, so the next call is the first to see it.
 */
final class Driver {
    final DynamicSite site;
    long calls;
    long expectedFast;
    long expectedMisses;
    /** Calls made while the site was frozen (learn-once after its patch): not counted anywhere. */
    long uncounted;

    Driver(DynamicSite site) {
        this.site = site;
    }

    int call(int k) throws Throwable {
        return call(k, k * 7 + 3);
    }

    int call(int k, int x) throws Throwable {
        boolean fast = site.installed().contains(Receivers.cls(k));
        boolean statsOff = site.frozen();
        int r = Receivers.call(site, k, x);
        calls++;
        if (statsOff) {
            uncounted++;
        } else if (fast) {
            expectedFast++;
        } else {
            expectedMisses++;
        }
        return r;
    }

    void calls(Receivers.Mix mix, int n) throws Throwable {
        for (int i = 0; i < n; i++) {
            call(mix.next(), i % 997);
        }
    }

    /** Calls from the mix until the site has made {@code patches} patches, at most {@code max} calls; returns the calls made. */
    int callsUntilPatches(Receivers.Mix mix, long patches, int max) throws Throwable {
        int i = 0;
        while (site.patches() < patches && i < max) {
            call(mix.next(), i % 997);
            i++;
        }
        return i;
    }
}
