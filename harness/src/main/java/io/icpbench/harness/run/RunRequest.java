package io.icpbench.harness.run;

import io.icpbench.results.RunResults;
import io.icpbench.stack.SiteSelection;
import java.util.List;
import java.util.function.Consumer;

/**
 * What a user asked of a run, before the engine fills in what was left open (the design's defaults,
 * the iterations chosen from earlier runs, the forks the budget allows, the seed): the options of
 * {@code run}, or one point of {@code sweep}. Null means "not given". {@link #resolve} turns it into
 * the one {@link RunSpec} everything downstream reads.
 */
public record RunRequest(List<String> modes, List<String> armArgs, String profile, String source, String host, double workNs, int workers,
        String sites, Integer forks, double budgetMinutes, String baseline, int baselineForks, boolean controls, String design,
        Integer warmupIterations, Integer iterations, Double iterationSeconds, Long seed, boolean quick, boolean calibration,
        List<String> levers) {
    /** The modes of the default suite, each an arm named after it. */
    public static final List<String> DEFAULT_MODES = List.of("virtual", "dynamic-call", "promoted", "devirtualized");

    /** This request at a sweep's point: its profile, work, workers, sites and seed. */
    public RunRequest at(String profile, double workNs, int workers, String sites, Long seed) {
        return new RunRequest(modes, armArgs, profile, source, host, workNs, workers, sites, forks, budgetMinutes, baseline, baselineForks,
                controls, design, warmupIterations, iterations, iterationSeconds, seed, quick, calibration, levers);
    }

    /** This request with another budget (null: left open, as on the command line). */
    public RunRequest withBudget(Integer forks, double budgetMinutes, Integer warmupIterations, Integer iterations, Double iterationSeconds) {
        return new RunRequest(modes, armArgs, profile, source, host, workNs, workers, sites, forks, budgetMinutes, baseline, baselineForks,
                controls, design, warmupIterations, iterations, iterationSeconds, seed, quick, calibration, levers);
    }

    /**
     * The run this request asks for, every setting checked and filled in.
     *
     * @param log hears why the iterations were chosen, when they were (null: silent)
     * @throws IllegalArgumentException for bad options, in one line naming the option and what is expected
     */
    public RunSpec resolve(Consumer<String> log) {
        List<ArmSpec> m = Arms.of(modes, armArgs, DEFAULT_MODES);
        String base = baseline != null ? baseline : m.get(0).name();
        if (m.stream().noneMatch(a -> a.name().equals(base))) {
            throw new IllegalArgumentException("--baseline " + base + ": no such arm, expected one of " + m.stream().map(ArmSpec::name).toList());
        }
        if (controls) {
            m = Arms.withControls(m, base);
        }
        boolean live = "live".equals(source);
        Design d = design != null ? Design.of(design) : live ? SequentialDesign.INSTANCE : Design.ALL.get(0);
        if (live && d != SequentialDesign.INSTANCE) {
            throw new IllegalArgumentException("--source live runs its forks one at a time (each has its own sender): drop --design " + d.name());
        }
        if (live && workers != 1) {
            throw new IllegalArgumentException("--source live has one receive thread; drop --workers");
        }
        TrafficSpec traffic = TrafficSpec.of(source, profile, host);
        if (workNs < 0 || workNs > 1_000_000) {
            throw new IllegalArgumentException("--work=" + workNs + ", expected 0..1000000 ns");
        }
        int wi = warmupIterations != null ? warmupIterations : d.defaultWarmupIterations(quick);
        int it = iterations != null ? iterations : d.defaultIterations(quick);
        double secs = iterationSeconds != null ? iterationSeconds : d.defaultIterationSeconds(quick);
        if (wi < 0 || it < 1 || !(secs >= 0.1 && secs <= 600)) {
            throw new IllegalArgumentException("warmup iterations " + wi + ", iterations " + it + ", iteration time " + secs
                    + " s: expected >= 0, >= 1 and 0.1..600 s");
        }
        int forksPerBlock = m.size() + baselineForks - 1;
        double forForks = budgetMinutes * 60 - (calibration ? CalibrationSuite.SECONDS : 0);
        if (d.choosesIterations() && iterations == null && forks == null && !quick) {
            IterationChoice choice = IterationChoice.choose(IterationChoice.previousRuns(d.name()), d.name(), traffic.encoded(), forksPerBlock,
                    d.together(), wi, secs, forForks, it);
            it = choice.iterations();
            if (log != null) {
                log.accept(choice.why());
            }
        }
        int perArm;
        if (forks != null) {
            if (forks < 1) {
                throw new IllegalArgumentException("--forks=" + forks + ", expected at least 1");
            }
            perArm = forks;
        } else if (quick) {
            perArm = 2;
        } else {
            perArm = Math.max(2, (int) (forForks / d.blockSeconds(forksPerBlock, wi, it, secs)));
        }
        long sd = seed != null ? seed : System.nanoTime() & 0xFFFF_FFFFL;
        SiteSelection.parse(sites);
        if (workers < 1 || workers > 64) {
            throw new IllegalArgumentException("--workers=" + workers + ", expected 1..64");
        }
        // Traffic with phases: every fork switches at the same measured iterations (the fork's benchmark splits them the same way).
        List<Lever> lv = Lever.parseAll(levers);
        if (live && !lv.isEmpty()) {
            throw new IllegalArgumentException("--source live runs the live receiver and its sender, which the levers do not cover: drop --lever");
        }
        Lever.launch(lv, Lever.processCpus());   // pin on 1 CPU: said now, not at the first fork
        return new RunSpec(m, base, d, traffic, workNs, workers, sites, new RunSpec.Budget(perArm, wi, it, secs), sd, quick, baselineForks,
                traffic.phases(it), lv);
    }

    /** The run as {@code run} would start it: its spec, this machine's provenance and the planned forks; nothing finished. */
    public RunResults plan(Consumer<String> log) {
        return resolve(log).start();
    }
}
