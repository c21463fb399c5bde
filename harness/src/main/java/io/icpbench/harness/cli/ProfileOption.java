package io.icpbench.harness.cli;

import picocli.CommandLine.Option;

/** {@code --profile}: the traffic profile, as {@code run} and {@code send} take it. */
public final class ProfileOption {
    @Option(names = "--profile", paramLabel = "NAME|FILE", defaultValue = "default",
            description = "Traffic profile: a built-in one (see 'icpbench profiles') or a profile file. Default: ${DEFAULT-VALUE}.")
    String profile;
}
