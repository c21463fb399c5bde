package io.icpbench.stack.wire;

import static io.icpbench.stack.wire.FrameBuilder.mac;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checks {@link FrameBuilder} against independently known bytes: published checksum examples,
 * frames whose checksums tshark 4.0 and tcpdump -vv reported correct, and a straightforward
 * 16-bit-word checksum written here (it does not use {@link InetChecksum}).
 */
class FrameBuilderTest {
    private static final long MAC_A = 0x02_00_00_00_00_01L, MAC_B = 0x02_00_00_00_00_02L;
    private static final int S4 = 0x0A_00_00_01, D4 = 0x0A_00_00_02; // 10.0.0.1, 10.0.0.2
    private static final byte[] S6 = hex("fd000000000000000000000000000001"); // fd00::1
    private static final byte[] D6 = hex("fd000000000000000000000000000002"); // fd00::2
    /** Offsets in an untagged frame. */
    private static final int IP = 14, L4_V4 = 34, L4_V6 = 54;

    // ------------------------------------------------------------------------------------------
    // The independent checksum

    /** RFC 1071 section 1, the one's complement sum of 16-bit words, written as plainly as possible. */
    private static int onesComplementSum(byte[] data) {
        long sum = 0;
        for (int i = 0; i < data.length; i += 2) {
            int hi = data[i] & 0xFF;
            int lo = i + 1 < data.length ? data[i + 1] & 0xFF : 0;
            sum += (hi << 8) | lo;
        }
        while (sum > 0xFFFF) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (int) sum;
    }

    /** The IPv4 pseudo-header (RFC 768) followed by the segment. */
    private static byte[] withPseudoV4(byte[] frame, int l4, int l4Length, int protocol) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(frame, IP + 12, 8); // source and destination addresses
        out.write(0);
        out.write(protocol);
        out.write(l4Length >> 8);
        out.write(l4Length);
        out.write(frame, l4, l4Length);
        return out.toByteArray();
    }

    /** The IPv6 pseudo-header (RFC 8200 8.1) followed by the segment. */
    private static byte[] withPseudoV6(byte[] frame, int l4, int l4Length, int nextHeader) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(frame, IP + 8, 32); // source and destination addresses
        out.write(0);
        out.write(0);
        out.write(l4Length >> 8);
        out.write(l4Length);
        out.write(0);
        out.write(0);
        out.write(0);
        out.write(nextHeader);
        out.write(frame, l4, l4Length);
        return out.toByteArray();
    }

    @Test
    void independentChecksumReproducesTheRfc1071Example() {
        // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to 2ddf0, folded ddf2.
        assertThat(onesComplementSum(hex("0001f203f4f5f6f7"))).isEqualTo(0xDDF2);
        assertThat(~onesComplementSum(hex("0001f203f4f5f6f7")) & 0xFFFF).isEqualTo(0x220D);
    }

    // ------------------------------------------------------------------------------------------
    // Known bytes

    @Test
    void ipv4HeaderMatchesThePublishedChecksumExample() {
        // The IPv4 header used as the worked checksum example on Wikipedia ("Internet checksum",
        // "IPv4 header checksum"): 192.168.0.1 -> 192.168.0.199, DF, TTL 64, UDP, 115 bytes,
        // checksum b861.
        byte[] frame = eth().ipv4(0xC0A80001, 0xC0A800C7).dontFragment().udp(1, 2).payload(115 - 28).build();
        assertThat(hexOf(frame, IP, 20)).isEqualTo("45000073000040004011b861c0a80001c0a800c7");
    }

    @Test
    void ipv4UdpFrameMatchesBytesThatTsharkVerified() {
        byte[] frame = eth().ipv4(S4, D4).udp(1234, 5555).payload(37).build();
        // tshark 4.0.17 (-o ip.check_checksum:TRUE -o udp.check_checksum:TRUE): header checksum
        // 0x66aa [correct], UDP checksum 0x79c7 [correct]; tcpdump -vv: [udp sum ok].
        assertThat(HexFormat.of().formatHex(frame)).isEqualTo(
                "020000000001020000000002" + "0800"
                        + "4500004100000000401166aa0a0000010a000002"
                        + "04d215b3002d79c7"
                        + "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021222324");
    }

    @Test
    void ipv6UdpFrameMatchesBytesThatTsharkVerified() {
        byte[] frame = eth().ipv6(S6, D6).udp(1234, 5555).payload(33).build();
        // tshark 4.0.17: UDP checksum 0xda11 [correct]; tcpdump -vv: [udp sum ok].
        assertThat(HexFormat.of().formatHex(frame)).isEqualTo(
                "020000000001020000000002" + "86dd"
                        + "60000000" + "0029" + "11" + "40"
                        + "fd000000000000000000000000000001" + "fd000000000000000000000000000002"
                        + "04d215b30029da11"
                        + "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20");
    }

    @Test
    void vxlanFrameMatchesBytesThatTsharkVerified() {
        byte[] inner = eth().ipv6(S6, D6).udp(5000, 5555).payload(32).build();
        byte[] frame = eth().vlan(10).ipv4(S4, D4).udp(49152, 4789).vxlan(42, inner).build();
        // tshark 4.0.17: outer IPv4 0x6669 [correct], outer UDP 0xea49 [correct], VXLAN flags
        // 0x0800 VNI 42, inner UDP 0xeb5d [correct].
        assertThat(HexFormat.of().formatHex(frame)).isEqualTo(
                "020000000001020000000002" + "8100000a" + "0800"
                        + "4500008200000000401166690a0000010a000002"
                        + "c00012b5006eea49"
                        + "08000000" + "00002a00"
                        + HexFormat.of().formatHex(inner));
        assertThat(hexOf(inner, L4_V6, 8)).isEqualTo("138815b30028eb5d");
    }

    @Test
    void arpRequestMatchesKnownBytes() {
        byte[] frame = FrameBuilder.ethernet(0xFFFF_FFFF_FFFFL, MAC_B).arpRequest(MAC_B, S4, D4).padTo(60).build();
        assertThat(HexFormat.of().formatHex(frame)).isEqualTo(
                "ffffffffffff" + "020000000002" + "0806"
                        + "0001" + "0800" + "06" + "04" + "0001"
                        + "020000000002" + "0a000001" + "000000000000" + "0a000002"
                        + "00".repeat(18));
    }

    // ------------------------------------------------------------------------------------------
    // Checksums, verified by the independent sum

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 7, 37, 100, 1001})
    void udpChecksumVerifiesOverTheIpv4PseudoHeader(int payloadSize) {
        byte[] frame = eth().ipv4(S4, D4).udp(40000, 53).payload(payloadSize).build();
        int udpLength = 8 + payloadSize;
        assertThat(u16(frame, L4_V4 + 4)).isEqualTo(udpLength);
        assertThat(onesComplementSum(withPseudoV4(frame, L4_V4, udpLength, 17))).isEqualTo(0xFFFF);
        assertThat(onesComplementSum(Arrays.copyOfRange(frame, IP, IP + 20))).isEqualTo(0xFFFF);
        assertThat(frame).hasSize(L4_V4 + udpLength); // no padding unless padTo is called
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 7, 37, 100, 1001})
    void udpChecksumVerifiesOverTheIpv6PseudoHeader(int payloadSize) {
        byte[] frame = eth().ipv6(S6, D6).udp(40000, 53).payload(payloadSize).build();
        int udpLength = 8 + payloadSize;
        assertThat(u16(frame, IP + 4)).isEqualTo(udpLength);
        assertThat(onesComplementSum(withPseudoV6(frame, L4_V6, udpLength, 17))).isEqualTo(0xFFFF);
    }

    @Test
    void aComputedUdpChecksumOfZeroIsWrittenAsAllOnes() {
        // A payload word equal to the checksum computed with that word zero makes the sum 0xFFFF,
        // so the computed checksum is 0: RFC 768 sends it as 0xFFFF.
        for (boolean v6 : new boolean[] {false, true}) {
            int l4 = v6 ? L4_V6 : L4_V4;
            byte[] payload = new byte[10];
            byte[] first = udpFrame(v6, payload);
            payload[0] = first[l4 + 6];
            payload[1] = first[l4 + 7];
            byte[] frame = udpFrame(v6, payload);
            assertThat(u16(frame, l4 + 6)).as("v6=%s", v6).isEqualTo(0xFFFF);
            byte[] summed = v6 ? withPseudoV6(frame, l4, 18, 17) : withPseudoV4(frame, l4, 18, 17);
            assertThat(onesComplementSum(summed)).isEqualTo(0xFFFF);
        }
    }

    private static byte[] udpFrame(boolean v6, byte[] payload) {
        FrameBuilder b = v6 ? eth().ipv6(S6, D6) : eth().ipv4(S4, D4);
        return b.udp(1, 2).payload(payload).build();
    }

    @Test
    void tcpHeaderIsASynWithAValidChecksum() {
        byte[] v4 = eth().ipv4(S4, D4).tcp(40000, 80).payload(11).build();
        assertThat(v4[IP + 9]).isEqualTo((byte) 6);
        assertThat(hexOf(v4, L4_V4, 20)).startsWith("9c400050" + "00000000" + "00000000" + "5002ffff")
                .endsWith("0000");
        assertThat(onesComplementSum(withPseudoV4(v4, L4_V4, 31, 6))).isEqualTo(0xFFFF);

        byte[] v6 = eth().ipv6(S6, D6).tcp(40000, 80).payload(11).build();
        assertThat(v6[IP + 6]).isEqualTo((byte) 6);
        assertThat(onesComplementSum(withPseudoV6(v6, L4_V6, 31, 6))).isEqualTo(0xFFFF);
    }

    @Test
    void icmpEchoChecksumsFollowTheirFamilies() {
        byte[] v4 = eth().ipv4(S4, D4).icmpEcho(0x1234, 7).payload(56).build();
        assertThat(v4[IP + 9]).isEqualTo((byte) 1);
        assertThat(hexOf(v4, L4_V4, 8)).isEqualTo("0800eeb112340007"); // tshark: 0xeeb1 [correct]
        // ICMP for IPv4 has no pseudo-header.
        assertThat(onesComplementSum(Arrays.copyOfRange(v4, L4_V4, v4.length))).isEqualTo(0xFFFF);

        byte[] v6 = eth().ipv6(S6, D6).icmpEcho(0x1234, 7).payload(56).build();
        assertThat(v6[IP + 6]).isEqualTo((byte) 58);
        assertThat(hexOf(v6, L4_V6, 8)).isEqualTo("80007c3212340007"); // tshark: 0x7c32 [correct]
        assertThat(onesComplementSum(withPseudoV6(v6, L4_V6, 64, 58))).isEqualTo(0xFFFF);
    }

    @Test
    void udpLiteChecksumCoversTheCoverageAndThePseudoHeaderWithTheFullLength() {
        byte[] frame = eth().ipv4(S4, D4).udpLite(1000, 2000, 12).payload(30).build();
        assertThat(frame[IP + 9] & 0xFF).isEqualTo(136);
        assertThat(u16(frame, L4_V4 + 4)).isEqualTo(12); // the length field carries the coverage
        // RFC 3828 3.1: pseudo-header with the IP-derived length (38), then the covered 12 bytes.
        byte[] covered = withPseudoV4(frame, L4_V4, 38, 136);
        assertThat(onesComplementSum(Arrays.copyOf(covered, 12 + 12))).isEqualTo(0xFFFF);
        // A byte past the coverage does not change the checksum; a covered one does.
        byte[] payload = new byte[30];
        byte[] base = eth().ipv4(S4, D4).udpLite(1000, 2000, 12).payload(payload).build();
        payload[10] = 99; // UDP-Lite offset 18: not covered
        byte[] uncovered = eth().ipv4(S4, D4).udpLite(1000, 2000, 12).payload(payload).build();
        assertThat(u16(uncovered, L4_V4 + 6)).isEqualTo(u16(base, L4_V4 + 6));
        payload[2] = 99; // UDP-Lite offset 10: covered
        byte[] covered2 = eth().ipv4(S4, D4).udpLite(1000, 2000, 12).payload(payload).build();
        assertThat(u16(covered2, L4_V4 + 6)).isNotEqualTo(u16(base, L4_V4 + 6));

        // Coverage 0: the whole datagram, over IPv6 too.
        byte[] whole = eth().ipv6(S6, D6).udpLite(1000, 2000, 0).payload(31).build();
        assertThat(u16(whole, L4_V6 + 4)).isZero();
        assertThat(onesComplementSum(withPseudoV6(whole, L4_V6, 39, 136))).isEqualTo(0xFFFF);
    }

    // ------------------------------------------------------------------------------------------
    // Ethernet and IPv4 fields

    @Test
    void vlanTagsSitBetweenTheMacsAndTheEtherTypeOuterFirst() {
        byte[] one = eth().vlan(100).ipv4(S4, D4).udp(1, 2).build();
        assertThat(hexOf(one, 0, 12)).isEqualTo("020000000001" + "020000000002");
        assertThat(hexOf(one, 12, 6)).isEqualTo("8100" + "0064" + "0800");
        assertThat(one[18]).isEqualTo((byte) 0x45);

        byte[] two = eth().vlan(100).vlan(4095).ipv6(S6, D6).udp(1, 2).build();
        assertThat(hexOf(two, 12, 10)).isEqualTo("8100" + "0064" + "8100" + "0fff" + "86dd");
        assertThat(two[22]).isEqualTo((byte) 0x60);
    }

    @Test
    void etherTypeOverridesTheL3AndAloneMakesARawFrame() {
        byte[] raw = eth().etherType(0x88B5).payload(hex("deadbeef")).build();
        assertThat(HexFormat.of().formatHex(raw)).isEqualTo("020000000001020000000002" + "88b5" + "deadbeef");

        byte[] mislabelled = eth().etherType(EtherType.ETH_P_IPV6).ipv4(S4, D4).udp(1, 2).build();
        assertThat(u16(mislabelled, 12)).isEqualTo(0x86DD);
        assertThat(mislabelled[IP]).isEqualTo((byte) 0x45);
    }

    @Test
    void ipv4DefaultsAndSetters() {
        byte[] plain = eth().ipv4(S4, D4).udp(1, 2).build();
        // version 4, IHL 5, TOS 0, length 28, id 0, no flags, offset 0, TTL 64, UDP
        assertThat(hexOf(plain, IP, 10)).isEqualTo("4500001c" + "0000" + "0000" + "40" + "11");

        byte[] set = eth().ipv4(S4, D4).ttl(3).ipId(0xBEEF).dontFragment().fragment(true, 100).udp(1, 2).build();
        assertThat(set[IP + 8]).isEqualTo((byte) 3);
        assertThat(u16(set, IP + 4)).isEqualTo(0xBEEF);
        assertThat(u16(set, IP + 6)).isEqualTo(0x4000 | 0x2000 | 100);
        assertThat(onesComplementSum(Arrays.copyOfRange(set, IP, IP + 20))).isEqualTo(0xFFFF);

        byte[] raw = eth().ipv4(S4, D4).ipProtocol(FrameBuilder.IPPROTO_ESP).payload(hex("0102")).build();
        assertThat(raw[IP + 9]).isEqualTo((byte) 50);
        assertThat(hexOf(raw, L4_V4, 2)).isEqualTo("0102");
        assertThat(u16(raw, IP + 2)).isEqualTo(22);
    }

    @Test
    void ipv4OptionsArePaddedToFourBytesAndCoveredByTheChecksum() {
        // Router alert (RFC 2113: 94 04 00 00) and a NOP: 5 bytes, padded with 3 EOL bytes to 8.
        byte[] frame = eth().ipv4(S4, D4).ipOptions(hex("9404000001")).udp(1234, 5555).payload(10).build();
        assertThat(frame[IP]).isEqualTo((byte) 0x47); // IHL 7: 20 + 8 bytes
        assertThat(hexOf(frame, IP + 20, 8)).isEqualTo("9404000001000000");
        assertThat(u16(frame, IP + 2)).isEqualTo(28 + 18);
        assertThat(u16(frame, IP + 10)).isEqualTo(0xCFB8); // tshark: 0xcfb8 [correct]
        assertThat(onesComplementSum(Arrays.copyOfRange(frame, IP, IP + 28))).isEqualTo(0xFFFF);
        int l4 = IP + 28;
        assertThat(u16(frame, l4)).isEqualTo(1234);
        assertThat(onesComplementSum(withPseudoV4(frame, l4, 18, 17))).isEqualTo(0xFFFF);
    }

    @Test
    void greCarriesThePayloadBehindAFourByteHeader() {
        byte[] frame = eth().ipv4(S4, D4).gre(EtherType.ETH_P_TEB).payload(hex("aabb")).build();
        assertThat(frame[IP + 9]).isEqualTo((byte) 47);
        assertThat(hexOf(frame, L4_V4, 6)).isEqualTo("00006558aabb");
        assertThat(frame).hasSize(L4_V4 + 6);
    }

    // ------------------------------------------------------------------------------------------
    // IPv6

    @Test
    void ipv6ExtensionHeadersChainToTheL4() {
        byte[] frame = eth().ipv6(S6, D6).ttl(7)
                .ipv6ExtensionHeader(0, 8)
                .ipv6ExtensionHeader(43, 24)
                .ipv6ExtensionHeader(44, 0)
                .ipv6Fragment(185, false)
                .ipv6ExtensionHeader(60, 16)
                .ipId(0x0102)
                .udp(1234, 5555).payload(20).build();
        assertThat(hexOf(frame, IP, 8)).isEqualTo("60000000" + hexOf(frame, IP + 4, 2) + "00" + "07");
        int off = IP + 40;
        // hop-by-hop, 8 bytes: next 43, len 0, PadN of 4 zero bytes
        assertThat(hexOf(frame, off, 8)).isEqualTo("2b00" + "0104" + "00000000");
        off += 8;
        // routing, 24 bytes: next 44, len 2, type 4, segments left 0, last entry 0, flags 0,
        // tag 0, Segment List[0] = the destination
        assertThat(hexOf(frame, off, 24)).isEqualTo("2c02" + "0400" + "00000000" + HexFormat.of().formatHex(D6));
        off += 24;
        // fragment from ipv6ExtensionHeader(44): next 44, offset 0, M=1, identification from ipId
        assertThat(hexOf(frame, off, 8)).isEqualTo("2c00" + "0001" + "00000102");
        off += 8;
        // explicit fragment: next 60, offset 185 (<< 3), M=0
        assertThat(hexOf(frame, off, 8)).isEqualTo("3c00" + "05c8" + "00000102");
        off += 8;
        // destination options, 16 bytes: next 17, len 1, PadN of 12 zero bytes
        assertThat(hexOf(frame, off, 16)).isEqualTo("1101" + "010c" + "00".repeat(12));
        off += 16;
        assertThat(u16(frame, off)).isEqualTo(1234);
        assertThat(u16(frame, IP + 4)).isEqualTo(frame.length - IP - 40);
        assertThat(onesComplementSum(withPseudoV6(frame, off, 28, 17))).isEqualTo(0xFFFF);
    }

    @ParameterizedTest
    @ValueSource(ints = {8, 16, 24, 64, 256, 264, 520, 2048})
    void hopByHopPaddingFillsTheHeaderExactly(int lengthBytes) {
        byte[] frame = eth().ipv6(S6, D6).ipv6ExtensionHeader(0, lengthBytes).ipProtocol(59).build();
        int hdr = IP + 40;
        assertThat(frame[IP + 6]).isEqualTo((byte) 0);
        assertThat(frame[hdr]).isEqualTo((byte) 59);
        assertThat(frame[hdr + 1] & 0xFF).isEqualTo(lengthBytes / 8 - 1);
        // Walk the TLVs: only Pad1 and PadN with zero data, ending exactly at the header's end.
        int i = hdr + 2;
        while (i < hdr + lengthBytes) {
            if (frame[i] == 0) {
                i++;
                continue;
            }
            assertThat(frame[i]).isEqualTo((byte) 1);
            int len = frame[i + 1] & 0xFF;
            for (int k = 0; k < len; k++) {
                assertThat(frame[i + 2 + k]).isZero();
            }
            i += 2 + len;
        }
        assertThat(i).isEqualTo(hdr + lengthBytes);
        assertThat(frame).hasSize(hdr + lengthBytes);
    }

    // ------------------------------------------------------------------------------------------
    // Tunnels

    @Test
    void vxlanAndGeneveHeaders() {
        byte[] inner = hex("0102030405060708090a0b0c0d0e");
        byte[] vx = eth().ipv4(S4, D4).udp(49152, 4789).vxlan(0xABCDEF, inner).build();
        assertThat(u16(vx, L4_V4 + 2)).isEqualTo(4789);
        assertThat(hexOf(vx, L4_V4 + 8, 8)).isEqualTo("08000000" + "abcdef00");
        assertThat(Arrays.copyOfRange(vx, L4_V4 + 16, vx.length)).isEqualTo(inner);
        assertThat(onesComplementSum(withPseudoV4(vx, L4_V4, 8 + 8 + inner.length, 17))).isEqualTo(0xFFFF);

        byte[] bad = eth().ipv4(S4, D4).udp(49152, 4789).vxlan(1, inner).vxlanFlags(0x0C).build();
        assertThat(hexOf(bad, L4_V4 + 8, 8)).isEqualTo("0c000000" + "00000100");

        byte[] gn = eth().ipv6(S6, D6).udp(49153, 6081).geneve(0x123456, inner).build();
        assertThat(hexOf(gn, L4_V6 + 8, 8)).isEqualTo("0000" + "6558" + "123456" + "00");
        assertThat(Arrays.copyOfRange(gn, L4_V6 + 16, gn.length)).isEqualTo(inner);
        assertThat(onesComplementSum(withPseudoV6(gn, L4_V6, 8 + 8 + inner.length, 17))).isEqualTo(0xFFFF);
    }

    // ------------------------------------------------------------------------------------------
    // Breakage: each method changes its own field (and, where the header checksum covers it, that
    // checksum, which then still verifies) and nothing else.

    private record Breakage(String name, UnaryOperator<FrameBuilder> apply, int[] fields, Consumer<byte[]> check) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final int V4_CSUM = IP + 10, UDP_LEN = L4_V4 + 4, UDP_CSUM = L4_V4 + 6;

    static Stream<Breakage> v4UdpBreakages() {
        return Stream.of(
                new Breakage("corruptIpChecksum", FrameBuilder::corruptIpChecksum, new int[] {V4_CSUM, V4_CSUM + 1},
                        f -> {
                            assertThat(u16(f, V4_CSUM)).isEqualTo((u16(goodV4Udp(), V4_CSUM) + 1) & 0xFFFF);
                            assertThat(ipv4HeaderVerifies(f)).isFalse();
                        }),
                new Breakage("ipVersion", b -> b.ipVersion(5), new int[] {IP, V4_CSUM, V4_CSUM + 1}, f -> {
                    assertThat(f[IP]).isEqualTo((byte) 0x55);
                    assertThat(ipv4HeaderVerifies(f)).isTrue();
                }),
                new Breakage("ihl", b -> b.ihl(4), new int[] {IP, V4_CSUM, V4_CSUM + 1}, f -> {
                    assertThat(f[IP]).isEqualTo((byte) 0x44);
                    assertThat(ipv4HeaderVerifies(f)).isTrue(); // over the 20 bytes written
                }),
                new Breakage("ipTotalLength", b -> b.ipTotalLength(1000), new int[] {IP + 2, IP + 3, V4_CSUM, V4_CSUM + 1},
                        f -> {
                            assertThat(u16(f, IP + 2)).isEqualTo(1000);
                            assertThat(ipv4HeaderVerifies(f)).isTrue();
                        }),
                new Breakage("udpLength", b -> b.udpLength(100), new int[] {UDP_LEN, UDP_LEN + 1, UDP_CSUM, UDP_CSUM + 1},
                        f -> {
                            assertThat(u16(f, UDP_LEN)).isEqualTo(100);
                            // Documented: the true length (12) in the pseudo-header, the field as written.
                            assertThat(onesComplementSum(withPseudoV4(f, L4_V4, 12, 17))).isEqualTo(0xFFFF);
                        }),
                new Breakage("corruptL4Checksum", FrameBuilder::corruptL4Checksum, new int[] {UDP_CSUM, UDP_CSUM + 1},
                        f -> {
                            assertThat(u16(f, UDP_CSUM)).isNotZero();
                            assertThat(onesComplementSum(withPseudoV4(f, L4_V4, 12, 17))).isNotEqualTo(0xFFFF);
                        }),
                new Breakage("zeroUdpChecksum", FrameBuilder::zeroUdpChecksum, new int[] {UDP_CSUM, UDP_CSUM + 1},
                        f -> assertThat(u16(f, UDP_CSUM)).isZero()),
                new Breakage("padTo", b -> b.padTo(60), new int[0], f -> {
                    assertThat(f).hasSize(60);
                    assertThat(Arrays.copyOfRange(f, 0, goodV4Udp().length)).isEqualTo(goodV4Udp());
                    assertThat(Arrays.copyOfRange(f, goodV4Udp().length, 60)).isEqualTo(new byte[60 - goodV4Udp().length]);
                }),
                new Breakage("truncateTo", b -> b.truncateTo(40), new int[0],
                        f -> assertThat(f).isEqualTo(Arrays.copyOf(goodV4Udp(), 40))));
    }

    private static FrameBuilder v4UdpBase() {
        return eth().ipv4(S4, D4).udp(1, 2).payload(4);
    }

    private static byte[] goodV4Udp() {
        return v4UdpBase().build();
    }

    @ParameterizedTest
    @MethodSource("v4UdpBreakages")
    void eachBreakageChangesOnlyItsField(Breakage breakage) {
        byte[] good = goodV4Udp();
        byte[] broken = breakage.apply().apply(v4UdpBase()).build();
        TreeSet<Integer> allowed = new TreeSet<>();
        for (int offset : breakage.fields()) {
            allowed.add(offset);
        }
        int common = Math.min(good.length, broken.length);
        TreeSet<Integer> changed = new TreeSet<>();
        for (int i = 0; i < common; i++) {
            if (good[i] != broken[i]) {
                changed.add(i);
            }
        }
        assertThat(allowed).containsAll(changed);
        if (breakage.fields().length > 0) {
            assertThat(changed).isNotEmpty();
        }
        breakage.check().accept(broken);
    }

    @Test
    void ipv6BreakagesChangeOnlyTheirField() {
        FrameBuilder base = eth().ipv6(S6, D6).udp(1, 2).payload(4);
        byte[] good = base.build();
        byte[] version = base.copy().ipVersion(4).build();
        assertThat(diff(good, version)).containsExactly(IP);
        assertThat(version[IP]).isEqualTo((byte) 0x40);
        byte[] length = base.copy().ipTotalLength(3).build();
        assertThat(diff(good, length)).containsExactly(IP + 5);
        assertThat(u16(length, IP + 4)).isEqualTo(3);
        byte[] zero = base.copy().zeroUdpChecksum().build();
        assertThat(diff(good, zero)).isSubsetOf(L4_V6 + 6, L4_V6 + 7);
        assertThat(u16(zero, L4_V6 + 6)).isZero();
    }

    @Test
    void corruptL4ChecksumIsNeverZeroNeverRightAndNeverVerifies() {
        for (int size = 0; size < 300; size++) {
            FrameBuilder base = eth().ipv4(S4, D4).udp(1, 2).payload(size);
            byte[] good = base.build();
            byte[] bad = base.copy().corruptL4Checksum().build();
            int right = u16(good, UDP_CSUM);
            int wrong = u16(bad, UDP_CSUM);
            assertThat(wrong).isNotZero().isNotEqualTo(right);
            assertThat(onesComplementSum(withPseudoV4(bad, L4_V4, 8 + size, 17))).isNotEqualTo(0xFFFF);
            assertThat(diff(good, bad)).isSubsetOf(UDP_CSUM, UDP_CSUM + 1);
        }
        // The awkward case: the right value is 0xFFFF (computed 0).
        byte[] payload = new byte[10];
        byte[] first = eth().ipv4(S4, D4).udp(1, 2).payload(payload).build();
        payload[0] = first[UDP_CSUM];
        payload[1] = first[UDP_CSUM + 1];
        byte[] bad = eth().ipv4(S4, D4).udp(1, 2).payload(payload).corruptL4Checksum().build();
        assertThat(u16(bad, UDP_CSUM)).isNotIn(0, 0xFFFF);
        assertThat(onesComplementSum(withPseudoV4(bad, L4_V4, 18, 17))).isNotEqualTo(0xFFFF);

        FrameBuilder[] others = {
            eth().ipv4(S4, D4).tcp(1, 2), eth().ipv4(S4, D4).icmpEcho(1, 2), eth().ipv6(S6, D6).icmpEcho(1, 2),
            eth().ipv6(S6, D6).udpLite(1, 2, 0).payload(5)};
        int[] checksumOffsets = {L4_V4 + 16, L4_V4 + 2, L4_V6 + 2, L4_V6 + 6};
        for (int k = 0; k < others.length; k++) {
            byte[] ok = others[k].build();
            byte[] wrong = others[k].copy().corruptL4Checksum().build();
            int at = checksumOffsets[k];
            assertThat(diff(ok, wrong)).isNotEmpty().isSubsetOf(at, at + 1);
            assertThat(u16(wrong, at)).isNotZero().isEqualTo((u16(ok, at) + 1) & 0xFFFF);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Bad arguments and bad combinations

    private static Arguments bad(String message, ThrowingCallable call) {
        return Arguments.of(message, call);
    }

    static Stream<Arguments> badArguments() {
        return Stream.of(
                bad("vid=5000, expected 0..4095", () -> eth().vlan(5000)),
                bad("vid=-1, expected 0..4095", () -> eth().vlan(-1)),
                bad("dstMac=0x1000000000000", () -> FrameBuilder.ethernet(1L << 48, 0)),
                bad("srcMac=0xffffffffffffffff", () -> FrameBuilder.ethernet(0, -1L)),
                bad("etherType=65536", () -> eth().etherType(0x10000)),
                bad("saddr length=5, expected 16", () -> eth().ipv6(new byte[5], D6)),
                bad("daddr length=null, expected 16", () -> eth().ipv6(S6, null)),
                bad("senderMac=0x1000000000000", () -> eth().arpRequest(1L << 48, S4, D4)),
                bad("ttl=256, expected 0..255", () -> eth().ttl(256)),
                bad("ipId=65536, expected 0..65535", () -> eth().ipId(65536)),
                bad("offsetUnits=8192, expected 0..8191", () -> eth().fragment(true, 8192)),
                bad("offsetUnits=-1, expected 0..8191", () -> eth().ipv6Fragment(-1, true)),
                bad("options length=41, expected 0..40", () -> eth().ipOptions(new byte[41])),
                bad("options=null", () -> eth().ipOptions(null)),
                bad("lengthBytes=12, expected a multiple of 8 in 8..2048", () -> eth().ipv6ExtensionHeader(60, 12)),
                bad("lengthBytes=0, expected a multiple of 8", () -> eth().ipv6ExtensionHeader(0, 0)),
                bad("lengthBytes=2056", () -> eth().ipv6ExtensionHeader(43, 2056)),
                bad("type=7, expected 0 (hop-by-hop), 43", () -> eth().ipv6ExtensionHeader(7, 8)),
                bad("sport=70000, expected 0..65535", () -> eth().udp(70000, 1)),
                bad("dport=-2, expected 0..65535", () -> eth().tcp(1, -2)),
                bad("checksumCoverage=65536", () -> eth().udpLite(1, 2, 65536)),
                bad("seq=65536", () -> eth().icmpEcho(1, 65536)),
                bad("protocolType=-1", () -> eth().gre(-1)),
                bad("protocol=256, expected 0..255", () -> eth().ipProtocol(256)),
                bad("size=-1, expected 0..65535", () -> eth().payload(-1)),
                bad("data=null", () -> eth().payload(null)),
                bad("vni=16777216, expected 0..16777215", () -> eth().vxlan(1 << 24, new byte[0])),
                bad("innerFrame=null", () -> eth().geneve(1, null)),
                bad("flags=256, expected 0..255", () -> eth().vxlanFlags(256)),
                bad("version=16, expected 0..15", () -> eth().ipVersion(16)),
                bad("ihl=16, expected 0..15", () -> eth().ihl(16)),
                bad("length=65536, expected 0..65535", () -> eth().ipTotalLength(65536)),
                bad("length=-1, expected 0..65535", () -> eth().udpLength(-1)),
                bad("frameLength=-1, expected >= 0", () -> eth().padTo(-1)),
                bad("frameLength=-5, expected >= 0", () -> eth().truncateTo(-5)),
                bad("mac=\"02:00:00:00:00\"", () -> mac("02:00:00:00:00")),
                bad("mac=\"02:00:00:00:00:0g\"", () -> mac("02:00:00:00:00:0g")),
                bad("ipv4=\"10.0.0.256\", byte 256, expected 0..255", () -> FrameBuilder.ipv4("10.0.0.256")),
                bad("ipv4=\"10.0.0\"", () -> FrameBuilder.ipv4("10.0.0")),
                bad("ipv4=\"10.0.0.-1\"", () -> FrameBuilder.ipv4("10.0.0.-1")),
                bad("ipv6=\"fd00::1::2\"", () -> FrameBuilder.ipv6("fd00::1::2")),
                bad("ipv6=\"10.0.0.1\"", () -> FrameBuilder.ipv6("10.0.0.1")),
                bad("ipv6=\"example.com\"", () -> FrameBuilder.ipv6("example.com")));
    }

    @ParameterizedTest
    @MethodSource("badArguments")
    void badArgumentsNameTheValue(String message, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    static Stream<Arguments> badCombinations() {
        return Stream.of(
                bad("udp() needs ipv4() or ipv6()", () -> eth().etherType(0x0800).udp(1, 2).build()),
                bad("udp() needs ipv4() or ipv6()", () -> eth().arpRequest(MAC_A, S4, D4).udp(1, 2).build()),
                bad("no L3 and no EtherType", () -> eth().payload(4).build()),
                bad("ttl() needs ipv4() or ipv6()", () -> eth().etherType(0x88B5).ttl(3).build()),
                bad("ipv4() needs an L4", () -> eth().ipv4(S4, D4).payload(4).build()),
                bad("ipv6() needs an L4", () -> eth().ipv6(S6, D6).build()),
                bad("need ipv6(), not ipv4()", () -> eth().ipv4(S4, D4).ipv6ExtensionHeader(0, 8).udp(1, 2).build()),
                bad("ipOptions() (use ipv6ExtensionHeader()) applies to IPv4 only",
                        () -> eth().ipv6(S6, D6).ipOptions(new byte[4]).udp(1, 2).build()),
                bad("dontFragment(), corruptIpChecksum() apply to IPv4 only", () -> eth().ipv6(S6, D6).dontFragment()
                        .corruptIpChecksum().udp(1, 2).build()),
                bad("corruptIpChecksum() applies to IPv4 only", () -> eth().ipv6(S6, D6).corruptIpChecksum().udp(1, 2).build()),
                bad("no fragment header", () -> eth().ipv6(S6, D6).ipId(1).udp(1, 2).build()),
                bad("vxlan() needs udp() or udpLite(), not tcp()", () -> eth().ipv4(S4, D4).tcp(1, 2).vxlan(1, new byte[0]).build()),
                bad("vxlanFlags() needs vxlan()", () -> eth().ipv4(S4, D4).udp(1, 2).geneve(1, new byte[0]).vxlanFlags(0).build()),
                bad("udpLength() needs udp(), not udpLite()", () -> eth().ipv4(S4, D4).udpLite(1, 2, 0).udpLength(8).build()),
                bad("zeroUdpChecksum() needs udp() or udpLite(), not tcp()", () -> eth().ipv4(S4, D4).tcp(1, 2).zeroUdpChecksum().build()),
                bad("corruptL4Checksum() needs udp(), udpLite(), tcp() or icmpEcho(), not gre()",
                        () -> eth().ipv4(S4, D4).gre(0x0800).corruptL4Checksum().build()),
                bad("choose one", () -> eth().ipv4(S4, D4).udp(1, 2).zeroUdpChecksum().corruptL4Checksum().build()),
                bad("truncateTo(42) but the frame is only 42 bytes", () -> eth().ipv4(S4, D4).udp(1, 2).payload(0).truncateTo(42).build()),
                bad("UDP datagram of 65541 bytes, expected at most 65535",
                        () -> eth().ipv6(S6, D6).udp(1, 2).payload(new byte[65533]).build()),
                bad("IPv4 packet of 65556 bytes", () -> eth().ipv4(S4, D4).ipProtocol(253).payload(new byte[65536]).build()));
    }

    @ParameterizedTest
    @MethodSource("badCombinations")
    void badCombinationsFailTheBuild(String message, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(IllegalStateException.class).hasMessageContaining(message);
    }

    // ------------------------------------------------------------------------------------------
    // The builder itself and the parsers

    @Test
    void theBuilderBuildsAgainAndCopiesItsInputs() {
        byte[] payload = hex("01020304");
        FrameBuilder b = eth().ipv4(S4, D4).udp(1, 2).payload(payload);
        byte[] first = b.build();
        payload[0] = 99;
        assertThat(b.build()).isEqualTo(first);
        FrameBuilder variant = b.copy().ttl(1);
        assertThat(b.build()).isEqualTo(first);
        assertThat(variant.build()[IP + 8]).isEqualTo((byte) 1);
        // A later L4 call replaces the earlier one.
        assertThat(b.copy().tcp(1, 2).build()[IP + 9]).isEqualTo((byte) 6);
    }

    @Test
    void payloadOfASizeIsTheByteIndex() {
        byte[] frame = eth().etherType(0x88B5).payload(300).build();
        for (int i = 0; i < 300; i++) {
            assertThat(frame[14 + i]).isEqualTo((byte) i);
        }
    }

    @Test
    void addressParsers() {
        assertThat(mac("02:00:00:00:00:01")).isEqualTo(MAC_A);
        assertThat(mac("FF-ff-FF-ff-FF-ff")).isEqualTo(0xFFFF_FFFF_FFFFL);
        assertThat(FrameBuilder.ipv4("10.0.0.1")).isEqualTo(S4);
        assertThat(FrameBuilder.ipv4("255.255.255.255")).isEqualTo(-1);
        assertThat(FrameBuilder.ipv6("fd00::1")).isEqualTo(S6);
        assertThat(FrameBuilder.ipv6("::ffff:10.0.0.1")).isEqualTo(hex("00000000000000000000ffff0a000001"));
        assertThat(FrameBuilder.ipv6("2001:db8::8:800:200c:417a")).isEqualTo(hex("20010db80000000000080800200c417a"));
    }

    // ------------------------------------------------------------------------------------------
    // Helpers

    private static FrameBuilder eth() {
        return FrameBuilder.ethernet(MAC_A, MAC_B);
    }

    private static boolean ipv4HeaderVerifies(byte[] frame) {
        return onesComplementSum(Arrays.copyOfRange(frame, IP, IP + 20)) == 0xFFFF;
    }

    private static TreeSet<Integer> diff(byte[] a, byte[] b) {
        assertThat(b).hasSameSizeAs(a);
        TreeSet<Integer> changed = new TreeSet<>();
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                changed.add(i);
            }
        }
        return changed;
    }

    private static int u16(byte[] b, int offset) {
        return (b[offset] & 0xFF) << 8 | (b[offset + 1] & 0xFF);
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    private static String hexOf(byte[] b, int offset, int length) {
        return HexFormat.of().formatHex(b, offset, offset + length);
    }
}
