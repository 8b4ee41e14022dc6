package io.peerlift.profile;

import io.peerlift.localstack.LocalStackTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.peerlift.events.SettingKeys.DISCOVERY_ENABLED;
import static io.peerlift.events.SettingKeys.DISCOVERY_PORT;
import static io.peerlift.events.SettingKeys.DOWNLOAD_SERVER_PORT;
import static io.peerlift.events.SettingKeys.PEER_SERVER_ENABLED;
import static io.peerlift.events.SettingKeys.PEER_SERVER_PORT;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

/** The consistency check of a folder tree finds what would stop a peer upgrade, device by device. */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "profile"))
class ConsistencyTest {

    private final Fleet fleet = new Fleet();

    @Test
    void anUnconfiguredFolderLacksDiscoveryAndAPeerServerAndFlagsOldVersions() {
        long folder = Api.createFolder(fleet.id("f"), null);
        String os12 = fleet.join("d01", 2, "12.7.4");
        String oldOs11 = fleet.join("d02", 3, "11.10.100");
        String oldOs12 = fleet.join("d03", 4, "12.6.0");
        Api.moveDevices(folder, os12, oldOs11, oldOs12);

        consistency(folder)
                .body("consistent", equalTo(false))
                .body("problems.code", contains("OS11_BELOW_MINIMUM", "OS12_BELOW_MINIMUM", "DISCOVERY_DISABLED",
                        "NO_PEER_SERVER"))
                .body("problems[0].deviceIds", contains(oldOs11))
                .body("problems[0].message", equalTo(
                        "1 device(s): OS 11 devices below 11.11.150 cannot take part in a peer upgrade"))
                .body("problems[1].deviceIds", contains(oldOs12))
                .body("problems[2].deviceIds", contains(os12, oldOs11, oldOs12))
                .body("problems[3].message", equalTo("no OS 12 device at 12.7.4 or higher has "
                        + "peerlift.buddy_server.enabled = true, so OS 11 devices find no peer to download from"))
                .body("problems[3].deviceIds", empty());
    }

    @Test
    void portsOfOs11DevicesInASubFolderMustMatchThePeersAndMergedPortsMustNotCollide() {
        long folder = Api.createFolder(fleet.id("f"), null);
        long subFolder = Api.createFolder("os11", folder);
        String peer = fleet.join("d01", 2, "12.7.4");
        String os11 = fleet.join("d02", 3, "11.11.150");
        String collider = fleet.join("d03", 4, "12.7.4");
        Api.moveDevices(folder, peer, collider);
        Api.moveDevices(subFolder, os11);
        Api.assignToFolder(Api.createProfile(fleet.id("peers"), "OS12", "12.7.4", false, Map.of(
                DISCOVERY_ENABLED, true, PEER_SERVER_ENABLED, true)), folder);
        Api.assignToFolder(Api.createProfile(fleet.id("os11"), "OS11", "11.11.150", false, Map.of(
                DISCOVERY_ENABLED, true, DISCOVERY_PORT, 22340, DOWNLOAD_SERVER_PORT, 22345)), subFolder);
        // Each profile is valid alone; merged on one device they put discovery and server on one port.
        Api.assignToDevice(Api.createProfile(fleet.id("a"), "OS12", "12.7.4", false,
                Map.of(DISCOVERY_PORT, 22400)), collider);
        Api.assignToDevice(Api.createProfile(fleet.id("b"), "OS12", "12.7.4", false,
                Map.of(PEER_SERVER_PORT, 22400)), collider);

        consistency(folder)
                .body("problems.code", contains("DISCOVERY_PORT_MISMATCH", "DOWNLOAD_SERVER_PORT_MISMATCH",
                        "PORT_COLLISION"))
                .body("problems[0].message", equalTo("1 OS 11 device(s) have 'update.discovery.port' = 22340 but "
                        + "the OS 12 peers' 'update.discovery.port' is 22336 or 22400"))
                .body("problems[0].deviceIds", contains(os11))
                .body("problems[1].message", equalTo("1 OS 11 device(s) have 'update.discovery.download_server_port'"
                        + " = 22345 but the OS 12 peers' 'peerlift.buddy_server.port' is 22335 or 22400"))
                .body("problems[2].deviceIds", contains(collider));
        // The sub-folder alone has no OS 12 peer at all.
        consistency(subFolder).body("problems.code", contains("NO_PEER_SERVER"));
    }

    @Test
    void unknownFolderIsNotFound() {
        given().get("/api/folders/999999999/consistency").then().statusCode(404)
                .body("detail", equalTo("folder 999999999 does not exist"));
    }

    private static ValidatableResponse consistency(long folder) {
        return given().get("/api/folders/{id}/consistency", folder).then().statusCode(200)
                .body("folderId", equalTo((int) folder));
    }
}
