package io.icpbench.dispatch.promote;

import io.icpbench.dispatch.promote.fixture.AddOne;
import io.icpbench.dispatch.promote.fixture.Ops;

/** Calls an ops method from outside the fixture package: never rewritten with the fixture's options. */
final class OutsideCaller {
    private OutsideCaller() {
    }

    static int call(int x) {
        Ops o = new AddOne();
        return o.apply(x);
    }
}
