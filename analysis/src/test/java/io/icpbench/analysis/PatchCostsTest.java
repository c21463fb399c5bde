package io.icpbench.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.icpbench.results.RunResults;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PatchCostsTest {
    static RunResults.Arm arm(String name, String mode, String placement, String policy) {
        return new RunResults.Arm(name, mode, placement, policy, null, null, null, List.of());
    }

    static RunResults run(List<RunResults.Arm> arms, Map<String, double[]> nsPerPacket, Map<String, RunResults.Accounting> accounting) {
        List<RunResults.PlannedFork> plan = new ArrayList<>();
        List<RunResults.ForkResult> forks = new ArrayList<>();
        for (RunResults.Arm a : arms) {
            for (double ns : nsPerPacket.get(a.name())) {
                int i = plan.size();
                plan.add(new RunResults.PlannedFork(i, 0, a.name(), a.mode()));
                forks.add(new RunResults.ForkResult(i, 0, a.name(), a.mode(), List.of(ns), 1e9 / ns, Map.of(), Map.of(), Map.of(),
                        accounting.getOrDefault(a.name(), RunResults.Accounting.unknown()), null, null, 1));
            }
        }
        RunResults.Settings s = new RunResults.Settings(arms, "default", 0, 1, "all", 2, 1, 1, 1, 1, false);
        return new RunResults(RunResults.SCHEMA, s, new RunResults.Provenance("25", List.of(), "cpu", "Linux", 2, "x", "t"), plan, forks);
    }

    static RunResults.Accounting acc(long packets, long patches, Double usPerPatch) {
        return new RunResults.Accounting(packets, patches * 2, patches, patches * 2 + 12, patches + 12, patches, 0, 10, 5.0, 400.0, usPerPatch,
                Map.of(), Map.of());
    }

    @Test
    void theDifferentialEstimateChargesTheExtraTimeOverTheLearnOnceTwinToThePatches() {
        List<RunResults.Arm> arms = List.of(RunResults.Arm.ofMode("virtual"), arm("dc-stub", "dynamic-call", "stub", "cree"),
                arm("dc-stub-once", "dynamic-call", null, "cree,learn-once"), arm("dc-inline", "dynamic-call", "inline", null));
        // dc-stub: 500 vs 300 ns/packet, 10M packets and 100 patches per fork: 200 ns x 1e7 / 100 = 20 ms = 20,000 µs per patch.
        RunResults r = run(arms, Map.of("virtual", new double[] {249, 251}, "dc-stub", new double[] {490, 510}, "dc-stub-once",
                new double[] {299, 301}, "dc-inline", new double[] {899, 901}),
                Map.of("dc-stub", acc(10_000_000, 100, 150.0), "dc-stub-once", acc(10_000_000, 0, null), "dc-inline", acc(10_000_000, 90, null)));
        Map<String, PatchCosts.ArmCost> c = PatchCosts.perArm(r);
        assertThat(c.get("dc-stub").twin()).isEqualTo("dc-stub-once");
        assertThat(c.get("dc-stub").diffUsPerPatch()).isCloseTo(20_000, within(1e-6));
        assertThat(c.get("dc-stub").forkUsPerPatch()).isEqualTo(150.0);
        assertThat(c.get("dc-stub").patches()).isEqualTo(100);
        // No twin: inline's learn-once arm is missing; learn-once arms and virtual have none either.
        assertThat(c.get("dc-inline").twin()).isNull();
        assertThat(c.get("dc-inline").diffUsPerPatch()).isNaN();
        assertThat(c.get("dc-stub-once").diffUsPerPatch()).isNaN();
        assertThat(c.get("dc-stub-once").forkUsPerPatch()).isNaN();
        assertThat(c.get("virtual").patches()).isNaN();
        String text = MarkdownReport.render(r, 0.01, 0.015);
        assertThat(text).contains("patch accounting").contains("µs/p diff of dc-stub is against dc-stub-once").contains("Bristot")
                .contains("arm dc-stub = dynamic-call;placement=stub;policy=cree").doesNotContain("deopts");
    }

    @Test
    void aTwinMustMatchEverySettingButThePolicy() {
        RunResults.Arm a = arm("a", "promoted", null, null);
        assertThat(PatchCosts.learnOnceTwin(List.of(a, arm("b", "promoted", "stub", "cree,learn-once")), a).name()).isEqualTo("b");
        assertThat(PatchCosts.learnOnceTwin(List.of(a, arm("b", "promoted", "inline", "cree,learn-once")), a)).isNull();
        assertThat(PatchCosts.learnOnceTwin(List.of(a, arm("b", "dynamic-call", null, "cree,learn-once")), a)).isNull();
        assertThat(PatchCosts.learnOnceTwin(List.of(a, arm("b", "promoted", null, "top-1,learn-once")), a)).isNull();
        RunResults.Arm withJvm = new RunResults.Arm("c", "promoted", null, "cree,learn-once", null, null, null, List.of("-Xint"));
        assertThat(PatchCosts.learnOnceTwin(List.of(a, withJvm), a)).isNull();
    }
}
