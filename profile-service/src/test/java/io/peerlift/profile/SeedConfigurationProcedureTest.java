package io.peerlift.profile;

import io.peerlift.events.DeviceConfig;
import io.peerlift.events.OsFamily;
import io.peerlift.events.SettingKeys;
import io.peerlift.events.Topics;
import io.peerlift.localstack.LocalStackTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.peerlift.events.SettingKeys.DISCOVERY_ENABLED;
import static io.peerlift.events.SettingKeys.DISCOVERY_PORT;
import static io.peerlift.events.SettingKeys.DOWNLOAD_SERVER_PORT;
import static io.peerlift.events.SettingKeys.PEER_SERVER_ENABLED;
import static io.peerlift.events.SettingKeys.PEER_SERVER_LIMIT;
import static io.peerlift.events.SettingKeys.PEER_SERVER_PORT;
import static io.peerlift.localstack.TestTokens.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;

/**
 * The seed's "IGEL OS 12 Configurations" and "IGEL OS 11 Configurations" steps through the REST API, then the
 * upgrade: the upgraded device is published with the OS 12 profile's settings and becomes a peer update server.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "profile"))
class SeedConfigurationProcedureTest {

    @Test
    void configuresAFolderForPeerUpgradeAndPublishesTheOs12ProfileAfterTheUpgrade() {
        Fleet fleet = new Fleet();
        String peer = fleet.join("d01", 2, "12.7.4");
        String os11a = fleet.join("d02", 3, "11.11.150");
        String os11b = fleet.join("d03", 4, "11.11.200");
        asAdmin().get("/api/devices?subnet=" + fleet.subnet()).then().statusCode(200)
                .body("id", containsInAnyOrder(peer, os11a, os11b))
                .body("folderId", contains(1, 1, 1));
        asAdmin().get("/api/devices").then().statusCode(200).body("id", hasItems(peer, os11a, os11b));

        // OS 12: a folder for the upgrade, a profile making OS 12 devices peer update servers, assigned to it.
        long folder = Api.createFolder("Distributed Peer Upgrade " + fleet.id("f"), null);
        Api.moveDevices(folder, peer);
        long os12Profile = Api.createProfile("OS 12 peers " + fleet.id("p"), "OS12", "12.7.4", false, Map.of(
                DISCOVERY_ENABLED, true, DISCOVERY_PORT, 22336, PEER_SERVER_ENABLED, true, PEER_SERVER_PORT, 22335));
        Api.assignToFolder(os12Profile, folder);

        // OS 11: a profile with the same ports, assigned to the same folder; then the OS 11 devices move in.
        long os11Profile = Api.createProfile("OS 11 discovery " + fleet.id("p"), "OS11", "11.11.150", false, Map.of(
                DISCOVERY_ENABLED, true, DISCOVERY_PORT, 22336, DOWNLOAD_SERVER_PORT, 22335));
        Api.assignToFolder(os11Profile, folder);
        Api.moveDevices(folder, os11a, os11b);

        asAdmin().get("/api/folders/{id}/devices", folder).then().statusCode(200)
                .body("id", contains(peer, os11a, os11b));
        asAdmin().get("/api/devices?folderId=" + folder + "&subnet=" + fleet.subnet()).then().statusCode(200)
                .body("id", contains(peer, os11a, os11b));
        asAdmin().get("/api/profiles/{id}/assignments", os12Profile).then().statusCode(200)
                .body("folderId", contains((int) folder));
        asAdmin().get("/api/folders/{id}/consistency", folder).then().statusCode(200)
                .body("consistent", equalTo(true)).body("problems", empty());
        Api.effectiveConfig(peer)
                .body("osFamily", equalTo("OS12"))
                .body("folderPath", contains(1, (int) folder))
                .body("settings." + quoted(PEER_SERVER_ENABLED), equalTo(true))
                .body("settings." + quoted(PEER_SERVER_LIMIT), equalTo(1))
                .body("sources." + quoted(PEER_SERVER_PORT) + ".profileId", equalTo((int) os12Profile));
        Api.effectiveConfig(os11a)
                .body("osFamily", equalTo("OS11"))
                .body("settings." + quoted(DOWNLOAD_SERVER_PORT), equalTo(22335))
                .body("sources." + quoted(DISCOVERY_ENABLED) + ".profileId", equalTo((int) os11Profile));

        try (TopicReader topic = new TopicReader(Topics.DEVICE_CONFIG)) {
            DeviceConfig beforeUpgrade = await().until(() -> last(topic.configsOf(os11a)),
                    c -> c != null && c.folderId() == folder && c.sources().containsKey(DISCOVERY_PORT));
            assertThat(beforeUpgrade.osFamily()).isEqualTo(OsFamily.OS11);
            assertThat(beforeUpgrade.folderPath()).containsExactly(1L, folder);
            assertThat(beforeUpgrade.settings())
                    .containsOnlyKeys(DISCOVERY_ENABLED, DISCOVERY_PORT, DOWNLOAD_SERVER_PORT,
                            SettingKeys.PEER_DOWNLOAD_HTTP_ALLOWED, SettingKeys.WAN_WITHOUT_DISCOVERY);

            fleet.send(fleet.upgraded("d02", "12.7.4", 2));

            DeviceConfig afterUpgrade = await().until(() -> last(topic.configsOf(os11a)),
                    c -> c.osFamily() == OsFamily.OS12);
            assertThat(afterUpgrade.osVersion()).isEqualTo("12.7.4");
            assertThat(afterUpgrade.revision()).isGreaterThan(beforeUpgrade.revision());
            assertThat(afterUpgrade.folderId()).isEqualTo(folder);
            assertThat(afterUpgrade.settings()).isEqualTo(Map.of(DISCOVERY_ENABLED, true, DISCOVERY_PORT, 22336,
                    PEER_SERVER_ENABLED, true, PEER_SERVER_PORT, 22335, PEER_SERVER_LIMIT, 1,
                    SettingKeys.PEER_SERVER_HTTPS_ENABLED, false, SettingKeys.PEER_SERVER_HTTPS_PORT, 22337,
                    SettingKeys.PEER_DOWNLOAD_HTTP_ALLOWED, true, SettingKeys.WAN_WITHOUT_DISCOVERY, false));
            assertThat(afterUpgrade.sources().get(PEER_SERVER_ENABLED).profileId()).isEqualTo(os12Profile);
            assertThat(afterUpgrade.sources()).doesNotContainKey(PEER_SERVER_LIMIT);
        }
        asAdmin().get("/api/devices/{id}", os11a).then().body("osFamily", equalTo("OS12"));
        asAdmin().get("/api/folders/{id}/devices", folder).then().body("osFamily", hasItem("OS12"));
    }

    private static String quoted(String key) {
        return "'" + key + "'";
    }

    private static DeviceConfig last(List<DeviceConfig> configs) {
        return configs.isEmpty() ? null : configs.get(configs.size() - 1);
    }
}
