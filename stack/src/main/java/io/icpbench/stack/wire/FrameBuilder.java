package io.icpbench.stack.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A fluent, mutable builder of Ethernet frames, valid ones and deliberately broken ones, for tests
 * and the traffic generator. Not on any hot path: it favours clarity over speed.
 *
 * <p>A frame is built from an Ethernet header ({@link #ethernet}, optional {@link #vlan} tags), at
 * most one L3 ({@link #ipv4(int, int)}, {@link #ipv6(byte[], byte[])}, {@link #arpRequest}; or none,
 * with {@link #etherType}), at most one L4 ({@link #udp}, {@link #udpLite}, {@link #tcp},
 * {@link #icmpEcho}, {@link #gre}, {@link #ipProtocol}) and a body ({@link #payload(byte[])},
 * {@link #vxlan}, {@link #geneve}). Calling an L3 or L4 method again replaces the earlier choice;
 * calling a body method replaces the earlier body. All fields are written in network byte order.
 * Every length and checksum is computed from the bytes actually written, unless a breakage method
 * (the second group below) says otherwise. {@link #build()} leaves the builder unchanged, so it
 * can build again, or be changed and build a variant.
 *
 * <p>Arguments out of range throw {@link IllegalArgumentException} naming the bad value and what
 * was expected ({@code "vid=5000, expected 0..4095"}). A combination that makes no frame (an L4
 * without an IP header, an IPv4-only option on IPv6, ...) throws {@link IllegalStateException} from
 * {@link #build()}.
 *
 * <p>Example: a VXLAN packet on VLAN 10 whose inner frame is IPv6/UDP.
 *
 * <pre>{@code
 * byte[] inner = FrameBuilder.ethernet(mac("02:00:00:00:00:02"), mac("02:00:00:00:00:03"))
 *         .ipv6(ipv6("fd00::1"), ipv6("fd00::2")).udp(5000, 53).payload(32).build();
 * byte[] outer = FrameBuilder.ethernet(mac("02:00:00:00:00:01"), mac("02:00:00:00:00:04")).vlan(10)
 *         .ipv4(ipv4("10.0.0.1"), ipv4("10.0.0.2")).udp(49152, 4789)
 *         .vxlan(42, inner).build();
 * }</pre>
 *
 * <p>IMPLEMENTATION NOTES: {@link #build()} writes the headers front to back into a heap
 * {@link ByteBuf} with zeros in the length and checksum fields, then fills those fields in once the
 * bytes behind them are known: the L4 checksum first (it needs the L4 length), the IPv4 header
 * checksum last (it covers the total length). Breakage is applied while writing, so every checksum
 * that is not corrupted on purpose covers the final bytes, broken fields included.
 */
public final class FrameBuilder {
    /** IP protocol numbers (IPv4 protocol, IPv6 next header). */
    public static final int IPPROTO_ICMP = 1, IPPROTO_TCP = 6, IPPROTO_UDP = 17, IPPROTO_GRE = 47, IPPROTO_ESP = 50,
            IPPROTO_ICMPV6 = 58, IPPROTO_UDPLITE = 136;

    /** IPv6 extension header types accepted by {@link #ipv6ExtensionHeader}. */
    private static final int NEXTHDR_HOP = 0, NEXTHDR_ROUTING = 43, NEXTHDR_FRAGMENT = 44, NEXTHDR_DEST = 60;
    private static final int ETH_ALEN = 6;
    private static final int IPV4_HLEN = 20, IPV4_MAX_OPTIONS = 40, IPV6_HLEN = 40, IPV6_ALEN = 16;
    private static final int UDP_HLEN = 8, TCP_HLEN = 20, TUNNEL_HLEN = 8;
    private static final int DEFAULT_TTL = 64;
    private static final int VXLAN_FLAG_I = 0x08;
    private static final int TCP_FLAG_SYN = 0x02;
    private static final int ICMP_ECHO = 8, ICMPV6_ECHO_REQUEST = 128;
    private static final long MAC_MASK = 0xFFFF_FFFF_FFFFL;
    /** Largest extension header: Hdr Ext Len 255 means (255 + 1) * 8 bytes. */
    private static final int MAX_EXT_HEADER_BYTES = 2048;
    /** Largest PadN option: type, length 255, 255 zero bytes. */
    private static final int MAX_PADN = 257;

    private enum L3 { NONE, IPV4, IPV6, ARP }

    private enum L4 {
        NONE("none"), UDP("udp()"), UDPLITE("udpLite()"), TCP("tcp()"), ICMP_ECHO("icmpEcho()"), GRE("gre()"),
        RAW("ipProtocol()");

        final String method;

        L4(String method) {
            this.method = method;
        }
    }

    private enum Tunnel { NONE, VXLAN, GENEVE }

    /** One IPv6 extension header to write, in call order. */
    private record ExtHeader(int type, int lengthBytes, int fragmentOffset, boolean moreFragments) {
    }

    // Ethernet
    private final long dstMac;
    private final long srcMac;
    private final List<Integer> vlanIds = new ArrayList<>();
    private int etherType = -1;

    // L3
    private L3 l3 = L3.NONE;
    private int v4Saddr;
    private int v4Daddr;
    private byte[] v6Saddr;
    private byte[] v6Daddr;
    private long arpSenderMac;
    private int arpSenderIp;
    private int arpTargetIp;
    private int ttl = -1;
    private int ipId = -1;
    private boolean dontFragment;
    private boolean fragmentSet;
    private boolean moreFragments;
    private int fragmentOffset;
    private byte[] ipOptions;
    private final List<ExtHeader> extHeaders = new ArrayList<>();

    // L4 and body
    private L4 l4 = L4.NONE;
    private int sport;
    private int dport;
    private int udpLiteCoverage;
    private int icmpId;
    private int icmpSeq;
    private int greProtocol;
    private int rawProtocol;
    private byte[] payload;
    private Tunnel tunnel = Tunnel.NONE;
    private int vni;
    private byte[] innerFrame;
    private int vxlanFlags = -1;

    // Breakage
    private int ipVersion = -1;
    private int ihl = -1;
    private int ipTotalLength = -1;
    private boolean corruptIpChecksum;
    private int udpLength = -1;
    private boolean corruptL4Checksum;
    private boolean zeroUdpChecksum;
    private int padTo = -1;
    private int truncateTo = -1;

    private FrameBuilder(long dstMac, long srcMac) {
        this.dstMac = dstMac;
        this.srcMac = srcMac;
    }

    // ------------------------------------------------------------------------------------------
    // Ethernet

    /**
     * Starts a frame with these MAC addresses, each the low 48 bits of a long (0..2^48-1), written
     * big-endian.
     *
     * <pre>
     *  0                   1                   2                   3
     *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                Destination MAC address (48 bits)              |
     * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                               |                               |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
     * |                   Source MAC address (48 bits)                |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |       TPID = 0x8100           |PCP=0|D|    VLAN id (12 bits)  |  one per vlan() call,
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+  outer tag first
     * |          EtherType            |   L3 packet ... [padding]
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * </pre>
     */
    public static FrameBuilder ethernet(long dstMac, long srcMac) {
        checkMac("dstMac", dstMac);
        checkMac("srcMac", srcMac);
        return new FrameBuilder(dstMac, srcMac);
    }

    /** Adds one 802.1Q tag (TPID 0x8100, PCP 0, DEI 0) with VLAN id 0..4095; a second call adds an inner tag (QinQ, outer first). */
    public FrameBuilder vlan(int vid) {
        checkRange("vid", vid, 0, 4095);
        vlanIds.add(vid);
        return this;
    }

    /** Overrides the EtherType (0..65535) written after the MACs and tags; without it the EtherType follows from the L3. */
    public FrameBuilder etherType(int type) {
        checkRange("etherType", type, 0, 0xFFFF);
        this.etherType = type;
        return this;
    }

    // ------------------------------------------------------------------------------------------
    // L3

    /**
     * Chooses IPv4 with these addresses (big-endian ints): a 20-byte header, TTL 64, id 0, DF
     * clear, valid checksum.
     *
     * <pre>
     *  0                   1                   2                   3
     *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |Version|  IHL  |Type of Service|          Total Length         |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |         Identification        |0|D|M|      Fragment Offset    |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |  Time to Live |    Protocol   |         Header Checksum       |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                       Source Address                          |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                    Destination Address                        |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |          Options (0..40 bytes, zero-padded to 4n)             |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * Version 4, IHL = header length / 4, TOS 0, Total Length = header + L4 bytes (no Ethernet
     * padding). The header checksum is the RFC 1071 checksum of the whole header, options included.
     * </pre>
     */
    public FrameBuilder ipv4(int saddr, int daddr) {
        this.l3 = L3.IPV4;
        this.v4Saddr = saddr;
        this.v4Daddr = daddr;
        return this;
    }

    /**
     * Chooses IPv6 with these 16-byte addresses: traffic class 0, flow label 0, hop limit 64.
     *
     * <pre>
     *  0                   1                   2                   3
     *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |Version| Traffic Class |           Flow Label                  |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |         Payload Length        |  Next Header  |   Hop Limit   |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                  Source Address (128 bits)                    |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |               Destination Address (128 bits)                  |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |  extension headers (see ipv6ExtensionHeader), then the L4 ...
     * Payload Length = extension headers + L4 bytes. Next Header is the first extension header's
     * type, or the L4 protocol.
     * </pre>
     */
    public FrameBuilder ipv6(byte[] saddr, byte[] daddr) {
        checkAddress6("saddr", saddr);
        checkAddress6("daddr", daddr);
        this.l3 = L3.IPV6;
        this.v6Saddr = saddr.clone();
        this.v6Daddr = daddr.clone();
        return this;
    }

    /**
     * Chooses a 28-byte ARP request (EtherType 0x0806) asking who has {@code targetIp}; a payload,
     * if any, follows it as trailing bytes.
     *
     * <pre>
     *  0                   1                   2                   3
     *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |     Hardware Type = 1         |    Protocol Type = 0x0800     |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |   HLEN = 6    |   PLEN = 4    |    Operation = 1 (request)    |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |              Sender Hardware Address (48 bits)                |
     * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                               |  Sender Protocol Address      |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
     * |                               |  Target Hardware Address = 0  |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
     * |                                                               |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                   Target Protocol Address                     |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * </pre>
     */
    public FrameBuilder arpRequest(long senderMac, int senderIp, int targetIp) {
        checkMac("senderMac", senderMac);
        this.l3 = L3.ARP;
        this.arpSenderMac = senderMac;
        this.arpSenderIp = senderIp;
        this.arpTargetIp = targetIp;
        return this;
    }

    /** Sets the IPv4 TTL or the IPv6 hop limit, 0..255 (default 64). */
    public FrameBuilder ttl(int ttl) {
        checkRange("ttl", ttl, 0, 255);
        this.ttl = ttl;
        return this;
    }

    /** Sets the IPv4 identification, 0..65535 (default 0); on IPv6 it is the identification of the fragment headers. */
    public FrameBuilder ipId(int id) {
        checkRange("ipId", id, 0, 0xFFFF);
        this.ipId = id;
        return this;
    }

    /** Sets the IPv4 DF (don't fragment) bit. */
    public FrameBuilder dontFragment() {
        this.dontFragment = true;
        return this;
    }

    /**
     * Sets the IPv4 MF bit and the fragment offset in 8-byte units (0..8191). Only the header
     * fields change: the L4 header, if any, is still written (and checksummed over this fragment).
     */
    public FrameBuilder fragment(boolean moreFragments, int offsetUnits) {
        checkRange("offsetUnits", offsetUnits, 0, 8191);
        this.fragmentSet = true;
        this.moreFragments = moreFragments;
        this.fragmentOffset = offsetUnits;
        return this;
    }

    /**
     * Sets raw IPv4 options (0..40 bytes; empty clears them), written after the address fields and
     * padded with zero (EOL) bytes to a multiple of 4; IHL and the header checksum include them.
     */
    public FrameBuilder ipOptions(byte[] options) {
        if (options == null) {
            throw new IllegalArgumentException("options=null, expected 0..40 bytes");
        }
        checkRange("options length", options.length, 0, IPV4_MAX_OPTIONS);
        this.ipOptions = options.length == 0 ? null : options.clone();
        return this;
    }

    /**
     * Appends an IPv6 extension header (after those already added, before the L4 header):
     * type 0 (hop-by-hop) or 60 (destination options) filled with PadN options, 43 (routing type
     * 4, segments left 0), or 44 (an 8-byte fragment header, offset 0, M=1); {@code lengthBytes}
     * is the header's total length, a multiple of 8 in 8..2048 (ignored for 44).
     *
     * <pre>
     * Hop-by-hop (0) and destination options (60), RFC 8200 4.3 and 4.6:
     *  0                   1                   2                   3
     *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |  Next Header  |  Hdr Ext Len  | PadN: type 1  |  Opt Data Len |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |     zero bytes ... (more PadN options, a Pad1 (0) if 1 byte left)
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * Hdr Ext Len = lengthBytes / 8 - 1. Note that Linux's ip6_parse_tlv drops a header with more
     * than 7 padding bytes in a row, so headers over 8 bytes are valid by RFC 8200 but not to Linux.
     *
     * Routing (43), segment routing header (type 4, RFC 8754) with Segments Left 0:
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |  Next Header  |  Hdr Ext Len  | Routing Type=4| Segments Left |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |  Last Entry   |   Flags = 0   |            Tag = 0            |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |              Segment List[0..n] (128 bits each)               |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * Last Entry = (lengthBytes - 8) / 16 - 1 when that is at least 0, else 0. Segment List[0]
     * (the final destination) is the IPv6 Destination Address, so the pseudo-header destination
     * is the same whether a checker takes it from the IPv6 header (recipient's view, RFC 8200
     * 8.1) or from the routing header (sender's view, as tcpdump does); the other segments and
     * any bytes left over are zero. With lengthBytes 8 there is no segment at all.
     *
     * Fragment (44), RFC 8200 4.5:
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                         Identification                        |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * </pre>
     *
     * Each header's Next Header names the header after it; the last one's names the L4 protocol.
     */
    public FrameBuilder ipv6ExtensionHeader(int type, int lengthBytes) {
        switch (type) {
            case NEXTHDR_HOP, NEXTHDR_ROUTING, NEXTHDR_DEST -> {
                if (lengthBytes < 8 || lengthBytes > MAX_EXT_HEADER_BYTES || lengthBytes % 8 != 0) {
                    throw new IllegalArgumentException("lengthBytes=" + lengthBytes
                            + ", expected a multiple of 8 in 8.." + MAX_EXT_HEADER_BYTES);
                }
                extHeaders.add(new ExtHeader(type, lengthBytes, 0, false));
            }
            case NEXTHDR_FRAGMENT -> extHeaders.add(new ExtHeader(type, 8, 0, true));
            default -> throw new IllegalArgumentException("type=" + type
                    + ", expected 0 (hop-by-hop), 43 (routing), 44 (fragment) or 60 (destination options)");
        }
        return this;
    }

    /** Appends an IPv6 fragment header (type 44, 8 bytes) with this offset in 8-byte units (0..8191) and M flag. */
    public FrameBuilder ipv6Fragment(int offsetUnits, boolean more) {
        checkRange("offsetUnits", offsetUnits, 0, 8191);
        extHeaders.add(new ExtHeader(NEXTHDR_FRAGMENT, 8, offsetUnits, more));
        return this;
    }

    // ------------------------------------------------------------------------------------------
    // L4

    /**
     * Chooses UDP with these ports (0..65535): an 8-byte header, length and checksum (over the
     * IPv4 or IPv6 pseudo-header) valid; a computed checksum of 0 is written as 0xFFFF (RFC 768).
     *
     * <pre>
     *  0                   1                   2                   3
     *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |          Source Port          |       Destination Port        |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |  Length (UDP-Lite: Coverage)  |           Checksum            |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                    payload ...
     *
     * Pseudo-header summed before the segment (IPv4, RFC 768):
     * |  source address  |  destination address  |  0  | protocol | UDP length |
     * (IPv6, RFC 8200 8.1: 16-byte addresses, 32-bit upper-layer length, 3 zero bytes, next header)
     * </pre>
     */
    public FrameBuilder udp(int sport, int dport) {
        setPorts(sport, dport);
        this.l4 = L4.UDP;
        return this;
    }

    /**
     * Chooses UDP-Lite (protocol 136, RFC 3828) with these ports: the length field carries the
     * checksum coverage in bytes (0..65535, 0 = whole datagram), the checksum covers the
     * pseudo-header (with the full datagram length) and the covered bytes. A coverage of 1..7 or
     * over the datagram length is invalid on the wire (receivers drop it); the checksum then covers
     * 8 bytes or the whole datagram respectively.
     */
    public FrameBuilder udpLite(int sport, int dport, int checksumCoverage) {
        setPorts(sport, dport);
        checkRange("checksumCoverage", checksumCoverage, 0, 0xFFFF);
        this.l4 = L4.UDPLITE;
        this.udpLiteCoverage = checksumCoverage;
        return this;
    }

    /**
     * Chooses TCP with these ports (0..65535): a 20-byte header, seq 0, ack 0, SYN, window 65535,
     * checksum over the pseudo-header valid.
     *
     * <pre>
     *  0                   1                   2                   3
     *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |          Source Port          |       Destination Port        |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                        Sequence Number                        |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                    Acknowledgment Number                      |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |  Data |       |C|E|U|A|P|R|S|F|                               |
     * | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
     * |       |       |R|E|G|K|H|T|N|N|                               |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |           Checksum            |         Urgent Pointer        |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * Data Offset 5, flags SYN only.
     * </pre>
     */
    public FrameBuilder tcp(int sport, int dport) {
        setPorts(sport, dport);
        this.l4 = L4.TCP;
        return this;
    }

    /**
     * Chooses an echo request with this identifier and sequence number (0..65535 each): ICMP type 8
     * on IPv4 (checksum over the message), ICMPv6 type 128 on IPv6 (checksum with the pseudo-header).
     *
     * <pre>
     *  0                   1                   2                   3
     *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |  Type 8 / 128 |   Code = 0    |          Checksum             |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |           Identifier          |        Sequence Number        |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |     data (the payload) ...
     * </pre>
     */
    public FrameBuilder icmpEcho(int id, int seq) {
        checkRange("id", id, 0, 0xFFFF);
        checkRange("seq", seq, 0, 0xFFFF);
        this.l4 = L4.ICMP_ECHO;
        this.icmpId = id;
        this.icmpSeq = seq;
        return this;
    }

    /**
     * Chooses GRE (protocol 47): a 4-byte basic header, no flags, version 0, with this protocol type
     * (an EtherType, 0..65535), then the payload.
     *
     * <pre>
     *  0                   1                   2                   3
     *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |C|       Reserved0 = 0   |Ver=0|         Protocol Type         |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * </pre>
     */
    public FrameBuilder gre(int protocolType) {
        checkRange("protocolType", protocolType, 0, 0xFFFF);
        this.l4 = L4.GRE;
        this.greProtocol = protocolType;
        return this;
    }

    /** Chooses a raw L4: sets the IPv4 protocol / IPv6 last next header (0..255); the payload follows the IP headers. */
    public FrameBuilder ipProtocol(int protocol) {
        checkRange("protocol", protocol, 0, 255);
        this.l4 = L4.RAW;
        this.rawProtocol = protocol;
        return this;
    }

    // ------------------------------------------------------------------------------------------
    // Body

    /** Sets the payload after the L4 header (or after the L3 header, or the EtherType) to a copy of {@code data}; replaces vxlan()/geneve(). */
    public FrameBuilder payload(byte[] data) {
        if (data == null) {
            throw new IllegalArgumentException("data=null, expected a byte array");
        }
        this.payload = data.clone();
        this.tunnel = Tunnel.NONE;
        this.innerFrame = null;
        return this;
    }

    /** Sets a deterministic payload of {@code size} bytes (0..65535), byte i = (byte) i; replaces vxlan()/geneve(). */
    public FrameBuilder payload(int size) {
        checkRange("size", size, 0, 0xFFFF);
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) i;
        }
        return payload(data);
    }

    /**
     * Sets the UDP payload to an 8-byte VXLAN header (flags 0x08 = I, VNI 0..2^24-1) and a copy of
     * {@code innerFrame}; replaces payload(). Ports are not changed: also call
     * {@code udp(sport, 4789)} (EncapHandlers.IANA_VXLAN_UDP_PORT).
     *
     * <pre>
     * VXLAN, RFC 7348:
     *  0                   1                   2                   3
     *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |R|R|R|R|I|R|R|R|               Reserved = 0                    |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                VXLAN Network Identifier (VNI) | Reserved = 0  |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                 inner Ethernet frame ...
     * </pre>
     */
    public FrameBuilder vxlan(int vni, byte[] innerFrame) {
        setTunnel(Tunnel.VXLAN, vni, innerFrame);
        return this;
    }

    /** Overrides the VXLAN flags byte (0..255, default 0x08) to build bad VXLAN headers; needs vxlan(). */
    public FrameBuilder vxlanFlags(int flags) {
        checkRange("flags", flags, 0, 255);
        this.vxlanFlags = flags;
        return this;
    }

    /**
     * Sets the UDP payload to an 8-byte Geneve header (version 0, no options, protocol 0x6558,
     * VNI 0..2^24-1) and a copy of {@code innerFrame}; replaces payload(). Ports are not changed:
     * also call {@code udp(sport, 6081)} (EncapHandlers.GENEVE_UDP_PORT).
     *
     * <pre>
     * Geneve, RFC 8926:
     *  0                   1                   2                   3
     *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |Ver|  Opt Len  |O|C|    Rsvd.  |          Protocol Type        |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |        Virtual Network Identifier (VNI)       |    Reserved   |
     * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * |                 inner Ethernet frame ...
     * Ver 0, Opt Len 0, O 0, C 0, Protocol Type 0x6558 (transparent Ethernet bridging).
     * </pre>
     */
    public FrameBuilder geneve(int vni, byte[] innerFrame) {
        setTunnel(Tunnel.GENEVE, vni, innerFrame);
        return this;
    }

    // ------------------------------------------------------------------------------------------
    // Deliberate breakage

    /** Writes this value (0..15) in the IP version nibble instead of 4 or 6; the IPv4 header checksum covers it. */
    public FrameBuilder ipVersion(int version) {
        checkRange("version", version, 0, 15);
        this.ipVersion = version;
        return this;
    }

    /**
     * Writes this IPv4 IHL (0..15, in 32-bit words) even if it disagrees with the header actually
     * written (20 bytes + options); the header checksum covers the bytes actually written.
     */
    public FrameBuilder ihl(int words) {
        checkRange("ihl", words, 0, 15);
        this.ihl = words;
        return this;
    }

    /** Writes this IPv4 total length / IPv6 payload length (0..65535, bytes) instead of the real one; the IPv4 header checksum covers it. */
    public FrameBuilder ipTotalLength(int length) {
        checkRange("length", length, 0, 0xFFFF);
        this.ipTotalLength = length;
        return this;
    }

    /** Writes the IPv4 header checksum off by one: (right + 1) mod 2^16, which never verifies. */
    public FrameBuilder corruptIpChecksum() {
        this.corruptIpChecksum = true;
        return this;
    }

    /**
     * Writes this UDP length field (0..65535) instead of the real one. The checksum is still
     * computed over the real bytes, with this value in the length field and the true length
     * (8 + payload) in the pseudo-header, so a receiver that checksums the bytes it got with the
     * IP-derived length sees a valid checksum; one that first trims to a smaller field value does
     * not. (To build a valid datagram shorter than its IP payload, use ipTotalLength and padTo.)
     */
    public FrameBuilder udpLength(int length) {
        checkRange("length", length, 0, 0xFFFF);
        this.udpLength = length;
        return this;
    }

    /**
     * Writes a wrong UDP, UDP-Lite, TCP or ICMP checksum: the computed value plus one, which is
     * never 0, never the right value and never verifies.
     */
    public FrameBuilder corruptL4Checksum() {
        this.corruptL4Checksum = true;
        return this;
    }

    /** Writes 0 in the UDP (or UDP-Lite) checksum field: "no checksum", legal for UDP over IPv4 only (on IPv6 it builds an invalid frame). */
    public FrameBuilder zeroUdpChecksum() {
        this.zeroUdpChecksum = true;
        return this;
    }

    /** Appends zero bytes after the L3 packet (Ethernet padding) until the frame is {@code frameLength} bytes (>= 0); no-op if already that long. */
    public FrameBuilder padTo(int frameLength) {
        checkRange("frameLength", frameLength, 0, Integer.MAX_VALUE);
        this.padTo = frameLength;
        return this;
    }

    /** Cuts the finished frame (after checksums and padding) to {@code frameLength} bytes (>= 0); build() fails if it is not longer. */
    public FrameBuilder truncateTo(int frameLength) {
        checkRange("frameLength", frameLength, 0, Integer.MAX_VALUE);
        this.truncateTo = frameLength;
        return this;
    }

    // ------------------------------------------------------------------------------------------
    // Build

    /** Returns an independent builder with the same settings, e.g. to derive a broken variant of a valid frame. */
    public FrameBuilder copy() {
        // Arrays are cloned when they come in and never written afterwards, so sharing them is safe.
        FrameBuilder c = new FrameBuilder(dstMac, srcMac);
        c.vlanIds.addAll(vlanIds);
        c.etherType = etherType;
        c.l3 = l3;
        c.v4Saddr = v4Saddr;
        c.v4Daddr = v4Daddr;
        c.v6Saddr = v6Saddr;
        c.v6Daddr = v6Daddr;
        c.arpSenderMac = arpSenderMac;
        c.arpSenderIp = arpSenderIp;
        c.arpTargetIp = arpTargetIp;
        c.ttl = ttl;
        c.ipId = ipId;
        c.dontFragment = dontFragment;
        c.fragmentSet = fragmentSet;
        c.moreFragments = moreFragments;
        c.fragmentOffset = fragmentOffset;
        c.ipOptions = ipOptions;
        c.extHeaders.addAll(extHeaders);
        c.l4 = l4;
        c.sport = sport;
        c.dport = dport;
        c.udpLiteCoverage = udpLiteCoverage;
        c.icmpId = icmpId;
        c.icmpSeq = icmpSeq;
        c.greProtocol = greProtocol;
        c.rawProtocol = rawProtocol;
        c.payload = payload;
        c.tunnel = tunnel;
        c.vni = vni;
        c.innerFrame = innerFrame;
        c.vxlanFlags = vxlanFlags;
        c.ipVersion = ipVersion;
        c.ihl = ihl;
        c.ipTotalLength = ipTotalLength;
        c.corruptIpChecksum = corruptIpChecksum;
        c.udpLength = udpLength;
        c.corruptL4Checksum = corruptL4Checksum;
        c.zeroUdpChecksum = zeroUdpChecksum;
        c.padTo = padTo;
        c.truncateTo = truncateTo;
        return c;
    }

    /** Builds the frame into a new array; the builder is unchanged and can build again. */
    public byte[] build() {
        checkConsistency();
        ByteBuf b = Unpooled.buffer(256);
        try {
            writeEthernet(b);
            switch (l3) {
                case NONE -> b.writeBytes(body());
                case ARP -> {
                    writeArp(b);
                    b.writeBytes(body());
                }
                case IPV4 -> writeIpv4(b);
                case IPV6 -> writeIpv6(b);
            }
            if (padTo > b.writerIndex()) {
                b.writeZero(padTo - b.writerIndex());
            }
            int length = b.writerIndex();
            if (truncateTo >= 0) {
                if (truncateTo >= length) {
                    throw new IllegalStateException("truncateTo(" + truncateTo + ") but the frame is only "
                            + length + " bytes, expected a length below " + length);
                }
                length = truncateTo;
            }
            return ByteBufUtil.getBytes(b, 0, length);
        } finally {
            b.release();
        }
    }

    private void checkConsistency() {
        boolean ip = l3 == L3.IPV4 || l3 == L3.IPV6;
        if (l3 == L3.NONE && etherType < 0) {
            throw new IllegalStateException("no L3 and no EtherType: call ipv4(), ipv6(), arpRequest() or etherType()");
        }
        if (!ip) {
            if (l4 != L4.NONE) {
                throw new IllegalStateException(l4.method + " needs ipv4() or ipv6()");
            }
            List<String> ipOnly = new ArrayList<>();
            addIf(ipOnly, ttl >= 0, "ttl()");
            addIf(ipOnly, ipId >= 0, "ipId()");
            addIf(ipOnly, dontFragment, "dontFragment()");
            addIf(ipOnly, fragmentSet, "fragment()");
            addIf(ipOnly, ipOptions != null, "ipOptions()");
            addIf(ipOnly, !extHeaders.isEmpty(), "ipv6ExtensionHeader()/ipv6Fragment()");
            addIf(ipOnly, ipVersion >= 0, "ipVersion()");
            addIf(ipOnly, ihl >= 0, "ihl()");
            addIf(ipOnly, ipTotalLength >= 0, "ipTotalLength()");
            addIf(ipOnly, corruptIpChecksum, "corruptIpChecksum()");
            if (!ipOnly.isEmpty()) {
                throw new IllegalStateException(String.join(", ", ipOnly)
                        + (ipOnly.size() == 1 ? " needs" : " need") + " ipv4() or ipv6()");
            }
        } else if (l4 == L4.NONE) {
            throw new IllegalStateException((l3 == L3.IPV4 ? "ipv4()" : "ipv6()")
                    + " needs an L4: udp(), udpLite(), tcp(), icmpEcho(), gre() or ipProtocol()");
        }
        if (l3 == L3.IPV4 && !extHeaders.isEmpty()) {
            throw new IllegalStateException("ipv6ExtensionHeader()/ipv6Fragment() need ipv6(), not ipv4()");
        }
        if (l3 == L3.IPV6) {
            List<String> v4Only = new ArrayList<>();
            addIf(v4Only, dontFragment, "dontFragment()");
            addIf(v4Only, fragmentSet, "fragment() (use ipv6Fragment())");
            addIf(v4Only, ipOptions != null, "ipOptions() (use ipv6ExtensionHeader())");
            addIf(v4Only, ihl >= 0, "ihl()");
            addIf(v4Only, corruptIpChecksum, "corruptIpChecksum()");
            if (!v4Only.isEmpty()) {
                throw new IllegalStateException(String.join(", ", v4Only)
                        + (v4Only.size() == 1 ? " applies" : " apply") + " to IPv4 only, not ipv6()");
            }
            if (ipId >= 0 && extHeaders.stream().noneMatch(h -> h.type() == NEXTHDR_FRAGMENT)) {
                throw new IllegalStateException("ipId() on IPv6 sets the fragment header identification,"
                        + " but there is no fragment header");
            }
        }
        boolean udpLike = l4 == L4.UDP || l4 == L4.UDPLITE;
        if (tunnel != Tunnel.NONE && !udpLike) {
            throw new IllegalStateException((tunnel == Tunnel.VXLAN ? "vxlan()" : "geneve()")
                    + " needs udp() or udpLite(), not " + l4.method);
        }
        if (vxlanFlags >= 0 && tunnel != Tunnel.VXLAN) {
            throw new IllegalStateException("vxlanFlags() needs vxlan()");
        }
        if (udpLength >= 0 && l4 != L4.UDP) {
            throw new IllegalStateException("udpLength() needs udp(), not " + l4.method
                    + (l4 == L4.UDPLITE ? " (its length field is the coverage given to udpLite())" : ""));
        }
        if (zeroUdpChecksum && !udpLike) {
            throw new IllegalStateException("zeroUdpChecksum() needs udp() or udpLite(), not " + l4.method);
        }
        if (corruptL4Checksum && (l4 == L4.GRE || l4 == L4.RAW || l4 == L4.NONE)) {
            throw new IllegalStateException("corruptL4Checksum() needs udp(), udpLite(), tcp() or icmpEcho(), not "
                    + l4.method);
        }
        if (corruptL4Checksum && zeroUdpChecksum) {
            throw new IllegalStateException("corruptL4Checksum() and zeroUdpChecksum() together: choose one");
        }
    }

    private void writeEthernet(ByteBuf b) {
        writeMac(b, dstMac);
        writeMac(b, srcMac);
        for (int vid : vlanIds) {
            b.writeShort(EtherType.ETH_P_8021Q);
            b.writeShort(vid); // PCP 0, DEI 0
        }
        b.writeShort(etherType >= 0 ? etherType : switch (l3) {
            case IPV4 -> EtherType.ETH_P_IP;
            case IPV6 -> EtherType.ETH_P_IPV6;
            case ARP -> EtherType.ETH_P_ARP;
            case NONE -> throw new AssertionError("checked by checkConsistency");
        });
    }

    private void writeArp(ByteBuf b) {
        b.writeShort(1); // hardware type: Ethernet
        b.writeShort(EtherType.ETH_P_IP);
        b.writeByte(ETH_ALEN);
        b.writeByte(4);
        b.writeShort(1); // operation: request
        writeMac(b, arpSenderMac);
        b.writeInt(arpSenderIp);
        writeMac(b, 0); // target hardware address: unknown
        b.writeInt(arpTargetIp);
    }

    private void writeIpv4(ByteBuf b) {
        int ip = b.writerIndex();
        int optionBytes = ipOptions == null ? 0 : (ipOptions.length + 3) & ~3;
        int headerLength = IPV4_HLEN + optionBytes;
        int version = ipVersion >= 0 ? ipVersion : 4;
        b.writeByte(version << 4 | (ihl >= 0 ? ihl : headerLength / 4));
        b.writeByte(0); // type of service
        b.writeShort(0); // total length, set below
        b.writeShort(ipId >= 0 ? ipId : 0);
        b.writeShort((dontFragment ? 0x4000 : 0) | (moreFragments ? 0x2000 : 0) | fragmentOffset);
        b.writeByte(ttl >= 0 ? ttl : DEFAULT_TTL);
        int protocol = l4Protocol();
        b.writeByte(protocol);
        b.writeShort(0); // header checksum, set below
        b.writeInt(v4Saddr);
        b.writeInt(v4Daddr);
        if (ipOptions != null) {
            b.writeBytes(ipOptions);
            b.writeZero(optionBytes - ipOptions.length); // EOL padding
        }
        int l4 = b.writerIndex();
        writeL4(b);
        int l4Length = b.writerIndex() - l4;
        finishL4(b, l4, l4Length, InetChecksum.pseudoHeaderV4(v4Saddr, v4Daddr, protocol, l4Length));

        int totalLength = b.writerIndex() - ip;
        if (ipTotalLength < 0 && totalLength > 0xFFFF) {
            throw new IllegalStateException("IPv4 packet of " + totalLength + " bytes, expected at most 65535");
        }
        b.setShort(ip + 2, ipTotalLength >= 0 ? ipTotalLength : totalLength);
        int checksum = InetChecksum.checksum(InetChecksum.add(b, ip, headerLength, 0));
        if (corruptIpChecksum) {
            // The right value is ~fold(sum) in 0..0xFFFE for a non-zero header; +1 is never it and
            // never its one's complement twin (0 vs 0xFFFF), so the header never verifies.
            checksum = (checksum + 1) & 0xFFFF;
        }
        b.setShort(ip + 10, checksum);
    }

    private void writeIpv6(ByteBuf b) {
        int ip = b.writerIndex();
        int version = ipVersion >= 0 ? ipVersion : 6;
        int protocol = l4Protocol();
        b.writeInt(version << 28); // traffic class 0, flow label 0
        b.writeShort(0); // payload length, set below
        b.writeByte(extHeaders.isEmpty() ? protocol : extHeaders.getFirst().type());
        b.writeByte(ttl >= 0 ? ttl : DEFAULT_TTL);
        b.writeBytes(v6Saddr);
        b.writeBytes(v6Daddr);
        for (int i = 0; i < extHeaders.size(); i++) {
            int next = i + 1 < extHeaders.size() ? extHeaders.get(i + 1).type() : protocol;
            writeExtHeader(b, extHeaders.get(i), next);
        }
        int l4 = b.writerIndex();
        writeL4(b);
        int l4Length = b.writerIndex() - l4;
        // Routing headers are written with Segments Left 0, so the destination address in the
        // pseudo-header is the one in the IPv6 header (RFC 8200 8.1).
        finishL4(b, l4, l4Length, InetChecksum.pseudoHeaderV6(b, ip + 8, ip + 24, protocol, l4Length));

        int payloadLength = b.writerIndex() - ip - IPV6_HLEN;
        if (ipTotalLength < 0 && payloadLength > 0xFFFF) {
            throw new IllegalStateException("IPv6 payload of " + payloadLength
                    + " bytes, expected at most 65535 (jumbograms are not built)");
        }
        b.setShort(ip + 4, ipTotalLength >= 0 ? ipTotalLength : payloadLength);
    }

    private void writeExtHeader(ByteBuf b, ExtHeader h, int next) {
        int start = b.writerIndex();
        b.writeByte(next);
        switch (h.type()) {
            case NEXTHDR_FRAGMENT -> {
                b.writeByte(0); // reserved
                b.writeShort(h.fragmentOffset() << 3 | (h.moreFragments() ? 1 : 0));
                b.writeInt(ipId >= 0 ? ipId : 0);
            }
            case NEXTHDR_ROUTING -> {
                b.writeByte(h.lengthBytes() / 8 - 1);
                b.writeByte(4); // routing type: segment routing header
                b.writeByte(0); // segments left
                b.writeByte(Math.max(0, (h.lengthBytes() - 8) / 16 - 1)); // last entry
                b.writeByte(0); // flags
                b.writeShort(0); // tag
                int segmentBytes = h.lengthBytes() - 8;
                if (segmentBytes >= IPV6_ALEN) {
                    // Segment List[0] is the final destination; with Segments Left 0 it is the
                    // Destination Address of the IPv6 header (RFC 8754 4.3).
                    b.writeBytes(v6Daddr);
                    segmentBytes -= IPV6_ALEN;
                }
                b.writeZero(segmentBytes);
            }
            default -> { // hop-by-hop, destination options
                b.writeByte(h.lengthBytes() / 8 - 1);
                int left = h.lengthBytes() - 2;
                while (left > 0) {
                    if (left == 1) {
                        b.writeByte(0); // Pad1
                        left = 0;
                    } else {
                        int n = Math.min(left, MAX_PADN);
                        if (left - n == 1) {
                            n--; // leave 2 bytes for a last PadN rather than 1 for a Pad1
                        }
                        b.writeByte(1); // PadN
                        b.writeByte(n - 2);
                        b.writeZero(n - 2);
                        left -= n;
                    }
                }
            }
        }
        assert b.writerIndex() - start == h.lengthBytes();
    }

    /** Writes the L4 header with zero length and checksum fields, and the body. */
    private void writeL4(ByteBuf b) {
        switch (l4) {
            case UDP, UDPLITE -> {
                b.writeShort(sport);
                b.writeShort(dport);
                b.writeShort(0); // length / coverage, set by finishL4
                b.writeShort(0); // checksum, set by finishL4
            }
            case TCP -> {
                b.writeShort(sport);
                b.writeShort(dport);
                b.writeInt(0); // sequence number
                b.writeInt(0); // acknowledgment number
                b.writeByte((TCP_HLEN / 4) << 4); // data offset, reserved
                b.writeByte(TCP_FLAG_SYN);
                b.writeShort(0xFFFF); // window
                b.writeShort(0); // checksum, set by finishL4
                b.writeShort(0); // urgent pointer
            }
            case ICMP_ECHO -> {
                b.writeByte(l3 == L3.IPV6 ? ICMPV6_ECHO_REQUEST : ICMP_ECHO);
                b.writeByte(0); // code
                b.writeShort(0); // checksum, set by finishL4
                b.writeShort(icmpId);
                b.writeShort(icmpSeq);
            }
            case GRE -> {
                b.writeShort(0); // no C/K/S flags, reserved 0, version 0
                b.writeShort(greProtocol);
            }
            case RAW, NONE -> {
            }
        }
        b.writeBytes(body());
    }

    /** Fills in the L4 length and checksum fields, now that the segment is complete. */
    private void finishL4(ByteBuf b, int l4Start, int l4Length, long pseudoHeader) {
        int checksumOffset;
        int covered = l4Length;
        switch (l4) {
            case UDP -> {
                if (l4Length > 0xFFFF && udpLength < 0) {
                    throw new IllegalStateException("UDP datagram of " + l4Length + " bytes, expected at most 65535");
                }
                b.setShort(l4Start + 4, udpLength >= 0 ? udpLength : l4Length);
                checksumOffset = l4Start + 6;
            }
            case UDPLITE -> {
                b.setShort(l4Start + 4, udpLiteCoverage);
                if (udpLiteCoverage != 0 && udpLiteCoverage <= l4Length) {
                    covered = Math.max(udpLiteCoverage, UDP_HLEN);
                }
                checksumOffset = l4Start + 6;
            }
            case TCP -> checksumOffset = l4Start + 16;
            case ICMP_ECHO -> {
                checksumOffset = l4Start + 2;
                if (l3 == L3.IPV4) {
                    pseudoHeader = 0; // ICMP for IPv4 has no pseudo-header
                }
            }
            default -> {
                return; // GRE (no checksum) and raw
            }
        }
        if (zeroUdpChecksum) {
            return; // the field is already 0
        }
        // The sum is never 0 (the protocol number or the ICMP type is in it), so the checksum is in
        // 0..0xFFFE and "+ 1" below stays 16 bits, is never 0 and never verifies.
        int checksum = InetChecksum.checksum(InetChecksum.add(b, l4Start, covered, pseudoHeader));
        if (corruptL4Checksum) {
            checksum += 1;
        } else if (checksum == 0 && (l4 == L4.UDP || l4 == L4.UDPLITE)) {
            checksum = 0xFFFF; // RFC 768: 0 means "no checksum", so a computed 0 goes as all ones
        }
        b.setShort(checksumOffset, checksum);
    }

    private int l4Protocol() {
        return switch (l4) {
            case UDP -> IPPROTO_UDP;
            case UDPLITE -> IPPROTO_UDPLITE;
            case TCP -> IPPROTO_TCP;
            case ICMP_ECHO -> l3 == L3.IPV6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
            case GRE -> IPPROTO_GRE;
            case RAW -> rawProtocol;
            case NONE -> throw new AssertionError("checked by checkConsistency");
        };
    }

    /** The bytes after the L4 header: the payload, or a tunnel header and the inner frame. */
    private byte[] body() {
        if (tunnel == Tunnel.NONE) {
            return payload == null ? new byte[0] : payload;
        }
        ByteBuf t = Unpooled.buffer(TUNNEL_HLEN + innerFrame.length);
        try {
            if (tunnel == Tunnel.VXLAN) {
                t.writeByte(vxlanFlags >= 0 ? vxlanFlags : VXLAN_FLAG_I);
                t.writeMedium(0); // reserved
                t.writeMedium(vni);
                t.writeByte(0); // reserved
            } else {
                t.writeByte(0); // version 0, option length 0
                t.writeByte(0); // O, C, reserved
                t.writeShort(EtherType.ETH_P_TEB);
                t.writeMedium(vni);
                t.writeByte(0); // reserved
            }
            t.writeBytes(innerFrame);
            return ByteBufUtil.getBytes(t);
        } finally {
            t.release();
        }
    }

    private void setPorts(int sport, int dport) {
        checkRange("sport", sport, 0, 0xFFFF);
        checkRange("dport", dport, 0, 0xFFFF);
        this.sport = sport;
        this.dport = dport;
    }

    private void setTunnel(Tunnel kind, int vni, byte[] innerFrame) {
        checkRange("vni", vni, 0, 0xFF_FFFF);
        if (innerFrame == null) {
            throw new IllegalArgumentException("innerFrame=null, expected an Ethernet frame");
        }
        this.tunnel = kind;
        this.vni = vni;
        this.innerFrame = innerFrame.clone();
        this.payload = null;
    }

    private static void writeMac(ByteBuf b, long mac) {
        b.writeShort((int) (mac >>> 32));
        b.writeInt((int) mac);
    }

    private static void addIf(List<String> list, boolean condition, String name) {
        if (condition) {
            list.add(name);
        }
    }

    private static void checkRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + "=" + value + ", expected "
                    + (max == Integer.MAX_VALUE ? ">= " + min : min + ".." + max));
        }
    }

    private static void checkMac(String name, long mac) {
        if ((mac & ~MAC_MASK) != 0) {
            throw new IllegalArgumentException(name + "=0x" + Long.toHexString(mac)
                    + ", expected 0..0xffffffffffff (48 bits)");
        }
    }

    private static void checkAddress6(String name, byte[] address) {
        if (address == null || address.length != IPV6_ALEN) {
            throw new IllegalArgumentException(name + " length=" + (address == null ? "null" : address.length)
                    + ", expected 16 bytes");
        }
    }

    // ------------------------------------------------------------------------------------------
    // Fragmenting a built datagram

    /**
     * Splits a built IPv4 or IPv6 frame into fragments of {@code dataBytes} bytes of data each (the
     * last may be shorter), in order, as a sender's {@code ip_fragment} would: see {@link #slice}.
     *
     * @param dataBytes data per fragment, a positive multiple of 8
     */
    public static List<byte[]> fragments(byte[] frame, int dataBytes, int id) {
        if (dataBytes <= 0 || dataBytes % 8 != 0) {
            throw new IllegalArgumentException("dataBytes=" + dataBytes + ", expected a positive multiple of 8");
        }
        int total = fragmentableLength(frame);
        List<byte[]> out = new ArrayList<>();
        for (int off = 0; off < total; off += dataBytes) {
            int n = Math.min(dataBytes, total - off);
            out.add(slice(frame, off, n, off + n < total, id));
        }
        return out;
    }

    /**
     * One fragment of a built IPv4 or IPv6 frame: the Ethernet header (and VLAN tags) and the IP
     * header, then bytes {@code [offset, offset + length)} of the datagram's fragmentable part
     * (IPv4: everything after the header; IPv6: everything after the 40-byte header, extension
     * headers included, with an 8-byte fragment header inserted after the IPv6 header). The IPv4
     * header gets the identification, MF, offset, total length and a new checksum; IPv6 the
     * payload length and the next header 44. A slice may cover any range, so tests can build
     * overlaps, duplicates and fragments that do not fit.
     *
     * @param offset a multiple of 8, 0..65528
     * @param length bytes of data, {@code offset + length} at most the fragmentable part
     * @param id     the IPv4 identification (16 bits) or the IPv6 fragment header's (32 bits)
     */
    public static byte[] slice(byte[] frame, int offset, int length, boolean more, int id) {
        if (offset < 0 || offset % 8 != 0 || offset > 65528) {
            throw new IllegalArgumentException("offset=" + offset + ", expected a multiple of 8 in 0..65528");
        }
        int ip = ipOffset(frame);
        boolean v6 = (frame[ip] & 0xF0) == 0x60;
        int hlen = v6 ? IPV6_HLEN : (frame[ip] & 0x0F) * 4;
        int total = fragmentableLength(frame);
        if (length < 0 || offset + length > total) {
            throw new IllegalArgumentException("offset=" + offset + ", length=" + length + ", expected within the "
                    + total + " bytes of the datagram");
        }
        ByteBuf b = Unpooled.buffer();
        try {
            b.writeBytes(frame, 0, ip + hlen);
            if (v6) {
                int next = frame[ip + 6] & 0xFF;
                b.setByte(ip + 6, NEXTHDR_FRAGMENT);
                b.setShort(ip + 4, 8 + length);
                b.writeByte(next);
                b.writeByte(0);
                b.writeShort(offset | (more ? 1 : 0));
                b.writeInt(id);
            } else {
                b.setShort(ip + 2, hlen + length);
                b.setShort(ip + 4, id & 0xFFFF);
                b.setShort(ip + 6, (b.getUnsignedShort(ip + 6) & 0x4000) | (more ? 0x2000 : 0) | (offset >>> 3));
                b.setShort(ip + 10, 0);
                b.setShort(ip + 10, InetChecksum.checksum(InetChecksum.add(b, ip, hlen, 0)));
            }
            b.writeBytes(frame, ip + hlen + offset, length);
            return ByteBufUtil.getBytes(b);
        } finally {
            b.release();
        }
    }

    /** Where the IP header of an Ethernet frame (after any VLAN tags) starts. */
    private static int ipOffset(byte[] frame) {
        int at = 2 * ETH_ALEN;
        while (((frame[at] & 0xFF) << 8 | (frame[at + 1] & 0xFF)) == EtherType.ETH_P_8021Q) {
            at += 4;
        }
        int type = (frame[at] & 0xFF) << 8 | (frame[at + 1] & 0xFF);
        if (type != EtherType.ETH_P_IP && type != EtherType.ETH_P_IPV6) {
            throw new IllegalArgumentException("EtherType 0x" + Integer.toHexString(type) + ", expected IPv4 or IPv6");
        }
        return at + 2;
    }

    /** The bytes of a frame's datagram that fragments carry: after the IPv4 header, or after the 40-byte IPv6 header. */
    private static int fragmentableLength(byte[] frame) {
        int ip = ipOffset(frame);
        if ((frame[ip] & 0xF0) == 0x60) {
            return (frame[ip + 4] & 0xFF) << 8 | (frame[ip + 5] & 0xFF);
        }
        return ((frame[ip + 2] & 0xFF) << 8 | (frame[ip + 3] & 0xFF)) - (frame[ip] & 0x0F) * 4;
    }

    // ------------------------------------------------------------------------------------------
    // Address parsing

    /** Parses a MAC address of six hex bytes separated by ':' or '-' ("02:00:00:00:00:01") into the low 48 bits of a long. */
    public static long mac(String text) {
        String expected = ", expected six hex bytes like 02:00:00:00:00:01";
        if (text == null || text.length() != 17) {
            throw new IllegalArgumentException("mac=" + quote(text) + expected);
        }
        long mac = 0;
        for (int i = 0; i < 6; i++) {
            int hi = Character.digit(text.charAt(3 * i), 16);
            int lo = Character.digit(text.charAt(3 * i + 1), 16);
            char sep = i < 5 ? text.charAt(3 * i + 2) : ':';
            if (hi < 0 || lo < 0 || (sep != ':' && sep != '-')) {
                throw new IllegalArgumentException("mac=" + quote(text) + expected);
            }
            mac = mac << 8 | hi << 4 | lo;
        }
        return mac;
    }

    /** Parses a dotted-quad IPv4 address ("10.0.0.1", four decimal bytes 0..255) into a big-endian int. */
    public static int ipv4(String dotted) {
        String expected = ", expected a dotted quad like 10.0.0.1";
        if (dotted == null) {
            throw new IllegalArgumentException("ipv4=null" + expected);
        }
        String[] parts = dotted.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("ipv4=" + quote(dotted) + expected);
        }
        int address = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("ipv4=" + quote(dotted) + expected);
            }
            int value = Integer.parseInt(part);
            if (value > 255) {
                throw new IllegalArgumentException("ipv4=" + quote(dotted) + ", byte " + value + ", expected 0..255");
            }
            address = address << 8 | value;
        }
        return address;
    }

    /** Parses an IPv6 literal ("fd00::1", "::ffff:10.0.0.1"; no zone, no brackets, never DNS) into 16 bytes. */
    public static byte[] ipv6(String text) {
        String expected = ", expected an IPv6 literal like fd00::1";
        if (text == null || text.indexOf(':') < 0 || text.indexOf('%') >= 0 || text.indexOf('[') >= 0) {
            throw new IllegalArgumentException("ipv6=" + quote(text) + expected);
        }
        InetAddress address;
        try {
            // ofLiteral parses only literals: it never resolves a name.
            address = Inet6Address.ofLiteral(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ipv6=" + quote(text) + expected, e);
        }
        if (address instanceof Inet4Address v4) {
            // ofLiteral returns an IPv4-mapped address (::ffff:a.b.c.d) as an Inet4Address.
            byte[] mapped = new byte[IPV6_ALEN];
            mapped[10] = (byte) 0xFF;
            mapped[11] = (byte) 0xFF;
            System.arraycopy(v4.getAddress(), 0, mapped, 12, 4);
            return mapped;
        }
        return address.getAddress();
    }

    private static String quote(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }
}
