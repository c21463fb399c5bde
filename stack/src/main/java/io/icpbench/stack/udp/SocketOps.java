package io.icpbench.stack.udp;

import io.icpbench.stack.Counter;
import io.icpbench.stack.NetStack;
import io.icpbench.stack.ops.DataReady;
import io.icpbench.stack.ops.RecvMsg;

/** The targets of call sites 11 ({@code sk_data_ready}) and 12 ({@code recvmsg}). */
public final class SocketOps {
    private SocketOps() {
    }

    /** udp_recvmsg (through inet_recvmsg): copies one datagram to the application, counts InDatagrams. */
    public static final class UdpRecvmsg implements RecvMsg {
        private final NetStack stack;

        public UdpRecvmsg(NetStack stack) {
            this.stack = stack;
        }

        @Override
        public int recvmsg(UdpSock sk, RecvBuffer msg) {
            sk.workSink = stack.work.apply(sk.workSink);
            int len = sk.dequeueInto(msg, false);
            if (len >= 0) {
                stack.counters.inc(sk.mib.inDatagrams);
            }
            return len;
        }
    }

    /** udpv6_recvmsg (through inet6_recvmsg). */
    public static final class Udpv6Recvmsg implements RecvMsg {
        private final NetStack stack;

        public Udpv6Recvmsg(NetStack stack) {
            this.stack = stack;
        }

        @Override
        public int recvmsg(UdpSock sk, RecvBuffer msg) {
            sk.workSink = stack.work.apply(sk.workSink);
            int len = sk.dequeueInto(msg, true);
            if (len >= 0) {
                stack.counters.inc(sk.mib.inDatagrams);
            }
            return len;
        }
    }

    /** sock_def_readable: wakes a reader waiting on the socket. */
    public static final class SockDefReadable implements DataReady {
        private final NetStack stack;

        public SockDefReadable(NetStack stack) {
            this.stack = stack;
        }

        @Override
        public void dataReady(UdpSock sk) {
            sk.workSink = stack.work.apply(sk.workSink);
            sk.dataReadyCalls++;
            if (sk.waiting) {
                sk.waiting = false;
                stack.counters.inc(Counter.SK_WAKEUPS);
            }
        }
    }

    /**
     * sk_psock_verdict_data_ready: a sockmap verdict program looks at the new datagram (here: a
     * parity check of its first payload byte) before the reader is woken.
     */
    public static final class PsockVerdict implements DataReady {
        private final NetStack stack;

        public PsockVerdict(NetStack stack) {
            this.stack = stack;
        }

        @Override
        public void dataReady(UdpSock sk) {
            sk.workSink = stack.work.apply(sk.workSink);
            sk.dataReadyCalls++;
            int i = sk.queued() - 1;
            if (i >= 0 && sk.headLength() > 0 && (sk.headBuf().getByte(sk.headOffset()) & 1) == 0) {
                sk.verdictPass++;
            } else {
                sk.verdictDrop++;
            }
            if (sk.waiting) {
                sk.waiting = false;
                stack.counters.inc(Counter.SK_WAKEUPS);
            }
        }
    }

    /** xs_data_ready (sunrpc): peeks at the RPC transaction id of the queued datagram. */
    public static final class SunrpcDataReady implements DataReady {
        private final NetStack stack;

        public SunrpcDataReady(NetStack stack) {
            this.stack = stack;
        }

        @Override
        public void dataReady(UdpSock sk) {
            sk.workSink = stack.work.apply(sk.workSink);
            sk.dataReadyCalls++;
            if (sk.queued() > 0 && sk.headLength() >= 4) {
                sk.lastXid = sk.headBuf().getInt(sk.headOffset());
            }
            if (sk.waiting) {
                sk.waiting = false;
                stack.counters.inc(Counter.SK_WAKEUPS);
            }
        }
    }
}
