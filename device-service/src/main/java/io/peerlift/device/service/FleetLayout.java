package io.peerlift.device.service;

import io.peerlift.device.config.FleetConfig;
import io.peerlift.events.Subnet;

import java.util.ArrayList;
import java.util.List;

/** Who is who in a simulated fleet, computed from {@code peerlift.fleet.*} alone so that it is reproducible. */
public final class FleetLayout {

    /** The largest n for which 127.10.s.(n+1) is still a host address of the /24. */
    static final int MAX_DEVICES_PER_SUBNET = 253;
    static final int MAX_SUBNETS = 255;

    private FleetLayout() {
    }

    /** One planned device. */
    public record Member(String id, String ip, Subnet subnet, String osVersion, boolean initialPeer) {
    }

    public static Subnet subnet(int s) {
        return Subnet.parse("127.10." + s + ".0/24");
    }

    public static String deviceId(int s, int n) {
        return String.format("s%d-d%02d", s, n);
    }

    public static List<Member> plan(FleetConfig fleet) {
        validate(fleet);
        List<Member> members = new ArrayList<>();
        for (int s = 1; s <= fleet.subnets(); s++) {
            Subnet subnet = subnet(s);
            boolean hasPeers = s <= fleet.subnets() - fleet.subnetsWithoutPeers();
            int peers = hasPeers ? fleet.initialPeersPerSubnet() : 0;
            int firstIneligible = fleet.devicesPerSubnet() - fleet.ineligiblePerSubnet() + 1;
            for (int n = 1; n <= fleet.devicesPerSubnet(); n++) {
                boolean peer = n <= peers;
                String os = peer ? fleet.seedPackage().version()
                        : n >= firstIneligible ? fleet.ineligibleOsVersion() : fleet.os11Version();
                members.add(new Member(deviceId(s, n), subnet.host(n + 1), subnet, os, peer));
            }
        }
        return members;
    }

    private static void validate(FleetConfig fleet) {
        require(fleet.subnets() >= 1 && fleet.subnets() <= MAX_SUBNETS,
                "peerlift.fleet.subnets must be 1.." + MAX_SUBNETS + ", got " + fleet.subnets());
        require(fleet.devicesPerSubnet() >= 1 && fleet.devicesPerSubnet() <= MAX_DEVICES_PER_SUBNET,
                "peerlift.fleet.devices-per-subnet must be 1.." + MAX_DEVICES_PER_SUBNET + ", got " + fleet.devicesPerSubnet());
        require(fleet.subnetsWithoutPeers() >= 0 && fleet.subnetsWithoutPeers() <= fleet.subnets(),
                "peerlift.fleet.subnets-without-peers must be 0..subnets, got " + fleet.subnetsWithoutPeers());
        require(fleet.initialPeersPerSubnet() >= 0 && fleet.ineligiblePerSubnet() >= 0
                        && fleet.initialPeersPerSubnet() + fleet.ineligiblePerSubnet() <= fleet.devicesPerSubnet(),
                "peerlift.fleet.initial-peers-per-subnet (" + fleet.initialPeersPerSubnet()
                        + ") plus ineligible-per-subnet (" + fleet.ineligiblePerSubnet()
                        + ") must not exceed devices-per-subnet (" + fleet.devicesPerSubnet() + ")");
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
