package io.peerlift.device.service;

import io.peerlift.events.Subnet;

import java.net.Inet4Address;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.List;

/** Finds this host's own IPv4 address in a subnet, for an agent whose bind address is not configured. */
final class LocalAddresses {

    private LocalAddresses() {
    }

    static String in(Subnet subnet) {
        List<String> found;
        try {
            found = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                    .flatMap(NetworkInterface::inetAddresses)
                    .filter(Inet4Address.class::isInstance)
                    .filter(subnet::contains)
                    .map(address -> address.getHostAddress())
                    .toList();
        } catch (SocketException e) {
            throw new IllegalStateException("cannot list the network interfaces: " + e.getMessage(), e);
        }
        if (found.isEmpty()) {
            throw new IllegalStateException("this host has no IPv4 address in " + subnet
                    + "; set peerlift.device.bind-address or correct peerlift.device.subnet");
        }
        return found.get(0);
    }
}
