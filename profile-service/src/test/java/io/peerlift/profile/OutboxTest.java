package io.peerlift.profile;

import io.peerlift.events.DeviceConfig;
import io.peerlift.events.Topics;
import io.peerlift.localstack.LocalStackTestResource;
import io.peerlift.profile.domain.OutboxMessage;
import io.peerlift.profile.messaging.OutboxRelay;
import io.peerlift.profile.service.FolderService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.peerlift.events.SettingKeys.PEER_SERVER_LIMIT;
import static io.peerlift.localstack.TestTokens.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** The transactional outbox: what commits is published once, in order; what rolls back never is. */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "profile"))
class OutboxTest {

    @Inject
    FolderService folders;

    @Inject
    OutboxRelay relay;

    @Test
    void aRolledBackChangeIsNeverPublishedAndUnchangedConfigurationsAreNotRepublished() {
        double publishedBefore = Metrics.value("peerlift_profile_outbox_published_total");
        Fleet fleet = new Fleet();
        String device = fleet.join("d01", 2, "12.7.4");
        long abandoned = Api.createFolder(fleet.id("abandoned"), null);
        long target = Api.createFolder(fleet.id("target"), null);

        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
            folders.moveDevices(abandoned, List.of(device));
            throw new IllegalStateException("operator aborted after the outbox row was written");
        })).hasMessageContaining("operator aborted");
        relay.relay();
        Api.moveDevices(target, device);
        Api.moveDevices(target, device);

        try (TopicReader topic = new TopicReader(Topics.DEVICE_CONFIG)) {
            List<DeviceConfig> configs = await().until(() -> topic.configsOf(device),
                    c -> !c.isEmpty() && c.get(c.size() - 1).folderId() == target);
            assertThat(configs).extracting(DeviceConfig::folderId).containsExactly(1L, target);
            assertThat(configs).extracting(DeviceConfig::revision).containsExactly(1L, 2L);
            assertThat(configs.get(1).folderPath()).containsExactly(1L, target);
        }
        Api.effectiveConfig(device).body("folderId", equalTo((int) target)).body("revision", equalTo(2));
        await().until(() -> QuarkusTransaction.requiringNew().call(
                () -> OutboxMessage.count("deviceId = ?1 and sentAt is null", device)) == 0);
        assertThat(QuarkusTransaction.requiringNew().call(() -> OutboxMessage.count("deviceId", device))).isEqualTo(2);
        // the announcement's configuration and the committed move's
        await().until(() -> Metrics.value("peerlift_profile_outbox_published_total") >= publishedBefore + 2);
    }

    @Test
    void editingAndDeletingAProfileRepublishesExactlyTheDevicesItReaches() {
        Fleet fleet = new Fleet();
        String inSubFolder = fleet.join("d01", 2, "12.7.4");
        String direct = fleet.join("d02", 3, "12.7.4");
        String elsewhere = fleet.join("d03", 4, "12.7.4");
        long folder = Api.createFolder(fleet.id("assigned"), null);
        Api.moveDevices(Api.createFolder("sub", folder), inSubFolder);
        Api.moveDevices(Api.createFolder(fleet.id("direct"), null), direct);
        Api.moveDevices(Api.createFolder(fleet.id("elsewhere"), null), elsewhere);
        long profile = Api.createProfile(fleet.id("limit"), "OS12", "12.7.4", false, Map.of(PEER_SERVER_LIMIT, 4));
        Api.assignToFolder(profile, folder);
        Api.assignToDevice(profile, direct);

        asAdmin().contentType(ContentType.JSON)
                .body(Api.profile(fleet.id("limit"), "OS12", "12.7.4", false, Map.of(PEER_SERVER_LIMIT, 8)))
                .put("/api/profiles/{id}", profile).then().statusCode(200).body("settings", equalTo(
                        Map.of(PEER_SERVER_LIMIT, 8)));
        asAdmin().delete("/api/profiles/{id}", profile).then().statusCode(204);

        try (TopicReader topic = new TopicReader(Topics.DEVICE_CONFIG)) {
            await().until(() -> topic.configsOf(inSubFolder).size() == 5 && topic.configsOf(direct).size() == 5);
            // announced, moved, assigned (4), edited (8), deleted (back to the default 1)
            assertThat(topic.configsOf(inSubFolder)).extracting(c -> c.settings().get(PEER_SERVER_LIMIT))
                    .containsExactly(1, 1, 4, 8, 1);
            assertThat(topic.configsOf(direct)).extracting(c -> c.settings().get(PEER_SERVER_LIMIT))
                    .containsExactly(1, 1, 4, 8, 1);
            assertThat(topic.configsOf(inSubFolder).get(4).sources()).isEmpty();
            assertThat(topic.configsOf(elsewhere)).hasSize(2);
        }
    }
}
