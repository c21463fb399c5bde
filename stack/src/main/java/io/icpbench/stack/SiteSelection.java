package io.icpbench.stack;

import java.util.ArrayList;
import java.util.List;

/**
 * Which of the call sites ({@link Site}, 1..{@link Site#COUNT}) a mode converts; the others stay
 * plain indirect calls. Read once from {@code -Dicpbench.sites}: "all" (the default), "none", or
 * sites and ranges such as "1-5,9". It applies to indirect-call, dynamic-call, devirtualized,
 * virtual-megamorphic (the sites it keeps megamorphic) and, through the rewriter's exclude list,
 * promoted.
 */
public final class SiteSelection {
    /** The system property. */
    public static final String PROPERTY = "icpbench.sites";

    private static final boolean[] CONVERTED = parse(System.getProperty(PROPERTY, "all"));

    private SiteSelection() {
    }

    /** Whether site {@code n} (1..{@link Site#COUNT}) is converted in this JVM. */
    public static boolean converted(int n) {
        return CONVERTED[n];
    }

    /**
     * Parses a selection.
     *
     * @return index 1..{@link Site#COUNT}: converted or not (index 0 unused)
     */
    public static boolean[] parse(String text) {
        boolean[] on = new boolean[Site.COUNT + 1];
        String t = text.trim();
        if (t.equals("all")) {
            java.util.Arrays.fill(on, 1, on.length, true);
            return on;
        }
        if (t.equals("none")) {
            return on;
        }
        try {
            for (String part : t.split(",")) {
                String p = part.trim();
                int dash = p.indexOf('-');
                int lo = Integer.parseInt(dash < 0 ? p : p.substring(0, dash).trim());
                int hi = dash < 0 ? lo : Integer.parseInt(p.substring(dash + 1).trim());
                if (lo < 1 || hi > Site.COUNT || lo > hi) {
                    throw new IllegalArgumentException("sites=" + text + ": '" + p + "', expected sites 1.." + Site.COUNT);
                }
                for (int i = lo; i <= hi; i++) {
                    on[i] = true;
                }
            }
            return on;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("sites=" + text + ", expected all, none, or sites 1.." + Site.COUNT
                    + " and ranges such as 1-5,9", e);
        }
    }

    /**
     * The rewriter's exclude entries for the sites {@code text} leaves plain: their kernel names
     * ("nf_hook_entry->hook"), which name the promoted sites of their {@code @OpsCallSite} methods.
     */
    public static List<String> promotionExcludes(String text) {
        boolean[] on = parse(text);
        List<String> out = new ArrayList<>();
        for (Site s : Site.values()) {
            if (!on[s.number]) {
                out.add(s.kernelName);
            }
        }
        return out;
    }
}
