package io.icpbench.harness.live;

import io.icpbench.harness.traffic.TrafficClass;
import io.icpbench.harness.traffic.TrafficGenerator;
import io.icpbench.harness.traffic.TrafficProfile;
import io.icpbench.stack.NetDevice;
import io.icpbench.stack.NetStack;
import io.icpbench.stack.StackOptions;
import io.icpbench.stack.Topology;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What {@code icpbench send} puts on the wire: one UDP datagram per frame of a traffic profile.
 *
 * <pre>
 * +----------------------+---------------------------------+---------------------------+
 * | VXLAN header, VNI 42 | inner Ethernet frame            | send time, 8 bytes        |
 * | (8 bytes, RFC 7348)  | (the profile's frame, addressed | (CLOCK_MONOTONIC ns, big- |
 * |                      |  to vxlan0)                     |  endian; written at send) |
 * +----------------------+---------------------------------+---------------------------+
 * </pre>
 *
 * The receiver takes the last 8 bytes as the send time and hands the rest to the model's VXLAN
 * receive. Frames the profile addresses to one of the host's devices are addressed to vxlan0
 * instead (only the destination MAC changes, so every checksum still holds); broadcast, multicast
 * and frames for other hosts stay as they are. The same frames thus reach the same handlers above
 * the link layer, while the devices' own rx_handlers (bond, bridge, macvlan) and VLANs, which the
 * VXLAN device does not have, are not taken.
 *
 * <p>The datagram file ({@link #write}) hands the same datagrams to the C sender:
 * {@code "ICPDGRM1"}, then per datagram a 4-byte big-endian length and the bytes.
 */
public final class LiveDatagrams {
    /** Bytes of the send-time trailer. */
    public static final int TRAILER = 8;
    /** The largest datagram the receiver takes whole (the profile's frames are at most 1514 bytes). */
    public static final int MAX_DATAGRAM = 2048;
    /** The VXLAN header's bytes. */
    public static final int VXLAN_HLEN = 8;
    static final byte[] MAGIC = "ICPDGRM1".getBytes(StandardCharsets.US_ASCII);

    private LiveDatagrams() {
    }

    /** The datagrams of {@code profile}, in the profile's ring order, trailer bytes zero. */
    public static List<byte[]> of(TrafficProfile profile) {
        NetStack host = Topology.build(StackOptions.DEFAULT);
        Set<Long> hostMacs = new HashSet<>();
        for (NetDevice d : host.devices()) {
            hostMacs.add(d.mac);
        }
        List<byte[]> out = new ArrayList<>(profile.frames());
        for (TrafficClass.Frame f : TrafficGenerator.frames(profile)) {
            out.add(encapsulate(retarget(f.bytes(), hostMacs)));
        }
        return out;
    }

    /** {@code frame} with its destination MAC set to vxlan0's when it is one of {@code hostMacs}. */
    static byte[] retarget(byte[] frame, Set<Long> hostMacs) {
        byte[] f = frame.clone();
        if (f.length >= 6) {
            long dst = 0;
            for (int i = 0; i < 6; i++) {
                dst = dst << 8 | (f[i] & 0xFF);
            }
            if (hostMacs.contains(dst)) {
                for (int i = 5; i >= 0; i--) {
                    f[i] = (byte) (Topology.MAC_VXLAN0 >>> (8 * (5 - i)));
                }
            }
        }
        return f;
    }

    /** VXLAN header (I flag, VNI 42) + frame + zero trailer. */
    public static byte[] encapsulate(byte[] frame) {
        byte[] d = new byte[VXLAN_HLEN + frame.length + TRAILER];
        d[0] = 0x08;
        d[4] = (byte) (Topology.VXLAN_VNI >>> 16);
        d[5] = (byte) (Topology.VXLAN_VNI >>> 8);
        d[6] = (byte) Topology.VXLAN_VNI;
        System.arraycopy(frame, 0, d, VXLAN_HLEN, frame.length);
        return d;
    }

    /** Writes the datagram file for the C sender. */
    public static void write(List<byte[]> datagrams, OutputStream out) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.write(MAGIC);
        for (byte[] b : datagrams) {
            d.writeInt(b.length);
            d.write(b);
        }
        d.flush();
    }

    /** Reads a datagram file; errors name the datagram and the problem. */
    public static List<byte[]> read(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        byte[] magic = d.readNBytes(MAGIC.length);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IOException("not a datagram file (no ICPDGRM1 magic)");
        }
        List<byte[]> out = new ArrayList<>();
        while (true) {
            int len;
            try {
                len = d.readInt();
            } catch (EOFException e) {
                return out;
            }
            if (len < TRAILER || len > 65535) {
                throw new IOException("datagram " + out.size() + " has length " + len + ", expected 8..65535");
            }
            byte[] b = d.readNBytes(len);
            if (b.length != len) {
                throw new IOException("datagram " + out.size() + " is truncated: " + b.length + " of " + len + " bytes");
            }
            out.add(b);
        }
    }

    /** The bytes of a datagram file. */
    public static byte[] toBytes(List<byte[]> datagrams) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(datagrams, out);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out.toByteArray();
    }
}
