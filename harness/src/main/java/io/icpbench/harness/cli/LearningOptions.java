package io.icpbench.harness.cli;

import io.icpbench.dispatch.LearningConfig;
import io.icpbench.dispatch.LearningPolicy;
import io.icpbench.dispatch.Placement;
import io.icpbench.dispatch.StatsStrategy;
import java.util.LinkedHashMap;
import java.util.Map;
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

    /** Settings given elsewhere (an arm), each null when unset. */
    public static LearningOptions of(String policy, String placement, String stats, String thresholds) {
        LearningOptions o = new LearningOptions();
        o.policy = policy;
        o.placement = placement;
        o.stats = stats;
        o.thresholds = thresholds;
        return o;
    }

    /**
     * The settings given, checked, as the system properties of a JVM that runs them.
     *
     * @throws IllegalArgumentException naming a bad value and what is expected
     */
    public Map<String, String> properties() {
        Map<String, String> props = new LinkedHashMap<>();
        if (policy != null) {
            LearningPolicy.parse(policy);
            props.put(LearningPolicy.PROPERTY, policy);
        }
        if (placement != null) {
            props.put(Placement.PROPERTY, Placement.parse(placement).cliName());
        }
        if (stats != null) {
            StatsStrategy.parse(stats);
            props.put(StatsStrategy.PROPERTY, stats);
        }
        if (thresholds != null) {
            LearningConfig.parse(thresholds);
            props.put(LearningConfig.PROPERTY, thresholds);
        }
        return props;
    }

    String policyOrDefault() {
        return policy != null ? policy : io.icpbench.dispatch.LearningPolicy.DEFAULT;
    }

    String statsOrDefault() {
        return stats != null ? stats : io.icpbench.dispatch.StatsStrategy.DEFAULT;
    }

    String thresholdsOrDefault() {
        return thresholds != null ? thresholds : io.icpbench.dispatch.LearningConfig.DEFAULT;
    }

    String placementOrDefault() {
        return placement != null ? Placement.parse(placement).cliName() : Placement.STUB.cliName();
    }
}
