package io.icpbench.harness.cli;

import io.icpbench.dispatch.Learning;
import picocli.CommandLine.Option;

/**
 * The learned sites' settings on a command line ({@code stack}, {@code promote-jar}): policy,
 * placement, statistics and thresholds, each unset (null) unless given. One definition, so the
 * commands describe and check them alike.
 */
public final class LearningOptions {
    @Option(names = "--policy", paramLabel = "POLICY",
            description = "Learning policy of the learned sites: cree (top 2), top-1..top-4, llvm, gcc; append ,learn-once "
                + "to stop after the first patch. Default: cree.")
    String policy;

    @Option(names = "--placement", paramLabel = "PLACEMENT",
            description = "Where a learned site's guard chain lives, and so what a patch costs: stub (behind a per-site "
                + "trampoline never inlined into its caller; a patch to known targets is a store, to new ones recompiles the "
                + "trampoline), inline (inlined into the caller; a patch recompiles the caller), mh-field (behind a plain field; "
                + "a patch is a store, every call an indirect jump), adaptive (inline for two patches, then as stub). Default: stub.")
    String placement;

    @Option(names = "--stats", paramLabel = "STRATEGY",
            description = "Where learned sites count: striped, thread_local, shared, sampled, misses_only. Default: striped.")
    String stats;

    @Option(names = "--thresholds", paramLabel = "U,W,P[,H]",
            description = "Learning thresholds: update, wipe, patch, and optionally a hysteresis in percent (a JVM "
                + "adaptation: patch only if the new targets cover H%% more calls). Default: 1000,1000,250 (Cree's, no hysteresis).")
    String thresholds;

    /** Whether any of the settings was given. */
    boolean given() {
        return policy != null || placement != null || stats != null || thresholds != null;
    }

    /** The settings given, defaults for the rest, parsed ({@link Learning#of}). */
    Learning learning() {
        return Learning.of(policy, placement, stats, thresholds);
    }
}
