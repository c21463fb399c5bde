# Mostly VXLAN: the inner frames re-enter the stack through the vxlan0 GRO cell.
description = mostly VXLAN-encapsulated UDP, some Geneve, plain IPv4 and IPv6 UDP
frames  = 4096
flows   = 64
payload = 64-512
seed    = 1

mix.vxlan  = 60
mix.geneve = 5
mix.udp4   = 30
mix.udp6   = 5
