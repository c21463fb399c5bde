package io.icpbench.stack.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class HostSpecTest {
    static final String GOOD = """
            # a host
            mac        02:5a:00:00:00:02
            ipv4       10.10.0.2
            ipv6       fd10::2          # trailing comments are fine
            ipv6-group ff02::fb
            ipv4-group 224.0.0.251
            udp4       5201
            udp6       53
            vlan       100
            vxlan      4789 vni 42 mac 02:5a:00:00:00:42
            geneve     6081 vni 7 mac 02:5a:00:00:00:07
            netfilter  none
            vxlan      4789 vni 43 mac 02:5a:00:00:00:43 ipv6
            partial-checksums yes
            """;

    @Test
    void readsEveryKindOfFactAndWritesItBack() {
        HostSpec h = HostSpec.parse("host.txt", GOOD);
        assertThat(h.mac()).isEqualTo(0x02_5a_00_00_00_02L);
        assertThat(h.ipv4()).containsExactly(0x0A0A0002);
        assertThat(h.ipv6()).containsExactly(HostSpec.Ip6.parse("fd10::2"));
        assertThat(h.udp4()).containsExactly(5201);
        assertThat(h.udp6()).containsExactly(53);
        assertThat(h.vlans()).containsExactly(100);
        assertThat(h.tunnels()).containsExactly(new HostSpec.Tunnel("vxlan", 4789, 42, 0x02_5a_00_00_00_42L, false),
                new HostSpec.Tunnel("geneve", 6081, 7, 0x02_5a_00_00_00_07L, false),
                new HostSpec.Tunnel("vxlan", 4789, 43, 0x02_5a_00_00_00_43L, true));
        assertThat(h.conntrack()).isFalse();
        assertThat(h.partialChecksums()).isTrue();
        assertThat(HostSpec.parse("again", h.format(List.of("header")))).isEqualTo(h);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ipv4 10.0.0.1|1|no 'mac' line",
        "mac 02:00:00:00:00:01\\nmac 02:00:00:00:00:02|2|a second 'mac'",
        "mac 01:00:00:00:00:01|1|not a unicast MAC",
        "mac 02:00:00:00:00:01\\nipv4 10.0.0.300|2|expected 0..255",
        "mac 02:00:00:00:00:01\\nipv4 224.0.0.5|2|ipv4-group",
        "mac 02:00:00:00:00:01\\nipv6 ff02::1|2|ipv6-group",
        "mac 02:00:00:00:00:01\\nudp4 70000|2|expected 1..65535",
        "mac 02:00:00:00:00:01\\nudp4 53\\nudp4 53|3|listed twice",
        "mac 02:00:00:00:00:01\\nvlan 4095|2|expected 1..4094",
        "mac 02:00:00:00:00:01\\nudp4 4789\\nvxlan 4789 vni 1 mac 02:00:00:00:00:09|3|also listed as udp4",
        "mac 02:00:00:00:00:01\\nvxlan 4789 vni 1 mac 02:00:00:00:00:09\\ngeneve 4789 vni 2 mac 02:00:00:00:00:0a|3|both a vxlan and a geneve port",
        "mac 02:00:00:00:00:01\\nvxlan 4789 vni 1 mac 02:00:00:00:00:09\\nvxlan 4789 vni 1 mac 02:00:00:00:00:0a|3|listed twice",
        "mac 02:00:00:00:00:01\\nvxlan 4789 42|2|expected 'vxlan PORT vni VNI mac MAC [ipv6]'",
        "mac 02:00:00:00:00:01\\nudp6 4789\\nvxlan 4789 vni 1 mac 02:00:00:00:00:09 ipv6|3|also listed as udp6",
        "mac 02:00:00:00:00:01\\npartial-checksums maybe|2|expected yes or no",
        "udp4 53\\nudp4 53\\nmac 02:00:00:00:00:01|2|listed twice",
        "mac 02:00:00:00:00:01\\nport 53|2|unknown keyword 'port'",
        "mac 02:00:00:00:00:01\\nnetfilter iptables|2|expected conntrack or none",
        "mac 02:00:00:00:00:01\\nudp6 fifty|2|is not a number",
    })
    void aBadOrContradictoryFileIsOneLineNamingItsLine(String text, int line, String message) {
        String t = text.replace("\\n", "\n");
        // The first case has no mac at all: the error names the last line with a fact.
        assertThatThrownBy(() -> HostSpec.parse("host.txt", t)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("host.txt:" + line + ": ").hasMessageContaining(message).hasMessageNotContaining("\n");
    }

    @ParameterizedTest
    @CsvSource({"fd10::2, fd10::2", "::1, ::1", "fe80:0:0:0:5a:ff:fe00:2, fe80::5a:ff:fe00:2", "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "ff02::1:ff00:2, ff02::1:ff00:2", "1:0:0:2:0:0:0:3, 1:0:0:2::3", "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8", "::, ::"})
    void ipv6TextIsRfc5952(String in, String out) {
        assertThat(HostSpec.Ip6.parse(in).toString()).isEqualTo(out);
    }

    @Test
    void theSolicitedNodeGroupTakesTheLow24Bits() {
        assertThat(HostSpec.Ip6.parse("fd10::abcd:1234:5678").solicitedNode()).isEqualTo(HostSpec.Ip6.parse("ff02::1:ff34:5678"));
    }
}
