package io.icpbench.harness;

import io.icpbench.harness.cli.AnalysisCommands;
import io.icpbench.harness.cli.JmhCommand;
import io.icpbench.harness.cli.LiveCommand;
import io.icpbench.harness.cli.MergeCommand;
import io.icpbench.harness.cli.ProfilesCommand;
import io.icpbench.harness.cli.PromoteJarCommand;
import io.icpbench.harness.cli.ReplayCommand;
import io.icpbench.harness.cli.ReportCommand;
import io.icpbench.harness.cli.RunCommand;
import io.icpbench.harness.cli.SendCommand;
import io.icpbench.harness.cli.SitesCommand;
import io.icpbench.harness.cli.StackCommand;
import io.icpbench.harness.cli.SweepCommand;
import io.icpbench.harness.fork.ForkCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code icpbench} command line. */
@Command(name = "icpbench", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Does promoting indirect calls to guarded direct calls pay off on a packet receive path?",
            "A UDP receive path modeled on Linux's, with ops-struct handlers, run under dispatch modes."},
        subcommands = {RunCommand.class, ReportCommand.class, ReplayCommand.class, LiveCommand.class, SendCommand.class, AnalysisCommands.Plan.class, AnalysisCommands.Calibrate.class,
            AnalysisCommands.Compare.class, MergeCommand.class, SweepCommand.class, StackCommand.class, SitesCommand.class, ForkCommand.class, PromoteJarCommand.class, ProfilesCommand.class, JmhCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this). */
    public static int run(String... args) {
        if (args.length > 0 && args[0].equals("jmh") && !(args.length == 2 && (args[1].equals("--help") || args[1].equals("-h")))) {
            return JmhCommand.runJmh(java.util.Arrays.copyOfRange(args, 1, args.length));
        }
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler((ex, line) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println(name(c) + ": error: " + ex.getMessage() + " (see '" + name(c) + " --help')");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, line, parseResult) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof java.io.UncheckedIOException) {
                line.getErr().println(name(line) + ": error: " + ex.getMessage());
                return 2;
            }
            if (ex instanceof java.io.IOException) {
                // A file or process the command needed (a capture, the C compiler, a sender) failed.
                line.getErr().println(name(line) + ": failed: " + ex.getMessage());
                return 1;
            }
            if (ex instanceof IllegalStateException) {
                // A failure of the run itself (a fork that failed, a broken invariant): its message says what.
                line.getErr().println(name(line) + ": failed: " + ex.getMessage());
                return 1;
            }
            throw ex;
        });
        return cl.execute(args);
    }

    /** "icpbench" or "icpbench stack": how a user typed the command. */
    private static String name(CommandLine c) {
        return c.getParent() == null ? "icpbench" : name(c.getParent()) + " " + c.getCommandName();
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The version from the jar's manifest, or "dev". */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"icpbench " + (v == null ? "dev" : v) + ", JDK " + Runtime.version()};
        }
    }
}
