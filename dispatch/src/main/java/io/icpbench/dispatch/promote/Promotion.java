package io.icpbench.dispatch.promote;

import io.icpbench.dispatch.DynamicSite;
import io.icpbench.dispatch.LearningConfig;
import io.icpbench.dispatch.LearningPolicy;
import io.icpbench.dispatch.Placement;
import io.icpbench.dispatch.StatsStrategy;
import io.icpbench.dispatch.Updater;
import java.lang.invoke.CallSite;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Locale;

/**
 * The bootstrap of promoted call sites: each rewritten instruction gets its own learned
 * {@link DynamicSite} (own table, own statistics), configured by the promotion options. In the
 * inline placement the instruction links to the site's mutable call site (a patch recompiles the
 * caller); otherwise to a constant call site bound to the site's stub.
 */
public final class Promotion {
    private static volatile RewriteOptions options = RewriteOptions.forPackages("-");

    private Promotion() {
    }

    /**
     * Checks and sets the learning configuration of sites bootstrapped from now on through the
     * bootstrap without settings (the agent calls this). Sites rewritten by this version's
     * {@link Rewriter} carry their own settings.
     */
    public static void configure(RewriteOptions opts) {
        LearningPolicy.parse(opts.policy());
        statsOf(opts.stats());
        configOf(opts.thresholds());
        Placement.parse(opts.placement());
        options = opts;
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
        return bootstrap(caller, name, type, siteName, owner, options);
    }

    /**
     * The invokedynamic bootstrap of the rewriter: as above, with the learning settings the site was
     * rewritten with ({@link RewriteOptions#learning()}).
     */
    public static CallSite bootstrap(MethodHandles.Lookup caller, String name, MethodType type, String siteName, Class<?> owner,
            String learning) {
        RewriteOptions o = LEARNING.computeIfAbsent(learning, l -> RewriteOptions.parse("packages=-;" + l));
        return bootstrap(caller, name, type, siteName, owner, o);
    }

    private static final java.util.Map<String, RewriteOptions> LEARNING = new java.util.concurrent.ConcurrentHashMap<>();

    private static CallSite bootstrap(MethodHandles.Lookup caller, String name, MethodType type, String siteName, Class<?> owner,
            RewriteOptions o) {
        DynamicSite site = new DynamicSite(siteName, caller, owner, name, type, LearningPolicy.parse(o.policy()),
                configOf(o.thresholds()), statsOf(o.stats()), Placement.parse(o.placement()), Updater.background());
        return site.callSite();
    }

    static StatsStrategy statsOf(String s) {
        return StatsStrategy.parse(s);
    }

    static LearningConfig configOf(String s) {
        return LearningConfig.parse(s);
    }
}
