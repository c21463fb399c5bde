package io.icpbench.stack.ops;

import io.icpbench.dispatch.OpsStruct;

import io.icpbench.stack.udp.UdpSock;

/** {@code sk->sk_data_ready}: sock_def_readable, the psock verdict, or sunrpc's. Call site 11. */
@OpsStruct
public interface DataReady {
    /** Told that a datagram was queued on {@code sk}. */
    void dataReady(UdpSock sk);
}
