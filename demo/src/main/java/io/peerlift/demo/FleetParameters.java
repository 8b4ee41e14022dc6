package io.peerlift.demo;

import io.peerlift.events.Distribution;

/**
 * The shape of the simulated fleet and every timing input of its devices, as given on the command line: the
 * figures of a run are only comparable with the parameters that produced them.
 *
 * @param uploadRateMib         upload rate of each device in MiB/s (one bucket shared by its connections), 0 for unlimited
 * @param limitOfConnections    {@code update.peer_server.limit_of_connections}: uploads a peer serves at once
 * @param installSeconds        how long a device installs
 * @param rebootSeconds         how long a device takes to reboot into the new OS
 * @param discoveryWindowMillis how long a discovery request collects answers
 * @param distribution          how the rollout spreads the package: whole-file doubling or piece swarming
 */
public record FleetParameters(int subnets, int devicesPerSubnet, int initialPeersPerSubnet, int subnetsWithoutPeers,
                              int ineligiblePerSubnet, int packageMib, int uploadRateMib, int limitOfConnections,
                              int installSeconds, int rebootSeconds, int discoveryWindowMillis,
                              Distribution distribution) {

    public FleetParameters {
        require(subnets >= 1 && subnets <= 200, "--subnets must be 1..200");
        require(devicesPerSubnet >= 1 && devicesPerSubnet <= 250, "--devices-per-subnet must be 1..250");
        require(initialPeersPerSubnet >= 0, "--initial-peers-per-subnet must not be negative");
        require(subnetsWithoutPeers >= 0 && subnetsWithoutPeers <= subnets, "--subnets-without-peers must be 0..--subnets");
        require(ineligiblePerSubnet >= 0, "--ineligible-per-subnet must not be negative");
        require(initialPeersPerSubnet + ineligiblePerSubnet <= devicesPerSubnet,
                "--initial-peers-per-subnet plus --ineligible-per-subnet exceed --devices-per-subnet");
        require(packageMib >= 1, "--package-mib must be at least 1");
        require(uploadRateMib >= 0, "--upload-rate-mib must not be negative (0: unlimited)");
        require(limitOfConnections >= 1, "--limit-of-connections must be at least 1");
        require(installSeconds >= 0, "--install-seconds must not be negative");
        require(rebootSeconds >= 0, "--reboot-seconds must not be negative");
        require(discoveryWindowMillis >= 1, "--discovery-window-ms must be at least 1");
    }

    /** {@code --distribution}: whole_file or swarm, in any case. */
    public static Distribution distribution(String option) {
        for (Distribution candidate : Distribution.values()) {
            if (candidate.name().equalsIgnoreCase(option.replace('-', '_'))) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("--distribution must be whole_file or swarm, not " + option);
    }

    public int totalDevices() {
        return subnets * devicesPerSubnet;
    }

    /** The fleet's OS 12 peers before the rollout: the initial peers of every subnet that has some. */
    public int initialPeers() {
        return initialPeersPerSubnet * (subnets - subnetsWithoutPeers);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
