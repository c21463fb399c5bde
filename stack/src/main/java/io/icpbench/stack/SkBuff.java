package io.icpbench.stack;

import io.netty.buffer.ByteBuf;

/**
 * The packet descriptor, modeled on the kernel's {@code struct sk_buff}: offsets into a frame held
 * in a pooled direct {@link ByteBuf}, plus what the layers learned about the packet.
 *
 * <p>One descriptor per receive slot, reused for every packet that passes through that slot; never
 * allocated per packet. The stack reads the frame with absolute indexes and never writes it, so a
 * frame can be replayed again and again.
 *
 * <p>Fields are public and mutable on purpose (a flyweight, as in agrona): the layers hand the
 * descriptor down the path and each fills in what it parsed.
 */
public final class SkBuff {
    /** PACKET_HOST and friends, as in {@code <linux/if_packet.h>}. */
    public static final int PACKET_HOST = 0, PACKET_BROADCAST = 1, PACKET_MULTICAST = 2, PACKET_OTHERHOST = 3;

    /** The index of this descriptor in its pool (for messages and tests). */
    public final int slot;

    /** The frame. Read-only to the stack. */
    public ByteBuf buf;
    /** Absolute index one past the last byte of the packet (the kernel's tail). */
    public int end;
    /** Absolute index of the Ethernet header. */
    public int mac;
    /** Absolute index of the network header. */
    public int network;
    /** Absolute index of the transport header. */
    public int transport;

    /** EtherType of the network layer (after VLAN untagging), host order. */
    public int protocol;
    public int pktType;
    public boolean vlanPresent;
    public int vlanTci;
    /** The device the packet is on now (changes on VLAN, bond, macvlan, bridge, tunnel). */
    public NetDevice dev;
    /** The device the frame arrived on. */
    public NetDevice inDev;
    public int mark;
    public int hash;
    /**
     * The transport checksum needs no check (the kernel's CHECKSUM_UNNECESSARY): set for packets on
     * the loopback device, whose sender never computed a full checksum (loopback_xmit).
     */
    public boolean csumUnnecessary;
    /** How many encapsulations were removed so far. */
    public int encapDepth;
    /**
     * When the frame arrived, ns on the stack's clock (the kernel's {@code skb->tstamp}); 0 if
     * unknown. The stack's clock moves to it when a NAPI context takes the packet ({@link Napi#take}).
     */
    public long tstamp;

    /** 4 or 6 once the network layer parsed the header. */
    public int family;
    /** IPv4 protocol or the IPv6 next header of the transport. */
    public int ipProto;
    /** IPv4 addresses. */
    public int saddr, daddr;
    /** IPv6 addresses as two big-endian halves each. */
    public long saddrHi, saddrLo, daddrHi, daddrLo;
    /** IPv4 TTL or IPv6 hop limit. */
    public int ttl;
    /** Non-zero if the IP packet is a fragment (IPv4 MF or offset, or an IPv6 fragment header). */
    public int fragment;
    /** Bytes from the transport header to the end of the network packet. */
    public int l4Len;
    public int sport, dport;
    /** The route chosen for this packet (set by the routing lookup). */
    public Dst dst;
    /** Conntrack entry index, -1 if none. */
    public int ctIndex;

    /** Where handler work stores its result, so the JIT cannot drop the work. */
    public long workSink;
    /** How the packet ended; null while it is still in the stack. */
    public Outcome outcome;

    public SkBuff(int slot) {
        this.slot = slot;
    }

    /** Resets the descriptor for a new frame of {@code length} bytes at absolute index {@code offset}. */
    public SkBuff reset(ByteBuf frame, int offset, int length, NetDevice arrivedOn) {
        buf = frame;
        mac = offset;
        network = offset;
        transport = offset;
        end = offset + length;
        protocol = 0;
        pktType = PACKET_HOST;
        vlanPresent = false;
        vlanTci = 0;
        dev = arrivedOn;
        inDev = arrivedOn;
        mark = 0;
        hash = 0;
        csumUnnecessary = false;
        encapDepth = 0;
        tstamp = 0;
        family = 0;
        ipProto = 0;
        saddr = 0;
        daddr = 0;
        saddrHi = saddrLo = daddrHi = daddrLo = 0;
        ttl = 0;
        fragment = 0;
        l4Len = 0;
        sport = 0;
        dport = 0;
        dst = null;
        ctIndex = -1;
        outcome = null;
        return this;
    }

    /**
     * Makes the descriptor describe the inner frame of a decapsulated packet (at absolute index
     * {@code innerMac}, up to the current end) on device {@code tunnelDev}, keeping the encapsulation
     * depth; everything the outer headers taught is forgotten (the kernel's skb_scrub_packet).
     */
    public void reenter(int innerMac, NetDevice tunnelDev) {
        mac = innerMac;
        network = innerMac;
        transport = innerMac;
        protocol = 0;
        pktType = PACKET_HOST;
        vlanPresent = false;
        vlanTci = 0;
        dev = tunnelDev;
        mark = 0;
        csumUnnecessary = false;
        family = 0;
        ipProto = 0;
        saddr = 0;
        daddr = 0;
        saddrHi = saddrLo = daddrHi = daddrLo = 0;
        ttl = 0;
        fragment = 0;
        l4Len = 0;
        sport = 0;
        dport = 0;
        dst = null;
        ctIndex = -1;
    }

    /** Bytes from the network header to the end. */
    public int networkLength() {
        return end - network;
    }

    @Override
    public String toString() {
        return "skb[slot=" + slot + ", dev=" + (dev == null ? "-" : dev.name) + ", proto=0x"
                + Integer.toHexString(protocol) + ", len=" + (end - mac) + "]";
    }
}
