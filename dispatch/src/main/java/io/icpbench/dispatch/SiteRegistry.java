package io.icpbench.dispatch;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Every learned site created in this JVM, for introspection. */
public final class SiteRegistry {
    private static final List<DynamicSite> SITES = new CopyOnWriteArrayList<>();

    private SiteRegistry() {
    }

    static void register(DynamicSite site) {
        SITES.add(site);
    }

    /** The sites in creation order. */
    public static List<DynamicSite> all() {
        return List.copyOf(SITES);
    }

    /** Forgets every site (tests). */
    public static void clear() {
        SITES.clear();
    }
}
