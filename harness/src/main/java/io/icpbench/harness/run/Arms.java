package io.icpbench.harness.run;

import io.icpbench.dispatch.Mode;
import io.icpbench.results.RunResults;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The arms of {@code icpbench run}: {@code --arm NAME=SPEC}, where SPEC is a mode followed by
 * {@code ;key=value} settings, e.g. {@code dc-stub-once=dynamic-call;placement=stub;policy=cree,learn-once}.
 *
 * <pre>
 *   keys        what                                           modes
 *   placement   stub, inline, mh-field, adaptive               dynamic-call, promoted
 *   policy      cree, top-1..top-4, llvm, gcc [,learn-once]    dynamic-call, promoted
 *   stats       striped, thread_local, shared, sampled, ...    dynamic-call, promoted
 *   thresholds  U,W,P[,H]                                      dynamic-call, promoted
 *   sites       all, none, 1-5,9                               every mode (default: the run's --sites)
 *   jvm         extra JVM flags, blank-separated               every mode
 *   planted     PERCENT: a planted effect, that much more work     every mode
 *               per credited packet (1: one packet in 101 uncredited)
 * </pre>
 * Everything is checked when the run starts, so a bad arm costs no fork.
 */
public final class Arms {
    /** The keys an arm takes, in the order {@link RunResults.Arm#spec()} writes them. */
    public static final List<String> KEYS = List.of("placement", "policy", "stats", "thresholds", "sites", "jvm", "planted");
    private static final Set<String> LEARNED_KEYS = Set.of("placement", "policy", "stats", "thresholds");

    private Arms() {
    }

    /**
     * Parses {@code NAME=SPEC}.
     *
     * @throws IllegalArgumentException in one line, naming the arm and what is wrong
     */
    public static ArmSpec parse(String arg) {
        int eq = arg.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("--arm " + arg + ": expected NAME=MODE[;key=value...], e.g. dc-once=dynamic-call;policy=cree,learn-once");
        }
        String name = arg.substring(0, eq).trim();
        String spec = arg.substring(eq + 1);
        if (!name.matches("[A-Za-z0-9._+-]+")) {
            throw new IllegalArgumentException("--arm " + arg + ": name '" + name + "' may hold only letters, digits, '.', '_', '+' and '-'");
        }
        String[] parts = spec.split(";", -1);
        String modeName = parts[0].trim();
        Mode mode;
        try {
            mode = Mode.parse(modeName);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--arm " + name + ": " + e.getMessage());
        }
        if (Mode.names().contains(name) && !name.equals(mode.cliName())) {
            throw new IllegalArgumentException("--arm " + name + ": an arm named after the mode " + name + " must run that mode, not " + mode.cliName());
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (String part : Arrays.asList(parts).subList(1, parts.length)) {
            int e = part.indexOf('=');
            String key = e < 0 ? part.trim() : part.substring(0, e).trim();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("--arm " + name + ": unknown setting '" + key + "', expected one of " + String.join(", ", KEYS));
            }
            if (e < 0 || part.substring(e + 1).isBlank()) {
                throw new IllegalArgumentException("--arm " + name + ": setting " + key + " has no value (" + key + "=VALUE)");
            }
            if (settings.put(key, part.substring(e + 1).trim()) != null) {
                throw new IllegalArgumentException("--arm " + name + ": setting " + key + " given twice");
            }
            if (LEARNED_KEYS.contains(key) && !mode.learns()) {
                throw new IllegalArgumentException("--arm " + name + ": " + key + " is a setting of the learned modes (dynamic-call, promoted), not of "
                        + mode.cliName());
            }
        }
        List<String> jvm = settings.containsKey("jvm") ? List.of(settings.get("jvm").trim().split("\\s+")) : List.of();
        for (String flag : jvm) {
            if (!flag.startsWith("-")) {
                throw new IllegalArgumentException("--arm " + name + ": jvm flag '" + flag + "' does not start with '-'");
            }
            if (flag.startsWith("-D" + Mode.PROPERTY + "=") || flag.startsWith("-javaagent:")) {
                throw new IllegalArgumentException("--arm " + name + ": jvm flag '" + flag + "' would change the mode; give the mode as the SPEC's first word");
            }
        }
        RunResults.Arm written = new RunResults.Arm(name, mode.cliName(), settings.get("placement"), settings.get("policy"), settings.get("stats"),
                settings.get("thresholds"), settings.get("sites"), jvm, settings.get("planted"));
        ArmSpec typed;
        try {
            typed = ArmSpec.of(written);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--arm " + name + ": " + e.getMessage());
        }
        // The placement as results name it ("STUB" is written "stub"); the other settings stay as given.
        if (written.placement() != null) {
            written = new RunResults.Arm(name, written.mode(), typed.learning().placement().cliName(), written.policy(), written.stats(),
                    written.thresholds(), written.sites(), written.jvm(), written.planted());
        }
        return new ArmSpec(written, typed.mode(), typed.learning(), typed.planted());
    }

    /**
     * The arms of a run: one per mode of {@code modes} (named after it), then the {@code --arm}s;
     * with neither, the default modes.
     *
     * @throws IllegalArgumentException on a bad arm or a name given twice
     */
    public static List<ArmSpec> of(List<String> modes, List<String> armArgs, List<String> defaultModes) {
        List<ArmSpec> arms = new ArrayList<>();
        List<String> m = modes != null ? modes : (armArgs == null || armArgs.isEmpty() ? defaultModes : List.of());
        for (String mode : m) {
            arms.add(ArmSpec.of(RunResults.Arm.ofMode(Mode.parse(mode.trim()).cliName())));
        }
        if (armArgs != null) {
            for (String a : armArgs) {
                arms.add(parse(a));
            }
        }
        Set<String> names = new HashSet<>();
        for (ArmSpec a : arms) {
            if (!names.add(a.name())) {
                throw new IllegalArgumentException("arm '" + a.name() + "' is given twice (--modes and --arm names must all differ)");
            }
        }
        return arms;
    }

    /** The name of the built-in A/A arm: the baseline again, in forks of its own (true effect 0). */
    public static final String AA = "aa";
    /** The name of the built-in planted-effect arm: the baseline with {@link #PLANTED_PERCENT}% more work per credited packet. */
    public static final String PLANTED = "planted";
    /**
     * The planted arm's effect: one extra whole operation, uncredited, every 50 ({@link
     * io.icpbench.harness.bench.PlantedEffect}), a true rate ratio of 1/1.02 against the baseline.
     * 2%, outside the default ±1% equivalence margin: a planted effect inside the margin would be
     * called equivalent as precision grows, never slower, and the control could not fail.
     */
    public static final String PLANTED_PERCENT = "2";

    /**
     * The arms of a run with its two controls added after them: {@link #AA}, the baseline's spec
     * again, and {@link #PLANTED}, the baseline's spec with a planted 2% effect. Their true effects
     * are known by construction (0, and a rate ratio of 1/1.02: −1.96% in rate), so every run shows
     * what its own design can and cannot resolve.
     *
     * @throws IllegalArgumentException if the baseline is not one of the arms, or an arm already has a control's name
     */
    public static List<ArmSpec> withControls(List<ArmSpec> arms, String baseline) {
        ArmSpec base = arms.stream().filter(a -> a.name().equals(baseline)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "--baseline " + baseline + ": no such arm, expected one of " + arms.stream().map(ArmSpec::name).toList()));
        if (base.planted() != null) {
            throw new IllegalArgumentException("--baseline " + baseline + " has a planted effect; a baseline must not");
        }
        List<ArmSpec> out = new ArrayList<>(arms);
        for (String name : List.of(AA, PLANTED)) {
            if (arms.stream().anyMatch(a -> a.name().equals(name))) {
                throw new IllegalArgumentException("arm name '" + name + "' is the built-in control's; rename the arm or use --no-controls");
            }
        }
        RunResults.Arm b = base.written();
        out.add(new ArmSpec(new RunResults.Arm(AA, b.mode(), b.placement(), b.policy(), b.stats(), b.thresholds(), b.sites(), b.jvm(), null),
                base.mode(), base.learning(), null));
        out.add(new ArmSpec(new RunResults.Arm(PLANTED, b.mode(), b.placement(), b.policy(), b.stats(), b.thresholds(), b.sites(), b.jvm(),
                PLANTED_PERCENT), base.mode(), base.learning(), ArmSpec.plantedPercent(PLANTED_PERCENT)));
        return out;
    }
}
