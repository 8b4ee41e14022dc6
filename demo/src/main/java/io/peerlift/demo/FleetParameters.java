package io.peerlift.demo;

/** The shape of the simulated fleet and its links, as given on the command line. */
public record FleetParameters(int subnets, int devicesPerSubnet, int initialPeersPerSubnet, int subnetsWithoutPeers,
                              int ineligiblePerSubnet, int packageMib, int uploadRateMib, int installSeconds) {

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
        require(installSeconds >= 0, "--install-seconds must not be negative");
    }

    public int totalDevices() {
        return subnets * devicesPerSubnet;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
