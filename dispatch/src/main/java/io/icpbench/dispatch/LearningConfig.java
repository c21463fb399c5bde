package io.icpbench.dispatch;

/**
 * The thresholds of the learning algorithm (Cree's defaults: 1000, 1000, 250).
 *
 * @param updateThreshold a worker's candidate hits above which an update is scheduled
 * @param wipeThreshold   a worker's misses (no free slot) above which its slots are wiped
 * @param patchThreshold  the top merged count an update needs before it patches
 * @param hysteresisPercent a JVM adaptation, 0 (Cree's algorithm) to 100: a new choice is patched in
 *                        only if it covers more than this percentage of the merged calls beyond what the
 *                        installed targets cover. Near-equal targets otherwise trade places at every
 *                        update, and each patch deoptimizes.
 */
public record LearningConfig(long updateThreshold, long wipeThreshold, long patchThreshold, int hysteresisPercent) {
    public static final LearningConfig CREE = new LearningConfig(1000, 1000, 250);
    public LearningConfig {
        if (updateThreshold < 1 || wipeThreshold < 1 || patchThreshold < 0) {
            throw new IllegalArgumentException("thresholds update=" + updateThreshold + ", wipe=" + wipeThreshold
                    + ", patch=" + patchThreshold + ": expected update >= 1, wipe >= 1, patch >= 0");
        }
        if (hysteresisPercent < 0 || hysteresisPercent > 100) {
            throw new IllegalArgumentException("hysteresis=" + hysteresisPercent + "%, expected 0..100");
        }
    }

    /** Parses "UPDATE,WIPE,PATCH[,HYSTERESIS%]" ("1000,1000,250"); the error says what is expected. */
    public static LearningConfig parse(String s) {
        String[] p = s.split(",");
        try {
            if (p.length != 3 && p.length != 4) {
                throw new NumberFormatException("3 or 4 numbers expected");
            }
            return new LearningConfig(Long.parseLong(p[0].trim()), Long.parseLong(p[1].trim()), Long.parseLong(p[2].trim()),
                    p.length == 4 ? Integer.parseInt(p[3].trim()) : 0);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("thresholds=" + s + ", expected UPDATE,WIPE,PATCH[,HYSTERESIS%] such as 1000,1000,250 "
                    + "or 1000,1000,250,10", e);
        }
    }

    /** The {@link #parse} text: "UPDATE,WIPE,PATCH", with ",HYSTERESIS" only when it is not 0. */
    public String format() {
        return updateThreshold + "," + wipeThreshold + "," + patchThreshold + (hysteresisPercent != 0 ? "," + hysteresisPercent : "");
    }

    /** Cree's algorithm with these thresholds and no hysteresis. */
    public LearningConfig(long updateThreshold, long wipeThreshold, long patchThreshold) {
        this(updateThreshold, wipeThreshold, patchThreshold, 0);
    }
}
