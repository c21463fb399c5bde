# Traffic whose mix changes half-way: plain IPv4 UDP first, then IPv6 UDP.
# C2 compiles the receive path on phase 1's type profile (the warmup replays phase 1, as a server
# warms up on its morning traffic) and keeps it; a learned site relearns at the shift.
# The dominant target changes at four call sites:
#   pt_prev->func                  IpRcv          -> Ipv6Rcv
#   ptype->callbacks.gro_receive   InetGro        -> Ipv6Gro
#   dst->input                     IpLocalDeliver -> Ip6Input
#   sk->sk_prot->recvmsg           UdpRecvmsg     -> Udpv6Recvmsg
# (ipprot->handler stays UdpRcv: one class for IPv4 and IPv6.) Each phase keeps a little of the
# other family and a few ARP and forwarded packets, so every site sees more than one target and
# C2's profile in phase 1 is not monomorphic: a frozen profile then leaves phase 2's dominant
# target on the virtual call instead of trapping and recompiling.
description = IPv4 UDP for the first half of the measurement, IPv6 UDP for the second (phases)
frames  = 4096      # distinct frames in each phase's replay ring
flows   = 64        # distinct sources per traffic class
payload = 64-256    # UDP payload bytes (one size or MIN-MAX)
seed    = 1

mix.arp = 4         # every phase starts from these lines; a phase's own lines change them

[phase ipv4]
length = 50%        # of the measured iterations (icpbench stack: of the measured packets)
mix.udp4    = 90
mix.forward = 3
mix.icmp    = 1
mix.udp6    = 2

[phase ipv6]
length = 50%
mix.udp6     = 90
mix.forward6 = 3
mix.icmp6    = 1
mix.udp4     = 2
