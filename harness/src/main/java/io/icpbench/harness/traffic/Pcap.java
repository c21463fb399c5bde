package io.icpbench.harness.traffic;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Capture files: writing pcapng (one interface per device, so a replay puts every frame back on
 * the device it arrived on) and reading pcap (both byte orders, micro- and nanosecond) and pcapng
 * (section header, interface description, enhanced and simple packet blocks; other blocks
 * skipped). Only Ethernet captures (link type 1) are accepted.
 *
 * <pre>
 * pcap:   | magic a1b2c3d4 | v2.4 | zone | sigfigs | snaplen | linktype |  then per packet:
 *         | ts_sec | ts_usec | incl_len | orig_len | data (incl_len bytes) |
 * pcapng: blocks | type (4) | total length (4) | body ... | total length (4) |
 *         SHB 0x0A0D0D0A (byte-order magic 1a2b3c4d), IDB 1 (linktype, snaplen, options: if_name = 2),
 *         EPB 6 (interface id, ts high, ts low, captured len, original len, data padded to 4)
 * </pre>
 */
public final class Pcap {
    public static final int LINKTYPE_ETHERNET = 1;

    /**
     * A frame, the name of the interface it was captured on ("" if the file names none) and when
     * it was captured, in ns since the epoch (0 if the file does not say).
     */
    public record Packet(byte[] frame, String device, long timestampNs) {
        public Packet(byte[] frame, String device) {
            this(frame, device, 0L);
        }
    }

    /**
     * What a file held: its packets, and if it ended badly, what and where (the packets before
     * the problem are kept).
     */
    public record Capture(List<Packet> packets, String error) {
    }

    private Pcap() {
    }

    /** Writes the frames as pcapng, one interface description block per distinct device name. */
    public static void writePcapng(Path file, List<Packet> packets) throws IOException {
        List<String> devices = new ArrayList<>();
        for (Packet p : packets) {
            if (!devices.contains(p.device())) {
                devices.add(p.device());
            }
        }
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "capture", ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            ByteBuffer shb = block(0x0A0D0D0A, 16);
            shb.putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1L);
            write(out, shb);
            for (String d : devices) {
                byte[] name = d.getBytes(StandardCharsets.UTF_8);
                int opts = 4 + pad(name.length) + 4;
                ByteBuffer idb = block(1, 8 + opts);
                idb.putShort((short) LINKTYPE_ETHERNET).putShort((short) 0).putInt(65535);
                idb.putShort((short) 2).putShort((short) name.length).put(name).put(new byte[pad(name.length) - name.length]);
                idb.putShort((short) 0).putShort((short) 0);
                write(out, idb);
            }
            long ts = 1_764_000_000_000_000L;
            for (Packet p : packets) {
                int len = p.frame().length;
                ByteBuffer epb = block(6, 20 + pad(len));
                epb.putInt(devices.indexOf(p.device())).putInt((int) (ts >>> 32)).putInt((int) ts).putInt(len).putInt(len);
                epb.put(p.frame()).put(new byte[pad(len) - len]);
                write(out, epb);
                ts += 1000;
            }
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static int pad(int n) {
        return (n + 3) & ~3;
    }

    private static ByteBuffer block(int type, int bodyLength) {
        ByteBuffer b = ByteBuffer.allocate(12 + bodyLength).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(type).putInt(12 + bodyLength);
        return b;
    }

    private static void write(OutputStream out, ByteBuffer b) throws IOException {
        b.putInt(b.capacity());
        out.write(b.array());
    }

    /**
     * Reads a pcap or pcapng file.
     *
     * @throws IllegalArgumentException if the file is neither, or not an Ethernet capture (the
     *         message names the file, the offset and what was found)
     */
    public static Capture read(Path file) throws IOException {
        return read(file.toString(), Files.readAllBytes(file));
    }

    /**
     * Reads the bytes of a pcap or pcapng file called {@code file} (the name errors use).
     *
     * @throws IllegalArgumentException as {@link #read(Path)}
     */
    public static Capture read(String file, byte[] all) {
        if (all.length < 4) {
            throw new IllegalArgumentException(file + ": " + all.length + " bytes, not a pcap or pcapng file");
        }
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt(0);
        if (magic == 0x0A0D0D0A) {
            return readPcapng(file, b);
        }
        return readPcap(file, b, magic);
    }

    private static Capture readPcap(String file, ByteBuffer b, int magic) {
        // Micro- (a1b2c3d4) and nanosecond (a1b23c4d) files differ only in their timestamps' unit.
        boolean nanos = magic == 0xA1B23C4D || magic == 0x4D3CB2A1;
        if (magic == 0xD4C3B2A1 || magic == 0x4D3CB2A1) {
            b.order(ByteOrder.BIG_ENDIAN);
        } else if (magic != 0xA1B2C3D4 && magic != 0xA1B23C4D) {
            throw new IllegalArgumentException(String.format("%s: magic 0x%08x at offset 0, expected a pcap (a1b2c3d4) or pcapng "
                    + "(0a0d0d0a) file", file, magic));
        }
        if (b.limit() < 24) {
            throw new IllegalArgumentException(file + ": pcap header cut at offset " + b.limit() + ", expected 24 bytes");
        }
        int linktype = b.getInt(20) & 0x0FFF_FFFF;
        if (linktype != LINKTYPE_ETHERNET) {
            throw new IllegalArgumentException(file + ": link type " + linktype + " at offset 20, only Ethernet (1) is supported");
        }
        List<Packet> packets = new ArrayList<>();
        int off = 24;
        while (off < b.limit()) {
            if (b.limit() - off < 16) {
                return new Capture(packets, "record header cut at offset " + off + " (" + (b.limit() - off) + " of 16 bytes)");
            }
            int incl = b.getInt(off + 8);
            if (incl < 0 || incl > 262_144) {
                return new Capture(packets, "record at offset " + off + " claims " + incl + " bytes, expected 0..262144");
            }
            if (b.limit() - off - 16 < incl) {
                return new Capture(packets, "packet data cut at offset " + (off + 16) + " (" + (b.limit() - off - 16) + " of " + incl + " bytes)");
            }
            byte[] frame = new byte[incl];
            b.get(off + 16, frame);
            long ts = (b.getInt(off) & 0xFFFF_FFFFL) * 1_000_000_000L + (b.getInt(off + 4) & 0xFFFF_FFFFL) * (nanos ? 1 : 1000);
            packets.add(new Packet(frame, "", ts));
            off += 16 + incl;
        }
        return new Capture(packets, null);
    }

    private static Capture readPcapng(String file, ByteBuffer b) {
        List<Packet> packets = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Integer> linktypes = new ArrayList<>();
        List<Long> resolutions = new ArrayList<>();
        int off = 0;
        while (off < b.limit()) {
            if (b.limit() - off < 12) {
                return new Capture(packets, "block header cut at offset " + off);
            }
            int type = b.getInt(off);
            if (type == 0x0A0D0D0A) {
                int bom = b.getInt(off + 8);
                if (bom == 0x4D3C2B1A) {
                    b.order(b.order() == ByteOrder.LITTLE_ENDIAN ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
                } else if (bom != 0x1A2B3C4D) {
                    throw new IllegalArgumentException(String.format("%s: byte-order magic 0x%08x at offset %d, expected 1a2b3c4d", file, bom,
                            off + 8));
                }
                names.clear();
                linktypes.clear();
                resolutions.clear();
            }
            int len = b.getInt(off + 4);
            if (len < 12 || (len & 3) != 0 || len > b.limit() - off) {
                return new Capture(packets, "block at offset " + off + " has length " + len + ", " + (b.limit() - off) + " bytes left");
            }
            int least = type == 1 ? 20 : type == 6 ? 32 : type == 3 ? 16 : 12;
            if (len < least) {
                return new Capture(packets, "block at offset " + off + " (type " + type + ") has length " + len + ", its type needs "
                        + least);
            }
            switch (type) {
                case 1 -> {
                    linktypes.add(b.getShort(off + 8) & 0xFFFF);
                    names.add(ifOption(b, off + 16, off + len - 4, 2));
                    resolutions.add(ticksPerSecond(ifOption(b, off + 16, off + len - 4, 9)));
                }
                case 6, 3 -> {
                    int iface = type == 6 ? b.getInt(off + 8) : 0;
                    if (iface < 0 || iface >= linktypes.size()) {
                        return new Capture(packets, "packet block at offset " + off + " names interface " + iface + ", " + linktypes.size()
                                + " described");
                    }
                    if (linktypes.get(iface) != LINKTYPE_ETHERNET) {
                        throw new IllegalArgumentException(file + ": interface " + iface + " has link type " + linktypes.get(iface)
                                + " (packet block at offset " + off + "), only Ethernet (1) is supported");
                    }
                    int cap = type == 6 ? b.getInt(off + 20) : Math.min(b.getInt(off + 8), len - 16);
                    int data = off + (type == 6 ? 28 : 12);
                    // Compared as lengths: data + cap could overflow an int.
                    if (cap < 0 || cap > off + len - 4 - data) {
                        return new Capture(packets, "packet block at offset " + off + " claims " + cap + " bytes, its block holds fewer");
                    }
                    byte[] frame = new byte[cap];
                    b.get(data, frame);
                    long ts = 0;
                    if (type == 6) {
                        long ticks = (b.getInt(off + 12) & 0xFFFF_FFFFL) << 32 | (b.getInt(off + 16) & 0xFFFF_FFFFL);
                        long perSecond = resolutions.get(iface);
                        ts = ticks / perSecond * 1_000_000_000L + (long) ((double) (ticks % perSecond) * 1e9 / perSecond);
                    }
                    packets.add(new Packet(frame, names.get(iface), ts));
                }
                default -> {
                    // other blocks (name resolution, statistics, ...) carry nothing we replay
                }
            }
            off += len;
        }
        return new Capture(packets, null);
    }

    /** The value of interface option {@code wanted} (2 if_name, 9 if_tsresol) as ISO-8859-1 text, "" if absent. */
    private static String ifOption(ByteBuffer b, int from, int end, int wanted) {
        int o = from;
        while (o + 4 <= end) {
            int code = b.getShort(o) & 0xFFFF;
            int len = b.getShort(o + 2) & 0xFFFF;
            if (code == 0 || o + 4 + len > end) {
                break;
            }
            if (code == wanted) {
                byte[] value = new byte[len];
                b.get(o + 4, value);
                return new String(value, wanted == 2 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            }
            o += 4 + pad(len);
        }
        return "";
    }

    /**
     * Timestamp ticks per second of an if_tsresol value (one byte: high bit clear, 10^-n s; set,
     * 2^-n s; absent: microseconds). Resolutions finer than 1 ns or beyond a long are read as 1 ns.
     */
    private static long ticksPerSecond(String tsresol) {
        if (tsresol.isEmpty()) {
            return 1_000_000L;
        }
        int r = tsresol.charAt(0) & 0xFF;
        int n = r & 0x7F;
        if ((r & 0x80) != 0) {
            return n >= 62 ? 1L << 62 : 1L << n;
        }
        long t = 1;
        for (int i = 0; i < Math.min(n, 18); i++) {
            t *= 10;
        }
        return t;
    }
}
