package io.icpbench.stack.wire;

import io.netty.buffer.ByteBuf;

/**
 * The Internet checksum (RFC 1071) over bytes of a {@link ByteBuf}, read with absolute indexes.
 *
 * <p>IMPLEMENTATION NOTES: the one's complement sum does not depend on the word size, so the loop
 * adds big-endian 32-bit words into a 64-bit accumulator (no carry is lost before 2^32 words) and
 * folds once at the end. An odd trailing byte is the high byte of a zero-padded 16-bit word.
 */
public final class InetChecksum {
    private InetChecksum() {
    }

    /**
     * Adds {@code length} bytes starting at absolute {@code offset} to a running sum.
     *
     * @param sum a previous result of this method or {@link #pseudoHeaderV4}, 0 to start
     * @return the unfolded running sum; pass it to {@link #fold} for the 16-bit checksum
     */
    public static long add(ByteBuf buf, int offset, int length, long sum) {
        int i = offset;
        int end = offset + length;
        while (end - i >= 4) {
            sum += buf.getInt(i) & 0xFFFFFFFFL;
            i += 4;
        }
        if (end - i >= 2) {
            sum += buf.getUnsignedShort(i);
            i += 2;
        }
        if (i < end) {
            sum += (buf.getByte(i) & 0xFF) << 8;
        }
        return sum;
    }

    /** Adds one 16-bit value. */
    public static long add16(long sum, int value) {
        return sum + (value & 0xFFFF);
    }

    /** Adds the IPv4 pseudo-header of a transport segment (RFC 768 / RFC 793). */
    public static long pseudoHeaderV4(int saddr, int daddr, int protocol, int length) {
        return (saddr & 0xFFFFFFFFL) + (daddr & 0xFFFFFFFFL) + protocol + length;
    }

    /** Adds the IPv6 pseudo-header (RFC 8200 section 8.1), addresses read from {@code buf}. */
    public static long pseudoHeaderV6(ByteBuf buf, int saddrOffset, int daddrOffset, int nextHeader, int length) {
        long sum = add(buf, saddrOffset, 16, 0);
        sum = add(buf, daddrOffset, 16, sum);
        return sum + nextHeader + (length & 0xFFFFFFFFL);
    }

    /** Folds a running sum to 16 bits, without the final complement. */
    public static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }

    /** The checksum field value for a running sum: the complement of the folded sum. */
    public static int checksum(long sum) {
        return ~fold(sum) & 0xFFFF;
    }

    /**
     * Whether a transport checksum field holds the partial form a sender that offloads its
     * checksum leaves in the packet (CHECKSUM_PARTIAL: the folded pseudo-header sum, not
     * complemented, {@code ~csum_tcpudp_magic(...)}); a capture taken on the receiving side of a
     * veth or virtio link shows such checksums, which that kernel never verifies.
     */
    public static boolean partial(int checkField, long pseudoHeaderSum) {
        return checkField == fold(pseudoHeaderSum);
    }

    /**
     * Whether data that contains its own checksum field verifies: the folded sum of all of it,
     * checksum included, is 0xFFFF.
     */
    public static boolean verifies(long sum) {
        return fold(sum) == 0xFFFF;
    }
}
