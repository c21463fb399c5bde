# The default profile: mostly IPv4 UDP to a few sockets, with some IPv6, VXLAN, ICMP, TCP
# and no-port traffic, a little of everything else, and a few malformed frames.
# Copy this file, edit it, and pass its path to --profile.
description = mostly IPv4 UDP to a few sockets, some IPv6, VXLAN, ICMP, TCP and no-port traffic
frames  = 4096      # distinct frames in the replay ring
flows   = 64        # distinct sources per traffic class
payload = 64-256    # UDP payload bytes (one size or MIN-MAX)
seed    = 1

mix.udp4          = 62
mix.udp4-bond     = 4
mix.udp4-macvlan  = 2
mix.udp4-veth     = 2
mix.udp4-rpc      = 2
mix.udp6          = 8
mix.vxlan         = 6
mix.icmp          = 3
mix.tcp           = 3
mix.noport        = 3
mix.forward       = 1
mix.arp           = 1
mix.gre           = 1
mix.malformed     = 2
