package io.icpbench.harness.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icpbench.dispatch.Learning;
import io.icpbench.dispatch.Mode;
import io.icpbench.dispatch.Placement;
import io.icpbench.results.ResultsFiles;
import io.icpbench.results.RunResults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A run typed once: what the options resolve to, what results files read back into, and what a fork is told. */
class RunSpecTest {
    /** The recorded run of GoldenRunTest (analysis module's copy). */
    static final Path GOLDEN = Path.of("../analysis/src/test/resources/golden/quick-seed7");

    static RunRequest request(Long seed) {
        return new RunRequest(null, List.of("dc-once=dynamic-call;placement=INLINE;policy=cree,learn-once"), "udp-only", null, null, 0, 1, "all",
                3, 10, null, 1, true, null, 2, 5, 0.1, seed, false, false, List.of());
    }

    @Test
    void theOptionsAreTypedOnceAndTheSameSeedGivesTheSamePlan() {
        RunSpec a = request(42L).resolve(null);
        RunSpec b = request(42L).resolve(null);
        assertThat(a.plan()).isEqualTo(b.plan());
        assertThat(request(43L).resolve(null).plan()).isNotEqualTo(a.plan());
        // the arm as given, and as typed: the placement named as results name it, the learned defaults filled in
        ArmSpec dc = a.arm("dc-once");
        assertThat(dc.written().spec()).isEqualTo("dynamic-call;placement=inline;policy=cree,learn-once");
        assertThat(dc.mode()).isEqualTo(Mode.DYNAMIC_CALL);
        assertThat(dc.learning()).isEqualTo(Learning.of("cree,learn-once", "inline", null, null));
        assertThat(dc.learning().placement()).isEqualTo(Placement.INLINE);
        // the controls are the baseline (the first arm) again, typed alike
        assertThat(a.arms()).extracting(ArmSpec::name).containsExactly("dc-once", Arms.AA, Arms.PLANTED);
        assertThat(a.arm(Arms.PLANTED).planted()).isEqualTo(2.0);
        assertThat(a.design()).isSameAs(Design.ALL.get(0));
        assertThat(a.traffic()).isEqualTo(new TrafficSpec.Synthetic("udp-only"));
        assertThat(a.budget()).isEqualTo(new RunSpec.Budget(3, 2, 5, 0.1));
    }

    @Test
    void aResultsFileReadsBackIntoTheSpecItWasWrittenFrom() {
        RunResults r = ResultsFiles.read(GOLDEN);
        RunSpec spec = RunSpec.of(r.settings());
        assertThat(spec.settings()).isEqualTo(r.settings());
        assertThat(spec.plan()).as("the same seed, the same plan").isEqualTo(r.plan());
        assertThat(spec.arm("promoted").learning()).isEqualTo(Learning.DEFAULT);
        assertThat(spec.arm("virtual").learning()).isNull();
    }

    @Test
    void aSchemaOneFileReadsIntoASpecToo(@TempDir Path dir) throws Exception {
        Files.copy(Path.of("../results/src/test/resources/schema1/results.json"), dir.resolve(ResultsFiles.RESULTS));
        RunSpec spec = RunSpec.of(ResultsFiles.read(dir).settings());
        assertThat(spec.design()).isSameAs(SequentialDesign.INSTANCE);
        assertThat(spec.arms()).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "pcap:/tmp/x.pcap", "pcap:/tmp/x.pcap?host=auto", "pcap:/tmp/x.pcap?host=/tmp/host.txt", "live:udp-only"})
    void trafficIsReadBackFromTheFormFilesKeep(String encoded) {
        TrafficSpec t = TrafficSpec.decode(encoded);
        assertThat(t.encoded()).isEqualTo(encoded);
        assertThat(t).isInstanceOf(encoded.startsWith("pcap:") ? TrafficSpec.Capture.class
                : encoded.startsWith("live:") ? TrafficSpec.Live.class : TrafficSpec.Synthetic.class);
    }

    @Test
    void badOptionsAreRefusedInOneLine() {
        assertThatThrownBy(() -> TrafficSpec.of("tcp:x", "default", null)).hasMessage("--source=tcp:x, expected synthetic, pcap:FILE or live");
        assertThatThrownBy(() -> TrafficSpec.of(null, "default", "auto")).hasMessageContaining("--host describes the receiving host of a capture");
        assertThatThrownBy(() -> Design.of("nosuch")).hasMessage("--design=nosuch, expected one of interleaved, sequential, duet");
    }

    @Test
    void aForkIsToldItsPartInOneCheckedFile(@TempDir Path dir) throws Exception {
        RunSpec spec = request(7L).resolve(null);
        RunResults.PlannedFork first = spec.plan().get(0);
        ForkSpec f = ForkSpec.of(dir, spec, first);
        Path file = dir.resolve(ForkSpec.FILE);
        f.write(file);
        ForkSpec back = ForkSpec.read(file);
        assertThat(back).isEqualTo(f);
        assertThat(back.arm()).isEqualTo(spec.arm(first.arm()).written());
        assertThat(back.trafficSpec()).isEqualTo(spec.traffic());
        String json = Files.readString(file);
        // A class data sharing training runs the same arm and traffic, short, as fork 0 in a directory of its own.
        ForkSpec training = f.forTraining(dir.resolve("training"));
        assertThat(training.arm()).isEqualTo(f.arm());
        assertThat(training.traffic()).isEqualTo(f.traffic());
        assertThat(List.of(training.index(), training.block(), training.warmupIterations(), training.iterations())).containsExactly(0, 0, 1, 1);
        assertThat(training.runDir()).isEqualTo(dir.resolve("training").toAbsolutePath().toString());
        Files.writeString(file, json.replace("\"schema\" : 1", "\"schema\" : 9"));
        assertThatThrownBy(() -> ForkSpec.read(file)).hasMessageContaining("fork spec schema 9, expected 1");
        Files.writeString(file, json.replace("\"block\"", "\"blocks\""));
        assertThatThrownBy(() -> ForkSpec.read(file)).hasMessageContaining("not a fork spec");
        Files.writeString(file, json.replace("\"iterations\" : 5", "\"iterations\" : 0"));
        assertThatThrownBy(() -> ForkSpec.read(file)).hasMessageContaining("missing or out-of-range");
    }
}
