package io.icpbench.dispatch.promote;

import io.icpbench.dispatch.DynamicSite;
import io.icpbench.dispatch.Learning;
import io.icpbench.dispatch.Updater;
import java.lang.invoke.CallSite;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bootstrap of promoted call sites: each rewritten instruction gets its own learned
 * {@link DynamicSite} (own table, own statistics), configured by the promotion options. In the
 * inline placement the instruction links to the site's mutable call site (a patch recompiles the
 * caller); otherwise to a constant call site bound to the site's stub.
 */
public final class Promotion {
    private static volatile Learning configured = Learning.DEFAULT;
    /** The settings of each distinct bootstrap argument, parsed once. */
    private static final Map<String, Learning> LEARNING = new ConcurrentHashMap<>();

    private Promotion() {
    }

    /**
     * Sets the learning settings of sites bootstrapped from now on through the bootstrap without
     * settings (the agent calls this). Sites rewritten by this version's {@link Rewriter} carry
     * their own settings.
     */
    public static void configure(RewriteOptions opts) {
        configured = opts.learning();
    }

    /**
     * The invokedynamic bootstrap.
     *
     * @param name     the interface method's name
     * @param type     the call's type, receiver first
     * @param siteName the site's stable name: its {@code @OpsCallSite} name ("napi->poll"), or
     *                 "Class.method -> Iface.method" for a call in a method without one
     * @param owner    the receiver's static type (the ops interface, or a class implementing it)
     */
    public static CallSite bootstrap(MethodHandles.Lookup caller, String name, MethodType type, String siteName, Class<?> owner) {
        return bootstrap(caller, name, type, siteName, owner, configured);
    }

    /**
     * The invokedynamic bootstrap of the rewriter: as above, with the learning settings the site was
     * rewritten with, in {@link Learning#parse} form.
     */
    public static CallSite bootstrap(MethodHandles.Lookup caller, String name, MethodType type, String siteName, Class<?> owner,
            String learning) {
        return bootstrap(caller, name, type, siteName, owner, LEARNING.computeIfAbsent(learning, Learning::parse));
    }

    private static CallSite bootstrap(MethodHandles.Lookup caller, String name, MethodType type, String siteName, Class<?> owner,
            Learning learning) {
        return new DynamicSite(siteName, caller, owner, name, type, learning, Updater.background()).callSite();
    }
}
