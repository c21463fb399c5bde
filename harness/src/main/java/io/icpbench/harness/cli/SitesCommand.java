package io.icpbench.harness.cli;

import io.icpbench.analysis.JitFingerprints;
import io.icpbench.harness.fork.SiteReport;
import io.icpbench.results.RunResults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code icpbench sites}: what the learned call sites of the last run learned, and what C2 made of a fork's sites. */
@Command(name = "sites", mixinStandardHelpOptions = true,
        description = {"Print, after a run, each learned call site's targets, hit rate, relearns and patches.",
            "",
            "Reads sites.json from the run's directory (default: the last 'icpbench stack' run). Given a fork of",
            "'icpbench run' (RUN/fork-NNN), prints its learned sites if it had any, then its JIT fingerprint: C2's",
            "decision at each call site, its failures to inline the stack's methods, its largest compiles, its",
            "uncommon traps."})
public final class SitesCommand implements Callable<Integer> {
    /** A fork's result in its directory ({@code icpbench run} writes it). */
    static final String FORK_RESULT = "fork.json";

    @Parameters(arity = "0..1", paramLabel = "DIR", description = "A run directory, a fork's directory (RUN/fork-NNN) or a sites.json file. "
            + "Default: the last stack run.")
    Path dir;

    @Override
    public Integer call() throws IOException {
        Path path = dir != null ? dir : StackCommand.defaultOut();
        Path fork = path.resolve(FORK_RESULT);
        if (!Files.isDirectory(path) || !Files.isRegularFile(fork)) {
            SiteReport.read(path).print(System.out);
            return 0;
        }
        if (Files.isRegularFile(path.resolve(SiteReport.FILE))) {
            SiteReport.read(path).print(System.out);
            System.out.println();
        }
        RunResults.ForkResult f = new com.fasterxml.jackson.databind.ObjectMapper().readValue(fork.toFile(), RunResults.ForkResult.class);
        if (f.jit() == null) {
            System.out.println("no JIT fingerprint in " + fork + " (a fork of an icpbench before fingerprints, or its Flight Recorder failed)");
        } else {
            JitFingerprints.print(f.jit(), System.out);
        }
        return 0;
    }
}
