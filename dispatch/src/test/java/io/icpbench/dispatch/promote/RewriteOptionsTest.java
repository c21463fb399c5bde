package io.icpbench.dispatch.promote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.icpbench.dispatch.Learning;
import io.icpbench.dispatch.Placement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RewriteOptionsTest {
    @Test
    void parsesEveryKeyAndFormatsBack() {
        RewriteOptions o = RewriteOptions.parse("packages=a.b,c.d;exclude=NetStack.nfHookSlow,X.y;policy=top-3,learn-once;"
                + "stats=thread_local;thresholds=10,20,5,3");
        assertThat(o.packages()).containsExactly("a.b", "c.d");
        assertThat(o.exclude()).containsExactly("NetStack.nfHookSlow", "X.y");
        assertThat(o.learning()).isEqualTo(Learning.of("top-3,learn-once", null, "thread_local", "10,20,5,3"));
        assertThat(RewriteOptions.parse(o.format())).isEqualTo(o);
        RewriteOptions d = RewriteOptions.parse("packages=io.icpbench.stack");
        assertThat(d).isEqualTo(RewriteOptions.forPackages("io.icpbench.stack"));
        assertThat(d.format()).isEqualTo("packages=io.icpbench.stack;policy=cree;stats=striped;thresholds=1000,1000,250;placement=stub");
        assertThat(RewriteOptions.parse("packages=a.b;placement=mh-field").learning().placement()).isEqualTo(Placement.MH_FIELD);
        assertThat(RewriteOptions.parse(d.format())).isEqualTo(d);
        assertThat(RewriteOptions.parse(" packages = a.b ; policy = gcc ").learning().policy().text()).isEqualTo("gcc");
    }

    @Test
    void rejectsWhatItCannotUse() {
        assertThatThrownBy(() -> RewriteOptions.parse(null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("package");
        assertThatThrownBy(() -> RewriteOptions.parse("  ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RewriteOptions.parse("policy=cree")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("packages=");
        assertThatThrownBy(() -> RewriteOptions.parse("packages=a.b;verbose")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'verbose' is not key=value");
        assertThatThrownBy(() -> RewriteOptions.parse("packages=a.b;colour=red")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown promotion option 'colour'");
        assertThatThrownBy(() -> RewriteOptions.parse("packages=a.b;placement=outline")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("placement=outline, expected stub, inline, mh-field or adaptive");
        assertThatThrownBy(() -> RewriteOptions.forPackages()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void listsAreCopied() {
        List<String> packages = new ArrayList<>(List.of("a.b"));
        RewriteOptions o = new RewriteOptions(packages, new ArrayList<>(), Learning.of("cree", null, "striped", "1,1,1"));
        packages.add("c.d");
        assertThat(o.packages()).containsExactly("a.b");
        assertThatThrownBy(() -> o.packages().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void coversWholePackagesAndTheirSubPackages() {
        RewriteOptions o = RewriteOptions.forPackages("io.icpbench.stack", "x.y");
        assertThat(o.covers("io/icpbench/stack/NetStack")).isTrue();
        assertThat(o.covers("io/icpbench/stack/ops/NapiPoll")).isTrue();
        assertThat(o.covers("io/icpbench/stack/NetStack$Inner")).isTrue();
        assertThat(o.covers("x/y/Z")).isTrue();
        assertThat(o.covers("io/icpbench/stackx/NetStack")).isFalse();
        assertThat(o.covers("io/icpbench/Stack")).isFalse();
        assertThat(o.covers("io/icpbench/stack")).as("the package name itself is no class in it").isFalse();
    }

    @Test
    void excludesBySiteNamePrefix() {
        RewriteOptions o = new RewriteOptions(List.of("a"), List.of("NetStack.nfHookSlow", "", "Gro.x:12 "),
                Learning.of("cree", null, "striped", "1,1,1"));
        assertThat(o.excluded("NetStack.nfHookSlow:88 -> NfHook.hook")).isTrue();
        assertThat(o.excluded("NetStack.netRxAction:253 -> NapiPoll.poll")).isFalse();
        assertThat(o.excluded("Gro.x:12 -> A.b")).isTrue();
        assertThat(o.excluded("Gro.x:123 -> A.b")).isFalse();
    }

    /** "packages=a.b, c.d" (a space after the comma) must not silently cover nothing for c.d. */
    @Test
    void listItemsAreTrimmed() {
        RewriteOptions o = RewriteOptions.parse("packages=a.b, c.d;exclude=X.y, Z.w");
        assertThat(o.covers("c/d/E")).isTrue();
        assertThat(o.excluded("Z.w:1 -> Ops.apply")).isTrue();
    }

    /** "packages=" names no package: it must be rejected like a missing key, not cover nothing. */
    @Test
    void anEmptyPackageListIsRejected() {
        assertThatThrownBy(() -> RewriteOptions.parse("packages=")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RewriteOptions.parse("packages=,")).isInstanceOf(IllegalArgumentException.class);
    }
}
