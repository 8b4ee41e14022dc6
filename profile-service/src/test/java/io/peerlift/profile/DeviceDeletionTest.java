package io.peerlift.profile;

import io.peerlift.events.DeviceConfig;
import io.peerlift.events.Topics;
import io.peerlift.localstack.LocalStackTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.peerlift.events.SettingKeys.DISCOVERY_PORT;
import static io.peerlift.events.SettingKeys.PEER_SERVER_LIMIT;
import static io.peerlift.localstack.TestTokens.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

/**
 * Deleting a device: it leaves the inventory with what was set on it alone, the compacted configuration topic
 * gets its tombstone, and if it announces itself again it is a new device whose revisions go on rising.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "profile"))
class DeviceDeletionTest {

    private final Fleet fleet = new Fleet();

    @Test
    void deletesTheDeviceAndWhatWasSetOnItPublishesATombstoneAndTakesItBackAsNewWhenItAnnouncesAgain() {
        String device = fleet.join("d01", 2, "12.7.4");
        long folder = Api.createFolder(fleet.id("f"), null);
        Api.moveDevices(folder, device);
        long direct = Api.createProfile(fleet.id("direct"), "OS12", "12.7.4", false, Map.of(DISCOVERY_PORT, 22400));
        Api.assignToDevice(direct, device);
        asAdmin().contentType(ContentType.JSON).body(Map.of("settings", Map.of(PEER_SERVER_LIMIT, 3)))
                .put("/api/devices/{id}/settings", device).then().statusCode(200);
        int revisionBefore = Api.effectiveConfig(device).extract().jsonPath().getInt("revision");

        asAdmin().delete("/api/devices/{id}", device).then().statusCode(204);

        asAdmin().get("/api/devices/{id}", device).then().statusCode(404)
                .body("detail", equalTo("device '" + device + "' does not exist"));
        asAdmin().get("/api/folders/{id}/devices", folder).then().body("", empty());
        asAdmin().get("/api/profiles/{id}/assignments", direct).then().body("", empty());
        asAdmin().delete("/api/devices/{id}", device).then().statusCode(404);
        try (TopicReader topic = new TopicReader(Topics.DEVICE_CONFIG)) {
            List<ConsumerRecord<String, String>> records = await().until(() -> topic.recordsWithKey(device),
                    r -> !r.isEmpty() && r.get(r.size() - 1).value() == null);
            assertThat(records).hasSize(revisionBefore + 1);

            fleet.send(fleet.announced("d01", 2, "12.7.4", 7));

            DeviceConfig again = await().until(() -> topic.configsOf(device), c -> c.size() > revisionBefore)
                    .get(revisionBefore);
            assertThat(again.revision()).isEqualTo(revisionBefore + 1);
            assertThat(again.folderId()).isEqualTo(1);
            assertThat(again.sources()).as("nothing set on the deleted device survives").isEmpty();
        }
        asAdmin().get("/api/devices/{id}/settings", device).then().statusCode(200).body("settings", equalTo(Map.of()));
    }
}
