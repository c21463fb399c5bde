package io.icpbench.harness.cli;

import io.icpbench.dispatch.promote.PromoteJar;
import io.icpbench.dispatch.promote.RewriteOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code icpbench promote-jar IN OUT}: transparent promotion ahead of time, as a compiler pass. */
@Command(name = "promote-jar", mixinStandardHelpOptions = true,
        description = {"Rewrite a jar's ops-struct call sites into promoted sites ahead of time.",
            "",
            "The same rewriter as the load-time agent of the promoted mode: every invokeinterface or invokevirtual of a method "
                + "an @OpsStruct interface declares, in the named packages, becomes an invokedynamic bound to a learned site, "
                + "which carries the learning settings given here (policy, statistics, thresholds, placement). "
                + "Classes that cannot be rewritten are copied unchanged, with a warning."})
public final class PromoteJarCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN", description = "The jar to read.")
    Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "The jar to write (replaced atomically).")
    Path out;

    @Option(names = "--packages", paramLabel = "PKG", split = ",", defaultValue = "io.icpbench.stack",
            description = "Packages whose classes are rewritten. Default: ${DEFAULT-VALUE}.")
    List<String> packages;

    @Option(names = "--exclude", paramLabel = "SITE", split = ",", description = "Sites to leave alone (prefixes of site names).")
    List<String> exclude = List.of();

    @picocli.CommandLine.Mixin
    LearningOptions learning = new LearningOptions();

    @Option(names = "--list", description = "Print every rewritten site.")
    boolean list;

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(in)) {
            throw new IllegalArgumentException("no such jar: " + in);
        }
        RewriteOptions options = new RewriteOptions(packages, exclude, learning.learning());
        PromoteJar.Report r;
        try {
            r = PromoteJar.run(in, out, options, PromoteJarCommand.class.getClassLoader());
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        System.out.printf("%s -> %s: %d classes, %d rewritten, %d call sites promoted%n", in, out, r.classes(), r.rewrittenClasses(),
                r.sites().size());
        if (list) {
            r.sites().forEach(s -> System.out.println("  " + s));
        }
        r.warnings().forEach(w -> System.err.println("icpbench promote-jar: warning: " + w));
        return 0;
    }
}
