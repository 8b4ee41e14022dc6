package io.peerlift.profile;

import io.peerlift.events.DeviceConfig;
import io.peerlift.events.Topics;
import io.peerlift.localstack.LocalStackTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.stream.LongStream;

import static io.peerlift.events.SettingKeys.PEER_SERVER_LIMIT;
import static io.peerlift.localstack.TestTokens.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A profile edit and a move of a device into the profile's folder, started at the same instant, again and
 * again: whatever the interleaving, revisions rise one by one and the configuration published last includes
 * both changes (computed from a state that missed one of them, it would not).
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "profile"))
class ConcurrentChangesTest {

    private static final int TRIALS = 20;

    @Test
    void theLastPublishedConfigurationIncludesBothOfTwoConcurrentChanges() throws Exception {
        Fleet fleet = new Fleet();
        String device = fleet.join("d01", 2, "12.7.4");
        long assigned = Api.createFolder(fleet.id("assigned"), null);
        long other = Api.createFolder(fleet.id("other"), null);
        String name = fleet.id("limit");
        long profile = Api.createProfile(name, "OS12", "12.7.4", false, Map.of(PEER_SERVER_LIMIT, 1));
        Api.assignToFolder(profile, assigned);
        CyclicBarrier start = new CyclicBarrier(2);

        try (TopicReader topic = new TopicReader(Topics.DEVICE_CONFIG)) {
            for (int limit = 2; limit < TRIALS + 2; limit++) {
                Api.moveDevices(other, device);
                int edited = limit;
                CompletableFuture<Void> edit = CompletableFuture.runAsync(() -> {
                    startTogether(start);
                    asAdmin().contentType(ContentType.JSON)
                            .body(Api.profile(name, "OS12", "12.7.4", false, Map.of(PEER_SERVER_LIMIT, edited)))
                            .put("/api/profiles/{id}", profile).then().statusCode(200);
                });
                CompletableFuture<Void> move = CompletableFuture.runAsync(() -> {
                    startTogether(start);
                    Api.moveDevices(assigned, device);
                });
                CompletableFuture.allOf(edit, move).join();

                JsonPath current = Api.effectiveConfig(device).extract().jsonPath();
                assertThat(current.getLong("folderId")).isEqualTo(assigned);
                assertThat(current.getInt("settings.'" + PEER_SERVER_LIMIT + "'")).isEqualTo(edited);
                long revision = current.getLong("revision");
                DeviceConfig last = await().until(() -> last(topic.configsOf(device)), c -> c.revision() == revision);
                assertThat(last.folderId()).isEqualTo(assigned);
                assertThat(last.settings().get(PEER_SERVER_LIMIT)).as("limit published last").isEqualTo(edited);
            }
            assertThat(topic.configsOf(device)).extracting(DeviceConfig::revision)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, topic.configsOf(device).size()).boxed()
                            .toList());
        }
    }

    private static void startTogether(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static DeviceConfig last(List<DeviceConfig> configs) {
        return configs.isEmpty() ? null : configs.get(configs.size() - 1);
    }
}
