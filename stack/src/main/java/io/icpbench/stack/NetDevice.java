package io.icpbench.stack;

import io.icpbench.stack.ops.RxHandler;

/**
 * A network device ({@code struct net_device}): a name, a MAC, an optional {@code rx_handler}
 * (bridge, bond, macvlan) and, for devices with their own receive queue, a NAPI context.
 */
public final class NetDevice {
    public final String name;
    public final int ifindex;
    /** The device's MAC address in the low 48 bits. */
    public final long mac;
    /** The rx_handler registered on this device, or null (call site 2). */
    public RxHandler rxHandler;
    /** The device's NAPI context (NIC drivers, GRO cells), or null for devices fed through the backlog. */
    public Napi napi;
    /** VLAN sub-devices by VLAN id, or null if the device has none. */
    public NetDevice[] vlans;
    /** Whether this is the loopback device (127/8 sources are not martian on it). */
    public boolean loopback;
    /** Packets this device took in (rx_packets). */
    public long rxPackets;

    public NetDevice(String name, int ifindex, long mac) {
        this.name = name;
        this.ifindex = ifindex;
        this.mac = mac;
    }

    /** The VLAN device for {@code vid} on top of this one, or null. */
    public NetDevice vlan(int vid) {
        NetDevice[] v = vlans;
        return v == null || vid >= v.length ? null : v[vid];
    }

    /** Registers {@code vlanDev} as VLAN {@code vid} on this device. */
    public void addVlan(int vid, NetDevice vlanDev) {
        if (vid < 1 || vid > 4094) {
            throw new IllegalArgumentException("vid=" + vid + ", expected 1..4094");
        }
        if (vlans == null || vlans.length <= vid) {
            NetDevice[] grown = new NetDevice[vid + 1];
            if (vlans != null) {
                System.arraycopy(vlans, 0, grown, 0, vlans.length);
            }
            vlans = grown;
        }
        vlans[vid] = vlanDev;
    }

    @Override
    public String toString() {
        return name;
    }
}
