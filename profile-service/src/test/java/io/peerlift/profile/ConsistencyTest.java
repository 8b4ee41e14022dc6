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
import static io.peerlift.events.SettingKeys.PEER_SERVER_ENABLED;
import static io.peerlift.events.SettingKeys.PEER_SERVER_PORT;
import static io.peerlift.localstack.TestTokens.asAdmin;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/**
 * The consistency report of a folder tree through the API, against the real database: OS 11 devices are checked
 * against the OS 12 peers of their own subnet wherever those sit; errors and warnings are told apart.
 * {@code ConsistencyCheckTest} has the rules alone.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "profile"))
class ConsistencyTest {

    private final Fleet fleet = new Fleet();

    @Test
    void anOs11DeviceInASubFolderIsCheckedAgainstThePeersOfItsSubnetInAnotherFolder() {
        long peers = Api.createFolder(fleet.id("peers"), null);
        long upgrade = Api.createFolder(fleet.id("upgrade"), null);
        long subFolder = Api.createFolder("22403", upgrade);
        String peer = fleet.join("d01", 2, "12.7.4");
        String stray = fleet.join("d02", 3, "11.11.150");
        String matching = fleet.join("d03", 4, "11.11.150");
        Api.moveDevices(peers, peer);
        Api.moveDevices(upgrade, matching);
        Api.moveDevices(subFolder, stray);
        long os12 = Api.createProfile(fleet.id("os12"), "OS12", "12.7.4", false, Map.of(DISCOVERY_ENABLED, true,
                PEER_SERVER_ENABLED, true));
        Api.assignToFolder(os12, peers);
        Api.assignToFolder(os12, upgrade);
        Api.assignToFolder(Api.createProfile(fleet.id("os11"), "OS11", "11.11.150", false,
                Map.of(DISCOVERY_ENABLED, true)), upgrade);
        Api.assignToFolder(Api.createProfile(fleet.id("os11 22403"), "OS11", "11.11.150", false,
                Map.of(DISCOVERY_PORT, 22403)), subFolder);

        consistency(upgrade)
                .body("consistent", equalTo(false))
                .body("errors", equalTo(1))
                .body("warnings", equalTo(0))
                .body("problems.code", contains("DISCOVERY_PORT_MISMATCH"))
                .body("problems[0].severity", equalTo("ERROR"))
                .body("problems[0].subnet", equalTo(fleet.subnet()))
                .body("problems[0].deviceIds", contains(stray))
                .body("problems[0].message", equalTo("subnet " + fleet.subnet() + ": 1 OS 11 device(s) broadcast on "
                        + "'update.discovery.port' = 22403 but the subnet's serving OS 12 peers (" + peer
                        + " in folder " + peers + ") answer on 'update.discovery.port' = 22336"))
                .body("subnets[0].subnet", equalTo(fleet.subnet()))
                .body("subnets[0].os11Devices", equalTo(2))
                .body("subnets[0].peerServers", equalTo(1))
                .body("subnets[0].peerServersOutsideFolder", equalTo(1))
                .body("subnets[0].connectionCapacity", equalTo(1))
                .body("subnets[0].peersAfterUpgrade", equalTo(2));
        // The peers' folder holds no OS 11 device: nothing to check there.
        consistency(peers).body("consistent", equalTo(true)).body("problems", empty()).body("subnets", empty());
    }

    @Test
    void anOs11DeviceWithDiscoveryDisabledIsAnErrorAndASubnetWithoutPeerOnlyAWarning() {
        long folder = Api.createFolder(fleet.id("f"), null);
        long quiet = Api.createFolder("quiet", folder);
        String seeded = fleet.join("d01", 2, "11.11.150");
        String silent = fleet.join("d02", 3, "11.11.150");
        Api.moveDevices(folder, seeded);
        Api.moveDevices(quiet, silent);
        Api.assignToFolder(Api.createProfile(fleet.id("os12"), "OS12", "12.7.4", false, Map.of(DISCOVERY_ENABLED, true,
                PEER_SERVER_ENABLED, true)), folder);
        Api.assignToFolder(Api.createProfile(fleet.id("os11"), "OS11", "11.11.150", false,
                Map.of(DISCOVERY_ENABLED, true)), folder);
        Api.assignToFolder(Api.createProfile(fleet.id("off"), "OS11", "11.11.150", false,
                Map.of(DISCOVERY_ENABLED, false)), quiet);

        consistency(folder)
                .body("consistent", equalTo(false))
                .body("problems.code", contains("DISCOVERY_DISABLED", "WAN_SEED_NEEDED"))
                .body("problems.severity", contains("ERROR", "WARNING"))
                .body("problems[0].deviceIds", contains(silent))
                .body("problems[0].subnet", nullValue())
                .body("problems[0].message", equalTo("1 OS 11 device(s) have 'update.discovery.enabled' = false: they "
                        + "do not search for peers, so their downloads fail under PEER_THEN_WAN and PEER_ONLY "
                        + "('peerlift.update.wan_without_discovery' = true lets PEER_THEN_WAN use the WAN instead)"))
                .body("problems[1].deviceIds", contains(seeded));
        asAdmin().delete("/api/profiles/{id}/assignments?folderId={f}",
                asAdmin().get("/api/profiles").then().extract().jsonPath()
                        .getLong("find { it.name == '" + fleet.id("off") + "' }.id"), quiet).then().statusCode(204);
        consistency(folder).body("consistent", equalTo(true)).body("errors", equalTo(0)).body("warnings", equalTo(1));
    }

    @Test
    void oldVersionsAndMergedPortsThatCollideAreReported() {
        long folder = Api.createFolder(fleet.id("f"), null);
        String oldOs11 = fleet.join("d01", 2, "11.10.100");
        String oldOs12 = fleet.join("d02", 3, "12.6.0");
        String collider = fleet.join("d03", 4, "12.7.4");
        Api.moveDevices(folder, oldOs11, oldOs12, collider);
        // Each profile is valid alone; merged on one device they put discovery and server on one port.
        Api.assignToDevice(Api.createProfile(fleet.id("a"), "OS12", "12.7.4", false,
                Map.of(DISCOVERY_PORT, 22400)), collider);
        Api.assignToDevice(Api.createProfile(fleet.id("b"), "OS12", "12.7.4", false,
                Map.of(PEER_SERVER_PORT, 22400)), collider);

        consistency(folder)
                .body("problems.code", contains("OS11_BELOW_MINIMUM", "DISCOVERY_DISABLED", "PORT_COLLISION",
                        "OS12_BELOW_MINIMUM"))
                .body("problems[0].deviceIds", contains(oldOs11))
                .body("problems[0].message", equalTo("1 OS 11 device(s) run a version below 11.11.150 and cannot "
                        + "take part in a peer upgrade"))
                .body("problems[2].deviceIds", contains(collider))
                .body("problems[3].deviceIds", contains(oldOs12))
                .body("problems[3].severity", equalTo("WARNING"));
    }

    @Test
    void unknownFolderIsNotFound() {
        asAdmin().get("/api/folders/999999999/consistency").then().statusCode(404)
                .body("detail", equalTo("folder 999999999 does not exist"));
    }

    private static ValidatableResponse consistency(long folder) {
        return asAdmin().get("/api/folders/{id}/consistency", folder).then().statusCode(200)
                .body("folderId", equalTo((int) folder));
    }
}
