package io.peerlift.device.service;

import io.peerlift.events.Subnet;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalAddressesTest {

    @Test
    void anAgentWithoutBindAddressUsesTheHostsAddressInItsSubnet() {
        assertThat(LocalAddresses.in(Subnet.parse("127.0.0.0/8"))).startsWith("127.");
    }

    @Test
    void aSubnetTheHostIsNotInIsReportedWithTheKeysToFix() {
        assertThatThrownBy(() -> LocalAddresses.in(Subnet.parse("0.0.0.0/32")))
                .hasMessageContaining("no IPv4 address in 0.0.0.0/32")
                .hasMessageContaining("peerlift.device.bind-address");
    }
}
