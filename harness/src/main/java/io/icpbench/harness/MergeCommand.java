package io.icpbench.harness;

import io.icpbench.results.ResultsFiles;
import io.icpbench.results.RunResults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code icpbench merge OUT DIR...}: several runs (sessions, machines) as one. */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = {"Merge the results of several runs into one run directory.",
            "",
            "Forks and blocks are renumbered one run after the other; settings and provenance are the first run's. "
                + "The merged forks point at their JMH and latency files in the source directories."})
final class MergeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "OUT", description = "The run directory to write (must not hold a run).")
    Path out;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "DIR", description = "Run directories to merge.")
    List<Path> runs;

    @Override
    public Integer call() {
        if (Files.exists(out.resolve(ResultsFiles.RESULTS))) {
            throw new IllegalArgumentException(out + " already holds a run");
        }
        List<RunResults> all = new ArrayList<>();
        for (Path dir : runs) {
            RunResults r = ResultsFiles.read(dir);
            Path base = (Files.isDirectory(dir) ? dir : dir.getParent()).toAbsolutePath();
            List<RunResults.ForkResult> forks = r.forks().stream().map(f -> f.moved(f.index(), f.block(),
                    f.jmhJson() == null ? null : base.resolve(f.jmhJson()).toString(),
                    f.hlog() == null ? null : base.resolve(f.hlog()).toString())).toList();
            all.add(new RunResults(r.schema(), r.settings(), r.provenance(), r.plan(), forks));
        }
        RunResults merged = ResultsFiles.merge(all);
        ResultsFiles.write(out, merged);
        System.out.printf("merged %d runs: %d forks of %d planned -> %s%n", all.size(), merged.forks().size(), merged.plan().size(),
                out.resolve(ResultsFiles.RESULTS));
        RunCommand.summary(System.out, merged, out);
        return 0;
    }
}
