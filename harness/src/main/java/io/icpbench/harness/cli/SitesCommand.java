package io.icpbench.harness.cli;

import io.icpbench.harness.fork.SiteReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code icpbench sites}: what the learned call sites of the last run learned. */
@Command(name = "sites", mixinStandardHelpOptions = true,
        description = {"Print, after a run, each learned call site's targets, hit rate, relearns and patches.",
            "",
            "Reads sites.json from the run's directory (default: the last 'icpbench stack' run)."})
public final class SitesCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "DIR", description = "A run directory or a sites.json file. Default: the last stack run.")
    Path dir;

    @Override
    public Integer call() {
        SiteReport.read(dir != null ? dir : StackCommand.defaultOut()).print(System.out);
        return 0;
    }
}
