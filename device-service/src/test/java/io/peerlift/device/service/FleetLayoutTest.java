package io.peerlift.device.service;

import io.peerlift.device.config.FleetConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class FleetLayoutTest {

    private static FleetConfig fleet(int subnets, int devices, int peers, int withoutPeers, int ineligible) {
        return new FleetConfig() {
            public int subnets() {
                return subnets;
            }

            public int devicesPerSubnet() {
                return devices;
            }

            public int initialPeersPerSubnet() {
                return peers;
            }

            public int subnetsWithoutPeers() {
                return withoutPeers;
            }

            public int ineligiblePerSubnet() {
                return ineligible;
            }

            public String os11Version() {
                return "11.11.150";
            }

            public String ineligibleOsVersion() {
                return "11.10.250";
            }

            public SeedPackage seedPackage() {
                return new SeedPackage() {
                    public Optional<Path> file() {
                        return Optional.empty();
                    }

                    public Optional<Path> signatureFile() {
                        return Optional.empty();
                    }

                    public String app() {
                        return "base-system";
                    }

                    public String version() {
                        return "12.7.4";
                    }
                };
            }
        };
    }

    @Test
    void peersComeFirstIneligibleLastAndTheLastSubnetsHaveNoPeer() {
        List<FleetLayout.Member> plan = FleetLayout.plan(fleet(2, 4, 1, 1, 1));
        assertThat(plan).extracting(FleetLayout.Member::id, FleetLayout.Member::ip, FleetLayout.Member::osVersion,
                        FleetLayout.Member::initialPeer)
                .containsExactly(
                        tuple("s1-d01", "127.10.1.2", "12.7.4", true),
                        tuple("s1-d02", "127.10.1.3", "11.11.150", false),
                        tuple("s1-d03", "127.10.1.4", "11.11.150", false),
                        tuple("s1-d04", "127.10.1.5", "11.10.250", false),
                        tuple("s2-d01", "127.10.2.2", "11.11.150", false),
                        tuple("s2-d02", "127.10.2.3", "11.11.150", false),
                        tuple("s2-d03", "127.10.2.4", "11.11.150", false),
                        tuple("s2-d04", "127.10.2.5", "11.10.250", false));
        assertThat(plan.get(4).subnet()).hasToString("127.10.2.0/24");
    }

    @Test
    void impossibleFleetsAreRefusedNamingTheKeys() {
        assertThatThrownBy(() -> FleetLayout.plan(fleet(1, 3, 2, 0, 2)))
                .hasMessageContaining("initial-peers-per-subnet (2) plus ineligible-per-subnet (2)");
        assertThatThrownBy(() -> FleetLayout.plan(fleet(1, 254, 1, 0, 0)))
                .hasMessageContaining("peerlift.fleet.devices-per-subnet must be 1..253");
        assertThatThrownBy(() -> FleetLayout.plan(fleet(2, 3, 1, 3, 0)))
                .hasMessageContaining("subnets-without-peers");
    }
}
