package io.icpbench.harness.bench;

/**
 * A planted effect: the benchmark does more work than it is credited for, by a known share, so an
 * arm with it is slower than its baseline by construction, not by calibration. With {@code percent}
 * = 1, one packet in every 101 is processed but not credited: each credited packet costs exactly
 * 1.0% more packet work (its rate is 1/1.01 of the baseline's, −0.99%), whatever the machine
 * does. The extra packets go in the same {@code net_rx_action} rounds as the credited ones, so the
 * per-round work is not repeated; it is spread over 1% more packets, which makes the planted effect
 * a hair under 1.0% of the whole per-packet time, by the share of that per-round work.
 *
 * <p>Allocation-free: the uncredited packets are counted in millionths of a packet and handed out
 * whole, so over any number of batches the extra packets are the exact share, rounded down.
 */
public final class PlantedEffect {
    /** The system property of a fork's planted effect: percent more work per credited packet (0 or absent: none). */
    public static final String PROPERTY = "icpbench.planted";

    private final long ppm;
    private long owed;

    /** @param percent extra work per credited packet, 0 to 100 percent */
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
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + v + ": expected a percentage such as 1 or 0.5", e);
        }
    }

    public boolean active() {
        return ppm > 0;
    }

    /** Uncredited packets to process with the next {@code credited} ones. */
    public int extra(int credited) {
        owed += credited * ppm;
        long whole = owed / 1_000_000;
        owed -= whole * 1_000_000;
        return (int) whole;
    }
}
