package io.icpbench.stack.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InetChecksumTest {
    @Test
    void rfc1071Example() {
        // RFC 1071 section 3: the bytes 00 01 f2 03 f4 f5 f6 f7 sum to 0xddf2.
        ByteBuf b = Unpooled.wrappedBuffer(new byte[] {0x00, 0x01, (byte) 0xf2, 0x03, (byte) 0xf4, (byte) 0xf5, (byte) 0xf6, (byte) 0xf7});
        assertThat(InetChecksum.fold(InetChecksum.add(b, 0, 8, 0))).isEqualTo(0xddf2);
        assertThat(InetChecksum.checksum(InetChecksum.add(b, 0, 8, 0))).isEqualTo(0x220d);
    }

    @Test
    void knownIpv4Header() {
        // A header from a capture (Wikipedia's IPv4 checksum example): checksum 0xb861.
        byte[] h = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, (byte) 0xb8, 0x61,
            (byte) 0xc0, (byte) 0xa8, 0x00, 0x01, (byte) 0xc0, (byte) 0xa8, 0x00, (byte) 0xc7};
        ByteBuf b = Unpooled.wrappedBuffer(h);
        assertThat(InetChecksum.verifies(InetChecksum.add(b, 0, 20, 0))).isTrue();
        h[10] = 0;
        h[11] = 0;
        assertThat(InetChecksum.checksum(InetChecksum.add(b, 0, 20, 0))).isEqualTo(0xb861);
    }

    /** Against the textbook loop over 16-bit words, at every length and offset parity. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 7, 8, 9, 63, 64, 65, 1499})
    void matchesTheWordByWordSum(int length) {
        SplittableRandom r = new SplittableRandom(length);
        byte[] data = new byte[length + 3];
        r.nextBytes(data);
        for (int offset = 0; offset < 3; offset++) {
            long sum = 0;
            for (int i = 0; i < length; i += 2) {
                int hi = data[offset + i] & 0xFF;
                int lo = i + 1 < length ? data[offset + i + 1] & 0xFF : 0;
                sum += (hi << 8) | lo;
            }
            while ((sum >>> 16) != 0) {
                sum = (sum & 0xFFFF) + (sum >>> 16);
            }
            assertThat(InetChecksum.fold(InetChecksum.add(Unpooled.wrappedBuffer(data), offset, length, 0)))
                    .as("length %d offset %d", length, offset).isEqualTo((int) sum);
        }
    }
}
