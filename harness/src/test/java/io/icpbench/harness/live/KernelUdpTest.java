package io.icpbench.harness.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsing the kernel's UDP accounting, on text copied from this machine and on this machine's own files. */
class KernelUdpTest {
    static final String SNMP = """
            Ip: Forwarding DefaultTTL InReceives
            Ip: 1 64 12345
            Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors
            Udp: 5089412 12 25981 5089533 25981 0 0 0 0
            UdpLite: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors
            UdpLite: 0 0 0 0 0 0 0 0 0
            """;

    static final String UDP = """
               sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
              418: 0100007F:DE3C 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 208953 2 0000000000000000 0
              911: 0100007F:E027 00000000:0000 07 00000000:00012C00 00:00000000 00000000     0        0 214420 2 0000000000000000 10526
            """;

    @Test
    void theUdpRowsOfSnmpAreReadByName() {
        Map<String, Long> m = KernelUdp.parseSnmp(SNMP);
        assertThat(m).containsEntry("InDatagrams", 5089412L).containsEntry("RcvbufErrors", 25981L).containsEntry("NoPorts", 12L);
        assertThat(m).doesNotContainKey("Forwarding");
        assertThat(KernelUdp.delta(Map.of("RcvbufErrors", 10L), m)).containsEntry("RcvbufErrors", 25971L);
    }

    @Test
    void snmpWithoutUdpRowsOrWithMismatchedRowsIsRefused() {
        assertThatThrownBy(() -> KernelUdp.parseSnmp("Ip: a b\nIp: 1 2\n")).hasMessageContaining("no Udp rows");
        assertThatThrownBy(() -> KernelUdp.parseSnmp("Udp: A B C\nUdp: 1 2\n")).hasMessageContaining("3 names but 2 values");
    }

    @Test
    void aSocketIsFoundByInodeWithItsQueueAndDrops() {
        KernelUdp.Socket s = KernelUdp.findSocket(UDP, 214420);
        assertThat(s).isEqualTo(new KernelUdp.Socket(214420, 0xE027, 0x12C00, 10526));
        assertThat(KernelUdp.findSocket(UDP, 208953).drops()).isZero();
        assertThat(KernelUdp.findSocket(UDP, 1)).isNull();
    }

    @Test
    void backlogDropsAreTheSecondColumnSummedOverCpus() {
        String softnet = "0001a2b3 00000002 00000000 0 0 0 0 0 0 0 0 00000000 00000000\n000000ff 00000010 00000000 0 0 0 0 0 0 0 0 00000000 00000001\n";
        assertThat(KernelUdp.parseSoftnetDrops(softnet)).isEqualTo(2 + 16);
    }

    @Test
    void thisMachinesFilesParse() throws Exception {
        assertThat(KernelUdp.snmp()).containsKeys("InDatagrams", "RcvbufErrors", "InErrors");
        assertThat(KernelUdp.backlogDrops()).isNotNegative();
        try (java.nio.channels.DatagramChannel ch = java.nio.channels.DatagramChannel.open(java.net.StandardProtocolFamily.INET)) {
            ch.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
            int port = ((java.net.InetSocketAddress) ch.getLocalAddress()).getPort();
            String text = Files.readString(Path.of("/proc/net/udp"));
            String portHex = String.format("%04X", port);
            String line = text.lines().filter(l -> l.contains(":" + portHex + " ")).findFirst().orElseThrow();
            long inode = Long.parseLong(line.trim().split("\\s+")[9]);
            assertThat(KernelUdp.socket(inode).localPort()).isEqualTo(port);
        }
    }
}
