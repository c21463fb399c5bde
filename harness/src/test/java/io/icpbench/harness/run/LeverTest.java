package io.icpbench.harness.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icpbench.harness.host.Affinity;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The levers every fork runs under: written forms, the launch they make, and their errors. */
class LeverTest {

    private static BitSet cpus(int... n) {
        BitSet b = new BitSet();
        for (int i : n) {
            b.set(i);
        }
        return b;
    }

    @Test
    void writtenFormsReadBack() {
        for (String w : List.of("pin", "fixed-heap", "jvm=-XX:InlineSmallCode=6000", "jvm=-XX:+UnlockDiagnosticVMOptions -XX:-Inline")) {
            assertThat(Lever.parse(w).written()).isEqualTo(w);
        }
        assertThat(Lever.parse(" jvm=  -Xint ").flags()).containsExactly("-Xint");
    }

    @Test
    void pinPutsTheWorkerOnTheLastCpuAndTheRestElsewhere() {
        Lever.ForkLaunch l = Lever.launch(Lever.parseAll(List.of("pin")), cpus(0, 1));
        assertThat(l.prefix()).containsExactly("taskset", "-c", "0");
        assertThat(l.properties()).isEqualTo(Map.of(Affinity.WORKER_CPU_PROPERTY, "1"));
        assertThat(l.jvmFlags()).isEmpty();
        Lever.ForkLaunch wide = Lever.launch(Lever.parseAll(List.of("pin")), cpus(0, 1, 2, 3, 5, 7));
        assertThat(wide.prefix()).containsExactly("taskset", "-c", "0-3,5");
        assertThat(wide.properties()).containsEntry(Affinity.WORKER_CPU_PROPERTY, "7");
    }

    @Test
    void heapAndJvmLeversAddFlagsInOrder() {
        Lever.ForkLaunch l = Lever.launch(Lever.parseAll(List.of("fixed-heap", "jvm=-XX:InlineSmallCode=6000")), cpus(0, 1));
        assertThat(l.prefix()).isEmpty();
        assertThat(l.jvmFlags()).containsExactly("-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch", "-XX:InlineSmallCode=6000");
        assertThat(Lever.launch(List.of(), cpus(0, 1))).satisfies(n -> {
            assertThat(n.prefix()).isEmpty();
            assertThat(n.jvmFlags()).isEmpty();
            assertThat(n.properties()).isEmpty();
        });
    }

    @Test
    void badLeversAreOneLineErrors() {
        assertThatThrownBy(() -> Lever.parse("pinned")).hasMessage("--lever pinned: expected pin, fixed-heap or jvm=FLAGS");
        assertThatThrownBy(() -> Lever.parse("jvm=")).hasMessageContaining("expected jvm= and JVM flags");
        assertThatThrownBy(() -> Lever.parse("jvm=Xint")).hasMessageContaining("each starting with '-'");
        assertThatThrownBy(() -> Lever.parseAll(List.of("pin", "pin"))).hasMessage("--lever pin given twice");
        assertThatThrownBy(() -> Lever.launch(Lever.parseAll(List.of("pin")), cpus(3))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 2 CPUs");
    }

    @Test
    void aRunKeepsItsLeversInItsSettings() {
        RunSpec spec = new RunRequest(List.of("virtual"), null, "udp-only", null, null, 0, 1, "all", 2, 10, null, 1, true, "interleaved", 1, 2,
                0.1, 7L, false, false, List.of("fixed-heap", "jvm=-XX:InlineSmallCode=6000")).resolve(null);
        assertThat(spec.settings().levers()).containsExactly("fixed-heap", "jvm=-XX:InlineSmallCode=6000");
        assertThat(RunSpec.of(spec.settings()).levers()).isEqualTo(spec.levers());
        assertThat(new RunRequest(List.of("virtual"), null, "udp-only", null, null, 0, 1, "all", 2, 10, null, 1, true, "interleaved", 1, 2,
                0.1, 7L, false, false, null).resolve(null).settings().levers()).isEmpty();
    }
}
