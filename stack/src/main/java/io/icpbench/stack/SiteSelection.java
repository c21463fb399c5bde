package io.icpbench.stack;

import java.util.ArrayList;
import java.util.List;

/**
 * Which of the twelve call sites a mode converts; the others stay plain indirect calls. Read once
 * from {@code -Dicpbench.sites}: "all" (the default), "none", or sites and ranges such as "1-5,9". It applies to indirect-call, dynamic-call, devirtualized and (through the rewriter's
 * exclude list) promoted.
 */
public final class SiteSelection {
    /** The system property. */
    public static final String PROPERTY = "icpbench.sites";
    /** The callee each site calls, as the rewriter names it ("-> NapiPoll.poll"), site 1 first. */
    public static final List<String> CALLEES = List.of("NapiPoll.poll", "RxHandler.handleFrame", "GroL3.groReceive",
            "GroL4.groReceive", "UdpTunnelGro.groReceive", "PacketType.func", "NfHook.hook", "DstInput.input",
            "NetProtocol.handler", "EncapRcv.encapRcv", "DataReady.dataReady", "RecvMsg.recvmsg");

    private static final boolean[] CONVERTED = parse(System.getProperty(PROPERTY, "all"));

    private SiteSelection() {
    }

    /** Whether site {@code n} (1..12) is converted in this JVM. */
    public static boolean converted(int n) {
        return CONVERTED[n];
    }

    /**
     * Parses a selection.
     *
     * @return index 1..12: converted or not (index 0 unused)
     */
    public static boolean[] parse(String text) {
        boolean[] on = new boolean[13];
        String t = text.trim();
        if (t.equals("all")) {
            java.util.Arrays.fill(on, true);
            return on;
        }
        if (t.equals("none")) {
            return on;
        }
        try {
            for (String part : t.split(",")) {
                String p = part.trim();
                int dash = p.indexOf('-');
                int lo = Integer.parseInt(dash < 0 ? p : p.substring(0, dash).trim());
                int hi = dash < 0 ? lo : Integer.parseInt(p.substring(dash + 1).trim());
                if (lo < 1 || hi > 12 || lo > hi) {
                    throw new IllegalArgumentException("sites=" + text + ": '" + p + "', expected sites 1..12");
                }
                for (int i = lo; i <= hi; i++) {
                    on[i] = true;
                }
            }
            return on;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("sites=" + text + ", expected all, none, or sites and ranges such as 1-5,9", e);
        }
    }

    /** The rewriter's exclude entries for the sites {@code text} leaves plain ("-> NfHook.hook", ...). */
    public static List<String> promotionExcludes(String text) {
        boolean[] on = parse(text);
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            if (!on[i]) {
                out.add("-> " + CALLEES.get(i - 1));
            }
        }
        return out;
    }
}
