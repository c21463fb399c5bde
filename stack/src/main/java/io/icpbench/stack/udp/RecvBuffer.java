package io.icpbench.stack.udp;

/** The application's receive buffer and {@code msghdr}: reused for every recvmsg call. */
public final class RecvBuffer {
    public final byte[] data = new byte[65536];
    public int length;
    public int family;
    public int srcAddr;
    public long srcAddrHi, srcAddrLo;
    public int srcPort;
    /** Datagrams read through this buffer. */
    public long datagrams;
    /** Payload bytes read through this buffer. */
    public long bytes;
}
