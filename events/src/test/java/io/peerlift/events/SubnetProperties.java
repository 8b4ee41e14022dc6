package io.peerlift.events;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SubnetProperties {

    private static String ip(long value) {
        return ((value >>> 24) & 0xff) + "." + ((value >>> 16) & 0xff) + "." + ((value >>> 8) & 0xff) + "." + (value & 0xff);
    }

    @Property
    void theContainingSubnetContainsTheAddressAndRoundTrips(@ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int high,
                                                           @ForAll boolean topBit,
                                                           @ForAll @IntRange(min = 0, max = 32) int prefix) {
        String address = ip((topBit ? 0x80000000L : 0) | high);
        Subnet subnet = Subnet.containing(address, prefix);

        assertThat(subnet.contains(address)).isTrue();
        assertThat(Subnet.parse(subnet.toString())).isEqualTo(subnet);
        assertThat(subnet.contains(subnet.networkAddress())).isTrue();
        assertThat(subnet.contains(subnet.broadcastAddress())).isTrue();
    }

    @Property
    void anAddressJustPastTheBroadcastIsOutside(@ForAll @IntRange(min = 0, max = 0x7effffff) int base,
                                                @ForAll @IntRange(min = 1, max = 32) int prefix) {
        Subnet subnet = Subnet.containing(ip(base), prefix);
        long next = (Long.parseLong(subnet.broadcastAddress().replace(".", "x").split("x")[0]) << 24)
                | (Long.parseLong(subnet.broadcastAddress().split("\\.")[1]) << 16)
                | (Long.parseLong(subnet.broadcastAddress().split("\\.")[2]) << 8)
                | Long.parseLong(subnet.broadcastAddress().split("\\.")[3]);

        assertThat(subnet.contains(ip(next + 1))).isFalse();
    }

    @Property
    void hostBitsAreRejectedWithASuggestion(@ForAll @IntRange(min = 1, max = 254) int host) {
        assertThatThrownBy(() -> Subnet.parse("10.1.2." + host + "/24"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("did you mean 10.1.2.0/24");
    }

    @Example
    void knownSubnets() {
        Subnet subnet = Subnet.parse("10.1.2.0/24");
        assertThat(subnet.broadcastAddress()).isEqualTo("10.1.2.255");
        assertThat(subnet.contains("10.1.2.77")).isTrue();
        assertThat(subnet.contains("10.1.3.1")).isFalse();
        assertThat(subnet.host(5)).isEqualTo("10.1.2.5");
        assertThat(Subnet.parse("127.0.0.0/8").broadcastAddress()).isEqualTo("127.255.255.255");
        assertThat(Subnet.parse("0.0.0.0/0").contains("203.0.113.9")).isTrue();
    }

    @Example
    void malformedInputIsRejectedClearly() {
        assertThatThrownBy(() -> Subnet.parse("10.1.2.0")).hasMessageContaining("lacks a prefix length");
        assertThatThrownBy(() -> Subnet.parse("10.1.2.0/33")).hasMessageContaining("at most 32");
        assertThatThrownBy(() -> Subnet.parse("10.1.256.0/24")).hasMessageContaining("above 255");
        assertThatThrownBy(() -> Subnet.parse("10.1.2/24")).hasMessageContaining("four dot-separated octets");
    }
}
