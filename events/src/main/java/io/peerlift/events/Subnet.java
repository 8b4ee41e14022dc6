package io.peerlift.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 subnet in CIDR notation ({@code 10.1.2.0/24}). The textual form is always normalised to the
 * network address, so it can serve as a Kafka key and a map key.
 */
public final class Subnet {

    private final int network;
    private final int prefixLength;

    private Subnet(int network, int prefixLength) {
        this.network = network;
        this.prefixLength = prefixLength;
    }

    /**
     * Parses {@code a.b.c.d/n}. Host bits are rejected rather than silently cleared, since
     * {@code 10.1.2.7/24} usually means a device address was given where a subnet was meant.
     */
    @JsonCreator
    public static Subnet parse(String cidr) {
        if (cidr == null) {
            throw new IllegalArgumentException("subnet is missing; expected CIDR such as 10.1.2.0/24");
        }
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("subnet '" + cidr + "' lacks a prefix length; expected CIDR such as 10.1.2.0/24");
        }
        int address = parseIpv4(cidr.substring(0, slash), cidr);
        String prefixText = cidr.substring(slash + 1);
        if (prefixText.isEmpty() || prefixText.length() > 2 || !prefixText.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("subnet '" + cidr + "' has an invalid prefix length '" + prefixText + "'");
        }
        int prefix = Integer.parseInt(prefixText);
        if (prefix > 32) {
            throw new IllegalArgumentException("subnet '" + cidr + "' has prefix length " + prefix + "; at most 32");
        }
        if ((address & ~mask(prefix)) != 0) {
            throw new IllegalArgumentException("subnet '" + cidr + "' has host bits set; did you mean "
                    + new Subnet(address & mask(prefix), prefix) + "?");
        }
        return new Subnet(address, prefix);
    }

    /** The subnet of the given prefix length that contains {@code address}. */
    public static Subnet containing(String address, int prefixLength) {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is outside 0..32");
        }
        int ip = parseIpv4(address, address);
        return new Subnet(ip & mask(prefixLength), prefixLength);
    }

    public boolean contains(String address) {
        return (parseIpv4(address, address) & mask(prefixLength)) == network;
    }

    public boolean contains(InetAddress address) {
        return address instanceof Inet4Address && contains(address.getHostAddress());
    }

    public String networkAddress() {
        return format(network);
    }

    public String broadcastAddress() {
        return format(network | ~mask(prefixLength));
    }

    public int prefixLength() {
        return prefixLength;
    }

    /** The n-th address of the subnet (1 is the first host); throws when n leaves the subnet. */
    public String host(int n) {
        long size = 1L << (32 - prefixLength);
        if (n < 0 || n >= size) {
            throw new IllegalArgumentException("host " + n + " is outside " + this);
        }
        return format(network + n);
    }

    public InetAddress broadcastInetAddress() {
        try {
            return InetAddress.getByName(broadcastAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int mask(int prefix) {
        return prefix == 0 ? 0 : -1 << (32 - prefix);
    }

    private static int parseIpv4(String text, String context) {
        String[] octets = text.split("\\.", -1);
        if (octets.length != 4) {
            throw new IllegalArgumentException("'" + context + "' is not an IPv4 address/subnet: expected four dot-separated octets");
        }
        int value = 0;
        for (String octet : octets) {
            if (octet.isEmpty() || octet.length() > 3 || !octet.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("'" + context + "' has an invalid octet '" + octet + "'");
            }
            int n = Integer.parseInt(octet);
            if (n > 255) {
                throw new IllegalArgumentException("'" + context + "' has octet " + n + " above 255");
            }
            value = (value << 8) | n;
        }
        return value;
    }

    private static String format(int ip) {
        return ((ip >>> 24) & 0xff) + "." + ((ip >>> 16) & 0xff) + "." + ((ip >>> 8) & 0xff) + "." + (ip & 0xff);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Subnet other && other.network == network && other.prefixLength == prefixLength;
    }

    @Override
    public int hashCode() {
        return 31 * network + prefixLength;
    }

    @JsonValue
    @Override
    public String toString() {
        return format(network) + "/" + prefixLength;
    }
}
