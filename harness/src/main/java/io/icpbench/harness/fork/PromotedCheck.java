package io.icpbench.harness.fork;

import io.icpbench.dispatch.Dispatch;
import io.icpbench.dispatch.Mode;
import io.icpbench.dispatch.SiteRegistry;
import io.icpbench.dispatch.promote.PromotionAgent;

/**
 * Whether a promoted JVM really runs promoted: without this check a class the agent failed to
 * rewrite loads unchanged, and a fork whose sites never registered measures plain virtual calls
 * under the name promoted.
 *
 * <p>Checked after the warmup (every site of the receive path has run by then). With
 * {@code --sites none} promoted converts no site by request, so no learned site is expected and
 * only the agent's failures count.
 */
public final class PromotedCheck {
    private PromotedCheck() {
    }

    /**
     * The problem, in one line, or null if there is none.
     *
     * @param agentInstalled  whether the promotion agent runs in this JVM
     * @param failedClasses   classes the agent failed to rewrite
     * @param rewrittenSites  call sites it rewrote
     * @param registeredSites learned sites registered so far
     * @param sites           the sites setting ("all", "none", "1-5,9")
     */
    static String problem(boolean agentInstalled, int failedClasses, int rewrittenSites, int registeredSites, String sites) {
        if (!agentInstalled) {
            return "promoted mode without the promotion agent (-javaagent): the call sites would run as virtual";
        }
        if (failedClasses > 0) {
            return "the promotion agent failed to rewrite " + failedClasses + " class" + (failedClasses == 1 ? "" : "es")
                    + " (loaded unchanged, see the 'icpbench promote: warning' lines): part of the path would run as virtual";
        }
        if (registeredSites == 0 && !"none".equals(sites)) {
            return "no learned site registered after the warmup (the agent rewrote " + rewrittenSites + " call site"
                    + (rewrittenSites == 1 ? "" : "s") + ", sites " + sites + "): the path ran as virtual";
        }
        return null;
    }

    /** Throws IllegalStateException naming the problem if this JVM is promoted and not really so. */
    public static void verify(String sites) {
        if (Dispatch.MODE != Mode.PROMOTED) {
            return;
        }
        String p = problem(PromotionAgent.installed() != null, PromotionAgent.failedClasses(), PromotionAgent.rewrittenSites(),
                SiteRegistry.all().size(), sites);
        if (p != null) {
            throw new IllegalStateException("promoted: " + p);
        }
    }
}
