package io.icpbench.dispatch.promote;

import java.util.ArrayList;
import java.util.List;

/**
 * What the rewriter touches and how promoted sites learn.
 *
 * @param packages   packages whose classes are rewritten (a class is in a package if its name starts
 *                   with the package name and a dot); never empty
 * @param exclude    sites left alone: a site is excluded if its name ("Class.method:line -> Iface.method")
 *                   starts with one of these ("NetStack.nfHookSlow" leaves every site in that method)
 * @param policy     the learning policy ({@code LearningPolicy.parse} syntax: cree, top-N, llvm, gcc, ,learn-once)
 * @param stats      the statistics strategy name (striped, thread_local, shared, sampled, misses_only)
 * @param thresholds UPDATE,WIPE,PATCH[,HYSTERESIS%]
 * @param placement  where each site's chain lives ({@code Placement.parse} syntax: stub, inline, mh-field)
 */
public record RewriteOptions(List<String> packages, List<String> exclude, String policy, String stats, String thresholds,
        String placement) {
    public RewriteOptions {
        packages = packages.stream().map(String::trim).filter(p -> !p.isEmpty()).toList();
        // Leading blanks go; a trailing blank stays: it ends a prefix ("Gro.x:12 " leaves line 12, not 123).
        exclude = exclude.stream().map(String::stripLeading).filter(e -> !e.isEmpty()).toList();
        if (packages.isEmpty()) {
            throw new IllegalArgumentException("promotion needs at least one package (packages=a.b.c)");
        }
        io.icpbench.dispatch.Placement.parse(placement);
    }

    /** Options in the default placement (stub). */
    public RewriteOptions(List<String> packages, List<String> exclude, String policy, String stats, String thresholds) {
        this(packages, exclude, policy, stats, thresholds, io.icpbench.dispatch.Placement.STUB.cliName());
    }

    /** The options of the stack: its packages, Cree's policy. */
    public static RewriteOptions forPackages(String... packages) {
        return new RewriteOptions(List.of(packages), List.of(), io.icpbench.dispatch.LearningPolicy.DEFAULT,
                io.icpbench.dispatch.StatsStrategy.DEFAULT, io.icpbench.dispatch.LearningConfig.DEFAULT);
    }

    /**
     * Parses agent arguments: {@code key=value} pairs separated by ';' with keys packages and exclude
     * (comma lists), policy, stats, thresholds, placement; e.g.
     * {@code packages=io.icpbench.stack;policy=top-2;exclude=NetStack.nfHookSlow}.
     */
    public static RewriteOptions parse(String args) {
        List<String> packages = new ArrayList<>();
        List<String> exclude = new ArrayList<>();
        String policy = io.icpbench.dispatch.LearningPolicy.DEFAULT;
        String stats = io.icpbench.dispatch.StatsStrategy.DEFAULT;
        String thresholds = io.icpbench.dispatch.LearningConfig.DEFAULT;
        String placement = io.icpbench.dispatch.Placement.STUB.cliName();
        if (args != null && !args.isBlank()) {
            for (String pair : args.split(";")) {
                int eq = pair.indexOf('=');
                if (eq < 0) {
                    throw new IllegalArgumentException("promotion option '" + pair + "' is not key=value");
                }
                String key = pair.substring(0, eq).trim();
                String value = pair.substring(eq + 1).trim();
                switch (key) {
                    case "packages" -> packages.addAll(List.of(value.split(",")));
                    case "exclude" -> exclude.addAll(List.of(value.split(",")));
                    case "policy" -> policy = value;
                    case "stats" -> stats = value;
                    case "thresholds" -> thresholds = value;
                    case "placement" -> placement = value;
                    default -> throw new IllegalArgumentException("unknown promotion option '" + key
                            + "', expected packages, exclude, policy, stats, thresholds or placement");
                }
            }
        }
        return new RewriteOptions(packages, exclude, policy, stats, thresholds, placement);
    }

    /** The agent argument string for these options. */
    public String format() {
        StringBuilder b = new StringBuilder("packages=").append(String.join(",", packages));
        if (!exclude.isEmpty()) {
            b.append(";exclude=").append(String.join(",", exclude));
        }
        return b.append(";policy=").append(policy).append(";stats=").append(stats).append(";thresholds=").append(thresholds)
                .append(";placement=").append(placement).toString();
    }

    /**
     * The learning settings a rewritten site carries in its {@code invokedynamic}
     * ("policy=cree;stats=striped;thresholds=1000,1000,250;placement=stub"), so a class rewritten
     * ahead of time ({@code promote-jar}) learns as it was told to, with or without the agent.
     */
    public String learning() {
        return "policy=" + policy + ";stats=" + stats + ";thresholds=" + thresholds + ";placement=" + placement;
    }

    /** Whether the class with this internal name is in one of the packages. */
    public boolean covers(String internalName) {
        String dotted = internalName.replace('/', '.');
        for (String p : packages) {
            if (dotted.startsWith(p + ".")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a site is on the exclude list: an entry is a prefix of the site's name
     * ("NetStack.nfHookSlow"), or, if it starts with "-> ", the callee the site ends with
     * ("-> NfHook.hook" leaves every call of that method alone).
     */
    public boolean excluded(String siteName) {
        for (String e : exclude) {
            if (e.isEmpty()) {
                continue;
            }
            if (e.startsWith("-> ") ? siteName.endsWith(e) : siteName.startsWith(e)) {
                return true;
            }
        }
        return false;
    }
}
