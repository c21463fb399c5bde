package io.icpbench.stack.ops;

import io.icpbench.dispatch.OpsStruct;

import io.icpbench.stack.udp.RecvBuffer;
import io.icpbench.stack.udp.UdpSock;

/** {@code sk->sk_prot->recvmsg}: udp_recvmsg, udpv6_recvmsg (reached through inet_recvmsg). Call site 12. */
@OpsStruct
public interface RecvMsg {
    /** Dequeues one datagram into {@code msg}; returns its length, or -1 if the queue is empty. */
    int recvmsg(UdpSock sk, RecvBuffer msg);
}
