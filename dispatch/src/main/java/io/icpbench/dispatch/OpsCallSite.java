package io.icpbench.dispatch;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the ops call site in a method: the method holds exactly one call of an
 * {@link OpsStruct} method, and this is the site's kernel name ("nf_hook_entry->hook"). The
 * promotion rewriter names the site it rewrites there by this value, so a promoted site and the
 * same site converted by hand ({@code dynamic-call}) carry one name. Calls in methods without it
 * are named "Class.method -> Iface.method" (an extra site, no line number).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface OpsCallSite {
    /** The site's name as reports show it. */
    String value();
}
