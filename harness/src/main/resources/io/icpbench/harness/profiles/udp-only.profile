# Only IPv4 UDP to the application sockets on eth0: every site sees its dominant target.
description = IPv4 UDP to the application sockets only
frames  = 4096
flows   = 64
payload = 64
seed    = 1

mix.udp4 = 1
