package io.icpbench.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.icpbench.results.ResultsFiles;
import io.icpbench.results.RunResults;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A sweep over two axes (work x skew) whose points are synthetic runs of known truth
 * ({@link SyntheticRuns#suite}: dynamic-call at 0.62 of the baseline): a point with 8 blocks, one
 * where dynamic-call equals the baseline with only 3 blocks, one with a single block (too few forks
 * to compare) and one not run. sweep.md's rows and sweep.html's heat maps must carry each point's
 * primary analysis, computed here independently with {@link Stats#vsBaseline}.
 */
class SweepReportTest {
    static final SweepReport.Axis WORK = new SweepReport.Axis("work", "work per handler", List.of("0", "50"), List.of("0 ns", "50 ns"));
    static final SweepReport.Axis SKEW = new SweepReport.Axis("skew", "skew", List.of("flat", "steep"), List.of("flat", "steep"));
    static final SweepReport.Axis WORKERS = new SweepReport.Axis("workers", "RX workers", List.of("1"), List.of("1"));
    static final List<String> ARMS = List.of("virtual", "aa=virtual", "planted=virtual;planted=1", "dynamic-call", "promoted", "devirtualized");

    static RunResults slower;
    static RunResults unclear;
    static RunResults single;
    static SweepReport.Sweep sweep;

    @BeforeAll
    static void sweep() throws Exception {
        slower = SyntheticRuns.suite(11, 8, 1, Map.of(), 0.08, 0, null);
        unclear = SyntheticRuns.suite(12, 3, 1, Map.of("dynamic-call", 1 / 0.62), 0.08, 0, null);
        single = SyntheticRuns.suite(13, 1, 1, Map.of(), 0.08, 0, null);
        sweep = new SweepReport.Sweep(SweepReport.SCHEMA, "sweeps/s1", "2026-12-03T12:00:00Z", 5, "virtual", ARMS, List.of(WORK, SKEW, WORKERS),
                List.of("vm"), List.of(point(0, "0", "flat", "done", slower), point(1, "50", "flat", "done", unclear),
                        point(2, "0", "steep", "partial", single), point(3, "50", "steep", "not run", null)));
    }

    static SweepReport.Point point(int i, String work, String skew, String status, RunResults r) {
        String name = String.format(Locale.ROOT, "point-%03d", i);
        List<SweepReport.Machine> machines = r == null ? List.of()
                : List.of(SweepReport.machine("vm", "Xeon", List.of(name), RunAnalysis.of(r, 0.01, 0.01)));
        return new SweepReport.Point(i, name, Map.of("work", work, "skew", skew, "workers", "1"), 8, status, machines, null);
    }

    static Stats.LogRatio primary(RunResults r, String arm) {
        return Stats.vsBaseline(r, 0.01, 0.01).stream().filter(x -> x.arm().equals(arm)).findFirst().orElseThrow();
    }

    static String row(String point, String work, String skew, String arm, String gain, String verdict, String blocks, String mde) {
        return "| " + point + " | " + work + " | " + skew + " | " + arm + " | " + gain + " | " + verdict + " | " + blocks + " | " + mde + " |";
    }

    @Test
    void aMachineRowCountsItsRunsForksAndBlocks() {
        SweepReport.Machine m = sweep.points().get(0).machines().get(0);
        assertThat(m.forks()).isEqualTo(slower.forks().size()).isEqualTo(6 * 8 + 4);
        assertThat(m.plannedForks()).isEqualTo(slower.plan().size());
        assertThat(m.blocks()).isEqualTo(8);
        assertThat(m.arms()).extracting(SweepReport.ArmResult::role).containsExactly("baseline", "aa", "planted", "question", "question", "question");
        assertThat(sweep.questions()).containsExactly("dynamic-call", "promoted", "devirtualized");
    }

    @Test
    void theTableCarriesEachPointsRatioAndVerdict() {
        String md = SweepReport.markdown(sweep);
        List<String> lines = md.lines().toList();
        assertThat(lines).contains("| point | work per handler | skew | arm | vs virtual: rate ratio [95% CI] | verdict | blocks | MDE |");
        // the point of 8 blocks: dynamic-call is slower, its interval holds the truth, and the cell is the primary analysis' numbers
        Stats.LogRatio dc = primary(slower, "dynamic-call");
        assertThat(dc.verdict()).isEqualTo(Stats.Verdict.SLOWER);
        assertThat(dc.ratioLow()).isLessThan(0.62);
        assertThat(dc.ratioHigh()).isGreaterThan(0.62);
        String gain = String.format(Locale.ROOT, "%.3f [%.3f, %.3f] (%+.1f%%)", dc.ratio(), dc.ratioLow(), dc.ratioHigh(), 100 * (dc.ratio() - 1));
        assertThat(lines).contains(row("point-000", "0 ns", "flat", "dynamic-call", gain, "slower", "8", String.format(Locale.ROOT, "%.1f%%",
                100 * dc.mde())));
        assertThat(lines).contains(row("point-000", "0 ns", "flat", "virtual", "baseline", "-", "-", "-"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("| point-000 | 0 ns | flat | aa (A/A control) | "))
                .anySatisfy(l -> assertThat(l).startsWith("| point-000 | 0 ns | flat | planted (planted control) | "));
        // where dynamic-call is the baseline again, 3 blocks cannot say: inconclusive, with the MDE it had
        Stats.LogRatio same = primary(unclear, "dynamic-call");
        assertThat(same.verdict()).isEqualTo(Stats.Verdict.INCONCLUSIVE);
        String mde = String.format(Locale.ROOT, "%.1f%%", 100 * same.mde());
        assertThat(lines).contains(row("point-001", "50 ns", "flat", "dynamic-call", "inconclusive (MDE " + mde + ")", "inconclusive", "3", mde));
        // one block: too few forks to compare, and the point is marked partial
        assertThat(lines).contains(row("point-002 (partial)", "0 ns", "steep", "dynamic-call", "too few forks (1)", "too few forks", "-", "-"));
        assertThat(lines).contains("| point-003 | 50 ns | steep | - | not run | - | - | - |");
        // what was swept, in the lines above the table
        assertThat(md).contains("sweep sweeps/s1: 4 points (2 done), collected 2026-12-03T12:00:00Z")
                .contains("axes: work per handler 0 ns, 50 ns; skew flat, steep").contains("fixed: RX workers 1").contains("machines: vm  \n")
                .contains(SweepReport.NOTES);
        // one machine: no machine column
        assertThat(md).doesNotContain("| machine |");
    }

    @Test
    void theHeatMapsColourFindingsAndHatchTheRest() {
        String html = SweepReport.html(sweep);
        // one map per question arm (work across, skew down), after the legend
        assertThat(html.split("<svg ", -1)).hasSize(1 + 1 + 3);
        for (String arm : sweep.questions()) {
            assertThat(html).contains("aria-label=\"heat map of " + arm + "\"").contains("<h2>" + arm + " vs virtual</h2>");
        }
        assertThat(html).doesNotContain("heat map of aa").doesNotContain("heat map of planted");
        String map = html.substring(html.indexOf("heat map of dynamic-call"), html.indexOf("</svg>", html.indexOf("heat map of dynamic-call")));
        // the finding: coloured on the sweep's scale, slower, with its change and interval
        Stats.LogRatio dc = primary(slower, "dynamic-call");
        String fill = SweepHtml.hex(SweepHtml.colour(Math.log(dc.ratio()), SweepHtml.scale(sweep)));
        assertThat(map).contains("fill=\"" + fill + "\"").contains(String.format(Locale.ROOT, ">%+.1f%%</text>", 100 * (dc.ratio() - 1)))
                .contains(String.format(Locale.ROOT, ">slower, MDE %.1f%%</text>", 100 * dc.mde()));
        // the slower end of the scale is the slower colour: dynamic-call at -38% is the sweep's largest |ln ratio|
        assertThat(fill).isEqualTo(SweepHtml.hex(SweepHtml.SLOWER));
        // inconclusive: hatched, labelled with its MDE; too few forks and not run: dashed outlines
        assertThat(map).contains("fill=\"url(#hatch").contains(">inconclusive</text>")
                .contains(String.format(Locale.ROOT, ">MDE %.1f%%</text>", 100 * primary(unclear, "dynamic-call").mde()))
                .contains(">too few forks</text>").contains(">not run</text>").contains("stroke-dasharray=\"4 3\"");
        // axes: the values' labels and titles
        assertThat(map).contains(">0 ns</text>").contains(">50 ns</text>").contains(">flat</text>").contains(">steep</text>")
                .contains(">work per handler</text>").contains(">skew</text>");
        // then the table, with a link to each run's report on its baseline row
        assertThat(html).contains("<h2>Every point and arm</h2>").contains("<a href=\"point-000/report.html\">report</a>")
                .contains("<td>too few forks (1)</td>".replace("<td>", "<td class=\"num\">"));
    }

    @Test
    void aPointRunOnTwoMachinesIsAnalysedPerMachineAndTogether() throws Exception {
        RunResults a = SyntheticRuns.suite(21, 4, 1, Map.of(), 0.08, 0, null);
        RunResults b = SyntheticRuns.suite(22, 4, 1.3, Map.of(), 0.08, 0, null);
        RunResults both = ResultsFiles.merge(List.of(a, b));
        SweepReport.Point p = new SweepReport.Point(0, "point-000", Map.of("work", "0", "skew", "flat", "workers", "1"), 4, "done",
                List.of(SweepReport.machine("a", "Xeon", List.of("point-000"), RunAnalysis.of(a, 0.01, 0.01)),
                        SweepReport.machine("b", "EPYC", List.of("b/point-000"), RunAnalysis.of(b, 0.01, 0.01))),
                SweepReport.machine("all (2 machines)", "Xeon, EPYC", List.of("point-000", "b/point-000"), RunAnalysis.of(both, 0.01, 0.01)));
        SweepReport.Sweep s = new SweepReport.Sweep(SweepReport.SCHEMA, "sweeps/s2", "2026-12-03T12:00:00Z", 5, "virtual", ARMS,
                List.of(WORK, SKEW, WORKERS), List.of("a", "b"), List.of(p));
        // the combined analysis pairs within each machine's blocks: 8 blocks, none spanning machines
        assertThat(p.combined().blocks()).isEqualTo(8);
        assertThat(p.combined().arm("dynamic-call").n()).isEqualTo(8);
        assertThat(p.combined().arm("dynamic-call").ratio()).isCloseTo(primary(both, "dynamic-call").ratio(), org.assertj.core.api.Assertions.within(1e-12));
        String md = SweepReport.markdown(s);
        assertThat(md).contains("| point | work per handler | skew | machine | arm |").contains("machines: a, b (analysed apart; blocks pair within a machine)");
        for (String host : List.of("a", "b", "all (2 machines)")) {
            assertThat(md).contains("| point-000 | 0 ns | flat | " + host + " | dynamic-call | ");
        }
        String html = SweepReport.html(s);
        assertThat(html).contains("<h2>dynamic-call vs virtual, machine a</h2>").contains("<h2>dynamic-call vs virtual, machine b</h2>")
                .contains("<h2>dynamic-call vs virtual, all machines (blocks paired within each)</h2>");
        // 3 questions x (2 machines + all) maps, and the legend
        assertThat(html.split("<svg ", -1)).hasSize(1 + 1 + 9);
    }
}
