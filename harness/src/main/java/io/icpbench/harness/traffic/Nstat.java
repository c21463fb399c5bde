package io.icpbench.harness.traffic;

import io.icpbench.stack.Counter;
import io.icpbench.stack.Counters;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The kernel's counters as {@code nstat} prints them, and their comparison with the model's.
 *
 * <pre>
 * #kernel
 * IpInReceives                    2543               0.0
 * UdpInDatagrams                  2011               0.0
 * </pre>
 */
public final class Nstat {
    /** One counter of the comparison: the kernel's value, the model's (null: the model has no such counter), the verdict. */
    public record Row(String name, long kernel, Long model, String verdict) {
    }

    /** Verdicts. */
    public static final String EQUAL = "equal", DIFFERS = "differs", NOT_MODELED = "not modeled", TRANSMIT = "transmit side";

    private Nstat() {
    }

    /**
     * Reads {@code nstat} output: "#" lines are skipped, every other line is NAME VALUE [RATE].
     *
     * @throws IllegalArgumentException naming the line for anything else
     */
    public static Map<String, Long> parse(String name, String text) {
        Map<String, Long> values = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] w = line.split("\\s+");
            if (w.length < 2 || w.length > 3 || !w[0].matches("[A-Za-z][A-Za-z0-9]*")) {
                throw new IllegalArgumentException(name + ":" + (i + 1) + ": expected 'NAME VALUE [RATE]' as nstat prints, found '"
                        + line + "'");
            }
            try {
                values.put(w[0], Long.parseLong(w[1]));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + ":" + (i + 1) + ": value '" + w[1] + "' of " + w[0] + " is not a whole number");
            }
        }
        return values;
    }

    /**
     * Every counter either side counted, in the model's order and then the kernel's: the model's
     * counters that the kernel keeps too are compared (its own, such as GroReceived, and its
     * transmit-side guesses, such as TcpOutRsts, are not) ({@link #EQUAL} or {@link #DIFFERS}); kernel counters the model does
     * not keep are {@link #TRANSMIT} (the model has no transmit path) or {@link #NOT_MODELED}.
     */
    public static List<Row> compare(Map<String, Long> kernel, Counters model) {
        List<Row> rows = new ArrayList<>();
        Map<String, Long> rest = new TreeMap<>(kernel);
        for (Counter c : Counter.values()) {
            if (!c.kernel()) {
                continue;
            }
            String n = c.snmpName();
            if (transmit(n)) {
                // The model answers no one: a reset it would send (TcpOutRsts) is its guess, not a receive-path count.
                continue;
            }
            long k = kernel.getOrDefault(n, 0L);
            long m = model.get(c);
            rest.remove(n);
            if (k != 0 || m != 0) {
                rows.add(new Row(n, k, m, k == m ? EQUAL : DIFFERS));
            }
        }
        rest.forEach((n, k) -> {
            if (k != 0) {
                rows.add(new Row(n, k, null, transmit(n) ? TRANSMIT : NOT_MODELED));
            }
        });
        return rows;
    }

    /** Whether a kernel counter counts the transmit side (OutRequests, OutMsgs, ...), which the model does not have. */
    static boolean transmit(String name) {
        return !name.contains("OutForw") && name.matches(".*(Out|Frag(OKs|Fails|Creates)|Retrans|ActiveOpens|Transmits).*");
    }

    /** Prints the comparison as a table, then a one-line summary. */
    public static void print(PrintStream out, List<Row> rows) {
        out.printf(Locale.ROOT, "%-28s %12s %12s  %s%n", "counter", "kernel", "model", "");
        for (Row r : rows) {
            if (r.model() != null) {
                out.printf(Locale.ROOT, "  %-26s %12d %12d  %s%n", r.name(), r.kernel(), r.model(), r.verdict());
            }
        }
        long equal = rows.stream().filter(r -> r.verdict().equals(EQUAL)).count();
        long differs = rows.stream().filter(r -> r.verdict().equals(DIFFERS)).count();
        List<String> notModeled = rows.stream().filter(r -> r.verdict().equals(NOT_MODELED)).map(r -> r.name() + "=" + r.kernel()).toList();
        long transmit = rows.stream().filter(r -> r.verdict().equals(TRANSMIT)).count();
        out.printf(Locale.ROOT, "%d equal, %d differ; %d transmit-side counters not compared; not modeled: %s%n", equal, differs, transmit,
                notModeled.isEmpty() ? "none" : String.join(" ", notModeled));
    }
}
