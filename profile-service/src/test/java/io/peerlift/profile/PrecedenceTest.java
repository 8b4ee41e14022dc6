package io.peerlift.profile;

import io.peerlift.localstack.LocalStackTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.peerlift.events.SettingKeys.DISCOVERY_ENABLED;
import static io.peerlift.events.SettingKeys.DISCOVERY_PORT;
import static io.peerlift.events.SettingKeys.DOWNLOAD_SERVER_PORT;
import static io.peerlift.events.SettingKeys.PEER_SERVER_LIMIT;
import static io.peerlift.events.SettingKeys.PEER_SERVER_PORT;
import static io.peerlift.localstack.TestTokens.asAdmin;
import static org.hamcrest.Matchers.aMapWithSize;
import static org.hamcrest.Matchers.anEmptyMap;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * The UMS precedence through the API, on an OS 12 device in folder {@code inner} below folder {@code outer}:
 * priority profiles beat standard ones, the farther from the device the stronger (a direct one the weakest);
 * standard profiles the closer the stronger (a direct one the strongest); on a tie the newer profile wins; the
 * device's own configuration fills only the keys no profile sets. Each test creates the profile the rule should
 * pick first, so "newer" never explains the result by accident. {@code EffectiveConfigResolverTest} has the
 * rule alone.
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
    void aProfileOfTheOtherFamilyDoesNotApplyThroughAFolderAndCannotBeAssignedToTheDevice() {
        long os12 = os12Profile("os12", false, 30011);
        Api.assignToFolder(os12, outer);
        long os11 = Api.createProfile(fleet.id("os11"), "OS11", "11.11.150", true, Map.of(DISCOVERY_PORT, 30012));
        Api.assignToFolder(os11, inner);

        expectDiscoveryPortFrom(os12, 30011);
        Api.post("/api/profiles/" + os11 + "/assignments", Map.of("deviceId", device)).statusCode(409)
                .body("detail", equalTo("profile " + os11 + " is an OS 11 profile and device '" + device
                        + "' runs 12.7.4: a profile is assigned directly only to devices of its OS family; assign it "
                        + "to a folder to reach that family's devices below it"));
    }

    @Test
    void priorityProfilesFartherFromTheDeviceWinAndOneAssignedToTheDeviceIsTheWeakest() {
        long onOuter = os12Profile("priority outer", true, 30013);
        Api.assignToFolder(onOuter, outer);
        long onInner = os12Profile("priority inner", true, 30014);
        Api.assignToFolder(onInner, inner);
        long onDevice = os12Profile("priority device", true, 30015);
        Api.assignToDevice(onDevice, device);
        Api.assignToDevice(os12Profile("standard device", false, 30016), device);

        expectDiscoveryPortFrom(onOuter, 30013);
        asAdmin().delete("/api/profiles/{id}/assignments?folderId={folder}", onOuter, outer).then().statusCode(204);
        expectDiscoveryPortFrom(onInner, 30014);
        asAdmin().delete("/api/profiles/{id}/assignments?folderId={folder}", onInner, inner).then().statusCode(204);
        expectDiscoveryPortFrom(onDevice, 30015);
    }

    @Test
    void theDevicesOwnConfigurationFillsOnlyTheKeysNoProfileSets() {
        long folderProfile = os12Profile("folder", false, 30017);
        Api.assignToFolder(folderProfile, outer);

        putOwnSettings(Map.of(DISCOVERY_PORT, 30018, PEER_SERVER_LIMIT, 3)).statusCode(200)
                .body("osFamily", equalTo("OS12"))
                .body("settings.'" + PEER_SERVER_LIMIT + "'", equalTo(3));
        asAdmin().get("/api/devices/{id}/settings", device).then().statusCode(200)
                .body("settings.'" + DISCOVERY_PORT + "'", equalTo(30018));
        expectDiscoveryPortFrom(folderProfile, 30017);
        Api.effectiveConfig(device)
                .body("settings.'" + PEER_SERVER_LIMIT + "'", equalTo(3))
                .body("sources.'" + PEER_SERVER_LIMIT + "'.profileId", nullValue())
                .body("sources.'" + PEER_SERVER_LIMIT + "'.profileName", equalTo("device configuration"));

        putOwnSettings(Map.of(DOWNLOAD_SERVER_PORT, 22335)).statusCode(400)
                .body("errors[0]", startsWith("unknown OS 12 setting 'update.discovery.download_server_port'"));
        putOwnSettings(Map.of()).statusCode(200).body("settings", anEmptyMap());
        Api.effectiveConfig(device)
                .body("settings.'" + PEER_SERVER_LIMIT + "'", equalTo(1))
                .body("sources.'" + PEER_SERVER_LIMIT + "'", nullValue());
        asAdmin().get("/api/devices/unknown-device/settings").then().statusCode(404);
    }

    private ValidatableResponse putOwnSettings(Map<String, Object> settings) {
        return asAdmin().contentType(ContentType.JSON).body(Map.of("settings", settings))
                .put("/api/devices/{id}/settings", device).then();
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
