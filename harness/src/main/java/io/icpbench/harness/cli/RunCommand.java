package io.icpbench.harness.cli;

import io.icpbench.harness.host.Machine;
import io.icpbench.harness.run.RunEngine;
import io.icpbench.harness.run.RunRequest;
import io.icpbench.harness.run.RunSpec;
import io.icpbench.results.ResultsFiles;
import io.icpbench.results.RunResults;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code icpbench run}: the benchmark suite, one JVM per fork, arms (modes plus settings) in randomized blocks. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the benchmark suite: every arm (a mode plus its settings) in its own JVM forks, in randomized blocks "
                + "(interleaved by default: a block's forks take turns, 0.1 s each), each arm compared with the baseline paired by "
                + "block, with two control arms (A/A and a planted 2%% effect) that show what the run can resolve; results on disk.",
            "",
            "Each fork runs the receive-path JMH benchmark in its arm's mode and writes its iterations, counters, learned sites, "
                + "patch accounting, JIT log, JMH JSON, latency log and what else the machine did; results.json and forks.csv are "
                + "rewritten atomically after every fork (interleaved: every block), so Ctrl-C or a crash loses no finished fork and 'icpbench run --resume DIR' completes the run."})
public final class RunCommand implements Callable<Integer> {
    @Mixin
    ArmOptions arms = new ArmOptions();

    @Mixin
    ProfileOption profile = new ProfileOption();

    @Option(names = "--source", paramLabel = "SOURCE",
            description = "Where the frames come from: synthetic (the --profile, default), pcap:FILE (a capture replayed in a loop), "
                + "or live (the --profile's frames as VXLAN datagrams from 'icpbench send', flat out, over loopback into a "
                + "Netty receiver: see 'icpbench live'; the score is then ns per datagram read).")
    String source;

    @Option(names = "--host", paramLabel = "auto|FILE",
            description = "With --source pcap:FILE: the capture's receiving host, inferred from the capture (auto) or read from a host "
                + "file (see 'icpbench replay --help'); the run directory keeps it as host.txt. Without it the capture goes to the "
                + "default modeled host.")
    String host;

    @Mixin
    WorkOption work = new WorkOption();

    @Option(names = "--workers", paramLabel = "N", defaultValue = "1",
            description = "RX workers per fork: threads, each with its own stack and traffic ring; learned sites are shared, "
                + "their statistics per worker (the percpu analog). Default: ${DEFAULT-VALUE}.")
    int workers;

    @Option(names = "--sites", paramLabel = "SITES", defaultValue = "all",
            description = "Which of the " + io.icpbench.stack.Site.COUNT + " call sites the modes convert (the ops sites and the taps of deliver_skb; the rest stay plain): all, none, "
                + "or sites and ranges such as 1-5,9. Default: ${DEFAULT-VALUE}.")
    String sites;

    @Mixin
    DesignOptions design = new DesignOptions();

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the fork order. Default: from the clock (recorded).")
    Long seed;

    @Option(names = "--no-calibration", negatable = false,
            description = "Skip the calibration suite (single call sites under every mode, about 90 s; never run with --quick).")
    boolean noCalibration;

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory. Default: results/runs/<time> under the project.")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR", description = "Continue a stopped run in DIR (its settings and arms are kept).")
    Path resume;

    /**
     * What these options ask for, before the engine fills in what was left open; {@code run}'s and
     * {@code sweep}'s one way from options to a {@code RunSpec}.
     */
    RunRequest request() {
        return new RunRequest(arms.modes, arms.armArgs, profile.profile, source, host, work.workNs, workers, sites, design.forks,
                design.budgetOrDefault(), arms.baseline, arms.baselineForksOrDefault(), !arms.noControls, design.design,
                design.warmupIterations, design.iterations, design.iterationSeconds, seed, design.quick, calibrates(),
                design.levers);
    }

    @Override
    public Integer call() throws IOException {
        if (resume != null) {
            if (arms.modes != null || arms.armArgs != null) {
                throw new IllegalArgumentException("--resume runs the stopped run's own arms: drop --modes and --arm");
            }
            RunResults results = ResultsFiles.read(resume);
            String there = results.provenance().host();
            String here = Machine.hostname();
            if (there != null && !there.equals(here)) {
                throw new IllegalArgumentException(resume + " was started on host " + there + " and this is " + here
                        + ": resuming here would put two machines' blocks into one run, analysed as one machine; resume it on " + there
                        + ", or run the rest here into another directory (--out) and keep the machines apart (icpbench merge names them)");
            }
            // --quick is the stopped run's, not an option of this command line.
            new RunEngine().resume(results, resume, !noCalibration && !results.settings().quick(), System.out);
            return 0;
        }
        RunSpec spec = request().resolve(why -> System.err.println("icpbench run: " + why));
        new RunEngine().start(spec, out != null ? out : defaultDir(), calibrates(), System.out);
        return 0;
    }

    /** Whether the calibration suite would run after the forks (not with --quick or --no-calibration). */
    boolean calibrates() {
        return !design.quick && !noCalibration;
    }

    static Path defaultDir() {
        String home = System.getenv("ICPBENCH_HOME");
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        return Path.of(home != null ? home : ".", "results", "runs", stamp);
    }
}
