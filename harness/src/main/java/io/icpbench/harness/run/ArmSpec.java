package io.icpbench.harness.run;

import io.icpbench.dispatch.Learning;
import io.icpbench.dispatch.Mode;
import io.icpbench.harness.bench.PlantedEffect;
import io.icpbench.results.RunResults;
import io.icpbench.stack.SiteSelection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An arm, typed: its mode, its learned sites' settings and its planted effect, read once from the
 * arm as it was written ({@code --arm NAME=SPEC}, or a results file's arm) and never re-parsed.
 *
 * @param written  the arm as written: its name, and its settings as given (reports and results files
 *                 show these, the defaults left out)
 * @param mode     its dispatch mode
 * @param learning its learned sites' settings, the defaults filled in; null for a mode that does not learn
 * @param planted  its planted effect, percent more work per credited packet; null for none
 */
public record ArmSpec(RunResults.Arm written, Mode mode, Learning learning, Double planted) {
    /**
     * Types an arm as written.
     *
     * @throws IllegalArgumentException naming the setting, the bad value and what is expected
     */
    public static ArmSpec of(RunResults.Arm a) {
        Mode mode = Mode.parse(a.mode());
        Learning learning = mode.learns() ? Learning.of(a.policy(), a.placement(), a.stats(), a.thresholds()) : null;
        if (learning == null && (a.policy() != null || a.placement() != null || a.stats() != null || a.thresholds() != null)) {
            throw new IllegalArgumentException("policy, placement, stats and thresholds are settings of the learned modes (dynamic-call, promoted), "
                    + "not of " + mode.cliName());
        }
        if (a.sites() != null) {
            SiteSelection.parse(a.sites());
        }
        return new ArmSpec(a, mode, learning, a.planted() == null ? null : plantedPercent(a.planted()));
    }

    /** A planted effect's percentage, checked. */
    static double plantedPercent(String text) {
        double pct;
        try {
            pct = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("planted=" + text + ", expected a percentage such as 2 or 0.5");
        }
        if (!(pct > 0 && pct <= 100)) {
            throw new IllegalArgumentException("planted=" + text + ", expected a percentage above 0 and at most 100");
        }
        return pct;
    }

    /** The arm's name. */
    public String name() {
        return written.name();
    }

    /**
     * The system properties of the arm's forks besides its mode and learning (which {@link Forks#command}
     * passes): its sites (else the run's {@code runSites}) and its planted effect.
     */
    public Map<String, String> properties(String runSites) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(SiteSelection.PROPERTY, written.sites() != null ? written.sites() : runSites);
        if (written.planted() != null) {
            p.put(PlantedEffect.PROPERTY, written.planted());
        }
        return p;
    }
}
