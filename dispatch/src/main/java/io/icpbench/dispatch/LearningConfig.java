package io.icpbench.dispatch;

/**
 * The thresholds of the learning algorithm (Cree's defaults: 1000, 1000, 250).
 *
 * @param updateThreshold a worker's candidate hits above which an update is scheduled
 * @param wipeThreshold   a worker's misses (no free slot) above which its slots are wiped
 * @param patchThreshold  the top merged count an update needs before it patches
 */
public record LearningConfig(long updateThreshold, long wipeThreshold, long patchThreshold) {
    public static final LearningConfig CREE = new LearningConfig(1000, 1000, 250);

    public LearningConfig {
        if (updateThreshold < 1 || wipeThreshold < 1 || patchThreshold < 0) {
            throw new IllegalArgumentException("thresholds update=" + updateThreshold + ", wipe=" + wipeThreshold
                    + ", patch=" + patchThreshold + ": expected update >= 1, wipe >= 1, patch >= 0");
        }
    }
}
