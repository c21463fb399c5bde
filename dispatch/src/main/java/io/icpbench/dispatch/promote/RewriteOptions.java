package io.icpbench.dispatch.promote;

import io.icpbench.dispatch.Learning;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the rewriter touches and how promoted sites learn.
 *
 * @param packages packages whose classes are rewritten (a class is in a package if its name starts
 *                 with the package name and a dot); never empty
 * @param exclude  sites left alone: a site is excluded if its name ("Class.method:line -> Iface.method")
 *                 starts with one of these ("NetStack.nfHookSlow" leaves every site in that method)
 * @param learning the settings of the promoted sites; each rewritten site carries them in its
 *                 {@code invokedynamic} ({@link Learning#format()}), so a class rewritten ahead of time
 *                 ({@code promote-jar}) learns as it was told to, with or without the agent
 */
public record RewriteOptions(List<String> packages, List<String> exclude, Learning learning) {
    public RewriteOptions {
        packages = packages.stream().map(String::trim).filter(p -> !p.isEmpty()).toList();
        // Leading blanks go; a trailing blank stays: it ends a prefix ("Gro.x:12 " leaves line 12, not 123).
        exclude = exclude.stream().map(String::stripLeading).filter(e -> !e.isEmpty()).toList();
        if (packages.isEmpty()) {
            throw new IllegalArgumentException("promotion needs at least one package (packages=a.b.c)");
        }
        Objects.requireNonNull(learning, "learning");
    }

    /** The options of the stack: its packages, the default learning settings. */
    public static RewriteOptions forPackages(String... packages) {
        return new RewriteOptions(List.of(packages), List.of(), Learning.DEFAULT);
    }

    /**
     * Parses agent arguments: {@code key=value} pairs separated by ';' with keys packages and exclude
     * (comma lists) and the {@link Learning} keys (policy, stats, thresholds, placement), which
     * {@link Learning#parse} reads; e.g. {@code packages=io.icpbench.stack;policy=top-2;exclude=NetStack.nfHookSlow}.
     */
    public static RewriteOptions parse(String args) {
        List<String> packages = new ArrayList<>();
        List<String> exclude = new ArrayList<>();
        StringBuilder learning = new StringBuilder();
        if (args != null && !args.isBlank()) {
            for (String pair : args.split(";")) {
                int eq = pair.indexOf('=');
                if (eq < 0) {
                    throw new IllegalArgumentException("promotion option '" + pair + "' is not key=value");
                }
                String key = pair.substring(0, eq).trim();
                String value = pair.substring(eq + 1).trim();
                if (key.equals("packages")) {
                    packages.addAll(List.of(value.split(",")));
                } else if (key.equals("exclude")) {
                    exclude.addAll(List.of(value.split(",")));
                } else if (Learning.KEYS.contains(key)) {
                    learning.append(learning.isEmpty() ? "" : ";").append(key).append('=').append(value);
                } else {
                    throw new IllegalArgumentException("unknown promotion option '" + key + "', expected packages, exclude, "
                            + String.join(", ", Learning.KEYS));
                }
            }
        }
        return new RewriteOptions(packages, exclude, Learning.parse(learning.toString()));
    }

    /** The agent argument string for these options. */
    public String format() {
        StringBuilder b = new StringBuilder("packages=").append(String.join(",", packages));
        if (!exclude.isEmpty()) {
            b.append(";exclude=").append(String.join(",", exclude));
        }
        return b.append(';').append(learning.format()).toString();
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
