package io.icpbench.dispatch;

/**
 * The mode of this JVM, read once from {@code -Dicpbench.mode} and folded into constants.
 *
 * <p>Call sites test {@code Dispatch.MODE_ID == Dispatch.DYNAMIC_CALL} and the like: a
 * {@code static final int} compared with a constant is folded by the JIT, so each mode compiles to
 * its own straight-line site. (A {@code switch} over the enum would not fold: it reads a synthetic
 * array.)
 */
public final class Dispatch {
    public static final Mode MODE = parseMode();
    public static final int MODE_ID = MODE.id;

    public static final int VIRTUAL = 0, VIRTUAL_NOPROFILE = 1, INDIRECT_CALL = 2, DYNAMIC_CALL = 3, PROMOTED = 4,
            DEVIRTUALIZED = 5, VIRTUAL_MEGAMORPHIC = 6;

    private Dispatch() {
    }

    private static Mode parseMode() {
        String value = System.getProperty(Mode.PROPERTY, "virtual");
        try {
            return Mode.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-D" + Mode.PROPERTY + ": " + e.getMessage(), e);
        }
    }
}
