package io.icpbench.harness.cli;

import picocli.CommandLine.Option;

/** {@code --work}: the calibrated work every handler does per call, as {@code run} and {@code stack} take it. */
public final class WorkOption {
    @Option(names = "--work", paramLabel = "NS", defaultValue = "0",
            description = "Calibrated work every handler does per call, in ns (0..1000000). Default: ${DEFAULT-VALUE}.")
    double workNs;
}
