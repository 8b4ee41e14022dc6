package io.peerlift.profile;

import io.peerlift.localstack.LocalStackTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.peerlift.events.SettingKeys.DISCOVERY_ENABLED;
import static io.peerlift.events.SettingKeys.DISCOVERY_PORT;
import static io.peerlift.events.SettingKeys.PEER_SERVER_LIMIT;
import static io.peerlift.events.SettingKeys.PEER_SERVER_PORT;
import static org.hamcrest.Matchers.aMapWithSize;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/**
 * The UMS precedence, one rule per test, on an OS 12 device in folder {@code inner} below folder {@code outer}:
 * priority beats everything; then a direct assignment beats a folder one; then the closest folder wins; on a
 * tie the newer profile wins. Each test creates the profile the rule should pick first, so "newer" never
 * explains the result by accident.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "profile"))
class PrecedenceTest {

    private Fleet fleet;
    private String device;
    private long outer;
    private long inner;

    @BeforeEach
    void deviceInNestedFolder() {
        fleet = new Fleet();
        device = fleet.join("d01", 2, "12.7.4");
        outer = Api.createFolder("outer " + fleet.id("f"), null);
        inner = Api.createFolder("inner", outer);
        Api.moveDevices(inner, device);
    }

    @Test
    void closestFolderBeatsAFartherOneEvenIfNewer() {
        long closest = os12Profile("closest", false, 30001);
        Api.assignToFolder(closest, inner);
        Api.assignToFolder(os12Profile("farther", false, 30002), outer);

        expectDiscoveryPortFrom(closest, 30001);
    }

    @Test
    void directAssignmentBeatsTheClosestFolderEvenIfNewer() {
        long direct = os12Profile("direct", false, 30003);
        Api.assignToDevice(direct, device);
        Api.assignToFolder(os12Profile("folder", false, 30004), inner);

        expectDiscoveryPortFrom(direct, 30003);
    }

    @Test
    void priorityProfileOnAFarFolderBeatsADirectAssignment() {
        long priority = os12Profile("priority", true, 30005);
        Api.assignToFolder(priority, outer);
        Api.assignToDevice(os12Profile("direct", false, 30006), device);

        expectDiscoveryPortFrom(priority, 30005);
    }

    @Test
    void onATieTheNewerProfileWins() {
        Api.assignToFolder(os12Profile("older", false, 30007), inner);
        long newer = os12Profile("newer", false, 30008);
        Api.assignToFolder(newer, inner);

        expectDiscoveryPortFrom(newer, 30008);
    }

    @Test
    void eachKeyComesFromTheBestProfileThatSetsItAndTheRestKeepTheirDefaults() {
        long ports = Api.createProfile(fleet.id("ports"), "OS12", "12.7.4", false,
                Map.of(DISCOVERY_PORT, 30009, PEER_SERVER_PORT, 30010));
        Api.assignToFolder(ports, outer);
        long discovery = Api.createProfile(fleet.id("discovery"), "OS12", "12.7.4", false,
                Map.of(DISCOVERY_ENABLED, true));
        Api.assignToDevice(discovery, device);

        Api.effectiveConfig(device)
                .body("settings.'" + DISCOVERY_PORT + "'", equalTo(30009))
                .body("sources.'" + DISCOVERY_PORT + "'.profileId", equalTo((int) ports))
                .body("settings.'" + DISCOVERY_ENABLED + "'", equalTo(true))
                .body("sources.'" + DISCOVERY_ENABLED + "'.profileId", equalTo((int) discovery))
                .body("settings.'" + PEER_SERVER_LIMIT + "'", equalTo(1))
                .body("sources.'" + PEER_SERVER_LIMIT + "'", nullValue())
                .body("sources", aMapWithSize(3));
    }

    @Test
    void aProfileOfTheOtherFamilyDoesNotApplyEvenAsPriority() {
        long os12 = os12Profile("os12", false, 30011);
        Api.assignToFolder(os12, outer);
        Api.assignToDevice(Api.createProfile(fleet.id("os11"), "OS11", "11.11.150", true,
                Map.of(DISCOVERY_PORT, 30012)), device);

        expectDiscoveryPortFrom(os12, 30011);
    }

    private long os12Profile(String name, boolean priority, int discoveryPort) {
        return Api.createProfile(fleet.id(name), "OS12", "12.7.4", priority, Map.of(DISCOVERY_PORT, discoveryPort));
    }

    private void expectDiscoveryPortFrom(long profileId, int port) {
        Api.effectiveConfig(device)
                .body("settings.'" + DISCOVERY_PORT + "'", equalTo(port))
                .body("sources.'" + DISCOVERY_PORT + "'.profileId", equalTo((int) profileId));
    }
}
