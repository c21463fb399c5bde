package io.icpbench.harness.cli;

import java.util.List;
import picocli.CommandLine.Option;

/** The arms of a run and what they are compared with: {@code run}'s and {@code sweep}'s options, declared once. */
public final class ArmOptions {
    @Option(names = "--modes", split = ",", paramLabel = "MODE",
            description = "Modes to compare, each an arm named after it. Default (without --arm): virtual,dynamic-call,promoted,devirtualized.")
    List<String> modes;

    @Option(names = "--arm", paramLabel = "NAME=SPEC",
            description = "An arm to compare (repeatable; after the --modes, if any): SPEC is a mode and ;key=value settings, keys "
                + "placement (stub, inline, mh-field, adaptive), policy (cree, top-N, llvm, gcc, with ,learn-once), stats, thresholds "
                + "(U,W,P[,H]), sites, jvm (extra JVM flags, blank-separated), planted (PERCENT: a planted effect, planted=2 "
                + "performs one extra whole operation, uncredited, every 50). The first four only for dynamic-call and promoted. "
                + "E.g. --arm 'dc-stub-once=dynamic-call;placement=stub;policy=cree,learn-once'. Results and reports name the arm.")
    List<String> armArgs;

    @Option(names = "--baseline", paramLabel = "ARM",
            description = "The arm every other arm is compared with (paired by block). Default: the first arm (virtual in the default suite).")
    String baseline;

    @Option(names = "--baseline-forks", paramLabel = "N",
            description = "Forks of the baseline in every block (the other arms have one): the baseline enters every comparison, "
                + "so more of its forks narrow them all. Default: 1.")
    Integer baselineForks;

    @Option(names = "--no-controls", negatable = false,
            description = "Leave out the two built-in control arms: 'aa' (the baseline again in its own forks, true effect 0) and "
                + "'planted' (the baseline with one extra whole operation, uncredited, every 50: a true rate ratio of 1/1.02). With "
                + "them every run shows what it can resolve.")
    boolean noControls;

    /** Forks of the baseline per block, as given or 1. */
    int baselineForksOrDefault() {
        return baselineForks != null ? baselineForks : 1;
    }

    /** The options given, by name (a sweep's --resume and --collect refuse them). */
    void given(List<String> out) {
        Given.add(out, modes != null, "--modes");
        Given.add(out, armArgs != null, "--arm");
        Given.add(out, baseline != null, "--baseline");
        Given.add(out, baselineForks != null, "--baseline-forks");
        Given.add(out, noControls, "--no-controls");
    }
}
