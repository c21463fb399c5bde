package io.icpbench.stack.udp;

import io.icpbench.stack.SkBuff;
import io.icpbench.stack.ops.DataReady;
import io.icpbench.stack.ops.EncapRcv;
import io.icpbench.stack.ops.RecvMsg;
import io.icpbench.stack.ops.UdpTunnelGro;
import io.netty.buffer.ByteBuf;

/**
 * A UDP (or UDP-Lite) socket: its binding, its ops (call sites 5, 10, 11, 12) and a bounded receive
 * queue.
 *
 * <p>The queue holds where each datagram's payload lies in its frame (the frame is never written, so
 * the reference stays valid) and the sender, in parallel primitive arrays; nothing is allocated per
 * datagram. Overflow is the caller's {@code UdpRcvbufErrors}.
 */
public final class UdpSock {
    public final String name;
    /** 4 or 6. */
    public final int family;
    public final boolean lite;
    public final UdpMib mib;
    /** Bound local address (IPv4), 0 for any. */
    public final int localAddr;
    /** Bound local IPv6 address halves, both 0 for any. */
    public final long localAddrHi, localAddrLo;
    public final int localPort;
    /** Connected peer (IPv4 address and port), port 0 if not connected. */
    public final int remoteAddr;
    public final int remotePort;

    /** {@code sk->sk_data_ready} (call site 11). */
    public DataReady dataReady;
    /** {@code sk->sk_prot->recvmsg} (call site 12). */
    public RecvMsg prot;
    /** {@code udp_sk(sk)->encap_rcv} (call site 10), null for plain sockets. */
    public EncapRcv encapRcv;
    /** {@code udp_sk(sk)->gro_receive} (call site 5), null for plain sockets. */
    public UdpTunnelGro groReceive;
    /** Datagrams the application reads per drain (a slow reader lets the queue overflow). */
    public int readBudget = Integer.MAX_VALUE;
    /** Whether a reader is waiting for data (set when it found the queue empty). */
    public boolean waiting;
    /** Datagrams handed to this socket's data_ready callback, and other per-socket facts. */
    public long dataReadyCalls;
    public long verdictPass, verdictDrop;
    public int lastXid;
    /** Where socket callbacks store their handler work. */
    public long workSink;

    private final ByteBuf[] qBuf;
    private final int[] qOff;
    private final int[] qLen;
    private final int[] qSaddr;
    private final long[] qSaddrHi;
    private final long[] qSaddrLo;
    private final int[] qSport;
    private int qHead;
    private int qCount;

    private UdpSock(Builder b) {
        this.name = b.name;
        this.family = b.family;
        this.lite = b.lite;
        this.mib = b.lite ? UdpMib.UDPLITE : b.family == 6 ? UdpMib.UDP6 : UdpMib.UDP;
        this.localAddr = b.localAddr;
        this.localAddrHi = b.localAddrHi;
        this.localAddrLo = b.localAddrLo;
        this.localPort = b.localPort;
        this.remoteAddr = b.remoteAddr;
        this.remotePort = b.remotePort;
        this.qBuf = new ByteBuf[b.rcvbuf];
        this.qOff = new int[b.rcvbuf];
        this.qLen = new int[b.rcvbuf];
        this.qSaddr = new int[b.rcvbuf];
        this.qSaddrHi = new long[b.rcvbuf];
        this.qSaddrLo = new long[b.rcvbuf];
        this.qSport = new int[b.rcvbuf];
    }

    public static Builder builder(String name, int family, int port) {
        return new Builder(name, family, port);
    }

    /** Queues the datagram whose UDP header is at {@code skb.transport}; false if the queue is full. */
    public boolean enqueue(SkBuff skb) {
        int cap = qBuf.length;
        if (qCount == cap) {
            return false;
        }
        int i = qHead + qCount;
        if (i >= cap) {
            i -= cap;
        }
        qBuf[i] = skb.buf;
        qOff[i] = skb.transport + 8;
        qLen[i] = skb.end - skb.transport - 8;
        qSaddr[i] = skb.saddr;
        qSaddrHi[i] = skb.saddrHi;
        qSaddrLo[i] = skb.saddrLo;
        qSport[i] = skb.sport;
        qCount++;
        return true;
    }

    /** Datagrams waiting. */
    public int queued() {
        return qCount;
    }

    public int capacity() {
        return qBuf.length;
    }

    /** Payload offset of the datagram at the head of the queue (the caller checked {@link #queued()}). */
    public int headOffset() {
        return qOff[qHead];
    }

    public int headLength() {
        return qLen[qHead];
    }

    public ByteBuf headBuf() {
        return qBuf[qHead];
    }

    /** Copies the head datagram into {@code msg} and removes it from the queue; returns its length or -1. */
    public int dequeueInto(RecvBuffer msg, boolean v6) {
        if (qCount == 0) {
            return -1;
        }
        int i = qHead;
        int len = qLen[i];
        qBuf[i].getBytes(qOff[i], msg.data, 0, len);
        msg.length = len;
        msg.family = v6 ? 6 : 4;
        if (v6) {
            msg.srcAddrHi = qSaddrHi[i];
            msg.srcAddrLo = qSaddrLo[i];
        } else {
            msg.srcAddr = qSaddr[i];
        }
        msg.srcPort = qSport[i];
        msg.datagrams++;
        msg.bytes += len;
        qBuf[i] = null;
        qHead = i + 1 == qBuf.length ? 0 : i + 1;
        qCount--;
        return len;
    }

    @Override
    public String toString() {
        return name;
    }

    /** Socket options, set before the socket is bound. */
    public static final class Builder {
        private final String name;
        private final int family;
        private final int localPort;
        private boolean lite;
        private int localAddr;
        private long localAddrHi, localAddrLo;
        private int remoteAddr, remotePort;
        private int rcvbuf = 256;

        private Builder(String name, int family, int port) {
            if (family != 4 && family != 6) {
                throw new IllegalArgumentException("family=" + family + ", expected 4 or 6");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port=" + port + ", expected 1..65535");
            }
            this.name = name;
            this.family = family;
            this.localPort = port;
        }

        public Builder lite() {
            this.lite = true;
            return this;
        }

        public Builder bind4(int addr) {
            this.localAddr = addr;
            return this;
        }

        public Builder bind6(long hi, long lo) {
            this.localAddrHi = hi;
            this.localAddrLo = lo;
            return this;
        }

        /** connect(): the socket takes only datagrams from this IPv4 peer. */
        public Builder connect4(int addr, int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("peer port=" + port + ", expected 1..65535");
            }
            this.remoteAddr = addr;
            this.remotePort = port;
            return this;
        }

        /** Receive queue capacity in datagrams, 1..65536 (SO_RCVBUF in datagrams). */
        public Builder rcvbuf(int datagrams) {
            if (datagrams < 1 || datagrams > 65536) {
                throw new IllegalArgumentException("rcvbuf=" + datagrams + " datagrams, expected 1..65536");
            }
            this.rcvbuf = datagrams;
            return this;
        }

        public UdpSock build() {
            return new UdpSock(this);
        }
    }
}
