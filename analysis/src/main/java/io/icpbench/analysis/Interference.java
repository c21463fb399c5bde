package io.icpbench.analysis;

import io.icpbench.dispatch.Mode;
import io.icpbench.results.RunResults;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * A control for cross-arm interference, measured inside an interleaved run: does a fork of an arm
 * that does not learn (the baseline, the controls) measure slower right after a learning arm's turn
 * than right after another turn?
 *
 * <p>Why: on 2 CPUs the forks of a block share the machine. A learning fork keeps working while it
 * waits for its turn: its learner thread, and the JIT recompiling what each patch invalidated. If
 * that work spills into the next fork's turn, it slows the baseline's turns by an amount that
 * depends on which arms are in the block, a bias no A/A pair can see (both sides of the pair suffer
 * it alike). The turn order is random in every round, so each fork's turns follow a learning arm's
 * turn in some rounds and another arm's in others: the difference of its mean ln rate between the
 * two kinds of turn, taken within the fork (fork effects cancel), averaged over forks with a t
 * interval, is the interference, and 0 is what an interference-free machine gives.
 *
 * @param forks        forks compared (of arms that do not learn, with turns of both kinds)
 * @param afterLearned their measured turns right after a learning arm's turn; afterOther right after another arm's
 * @param mean         mean over forks of ln rate after a learning turn − ln rate after another (negative: slower after)
 * @param se           its standard error; df its degrees of freedom (forks − 1); p two-sided
 * @param ciLow        95% interval of {@code mean}, low and high
 */
public record Interference(int forks, int afterLearned, int afterOther, double mean, double se, double df, double p, double ciLow,
        double ciHigh) {

    /**
     * The interference control of run {@code r} from its turns, or null when it cannot be computed:
     * no turns, no learning arm or no arm that does not learn, fewer than 2 forks with turns of both kinds.
     */
    public static Interference of(RunResults r, Turns turns) {
        if (turns == null) {
            return null;
        }
        Map<String, Boolean> learns = new HashMap<>();
        for (RunResults.Arm a : r.settings().arms()) {
            boolean l;
            try {
                l = Mode.parse(a.mode()).learns();
            } catch (IllegalArgumentException e) {
                l = false;   // a mode this icpbench does not know: counted as not learning
            }
            learns.put(a.name(), l);
        }
        if (!learns.containsValue(true) || !learns.containsValue(false)) {
            return null;
        }
        Map<Integer, RunResults.ForkResult> forks = new HashMap<>();
        r.forks().forEach(f -> forks.put(f.index(), f));
        // Per block, every turn in time order: a turn's predecessor is the turn before it in its block.
        Map<Integer, List<Turns.Turn>> byBlock = new HashMap<>();
        for (Turns.Turn t : turns.turns()) {
            byBlock.computeIfAbsent(t.block(), b -> new ArrayList<>()).add(t);
        }
        Map<Long, Boolean> afterLearning = new HashMap<>();
        for (List<Turns.Turn> ts : byBlock.values()) {
            ts.sort(Comparator.comparingLong(Turns.Turn::startUs));
            for (int i = 1; i < ts.size(); i++) {
                afterLearning.put(Turns.key(ts.get(i)), learns.getOrDefault(ts.get(i - 1).arm(), false));
            }
        }
        List<Double> diffs = new ArrayList<>();
        int nLearned = 0;
        int nOther = 0;
        for (Map.Entry<Integer, List<Turns.Turn>> e : turns.measuredByFork().entrySet()) {
            RunResults.ForkResult f = forks.get(e.getKey());
            List<Turns.Turn> ts = e.getValue();
            if (f == null || learns.getOrDefault(f.arm(), true) || ts.size() != f.scoresNsPerPacket().size()) {
                continue;
            }
            double sumL = 0;
            double sumO = 0;
            int l = 0;
            int o = 0;
            for (int n = 0; n < ts.size(); n++) {
                Boolean after = afterLearning.get(Turns.key(ts.get(n)));
                if (after == null) {
                    continue;
                }
                double lnRate = Math.log(1e9 / f.scoresNsPerPacket().get(n));
                if (after) {
                    sumL += lnRate;
                    l++;
                } else {
                    sumO += lnRate;
                    o++;
                }
            }
            if (l > 0 && o > 0) {
                diffs.add(sumL / l - sumO / o);
                nLearned += l;
                nOther += o;
            }
        }
        if (diffs.size() < 2) {
            return null;
        }
        double[] d = diffs.stream().mapToDouble(Double::doubleValue).toArray();
        double mean = Stats.mean(d);
        double se = Stats.sd(d) / Math.sqrt(d.length);
        double df = d.length - 1;
        TDistribution t = new TDistribution(df);
        double p = se > 0 ? 2 * t.cumulativeProbability(-Math.abs(mean / se)) : (mean == 0 ? 1 : 0);
        double q = t.inverseCumulativeProbability(1 - Stats.ALPHA / 2);
        return new Interference(d.length, nLearned, nOther, mean, se, df, p, mean - q * se, mean + q * se);
    }

    /** Whether the run shows interference: the 95% interval excludes 0. */
    public boolean significant() {
        return p < Stats.ALPHA;
    }

    /** The diagnostic line of report.md. */
    public String line() {
        return String.format(Locale.ROOT, "interference: the turns of arms that do not learn ran %+.2f%% [%+.2f%%, %+.2f%%] right after a "
                + "learning arm's turn than after another arm's (%d forks, %d and %d turns, p=%s)%s", 100 * Math.expm1(mean),
                100 * Math.expm1(ciLow), 100 * Math.expm1(ciHigh), forks, afterLearned, afterOther, MarkdownReport.pValue(p),
                significant() ? "  <- a learning fork's background work (its learner, its JIT) slows the next turn" : ", none shown");
    }
}
