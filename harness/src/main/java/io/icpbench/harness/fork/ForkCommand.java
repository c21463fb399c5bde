package io.icpbench.harness.fork;

import io.icpbench.dispatch.Dispatch;
import io.icpbench.dispatch.DynamicSite;
import io.icpbench.dispatch.SiteRegistry;
import io.icpbench.harness.bench.RxPathBenchmark;
import io.icpbench.harness.run.ForkSpec;
import io.icpbench.harness.run.RunEngine;
import io.icpbench.results.RunResults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One fork of {@code icpbench run}: this JVM (started in its mode by the orchestrator) runs the
 * receive-path benchmark with JMH, without forking again, and writes the fork's result, with the
 * JIT fingerprint of the whole fork ({@link JitRecording}).
 */
@Command(name = "fork", hidden = true, description = "One fork of 'icpbench run' (started by it).")
public final class ForkCommand implements Callable<Integer> {
    @Option(names = "--spec", required = true, paramLabel = "FILE", description = "The fork's spec (fork-NNN/spec.json, written by 'icpbench run').")
    Path specFile;

    @Option(names = "--training", paramLabel = "DIR", hidden = true,
            description = "Run the spec as a class data sharing training run: 1 warmup and 1 measurement iteration of 200 ms, in DIR.")
    Path training;

    /** Everything this fork was told, read once from {@link #specFile}. */
    private ForkSpec spec;

    @Override
    public Integer call() throws Exception {
        spec = ForkSpec.read(specFile);
        if (training != null) {
            spec = spec.forTraining(training);
        }
        String profile = spec.traffic();
        // A traffic that does not load fails here, in one line the orchestrator shows, not deep in JMH's log.
        io.icpbench.harness.traffic.TrafficSource.validate(profile);
        String name = RunEngine.forkName(spec.index());
        Path dir = Path.of(spec.runDir()).resolve(name);
        Files.createDirectories(dir);
        // What C2 makes of the receive path is decided once per fork and lasts its whole life (issue 20): record it all.
        try (JitRecording jit = JitRecording.start(dir)) {
            if (spec.trafficSpec() instanceof io.icpbench.harness.run.TrafficSpec.Live) {
                return liveFork(name, dir, jit);
            }
            return jmhFork(name, dir, jit);
        }
    }

    /** A fork of a modeled traffic: the receive-path benchmark under JMH, in this JVM. */
    private int jmhFork(String name, Path dir, JitRecording jit) throws Exception {
        String profile = spec.traffic();
        System.setProperty(RxPathBenchmark.HLOG_PROPERTY, dir.resolve("latency.hlog").toString());
        System.setProperty(RxPathBenchmark.ACCOUNTING_PROPERTY, dir.toAbsolutePath().toString());
        long t0 = System.nanoTime();
        Options opt = new OptionsBuilder()
                .include(RxPathBenchmark.class.getName() + ".receive$")
                .param("profile", profile)
                .param("workNs", Double.toString(spec.workNs()))
                .param("latency", "true")
                .forks(0)
                .threads(spec.workers())
                .warmupIterations(spec.warmupIterations())
                .warmupTime(TimeValue.milliseconds(spec.iterationMs()))
                .measurementIterations(spec.iterations())
                .measurementTime(TimeValue.milliseconds(spec.iterationMs()))
                .resultFormat(ResultFormatType.JSON)
                .result(dir.resolve("jmh.json").toString())
                .shouldFailOnError(true)
                .build();
        RunResult run;
        try {
            run = new Runner(opt).run().iterator().next();
        } catch (org.openjdk.jmh.runner.RunnerException e) {
            // A promoted fork that is not really promoted fails at the start of its measurement: say why in one line.
            PromotedCheck.verify(System.getProperty(io.icpbench.stack.SiteSelection.PROPERTY, "all"));
            throw e;
        }
        PromotedCheck.verify(System.getProperty(io.icpbench.stack.SiteSelection.PROPERTY, "all"));
        List<Double> scores = new ArrayList<>();
        for (BenchmarkResult br : run.getBenchmarkResults()) {
            for (IterationResult ir : br.getIterationResults()) {
                scores.add(ir.getPrimaryResult().getScore());
            }
        }
        if (RxPathBenchmark.TRIALS.isEmpty()) {
            throw new IllegalStateException("the benchmark left no trial: JMH did not run it");
        }
        // One trial per RX worker: their counters add up; the accounting window is the JVM's.
        io.icpbench.stack.Counters sum = new io.icpbench.stack.Counters();
        List<PatchCost.Estimate> estimates = new ArrayList<>();
        synchronized (RxPathBenchmark.TRIALS) {
            for (RxPathBenchmark.Trial t : RxPathBenchmark.TRIALS) {
                sum.add(t.counters());
                if (t.patchCost() != null) {
                    estimates.add(t.patchCost());
                }
            }
        }
        if (sum.inFlight() != 0) {
            throw new IllegalStateException(sum.inFlight() + " packets never ended: the conservation law is broken");
        }
        PatchAccounting.Window window = RxPathBenchmark.window();
        RunResults.Accounting accounting = window == null ? RunResults.Accounting.unknown()
                : window.accounting(sum.received(), PatchCost.meanUsPerPatch(estimates));
        Map<String, Long> outcomes = sum.outcomeNames();
        double mean = scores.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double seconds = (System.nanoTime() - t0) / 1e9;
        RunResults.ForkResult result = new RunResults.ForkResult(spec.index(), spec.block(), spec.arm().name(), Dispatch.MODE.cliName(), scores,
                RunResults.ForkResult.rateOf(scores), sum.snmpSnapshot(), outcomes, installedTargets(), accounting, name + "/jmh.json",
                Files.exists(dir.resolve("latency.hlog")) ? name + "/latency.hlog" : null, seconds, null, jit.finish());
        if (!SiteRegistry.all().isEmpty()) {
            // What the learned sites saw (each site's target mix): 'icpbench sites RUN/fork-NNN' prints it.
            SiteReport.capture(Dispatch.MODE.cliName(), profile, sum.received(), mean, accounting,
                    spec.phases().stream().map(p -> new io.icpbench.harness.traffic.TrafficProfile.Span(p.name(), p.first(), p.last())).toList(),
                    "iteration").write(dir);
        }
        io.icpbench.results.ResultsFiles.writeJson(dir.resolve("fork.json"), result);
        return 0;
    }

    /** The learned sites of this JVM that learned something: name to installed targets. */
    static Map<String, List<String>> installedTargets() {
        Map<String, List<String>> sites = new LinkedHashMap<>();
        for (DynamicSite s : SiteRegistry.all()) {
            if (s.updates() > 0 || !s.installed().isEmpty()) {
                sites.put(s.name, s.installed().stream().map(SiteReport::shortName).toList());
            }
        }
        return sites;
    }

    /**
     * A fork of {@code icpbench run --source live}: the live receiver in this JVM, {@code icpbench
     * send} flat out in its own process; the score of each iteration is its window's ns per
     * datagram read, the latency log is one-way latency, and the counters add the live accounting
     * (Live*) to the model's.
     */
    private int liveFork(String name, Path dir, JitRecording jit) throws Exception {
        long t0 = System.nanoTime();
        String prof = ((io.icpbench.harness.run.TrafficSpec.Live) spec.trafficSpec()).profile();
        io.icpbench.stack.NetStack stack = io.icpbench.stack.Topology.build(
                io.icpbench.stack.StackOptions.DEFAULT.withWork(io.icpbench.stack.HandlerWork.calibrated(spec.workNs())));
        io.icpbench.harness.live.LiveSession.Config c = new io.icpbench.harness.live.LiveSession.Config(prof, null,
                io.icpbench.harness.live.LiveSession.SENDER_JAVA, 0, 32, 4 << 20, 1);
        io.icpbench.harness.live.LiveSession.Run run;
        // The live session's warmup and measurement windows run inside one call: the accounting covers both.
        PatchAccounting window = PatchAccounting.start(true);
        PatchAccounting.Window w;
        try {
            run = io.icpbench.harness.live.LiveSession.run(c, stack,
                    new io.icpbench.harness.live.LiveSession.Windows(spec.warmupIterations(), spec.iterations(), spec.iterationMs()), System.out);
        } finally {
            w = window.stop(dir.resolve("jit.log"));
        }
        io.icpbench.harness.live.LiveSession.Result r = run.result();
        io.icpbench.harness.live.LiveSession.print(r, System.out);
        if (!r.reconciled()) {
            throw new IllegalStateException("the live counts do not reconcile: " + r.unexplained() + " datagrams unexplained");
        }
        List<Double> scores = new ArrayList<>();
        for (int i = 0; i < r.windowRates().size(); i++) {
            double rate = r.windowRates().get(i);
            if (!(rate > 0)) {
                throw new IllegalStateException("iteration " + (i + 1) + " read no datagram (did the sender stop early?)");
            }
            scores.add(1e9 / rate);
        }
        RxPathBenchmark.writeLatencyLog(dir.resolve("latency.hlog"),
                "one-way latency of live datagrams (send stamp to the end of the model's batch), ns; profile " + prof, run.latency());
        Map<String, Long> counters = new LinkedHashMap<>(r.counters());
        counters.put("LiveSent", r.sent());
        counters.put("LiveSendFailed", r.sendFailed());
        counters.put("LiveRead", r.datagrams());
        counters.put("LiveSocketDrops", r.socketDrops());
        counters.put("LiveBacklogDrops", r.backlogDrops());
        counters.put("LiveUnexplained", r.unexplained());
        PromotedCheck.verify(System.getProperty(io.icpbench.stack.SiteSelection.PROPERTY, "all"));
        double seconds = (System.nanoTime() - t0) / 1e9;
        RunResults.ForkResult result = new RunResults.ForkResult(spec.index(), spec.block(), spec.arm().name(), Dispatch.MODE.cliName(), scores,
                RunResults.ForkResult.rateOf(scores), counters, r.outcomes(), installedTargets(), w.accounting(r.datagrams(), null), null,
                name + "/latency.hlog", seconds, null, jit.finish());
        io.icpbench.results.ResultsFiles.writeJson(dir.resolve("fork.json"), result);
        return 0;
    }
}
