package io.icpbench.harness.bench;

/**
 * A planted effect: the benchmark does more work than it is credited for, by a known share, so an
 * arm with it is slower than its baseline by construction, not by calibration. The planted arm
 * performs exactly the baseline's operation (one {@code RxPathBenchmark.receive} batch: the same
 * {@code ring.replay(stack, BATCH, ...)} call), and besides it, at the stated share, whole extra
 * operations of the same kind that JMH does not count: with {@code percent} = 2, one extra whole
 * operation after every 50 credited ones. Nothing is changed inside an operation (an earlier
 * version squeezed extra packets into the credited batch's {@code net_rx_action} rounds, which
 * shared the per-round work and made the effect a little smaller than stated), so the truth is
 * exact, not estimated: per credited operation the planted arm spends 1 + percent/100 operations'
 * time, and its rate ratio to the baseline is 1/(1 + percent/100) (0.980 at 2%).
 *
 * <p>Exact up to JMH's per-operation loop overhead. With T the time of one operation, o what JMH's
 * measurement loop adds per operation (its counter, its time check, the blackhole that consumes
 * the result; paid once per credited operation by both arms) and c what this class and its loop
 * add per credited operation (an add, a division, a compare), the ratio is
 * (T + o)/((1 + p)·T + o + c), which differs from 1/(1 + p) by a relative
 * (p·o − c)/((1 + p)·T + o + c): at most (p·o + c)/T. One operation is {@value RxPathBenchmark#BATCH}
 * packets, at least about 25 µs at 100 ns per packet, and o and c are a few ns, so the truth
 * holds to about 2·10⁻⁴ of the ratio. Over a measurement iteration the extra operations are the
 * share to within one operation (the remainder carries over to the next iteration).
 *
 * <p>Allocation-free: the share is counted in millionths of an operation and handed out in whole
 * operations, so over any number of operations the extra ones are the exact share, rounded down.
 */
public final class PlantedEffect {
    /** The system property of a fork's planted effect: percent more work per credited operation (0 or absent: none). */
    public static final String PROPERTY = "icpbench.planted";

    private final long ppm;
    private long owed;

    /** @param percent extra work per credited operation, 0 to 100 percent */
    public PlantedEffect(double percent) {
        if (!(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException("planted=" + percent + "%, expected 0..100");
        }
        this.ppm = Math.round(percent * 10_000);
    }

    /** The effect this JVM's {@code -Dicpbench.planted} asks for (none if unset). */
    public static PlantedEffect fromSystemProperty() {
        String v = System.getProperty(PROPERTY);
        try {
            return new PlantedEffect(v == null || v.isBlank() ? 0 : Double.parseDouble(v.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + v + ": expected a percentage such as 2 or 0.5", e);
        }
    }

    public boolean active() {
        return ppm > 0;
    }

    /** The extra whole operations to perform, uncredited, beside the credited one just performed (0 most of the time). */
    public int extraOperations() {
        owed += ppm;
        long whole = owed / 1_000_000;
        owed -= whole * 1_000_000;
        return (int) whole;
    }
}
