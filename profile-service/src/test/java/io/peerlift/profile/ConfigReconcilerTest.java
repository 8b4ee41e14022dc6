package io.peerlift.profile;

import io.peerlift.events.DeviceConfig;
import io.peerlift.events.Topics;
import io.peerlift.localstack.LocalStackTestResource;
import io.peerlift.profile.service.ConfigReconciler;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.peerlift.events.SettingKeys.PEER_SERVER_LIMIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * After a change of the settings schema (IGEL's key names), every device whose last published configuration
 * differs from what it resolves to now is published again, once.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "profile"))
class ConfigReconcilerTest {

    @Inject
    ConfigReconciler reconciler;

    @Inject
    EntityManager entityManager;

    @Test
    void republishesConfigurationsWrittenUnderAnOlderSchemaOnce() {
        Fleet fleet = new Fleet();
        String device = fleet.join("d01", 2, "12.7.4");
        try (TopicReader topic = new TopicReader(Topics.DEVICE_CONFIG)) {
            await().until(() -> topic.configsOf(device).size() == 1);
            QuarkusTransaction.requiringNew().run(() -> {
                entityManager.createNativeQuery("update device_config_state set content = "
                        + "'{\"settings\": {\"update.peer_server.limit_of_connections\": 1}}' where device_id = ?1")
                        .setParameter(1, device).executeUpdate();
                entityManager.createNativeQuery("update settings_schema_state set version = 1").executeUpdate();
            });

            assertThat(reconciler.reconcile()).isEqualTo(1);
            assertThat(reconciler.reconcile()).as("the schema is now current").isZero();

            List<DeviceConfig> configs = await().until(() -> topic.configsOf(device), c -> c.size() == 2);
            assertThat(configs.get(1).revision()).isEqualTo(2);
            assertThat(configs.get(1).settings()).containsEntry(PEER_SERVER_LIMIT, 1);
        }
    }
}
