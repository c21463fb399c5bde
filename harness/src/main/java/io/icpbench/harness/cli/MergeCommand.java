package io.icpbench.harness.cli;

import io.icpbench.harness.run.RunReport;
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
            "Forks and blocks are renumbered one run after the other, so a block never holds forks of two runs (of two machines); "
                + "settings and provenance are the first run's, its host the list of machines that contributed, which the output names. "
                + "The merged forks point at their JMH and latency files in the source directories."})
public final class MergeCommand implements Callable<Integer> {
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
        machines(System.out, runs, all);
        RunReport.summary(System.out, RunReport.analyse(merged), out);
        return 0;
    }

    /**
     * Which machines contributed (each run's provenance host) and with which runs and blocks. Blocks
     * are renumbered run by run, so no block of the merged run holds forks of two machines; with
     * several machines the paired analysis pairs within each machine's blocks, and one estimate over
     * all blocks averages the machines: the output says so.
     */
    static void machines(java.io.PrintStream out, List<Path> dirs, List<RunResults> runs) {
        java.util.Map<String, List<String>> byHost = new java.util.LinkedHashMap<>();
        java.util.Map<String, Integer> blocks = new java.util.LinkedHashMap<>();
        for (int i = 0; i < runs.size(); i++) {
            String host = ResultsFiles.hosts(List.of(runs.get(i))).get(0);
            byHost.computeIfAbsent(host, h -> new ArrayList<>()).add(dirs.get(i).toString());
            blocks.merge(host, (int) runs.get(i).forks().stream().mapToInt(RunResults.ForkResult::block).distinct().count(), Integer::sum);
        }
        StringBuilder b = new StringBuilder("machines: ");
        byHost.forEach((host, ds) -> b.append(b.length() > 10 ? "; " : "").append(host).append(" (").append(ds.size())
                .append(ds.size() == 1 ? " run, " : " runs, ").append(blocks.get(host)).append(" blocks: ").append(String.join(", ", ds)).append(')'));
        out.println(b);
        if (byHost.size() > 1) {
            out.println("(every block is one run's, so one machine's: pairs never span machines; the merged analysis averages the "
                    + byHost.size() + " machines' blocks; for each machine on its own, merge its runs alone, or use icpbench sweep --collect for sweeps)");
        }
    }
}
