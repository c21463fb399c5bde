package io.icpbench.dispatch;

import java.util.Locale;

/**
 * Where a learned site's guard chain lives, and so what one patch (an update that installs new
 * targets) costs. A setting of both learned modes and of the promotion agent.
 *
 * <p>IMPLEMENTATION NOTES. In the kernel a {@code static_call_update} rewrites one call instruction
 * with {@code text_poke_bp} (up to 3 broadcast IPIs), and the function around it keeps running.
 * On HotSpot a {@link java.lang.invoke.MutableCallSite#setTarget} invalidates every compiled method
 * that inlined the call site's target. What that throws away depends on where the chain is:
 * <ul>
 * <li>{@link #STUB}: Cree's out-of-line {@code dynamic_foo()}. Each site's chain is reached through
 *     a per-site stub method that the JIT never inlines into its caller (its bytecode is longer than
 *     {@code FreqInlineSize}); only the stub's own compiled code depends on the chain, so a patch
 *     recompiles the stub and nothing else. The caller pays one direct call.</li>
 * <li>{@link #INLINE}: the chain is inlined into the caller (the receive path), and a patch
 *     invalidates the caller's whole compiled tree. Kept for comparison.</li>
 * <li>{@link #MH_FIELD}: the chain is held in a plain field that the stub loads and invokes on each
 *     call; a patch is a store and nothing is recompiled, but every call pays an indirect jump (a
 *     method-handle invocation that C2 cannot inline). This prices Cree's rule with free patches.</li>
 * </ul>
 * <ul>
 * <li>{@link #ADAPTIVE}: a JVM adaptation. A site starts as {@link #INLINE} (its chain inlined into
 *     the caller, the cheapest call) and moves out of line, as {@link #STUB}, at the patch after
 *     {@link #INLINE_PATCHES}: a site that learns once (most do) pays no stub, a site that keeps
 *     relearning pays at most {@code INLINE_PATCHES + 1} recompilations of its caller, then stores.</li>
 * </ul>
 * In every placement the chain itself is plain bytecode generated per target set (exact-class
 * guards, direct calls) and cached per site, so a site that flips between the same target sets
 * reuses code that is already compiled.
 */
public enum Placement {
    /** The chain in a per-site stub that is never inlined into its caller (the default). */
    STUB,
    /** The chain inlined into the caller: a patch recompiles the caller. */
    INLINE,
    /** The chain behind a plain field: a patch is a store, every call an indirect jump. */
    MH_FIELD,
    /** Inline until the site has patched {@link #INLINE_PATCHES} times, then as a stub. */
    ADAPTIVE;

    /** ADAPTIVE: patches a site makes inline before it moves out of line. */
    public static final int INLINE_PATCHES = 2;

    /** The name on the command line and in results ("mh-field"). */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses "stub", "inline", "mh-field" or "adaptive" (any case, '-' or '_'); the error lists the valid ones. */
    public static Placement parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("placement=" + s + ", expected stub, inline, mh-field or adaptive", e);
        }
    }
}
