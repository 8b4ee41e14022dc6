package io.peerlift.device.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code peerlift.fleet.*}: the simulated fleet. Subnet s (1-based) is 127.10.s.0/24 and device n binds
 * 127.10.s.(n+1), id {@code s<s>-d<nn>}. In each subnet the first devices are the initial OS 12 peers (none in the
 * last {@link #subnetsWithoutPeers()} subnets), the last {@link #ineligiblePerSubnet()} run an OS 11 too old to
 * take part, the rest run {@link #os11Version()}.
 */
@ConfigMapping(prefix = "peerlift.fleet")
public interface FleetConfig {

    @WithDefault("1")
    int subnets();

    /** Every device of a subnet, peers and ineligible ones included. */
    @WithDefault("10")
    int devicesPerSubnet();

    @WithDefault("1")
    int initialPeersPerSubnet();

    /** The last J subnets get no initial peer. */
    @WithDefault("0")
    int subnetsWithoutPeers();

    @WithDefault("0")
    int ineligiblePerSubnet();

    @WithDefault("11.11.150")
    String os11Version();

    /** The OS of the ineligible devices: below 11.11.150. */
    @WithDefault("11.10.250")
    String ineligibleOsVersion();

    SeedPackage seedPackage();

    /** The package the initial peers hold: the same bytes the repository serves, so manifest hashes match. */
    interface SeedPackage {
        Optional<Path> file();

        /**
         * The package's release signature, as the repository serves it ({@code /api/apps/{app}/{version}/signature},
         * JSON). Required with {@link #file}: an initial peer, like every device, holds and serves only a release
         * that {@code peerlift.device.trusted-release-keys} vouch for, so the fleet refuses to start on a package
         * they did not sign.
         */
        Optional<Path> signatureFile();

        @WithDefault("base-system")
        String app();

        /** Also the initial peers' OS version. */
        @WithDefault("12.7.4")
        String version();
    }
}
