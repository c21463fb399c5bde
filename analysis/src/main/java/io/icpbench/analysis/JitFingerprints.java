package io.icpbench.analysis;

import io.icpbench.results.RunResults;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * An arm's forks grouped by their JIT fingerprint ({@link RunResults.JitFingerprint}), and the
 * decisions that tell slow forks from fast ones.
 *
 * <p>Why (issue 20): about one fork in seven ran 30–40% slower for its whole life, in every mode,
 * because its C2 compile of the receive path had not inlined a few small methods that every fast
 * fork's compile inlined. Between-fork variance of that kind is not noise to average away: it is
 * two populations of compiled code. Grouping an arm's forks by what C2 decided shows how many
 * populations there were, and a split says which decisions came with the slower rate.
 *
 * <p>A split is read off the decisions themselves, not the groups: the decisions present in some of
 * an arm's forks and absent from the others, gathered by the forks that have them. Each such set of
 * forks and the rest are the two sides; a decision is listed on the side whose every fork has it
 * and no fork of the other side does. With two groups this is the groups' difference; with many
 * (every fork its own fingerprint, say, when C2's minor decisions vary) it still finds the decision
 * that the slow forks share.
 *
 * @param arms every arm with at least one fingerprinted fork, in the settings' order
 */
public record JitFingerprints(List<Arm> arms) {
    /** Splits printed per arm, the largest rate difference first. */
    static final int SPLITS_SHOWN = 3;
    /** Decisions printed per side of a split. */
    static final int DECISIONS_SHOWN = 8;

    public JitFingerprints {
        arms = List.copyOf(arms);
    }

    /**
     * Forks that compiled alike.
     *
     * @param id    their fingerprint's id
     * @param forks their indices in the run
     * @param mpps  the mean of their rates, millions of packets per second
     */
    public record Group(String id, List<Integer> forks, double mpps) {
    }

    /**
     * Decisions that divide an arm's forks in two, and the two sides' rates.
     *
     * @param slower      the forks of the slower side
     * @param faster      the forks of the other side
     * @param slowerMpps  the slower side's mean rate, Mpps
     * @param fasterMpps  the faster side's mean rate, Mpps
     * @param slowerCpuNs the slower side's mean CPU time of the whole process per packet, ns (NaN when not recorded)
     * @param fasterCpuNs the same of the faster side: CPU time per packet moves less than the rate when other
     *                    processes take the cores, so a difference in both is the code's, not the machine's
     * @param onlySlower  decisions every fork of the slower side has and no fork of the faster side
     * @param onlyFaster  decisions every fork of the faster side has and no fork of the slower side
     */
    public record Split(List<Integer> slower, List<Integer> faster, double slowerMpps, double fasterMpps, double slowerCpuNs,
            double fasterCpuNs, List<String> onlySlower, List<String> onlyFaster) {
        /** The slower side's rate relative to the faster's, minus 1 (−0.3: 30% slower). */
        public double change() {
            return slowerMpps / fasterMpps - 1;
        }
    }

    /**
     * One arm's forks by fingerprint.
     *
     * @param arm      the arm's name
     * @param forks    its finished forks
     * @param recorded those with a fingerprint
     * @param groups   the fingerprinted forks by id, the fastest group first
     * @param splits   the decisions that divide the fingerprinted forks, the largest rate difference first (empty with one group)
     */
    public record Arm(String arm, int forks, int recorded, List<Group> groups, List<Split> splits) {
    }

    /** The fingerprint groups of every arm of {@code r}. */
    public static JitFingerprints of(RunResults r) {
        List<Arm> arms = new ArrayList<>();
        for (String name : r.settings().armNames()) {
            List<RunResults.ForkResult> all = r.forks().stream().filter(f -> f.arm().equals(name)).toList();
            List<RunResults.ForkResult> forks = all.stream().filter(f -> f.jit() != null).toList();
            if (forks.isEmpty()) {
                continue;
            }
            Map<String, List<RunResults.ForkResult>> byId = new LinkedHashMap<>();
            forks.forEach(f -> byId.computeIfAbsent(f.jit().id(), k -> new ArrayList<>()).add(f));
            List<Group> groups = byId.entrySet().stream().map(e -> new Group(e.getKey(), indices(e.getValue()), mpps(e.getValue())))
                    .sorted(Comparator.comparingDouble(Group::mpps).reversed()).toList();
            // Splits read every decision, failures included: forks of one id (alike at every site) may still differ off the sites.
            arms.add(new Arm(name, all.size(), forks.size(), groups, splits(forks)));
        }
        return new JitFingerprints(arms);
    }

    /** The splits of an arm's fingerprinted forks (see the class comment). */
    static List<Split> splits(List<RunResults.ForkResult> forks) {
        // decision -> the forks that have it; then the forks' set -> its decisions
        Map<String, Set<Integer>> having = new TreeMap<>();
        for (RunResults.ForkResult f : forks) {
            for (String d : f.jit().decisions()) {
                having.computeIfAbsent(d, k -> new TreeSet<>()).add(f.index());
            }
        }
        Set<Integer> everyFork = new TreeSet<>(indices(forks));
        Map<Set<Integer>, List<String>> bySide = new LinkedHashMap<>();
        having.forEach((d, side) -> {
            if (side.size() < everyFork.size()) {
                bySide.computeIfAbsent(side, k -> new ArrayList<>()).add(d);
            }
        });
        List<Split> splits = new ArrayList<>();
        Set<Set<Integer>> done = new java.util.HashSet<>();
        for (Set<Integer> side : bySide.keySet()) {
            Set<Integer> other = new TreeSet<>(everyFork);
            other.removeAll(side);
            if (!done.add(side) || !done.add(other)) {
                continue;
            }
            List<RunResults.ForkResult> a = forks.stream().filter(f -> side.contains(f.index())).toList();
            List<RunResults.ForkResult> b = forks.stream().filter(f -> other.contains(f.index())).toList();
            List<String> onlyA = bySide.getOrDefault(side, List.of());
            List<String> onlyB = bySide.getOrDefault(other, List.of());
            boolean aSlower = mpps(a) <= mpps(b);
            splits.add(aSlower ? new Split(indices(a), indices(b), mpps(a), mpps(b), cpuNs(a), cpuNs(b), onlyA, onlyB)
                    : new Split(indices(b), indices(a), mpps(b), mpps(a), cpuNs(b), cpuNs(a), onlyB, onlyA));
        }
        splits.sort(Comparator.comparingDouble(Split::change).thenComparing(s -> s.slower().toString()));
        return splits;
    }

    private static List<Integer> indices(List<RunResults.ForkResult> forks) {
        return forks.stream().map(RunResults.ForkResult::index).sorted().toList();
    }

    private static double mpps(List<RunResults.ForkResult> forks) {
        return forks.stream().mapToDouble(f -> 1e9 / f.meanNsPerPacket()).average().orElse(Double.NaN) / 1e6;
    }

    /** The forks' mean CPU ns per packet, of those that recorded it; NaN if none did. */
    private static double cpuNs(List<RunResults.ForkResult> forks) {
        return forks.stream().mapToDouble(f -> f.accounting().cpuNsPerPacket()).filter(x -> x > 0).average().orElse(Double.NaN);
    }

    /** Whether any fork had a fingerprint. */
    public boolean recorded() {
        return !arms.isEmpty();
    }

    /** The section of report.md: nothing for a run without fingerprints. */
    public void appendMarkdown(StringBuilder b) {
        if (!recorded()) {
            return;
        }
        b.append("\nJIT fingerprints (per fork: C2's decision at each of the 13 call sites and its failures to inline io.icpbench methods "
                + "into io.icpbench callers; forks with one id decided alike at every site; 'icpbench sites RUN/fork-NNN' prints one):\n");
        for (Arm a : arms) {
            b.append(MarkdownReport.wrap(String.format(Locale.ROOT, "%s: %s", a.arm(), groupsLine(a)), "  ", "    "));
            int shown = 0;
            for (Split s : a.splits()) {
                if (shown++ == SPLITS_SHOWN) {
                    b.append(String.format(Locale.ROOT, "  (%d more splits)%n", a.splits().size() - SPLITS_SHOWN));
                    break;
                }
                b.append(MarkdownReport.wrap(splitLine(s), "  ", "    "));
                appendDecisions(b, "only in the slower", s.onlySlower());
                appendDecisions(b, "only in the faster", s.onlyFaster());
            }
        }
    }

    private static void appendDecisions(StringBuilder b, String label, List<String> decisions) {
        if (decisions.isEmpty()) {
            return;
        }
        List<String> shown = decisions.subList(0, Math.min(DECISIONS_SHOWN, decisions.size()));
        String more = decisions.size() > DECISIONS_SHOWN ? "; and " + (decisions.size() - DECISIONS_SHOWN) + " more" : "";
        b.append(MarkdownReport.wrap(label + ": " + String.join("; ", shown) + more, "    ", "      "));
    }

    /** "8 of 8 forks in 2 groups: 1a2b3c4d 6 forks 6.104 Mpps (0, 2, ...); 9f8e7d6c 2 forks 4.210 Mpps (5, 11)". */
    static String groupsLine(Arm a) {
        String of = a.recorded() == a.forks() ? a.forks() + " forks" : a.recorded() + " of " + a.forks() + " forks (the others without a fingerprint)";
        if (a.groups().size() == 1) {
            return of + ", one fingerprint " + a.groups().get(0).id() + String.format(Locale.ROOT, " (%.3f Mpps)", a.groups().get(0).mpps());
        }
        if (a.groups().size() == a.recorded()) {
            // C2's decisions on cold paths (error counters, rare protocols) vary from fork to fork: then only the splits group anything.
            return of + ", every one its own fingerprint (the splits below say which decisions the slower forks share)";
        }
        return of + " in " + a.groups().size() + " groups: " + a.groups().stream()
                .map(g -> String.format(Locale.ROOT, "%s %d fork%s %.3f Mpps (%s)", g.id(), g.forks().size(), g.forks().size() == 1 ? "" : "s",
                        g.mpps(), forkList(g.forks())))
                .collect(Collectors.joining("; "));
    }

    /** "forks 3, 7 at 4.210 Mpps against forks 0, 1, ... at 6.104 Mpps: -31.0% (CPU per packet 260.8 ns against 231.0 ns)". */
    static String splitLine(Split s) {
        String cpu = Double.isNaN(s.slowerCpuNs()) || Double.isNaN(s.fasterCpuNs()) ? ""
                : String.format(Locale.ROOT, " (CPU per packet %.1f ns against %.1f ns)", s.slowerCpuNs(), s.fasterCpuNs());
        return String.format(Locale.ROOT, "split: fork%s %s at %.3f Mpps against fork%s %s at %.3f Mpps: %+.1f%%%s", s.slower().size() == 1 ? "" : "s",
                forkList(s.slower()), s.slowerMpps(), s.faster().size() == 1 ? "" : "s", forkList(s.faster()), s.fasterMpps(), 100 * s.change(), cpu);
    }

    private static String forkList(List<Integer> forks) {
        return forks.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }

    /** The section of report.html: the groups as a table, the splits under it; empty for a run without fingerprints. */
    public String html() {
        if (!recorded()) {
            return "";
        }
        StringBuilder b = new StringBuilder("<h2>JIT fingerprints</h2>\n<p>Each fork's C2 decisions at the 13 call sites and its failures "
                + "to inline io.icpbench methods into io.icpbench callers, from the fork's Flight Recorder events: forks with one id compiled "
                + "alike. A split lists the decisions every fork of one side has and no fork of the other.</p>\n"
                + "<table><tr><th>arm</th><th>fingerprint</th><th>forks</th><th>Mpps</th><th>which</th></tr>\n");
        for (Arm a : arms) {
            for (Group g : a.groups()) {
                b.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td><td>%d</td><td>%.3f</td><td>%s</td></tr>%n", HtmlReport.escape(a.arm()),
                        g.id(), g.forks().size(), g.mpps(), forkList(g.forks())));
            }
        }
        b.append("</table>\n");
        for (Arm a : arms) {
            if (a.splits().isEmpty()) {
                continue;
            }
            b.append("<p><b>").append(HtmlReport.escape(a.arm())).append("</b></p>\n<ul>\n");
            for (Split s : a.splits().subList(0, Math.min(SPLITS_SHOWN, a.splits().size()))) {
                b.append("<li>").append(HtmlReport.escape(splitLine(s)));
                htmlDecisions(b, "only in the slower", s.onlySlower());
                htmlDecisions(b, "only in the faster", s.onlyFaster());
                b.append("</li>\n");
            }
            b.append("</ul>\n");
        }
        return b.toString();
    }

    private static void htmlDecisions(StringBuilder b, String label, List<String> decisions) {
        if (!decisions.isEmpty()) {
            b.append("<br>").append(label).append(": <code>")
                    .append(HtmlReport.escape(String.join("; ", decisions.subList(0, Math.min(DECISIONS_SHOWN, decisions.size())))))
                    .append(decisions.size() > DECISIONS_SHOWN ? "</code> and " + (decisions.size() - DECISIONS_SHOWN) + " more" : "</code>");
        }
    }

    /** One fork's fingerprint in full, as {@code icpbench sites RUN/fork-NNN} prints it. */
    public static void print(RunResults.JitFingerprint f, PrintStream out) {
        out.println("JIT fingerprint " + f.id() + " (C2, the whole fork):");
        out.printf(Locale.ROOT, "  %-3s %-30s %-60s %s%n", "#", "site", "C2's decision at its call", "in the compile of");
        for (RunResults.SiteDecision s : f.sites()) {
            out.printf(Locale.ROOT, "  %-3d %-30s %-60s %s%n", s.site(), s.name(), s.decision(), s.compile() == null ? "-" : s.compile());
        }
        out.println("  inlining failures, io.icpbench into io.icpbench, in the latest C2 compile of each method (" + f.failures().size() + "):");
        f.failures().forEach(x -> out.println("    " + x));
        out.println("  largest C2 compiles (latest of each io.icpbench method): inlined bytes, code bytes");
        f.hot().forEach(h -> out.printf(Locale.ROOT, "    %-50s %7d %7d%n", h.method() + (h.osr() ? " (OSR)" : ""), h.inlinedBytes(), h.codeSize()));
        out.println("  uncommon traps by reason: " + (f.deoptimizations().isEmpty() ? "none"
                : f.deoptimizations().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "))));
    }
}
