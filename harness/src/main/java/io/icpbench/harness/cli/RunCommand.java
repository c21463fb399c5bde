package io.icpbench.harness.cli;


import io.icpbench.harness.host.Machine;
import io.icpbench.harness.run.RunEngine;
import io.icpbench.harness.run.RunRequest;
import io.icpbench.results.ResultsFiles;
import io.icpbench.results.RunResults;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code icpbench run}: the benchmark suite, one JVM per fork, arms (modes plus settings) in randomized blocks. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the benchmark suite: every arm (a mode plus its settings) in its own JVM forks, in randomized blocks "
                + "(interleaved by default: a block's forks take turns, 0.1 s each), each arm compared with the baseline paired by "
                + "block, with two control arms (A/A and a planted 1%% effect) that show what the run can resolve; results on disk.",
            "",
            "Each fork runs the receive-path JMH benchmark in its arm's mode and writes its iterations, counters, learned sites, "
                + "patch accounting, JIT log, JMH JSON, latency log and what else the machine did; results.json and forks.csv are "
                + "rewritten atomically after every fork (interleaved: every block), so Ctrl-C or a crash loses no finished fork and 'icpbench run --resume DIR' completes the run."})
public final class RunCommand implements Callable<Integer> {
    public static final List<String> DEFAULT_MODES = List.of("virtual", "dynamic-call", "promoted", "devirtualized");

    @Option(names = "--modes", split = ",", paramLabel = "MODE",
            description = "Modes to compare, each an arm named after it. Default (without --arm): virtual,dynamic-call,promoted,devirtualized.")
    List<String> modes;

    @Option(names = "--arm", paramLabel = "NAME=SPEC",
            description = "An arm to compare (repeatable; after the --modes, if any): SPEC is a mode and ;key=value settings, keys "
                + "placement (stub, inline, mh-field, adaptive), policy (cree, top-N, llvm, gcc, with ,learn-once), stats, thresholds "
                + "(U,W,P[,H]), sites, jvm (extra JVM flags, blank-separated), planted (PERCENT: a planted effect, planted=1 "
                + "processes 1 packet in 101 uncredited). The first four only for dynamic-call and promoted. "
                + "E.g. --arm 'dc-stub-once=dynamic-call;placement=stub;policy=cree,learn-once'. Results and reports name the arm.")
    List<String> armArgs;

    @Option(names = "--profile", defaultValue = "default", description = "Traffic profile. Default: ${DEFAULT-VALUE}.")
    String profile;

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

    @Option(names = "--work", paramLabel = "NS", defaultValue = "0", description = "Work per handler call, ns. Default: ${DEFAULT-VALUE}.")
    double workNs;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "1",
            description = "RX workers per fork: threads, each with its own stack and traffic ring; learned sites are shared, "
                + "their statistics per worker (the percpu analog). Default: ${DEFAULT-VALUE}.")
    int workers;

    @Option(names = "--sites", paramLabel = "SITES", defaultValue = "all",
            description = "Which of the 13 call sites the modes convert (12 and the taps of deliver_skb; the rest stay plain): all, none, "
                + "or sites and ranges such as 1-5,9. Default: ${DEFAULT-VALUE}.")
    String sites;

    @Option(names = "--forks", paramLabel = "N", description = "Forks per arm. Default: as many as the budget allows (at least 2).")
    Integer forks;

    @Option(names = "--budget", paramLabel = "MINUTES", defaultValue = "10",
            description = "Time the run may take, when --forks is not given. Default: ${DEFAULT-VALUE} minutes.")
    double budgetMinutes;

    @Option(names = "--baseline", paramLabel = "ARM",
            description = "The arm every other arm is compared with (paired by block). Default: the first arm (virtual in the default suite).")
    String baseline;

    @Option(names = "--baseline-forks", paramLabel = "N", defaultValue = "1",
            description = "Forks of the baseline in every block (the other arms have one): the baseline enters every comparison, "
                + "so more of its forks narrow them all. Default: ${DEFAULT-VALUE}.")
    int baselineForks;

    @Option(names = "--no-controls", negatable = false,
            description = "Leave out the two built-in control arms: 'aa' (the baseline again in its own forks, true effect 0) and "
                + "'planted' (the baseline with 1 packet in 101 uncredited, a true rate ratio of 1/1.01). With them every run shows "
                + "what it can resolve.")
    boolean noControls;

    @Option(names = "--design", paramLabel = "DESIGN",
            description = "interleaved (default): a block's forks, one JVM per arm, start together and take turns one iteration each "
                + "in a random order per round, so the machine's changes over seconds fall on every arm alike; sequential: one fork "
                + "at a time, each whole (always for --source live); duet: as interleaved, but two forks at a time, side by side "
                + "on two cores (Bulej et al. 2020), an experiment: see the README's figures.")
    String design;

    @Option(names = "--warmup-iterations", paramLabel = "N",
            description = "Warmup iterations per fork. Default: interleaved 40, sequential 5 (--quick: 20 and 2).")
    Integer warmupIterations;

    @Option(names = "--iterations", paramLabel = "N",
            description = "Measurement iterations per fork. Default: interleaved, chosen from the A/A pair of the last interleaved "
                + "run of the profile on this machine (50 to 300, and so that 5 blocks fit the budget; 100 without one); "
                + "sequential 10 (--quick: 10 and 3).")
    Integer iterations;

    @Option(names = "--iteration-time", paramLabel = "SECONDS",
            description = "Seconds per iteration (in the interleaved design, a turn). Default: interleaved 0.1, sequential 1 (--quick: 0.1 and 0.5).")
    Double iterationSeconds;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the fork order. Default: from the clock (recorded).")
    Long seed;

    @Option(names = "--quick", description = "A run of about a minute: 2 forks per arm, short iterations. Valid, if weak.")
    boolean quick;

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
        return new RunRequest(modes, armArgs, profile, source, host, workNs, workers, sites, forks, budgetMinutes, baseline, baselineForks,
                !noControls, design, warmupIterations, iterations, iterationSeconds, seed, quick, calibrates());
    }

    @Override
    public Integer call() throws IOException {
        RunResults results;
        Path dir;
        if (resume != null) {
            if (modes != null || armArgs != null) {
                throw new IllegalArgumentException("--resume runs the stopped run's own arms: drop --modes and --arm");
            }
            dir = resume;
            results = ResultsFiles.read(resume);
            String there = results.provenance().host();
            String here = Machine.hostname();
            if (there != null && !there.equals(here)) {
                throw new IllegalArgumentException(resume + " was started on host " + there + " and this is " + here
                        + ": resuming here would put two machines' blocks into one run, analysed as one machine; resume it on " + there
                        + ", or run the rest here into another directory (--out) and keep the machines apart (icpbench merge names them)");
            }
            System.err.printf(Locale.ROOT, "icpbench run: resuming %s: %d of %d forks done%n", dir, results.forks().size(), results.plan().size());
        } else {
            results = request().plan(why -> System.err.println("icpbench run: " + why));
            dir = out != null ? out : defaultDir();
            RunEngine.create(dir, results);
        }
        new RunEngine().run(results, dir, !results.settings().quick() && !noCalibration, System.out);
        return 0;
    }

    /**
     * The run these options ask for, as {@code icpbench run} would start it (settings, provenance,
     * the planned forks), without writing or printing anything: what {@code icpbench sweep} plans
     * with and checks its points by.
     *
     * @throws IllegalArgumentException for bad options, as {@code run} reports them
     */
    RunResults planned() {
        if (resume != null) {
            throw new IllegalArgumentException("--resume has no plan of its own");
        }
        return request().plan(null);
    }

    /** Whether the calibration suite would run after the forks (not with --quick or --no-calibration). */
    boolean calibrates() {
        return !quick && !noCalibration;
    }

    static Path defaultDir() {
        String home = System.getenv("ICPBENCH_HOME");
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        return Path.of(home != null ? home : ".", "results", "runs", stamp);
    }
}
