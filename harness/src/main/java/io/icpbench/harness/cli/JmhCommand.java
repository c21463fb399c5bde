package io.icpbench.harness.cli;

import io.icpbench.harness.Main;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code icpbench jmh ...}: JMH's own command line over the project's benchmarks. */
@Command(name = "jmh", description = {"Run the JMH benchmarks with JMH's own options (-f, -wi, -i, -p, -prof gc, -rf json).",
    "",
    "Examples:",
    "  icpbench jmh RxPathBenchmark -f 1 -wi 3 -i 5 -prof gc",
    "  icpbench jmh -l     list the benchmarks",
    "  icpbench jmh -h     JMH's own help"})
public final class JmhCommand implements Runnable {
    @Parameters(arity = "0..*", paramLabel = "JMH-ARGS", description = "Passed to org.openjdk.jmh.Main unchanged.")
    List<String> args;

    @Override
    public void run() {
        // Main passes "jmh ..." to runJmh before picocli parses it; this runs only for help.
    }

    public static int runJmh(String[] args) {
        try {
            org.openjdk.jmh.Main.main(args);
            return 0;
        } catch (Exception e) {
            System.err.println("icpbench jmh: error: " + e.getMessage());
            return 1;
        }
    }
}
