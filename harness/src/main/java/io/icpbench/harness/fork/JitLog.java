package io.icpbench.harness.fork;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * The JIT's own log of compiled methods made not entrant, switched on at run time for a
 * measurement window ({@code -Xlog:jit+compilation=debug}, through the {@code VM.log} diagnostic
 * command), and what it says: how many compiled methods were invalidated, and why.
 *
 * <p>IMPLEMENTATION NOTES. A patch is a {@code MutableCallSite.setTarget}: HotSpot marks every
 * nmethod that depends on the call site's target for deoptimization and makes it not entrant,
 * without an uncommon trap, so JFR's {@code jdk.Deoptimization} event (posted for uncommon traps)
 * never sees it. On JDK 25 the JIT log names the reason of every state change:
 * <pre>
 * [3.104s]  1812 !   4       io.icpbench.stack.NetStack::nfHookSlow (241 bytes)   made not entrant: marked for deoptimization
 * [3.120s]  1790     3       io.icpbench.stack.ip.IpRcv::ipRcv (95 bytes)   made not entrant: not used
 * [3.377s]  1766     4       io.icpbench.stack.Counters::add (30 bytes)   made not entrant: uncommon trap
 * </pre>
 * "marked for deoptimization" is a dependency invalidation (a call site's new target, or a class
 * that broke a class-hierarchy assumption): what a patch costs in compiled code. "not used" is
 * tiered compilation retiring a lower tier's code after the higher tier installed its own, not an
 * invalidation. "uncommon trap" is a failed speculation (counted apart). The format is HotSpot's
 * {@code nmethod::log_state_change}; a sample captured on this JDK is a test resource
 * ({@code jit-compilation-jdk25.log}).
 */
public final class JitLog {
    /** The log selection switched on for the window. */
    static final String WHAT = "jit+compilation=debug";
    /** The reason of a dependency invalidation. */
    static final String DEPENDENCY = "marked for deoptimization";
    static final String UNCOMMON_TRAP = "uncommon trap";
    static final String TIER_RETIRED = "not used";
    /** Methods kept per window, most invalidated first. */
    static final int TOP_METHODS = 20;

    /*
     * "<decorations> <compile id> <flags> <tier> <class>::<method> (<size>) <...> made not entrant: <reason>"
     * The method is the first token with "::"; an OSR compile adds " @ <bci>" after it.
     */
    private static final Pattern NOT_ENTRANT = Pattern.compile("\\s(\\S+::\\S+)(?: @ \\d+)?\\s.*made not entrant: (.+?)\\s*$");

    /**
     * What one window's log says.
     *
     * @param invalidations compiled methods made not entrant by a dependency change
     * @param uncommonTraps compiled methods made not entrant by an uncommon trap
     * @param reasons       every "made not entrant" reason with its count
     * @param methods       methods invalidated by a dependency change, most often first (at most {@link #TOP_METHODS})
     */
    public record Counts(long invalidations, long uncommonTraps, Map<String, Long> reasons, Map<String, Long> methods) {
        /** A window without a log. */
        public static Counts unknown() {
            return new Counts(-1, -1, Map.of(), Map.of());
        }
    }

    private final Path file;

    private JitLog(Path file) {
        this.file = file;
    }

    /** Parses log lines. */
    public static Counts parse(List<String> lines) {
        long invalidations = 0;
        long traps = 0;
        Map<String, Long> reasons = new TreeMap<>();
        Map<String, Long> methods = new HashMap<>();
        for (String line : lines) {
            if (!line.contains("made not entrant")) {
                continue;
            }
            Matcher m = NOT_ENTRANT.matcher(line);
            if (!m.find()) {
                continue;
            }
            String reason = m.group(2);
            reasons.merge(reason, 1L, Long::sum);
            if (reason.equals(DEPENDENCY)) {
                invalidations++;
                methods.merge(m.group(1), 1L, Long::sum);
            } else if (reason.equals(UNCOMMON_TRAP)) {
                traps++;
            }
        }
        Map<String, Long> top = new LinkedHashMap<>();
        methods.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(TOP_METHODS).forEach(e -> top.put(e.getKey(), e.getValue()));
        return new Counts(invalidations, traps, reasons, top);
    }

    /**
     * Starts logging to a new file in the temporary directory (a path the diagnostic command can
     * take: no blanks). Returns null, with a warning, when the JVM refuses.
     */
    static JitLog start() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Path file = tmp.resolve("icpbench-jit-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".log").toAbsolutePath();
        if (!file.toString().matches("[\\w./+-]+")) {
            System.err.println("icpbench: warning: no JIT log (the temporary directory's path " + tmp + " has characters -Xlog cannot take)");
            return null;
        }
        try {
            vmLog("output=file=" + file, "what=" + WHAT, "decorators=uptime", "output_options=filecount=0");
            return new JitLog(file);
        } catch (Exception e) {
            System.err.println("icpbench: warning: no JIT log (VM.log failed: " + e + ")");
            return null;
        }
    }

    /** Stops logging, parses the window's log, and moves it to {@code keep} (when not null). */
    Counts stop(Path keep) {
        try {
            vmLog("output=file=" + file, "what=all=off");
        } catch (Exception e) {
            System.err.println("icpbench: warning: could not switch the JIT log off: " + e);
        }
        try {
            Counts c = parse(Files.readAllLines(file, StandardCharsets.UTF_8));
            if (keep != null) {
                Files.move(file, keep, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            return c;
        } catch (IOException e) {
            System.err.println("icpbench: warning: cannot read the JIT log " + file + ": " + e.getMessage());
            return Counts.unknown();
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // Left in the temporary directory; nothing depends on it.
            }
        }
    }

    /** The {@code VM.log} diagnostic command, as {@code jcmd PID VM.log ARGS} runs it. */
    private static void vmLog(String... args) throws Exception {
        Object out = ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmLog",
                new Object[] {args}, new String[] {String[].class.getName()});
        String text = String.valueOf(out).trim();
        if (!text.isEmpty()) {
            // VM.log prints nothing when it succeeds; anything else is its error.
            throw new IllegalStateException(text.lines().findFirst().orElse(text));
        }
    }
}
