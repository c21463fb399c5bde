package io.icpbench.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.invoke.MethodHandle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tables are per site by default; two call sites may share one (Cree's shared dynamic_call key):
 * both invoke the same DynamicSite, so they learn from each other's calls and install together.
 */
class SharedTableTest {
    @AfterEach
    void clear() {
        SiteRegistry.clear();
    }

    private static int siteA(MethodHandle shared, Receivers.Op op, int x) throws Throwable {
        return (int) shared.invokeExact(op, x);
    }

    private static int siteB(MethodHandle shared, Receivers.Op op, int x) throws Throwable {
        return (int) shared.invokeExact(op, x);
    }

    @Test
    void twoCallSitesSharingOneTableLearnTogether() throws Throwable {
        DynamicSite table = Receivers.creeSite();
        MethodHandle shared = table.invoker();
        // Site A sees only T0 and site B only T1: neither alone passes the update threshold (1000)
        // in 600 calls, but their shared statistics do, and both targets go in for both sites.
        for (int i = 0; i < 600; i++) {
            assertThat(siteA(shared, Receivers.OPS[0], i)).isEqualTo(i);
            assertThat(siteB(shared, Receivers.OPS[1], i)).isEqualTo(1000 + i);
        }
        assertThat(table.updates()).isEqualTo(1);
        assertThat(table.installed()).containsExactlyInAnyOrder(Receivers.OPS[0].getClass(), Receivers.OPS[1].getClass());
        long hits = table.fastHits();
        siteA(shared, Receivers.OPS[1], 1);
        siteB(shared, Receivers.OPS[0], 1);
        assertThat(table.fastHits()).as("each site now hits the target the other one taught").isEqualTo(hits + 2);
        assertThat(SiteRegistry.all()).containsExactly(table);
    }
}
