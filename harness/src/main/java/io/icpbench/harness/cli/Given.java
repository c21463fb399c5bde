package io.icpbench.harness.cli;

import java.util.List;

/** Collects the names of the options given, for a command that must refuse them in one of its modes. */
final class Given {
    private Given() {
    }

    static void add(List<String> out, boolean given, String name) {
        if (given) {
            out.add(name);
        }
    }
}
