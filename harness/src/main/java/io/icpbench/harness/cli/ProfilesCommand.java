package io.icpbench.harness.cli;

import io.icpbench.harness.traffic.TrafficClass;
import io.icpbench.harness.traffic.TrafficProfile;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code icpbench profiles}: the built-in traffic profiles and the traffic classes they mix. */
@Command(name = "profiles", mixinStandardHelpOptions = true,
        description = {"List the built-in traffic profiles and traffic classes, or print a profile file.",
            "",
            "Copy a built-in profile with --show NAME > my.profile, edit it, and pass its path to --profile. "
                + "A profile with [phase NAME] sections changes its mix during a run (see --show phase-shift)."})
public final class ProfilesCommand implements Callable<Integer> {
    @Option(names = "--show", paramLabel = "NAME", description = "Print the text of a built-in profile.")
    String show;

    @Override
    public Integer call() {
        if (show != null) {
            System.out.print(TrafficProfile.builtInText(show));
            return 0;
        }
        System.out.println("Built-in profiles:");
        for (String name : TrafficProfile.BUILT_IN) {
            TrafficProfile p = TrafficProfile.load(name);
            System.out.printf("  %-12s %s%s%n", name, p.description(), p.phased() ? " [" + p.phasesInWords() + "]" : "");
        }
        System.out.println();
        System.out.println("Traffic classes (mix.CLASS = WEIGHT in a profile file):");
        for (TrafficClass c : TrafficClass.values()) {
            System.out.printf("  %-18s %s%n", c.profileName(), c.description());
        }
        return 0;
    }
}
