package io.icpbench.dispatch;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The settings of learned sites as typed values: the policy, the statistics, the thresholds and the
 * placement. A setting given as text is parsed here, once, at the edge ({@link #parse}, {@link #of},
 * {@link #current}); sites are built from the record.
 *
 * <p>The canonical text, written by {@link #format} and read by {@link #parse}; every key is
 * optional and a missing one takes its {@link #DEFAULT}:
 * <pre>
 *   policy=cree;stats=striped;thresholds=1000,1000,250;placement=stub
 * </pre>
 *
 * <p>IMPLEMENTATION NOTES. The same text is the promotion agent's learning keys and the last
 * bootstrap argument of every rewritten call site, so a class rewritten ahead of time carries its
 * settings. {@link #parse} and {@link #of} share one per-key parser ({@link #with(String, String)}), so a
 * value means the same on the command line, in an arm, in agent arguments and in a class file.
 *
 * @param policy     which targets an update installs
 * @param stats      where the per-worker statistics live
 * @param thresholds update, wipe and patch thresholds, hysteresis
 * @param placement  where a site's guard chain lives
 */
public record Learning(Policy policy, StatsStrategy stats, LearningConfig thresholds, Placement placement) {
    /** The system property with a JVM's learning settings in canonical form; it overrides the per-key ones. */
    public static final String PROPERTY = "icpbench.learning";
    /** The per-key system property of the policy ({@code -Dicpbench.policy=top-3}). */
    public static final String POLICY_PROPERTY = "icpbench.policy";
    /** The per-key system property of the statistics. */
    public static final String STATS_PROPERTY = "icpbench.stats";
    /** The per-key system property of the thresholds. */
    public static final String THRESHOLDS_PROPERTY = "icpbench.thresholds";
    /** The per-key system property of the placement. */
    public static final String PLACEMENT_PROPERTY = "icpbench.placement";

    /** The keys of the canonical form, in the order {@link #format} writes them. */
    public static final List<String> KEYS = List.of("policy", "stats", "thresholds", "placement");

    /**
     * Cree's algorithm: policy cree (top 2), striped statistics, thresholds 1000,1000,250, a stub per
     * site. The one place the defaults are written.
     */
    public static final Learning DEFAULT = new Learning(Policy.parse("cree"), StatsStrategy.STRIPED, LearningConfig.CREE, Placement.STUB);

    public Learning {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(thresholds, "thresholds");
        Objects.requireNonNull(placement, "placement");
    }

    /**
     * Parses the canonical form ("policy=top-3;placement=inline"); missing keys take the defaults,
     * null or blank text is {@link #DEFAULT}.
     *
     * @throws IllegalArgumentException naming the key, the bad value and what is expected
     */
    public static Learning parse(String text) {
        Learning l = DEFAULT;
        if (text == null || text.isBlank()) {
            return l;
        }
        Set<String> seen = new HashSet<>();
        for (String pair : text.split(";")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("learning setting '" + pair.trim() + "' is not key=value, expected one of "
                        + String.join(", ", KEYS) + " (" + DEFAULT.format() + ")");
            }
            String key = pair.substring(0, eq).trim();
            if (!seen.add(key)) {
                throw new IllegalArgumentException("learning setting " + key + " given twice in '" + text + "'");
            }
            l = l.with(key, pair.substring(eq + 1));
        }
        return l;
    }

    /**
     * The settings given as separate options (each null for its default), parsed as {@link #parse}
     * parses its keys.
     *
     * @throws IllegalArgumentException naming the key, the bad value and what is expected
     */
    public static Learning of(String policy, String placement, String stats, String thresholds) {
        Learning l = DEFAULT;
        if (policy != null) {
            l = l.with("policy", policy);
        }
        if (placement != null) {
            l = l.with("placement", placement);
        }
        if (stats != null) {
            l = l.with("stats", stats);
        }
        if (thresholds != null) {
            l = l.with("thresholds", thresholds);
        }
        return l;
    }

    /**
     * These settings with one key set from its text: the one parser of a setting's value.
     *
     * @throws IllegalArgumentException whose message starts with {@code key=value}, then says what is expected
     */
    public Learning with(String key, String value) {
        Objects.requireNonNull(value, key);
        value = value.strip();
        try {
            return switch (key) {
                case "policy" -> new Learning(Policy.parse(value), stats, thresholds, placement);
                case "stats" -> new Learning(policy, StatsStrategy.parse(value), thresholds, placement);
                case "thresholds" -> new Learning(policy, stats, LearningConfig.parse(value), placement);
                case "placement" -> new Learning(policy, stats, thresholds, Placement.parse(value));
                default -> throw new IllegalArgumentException(key + "=" + value + ": unknown learning setting '" + key
                        + "', expected one of " + String.join(", ", KEYS));
            };
        } catch (IllegalArgumentException e) {
            // The parsers' own messages mostly start "key=value, expected ..."; the policy's and the
            // thresholds' range checks do not, and get the setting in front.
            String setting = key + "=" + value;
            if (e.getMessage() != null && e.getMessage().startsWith(setting)) {
                throw e;
            }
            throw new IllegalArgumentException(setting + ": " + e.getMessage(), e);
        }
    }

    /** These settings with another placement. */
    public Learning withPlacement(Placement p) {
        return new Learning(policy, stats, thresholds, p);
    }

    /** These settings with other statistics. */
    public Learning withStats(StatsStrategy s) {
        return new Learning(policy, s, thresholds, placement);
    }

    /** These settings with other thresholds. */
    public Learning withThresholds(LearningConfig t) {
        return new Learning(policy, stats, t, placement);
    }

    /** The canonical text: every key, in {@link #KEYS} order; {@code parse(format())} equals this. */
    public String format() {
        return "policy=" + policy.text() + ";stats=" + stats.name().toLowerCase(Locale.ROOT) + ";thresholds=" + thresholds.format()
                + ";placement=" + placement.cliName();
    }

    @Override
    public String toString() {
        return format();
    }

    /**
     * This JVM's settings, read once: {@code -Dicpbench.learning} in canonical form if set, else the
     * per-key {@code -Dicpbench.policy}, {@code .stats}, {@code .thresholds}, {@code .placement}.
     *
     * @throws IllegalArgumentException (wrapped in the holder's initializer error) on a bad property
     */
    public static Learning current() {
        return Current.VALUE;
    }

    /** The lazy holder of {@link #current()}: the properties are read when a learned site first asks. */
    private static final class Current {
        static final Learning VALUE = fromProperties(System::getProperty);
    }

    /** The settings that system properties (looked up through {@code property}) give; see {@link #current()}. */
    static Learning fromProperties(UnaryOperator<String> property) {
        String text = property.apply(PROPERTY);
        if (text != null) {
            try {
                return parse(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("-D" + PROPERTY + "=" + text + ": " + e.getMessage(), e);
            }
        }
        try {
            return of(property.apply(POLICY_PROPERTY), property.apply(PLACEMENT_PROPERTY), property.apply(STATS_PROPERTY),
                    property.apply(THRESHOLDS_PROPERTY));
        } catch (IllegalArgumentException e) {
            // Every per-key property is "icpbench." + its key, and the message starts "key=value".
            throw new IllegalArgumentException("-Dicpbench." + e.getMessage(), e);
        }
    }

    /**
     * A learning policy and the text it was parsed from ("cree", "top-3,learn-once"), which is how it
     * is written back and compared. Made only by {@link Learning}, so the text always names the rule.
     */
    public static final class Policy implements LearningPolicy {
        private final String text;
        private final LearningPolicy rule;

        private Policy(String text, LearningPolicy rule) {
            this.text = text;
            this.rule = rule;
        }

        private static Policy parse(String text) {
            return new Policy(text.trim(), LearningPolicy.parse(text));
        }

        /** The canonical text ("cree", "top-3,learn-once"). */
        public String text() {
            return text;
        }

        @Override
        public List<Class<?>> select(List<Candidate> sorted, long total, LearningConfig config) {
            return rule.select(sorted, total, config);
        }

        @Override
        public boolean learnOnce() {
            return rule.learnOnce();
        }

        /** The rule's name ("top-2" for cree). */
        @Override
        public String name() {
            return rule.name();
        }

        /*
         * The rules are anonymous classes without value equality, and the text decides the rule, so
         * two policies are equal when their texts are ("cree" and "top-2" pick alike but differ).
         */
        @Override
        public boolean equals(Object o) {
            return o instanceof Policy p && p.text.equals(text);
        }

        @Override
        public int hashCode() {
            return text.hashCode();
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
