package io.icpbench.dispatch;

import java.util.List;
import java.util.Locale;

/** A dispatch mode: how the stack's indirect call sites dispatch. One JVM runs one mode. */
public enum Mode {
    /** Plain indirect calls; C2's own profile-guided inlining applies. */
    VIRTUAL(0, "plain indirect calls, C2's profile-guided inlining on"),
    /** The same code as VIRTUAL in a JVM that cannot speculate on receiver types: the retpoline world. */
    VIRTUAL_NOPROFILE(1, "plain indirect calls, receiver-type speculation and inline caches off"),
    /**
     * The same code as VIRTUAL with only the stack's ops call sites kept megamorphic: the retpoline
     * world, where the ops calls pay and nothing else does. Their type profiles are filled with
     * dummy receivers before any traffic, so C2 finds no receiver to inline there.
     */
    VIRTUAL_MEGAMORPHIC(6, "plain indirect calls, only the ops call sites megamorphic (profiles filled with dummies)"),
    /** The kernel's INDIRECT_CALL_n: each site compares the kernel's fixed candidate list, in order. */
    INDIRECT_CALL(2, "the kernel's fixed per-site candidate lists (INDIRECT_CALL_n)"),
    /** Cree's dynamic_call, written into each site by hand: targets learned at run time. */
    DYNAMIC_CALL(3, "learned targets, sites converted by hand (dynamic_call)"),
    /** Amit's transparent promotion: unchanged callers, sites rewritten as classes load. */
    PROMOTED(4, "learned targets, sites rewritten at class load (transparent promotion)"),
    /** Upper bound: the dominant targets called directly, the rest through the plain call. */
    DEVIRTUALIZED(5, "the dominant targets called directly (upper bound)");

    /** The system property that chooses the mode of a JVM. */
    public static final String PROPERTY = "icpbench.mode";

    /**
     * The flags of {@link #VIRTUAL_NOPROFILE}. {@code -XX:-UseTypeProfile}, {@code TypeProfileWidth=0},
     * {@code -XX:-UseTypeSpeculation}, {@code TypeProfileLevel=0} and {@code -XX:-UseBimorphicInlining}
     * stop C2 from inlining a call site on the strength of its receiver profile;
     * {@code -XX:-UseInlineCaches} sends every virtual and interface call through the vtable or
     * itable stub instead of a monomorphic inline cache (itself a guarded direct call). What is left:
     * class hierarchy analysis still binds calls to an interface with one loaded implementor.
     */
    public static final List<String> NOPROFILE_FLAGS = List.of("-XX:-UseTypeProfile", "-XX:TypeProfileWidth=0",
            "-XX:-UseTypeSpeculation", "-XX:TypeProfileLevel=0", "-XX:-UseBimorphicInlining", "-XX:-UseInlineCaches");

    /**
     * The flags of {@link #VIRTUAL_MEGAMORPHIC}. {@code -XX:-UseInlineCaches} sends every call that
     * C2 did not inline through the vtable or itable stub instead of a monomorphic inline cache
     * (itself a guarded direct call): the ops sites, whose profiles hold only dummies, then pay an
     * indirect jump on every call, as a retpolined kernel does, even where one class reaches them at
     * run time. Inline caches do not change what C2 inlines, so the rest of the path compiles as in
     * {@link #VIRTUAL} (scripts/inlining-report.sh compares them); the calls outside the ops sites
     * that C2 leaves out of line, which are few and off the per-packet path, take the stub too.
     */
    public static final List<String> MEGAMORPHIC_FLAGS = List.of("-XX:-UseInlineCaches");

    /** An int for {@code static final int} comparisons that C2 folds (an enum switch it would not). */
    public final int id;
    private final String description;

    Mode(int id, String description) {
        this.id = id;
        this.description = description;
    }

    /** The name used on the command line and in results ("dynamic-call"). */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public String description() {
        return description;
    }

    /** JVM flags a fork of this mode needs besides {@code -Dicpbench.mode}. */
    public List<String> jvmFlags() {
        return switch (this) {
            case VIRTUAL_NOPROFILE -> NOPROFILE_FLAGS;
            case VIRTUAL_MEGAMORPHIC -> MEGAMORPHIC_FLAGS;
            default -> List.of();
        };
    }

    /** Whether the mode's sites learn their targets at run time (dynamic-call, promoted). */
    public boolean learns() {
        return this == DYNAMIC_CALL || this == PROMOTED;
    }

    /** Whether a JVM of this mode runs the promotion agent (promoted). */
    public boolean needsAgent() {
        return this == PROMOTED;
    }

    /** The learning settings of the mode's sites when none are given: {@link Learning#DEFAULT} if it learns, else null. */
    public Learning defaultLearning() {
        return learns() ? Learning.DEFAULT : null;
    }

    /** Parses a command-line name; the error lists the valid ones. */
    public static Mode parse(String name) {
        for (Mode m : values()) {
            if (m.cliName().equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown mode '" + name + "', expected one of " + names());
    }

    public static List<String> names() {
        return java.util.Arrays.stream(values()).map(Mode::cliName).toList();
    }

    /** Prints the JVM flags of the mode named by the argument on one line (for scripts). */
    public static void main(String[] args) {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: Mode MODE, expected one of " + names());
        }
        System.out.println(String.join(" ", parse(args[0]).jvmFlags()));
    }
}
