package io.icpbench.dispatch;

import java.util.ArrayList;
import java.util.List;

/**
 * Chooses the targets to install from merged statistics. Cree's rule (top 2 if the top count
 * passes the patch threshold) is the default; top-N, LLVM's and GCC's indirect call promotion rules
 * and learn-once are the alternatives.
 */
public interface LearningPolicy {
    /** A receiver class and how often the statistics saw it. */
    record Candidate(Class<?> target, long count) {
    }

    /**
     * @param sorted candidates, most frequent first (never empty)
     * @param total  the sum of all counts
     * @return the targets to install, most frequent first (empty: promote nothing), or null to keep
     *         what is installed
     */
    List<Class<?>> select(List<Candidate> sorted, long total, LearningConfig config);

    /** Whether the site stops learning after its first patch. */
    default boolean learnOnce() {
        return false;
    }

    /** The name shown in introspection. */
    String name();

    /** Cree's default: the top 2 (or N) once the top count passes the patch threshold. */
    static LearningPolicy topN(int n) {
        if (n < 1 || n > 4) {
            throw new IllegalArgumentException("top-N with N=" + n + ", expected 1..4");
        }
        return new LearningPolicy() {
            @Override
            public List<Class<?>> select(List<Candidate> sorted, long total, LearningConfig config) {
                if (sorted.get(0).count() <= config.patchThreshold()) {
                    return null;
                }
                List<Class<?>> out = new ArrayList<>();
                for (int i = 0; i < Math.min(n, sorted.size()); i++) {
                    out.add(sorted.get(i).target());
                }
                return out;
            }

            @Override
            public String name() {
                return "top-" + n;
            }
        };
    }

    /** Cree's dynamic_call default. */
    static LearningPolicy cree() {
        return topN(2);
    }

    /**
     * LLVM's indirect call promotion: promote targets in order while each has at least 30% of the
     * calls not yet promoted and 5% of all calls, at most 3 (ICPRemainingPercentThreshold,
     * ICPTotalPercentThreshold, MaxNumPromotions).
     */
    static LearningPolicy llvm() {
        return new LearningPolicy() {
            @Override
            public List<Class<?>> select(List<Candidate> sorted, long total, LearningConfig config) {
                if (sorted.get(0).count() <= config.patchThreshold()) {
                    return null;
                }
                List<Class<?>> out = new ArrayList<>();
                long remaining = total;
                for (Candidate c : sorted) {
                    if (out.size() == 3 || c.count() * 100 < 30 * remaining || c.count() * 100 < 5 * total) {
                        break;
                    }
                    out.add(c.target());
                    remaining -= c.count();
                }
                return out;
            }

            @Override
            public String name() {
                return "llvm";
            }
        };
    }

    /** GCC's speculative devirtualization from profile: the top target only if it makes more than 75%. */
    static LearningPolicy gcc() {
        return new LearningPolicy() {
            @Override
            public List<Class<?>> select(List<Candidate> sorted, long total, LearningConfig config) {
                if (sorted.get(0).count() <= config.patchThreshold()) {
                    return null;
                }
                Candidate top = sorted.get(0);
                return top.count() * 100 > 75 * total ? List.of(top.target()) : List.of();
            }

            @Override
            public String name() {
                return "gcc";
            }
        };
    }

    /** {@code inner}, but the site never relearns after its first patch. */
    static LearningPolicy learnOnce(LearningPolicy inner) {
        return new LearningPolicy() {
            @Override
            public List<Class<?>> select(List<Candidate> sorted, long total, LearningConfig config) {
                return inner.select(sorted, total, config);
            }

            @Override
            public boolean learnOnce() {
                return true;
            }

            @Override
            public String name() {
                return inner.name() + ",learn-once";
            }
        };
    }

    /** Parses "cree", "top-N", "llvm", "gcc", each optionally followed by ",learn-once". */
    static LearningPolicy parse(String text) {
        String t = text.trim();
        boolean once = t.endsWith(",learn-once");
        if (once) {
            t = t.substring(0, t.length() - ",learn-once".length());
        }
        LearningPolicy p;
        if (t.equals("cree")) {
            p = cree();
        } else if (t.equals("llvm")) {
            p = llvm();
        } else if (t.equals("gcc")) {
            p = gcc();
        } else if (t.matches("top-[0-9]{1,9}")) {
            p = topN(Integer.parseInt(t.substring(4)));
        } else if (t.matches("top-[0-9]+")) {
            throw new IllegalArgumentException("learning policy '" + text + "': N=" + t.substring(4) + ", expected top-1..top-4");
        } else {
            throw new IllegalArgumentException("unknown learning policy '" + text
                    + "', expected cree, top-1..top-4, llvm or gcc, optionally followed by ,learn-once");
        }
        return once ? learnOnce(p) : p;
    }
}
