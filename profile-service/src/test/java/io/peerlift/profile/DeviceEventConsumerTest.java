package io.peerlift.profile;

import io.peerlift.events.DeviceConfig;
import io.peerlift.events.DeviceEvent.DeviceAnnounced;
import io.peerlift.events.EventCodec;
import io.peerlift.events.Topics;
import io.peerlift.localstack.LocalStackTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.peerlift.localstack.TestTokens.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** The consumer of device events: inventory from announcements and upgrades, at most once, bad records to the DLQ. */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "profile"))
class DeviceEventConsumerTest {

    private final Fleet fleet = new Fleet();

    @Test
    void aRedeliveredEventChangesNothingAndPublishesNothing() {
        DeviceAnnounced first = fleet.announced("d01", 5, "11.11.150", 1);
        fleet.send(first);
        fleet.send(fleet.announced("d01", 6, "11.11.160", 2));
        fleet.send(first);
        fleet.send(fleet.upgraded("d01", "12.7.4", 3));
        String device = fleet.id("d01");
        Fleet.awaitDevice(device, "12.7.4");

        asAdmin().get("/api/devices/{id}", device).then()
                .body("ip", equalTo(fleet.ip(6)))
                .body("osFamily", equalTo("OS12"));
        try (TopicReader topic = new TopicReader(Topics.DEVICE_CONFIG)) {
            // Outbox rows are published in commit order, so the re-delivery's config would precede the upgrade's.
            List<DeviceConfig> configs = awaitOsVersion(topic, device, "12.7.4");
            assertThat(configs).extracting(DeviceConfig::osVersion).containsExactly("11.11.150", "11.11.160", "12.7.4");
            assertThat(configs).extracting(DeviceConfig::revision).containsExactly(1L, 2L, 3L);
        }
        Api.effectiveConfig(device).body("revision", equalTo(3));
    }

    @Test
    void aDeviceThatLostItsStateIsANewIncarnationAndTheOldOnesStragglersAreDropped() {
        String device = fleet.id("d01");
        fleet.send(fleet.announced("d01", 5, "11.11.150", 900, 1));
        Fleet.awaitDevice(device, "11.11.150");
        // An empty data directory: seq 1 again, in a later epoch, is no duplicate.
        fleet.send(fleet.announced("d01", 6, "12.7.4", 1, 2));
        Fleet.awaitDevice(device, "12.7.4");
        // A late event of the old incarnation (a higher seq of an older epoch) is dropped; the new one goes on.
        fleet.send(fleet.announced("d01", 7, "11.11.150", 901, 1));
        fleet.send(fleet.announced("d01", 8, "12.7.4", 2, 2));
        await().untilAsserted(() -> asAdmin().get("/api/devices/{id}", device).then().body("ip", equalTo(fleet.ip(8))));
        asAdmin().get("/api/devices/{id}", device).then().body("osVersion", equalTo("12.7.4"));
    }

    @Test
    void heartbeatsKeepTheInventoryCurrentWithoutRepublishingAnUnchangedConfiguration() {
        String device = fleet.id("d01");
        fleet.send(fleet.upgraded("d01", "12.7.4", 1));
        fleet.send(fleet.announced("d01", 5, "11.11.150", 2));
        fleet.send(fleet.announced("d01", 9, "11.11.150", 3));
        fleet.send(fleet.upgraded("d01", "12.7.4", 4));
        Fleet.awaitDevice(device, "12.7.4");

        asAdmin().get("/api/devices/{id}", device).then().body("ip", equalTo(fleet.ip(9)));
        try (TopicReader topic = new TopicReader(Topics.DEVICE_CONFIG)) {
            // The upgrade of a device not yet announced is ignored; the heartbeat (seq 3) changes no configuration.
            List<DeviceConfig> configs = awaitOsVersion(topic, device, "12.7.4");
            assertThat(configs).extracting(DeviceConfig::osVersion).containsExactly("11.11.150", "12.7.4");
            assertThat(configs).extracting(DeviceConfig::revision).containsExactly(1L, 2L);
        }
    }

    @Test
    void malformedAndInvalidRecordsGoToTheDeadLetterTopicAndConsumptionGoesOn() {
        String deadLettered = "peerlift_profile_device_events_total{outcome=\"dead-lettered\"";
        double deadLetteredBefore = Metrics.value(deadLettered);
        String garbage = "{\"type\": \"DeviceAnnounced\", \"deviceId\": \"" + fleet.id("x") + "\", \"seq\": ";
        String invalid = EventCodec.encode(fleet.announced("bad", 7, "eleven", 1));
        fleet.sendRaw(garbage);
        fleet.sendRaw(invalid);
        String later = fleet.join("d02", 8, "11.11.150");

        try (TopicReader deadLetters = new TopicReader(Topics.deadLetterOf(Topics.DEVICE_EVENTS))) {
            await().untilAsserted(() -> assertThat(deadLetters.records(r -> fleet.subnet().equals(r.key())))
                    .extracting(r -> r.value()).containsExactly(garbage, invalid));
        }
        asAdmin().get("/api/devices/{id}", fleet.id("bad")).then().statusCode(404);
        assertThat(Metrics.value(deadLettered)).isEqualTo(deadLetteredBefore + 2);
        asAdmin().get("/api/devices/{id}", later).then().statusCode(200);
    }

    @Test
    void eventsThatArriveWhileTheDatabaseRefusesConnectionsWaitAndAreAppliedNotDeadLettered() throws Exception {
        String deadLettered = "peerlift_profile_device_events_total{outcome=\"dead-lettered\"";
        double deadLetteredBefore = Metrics.value(deadLettered);
        String device = fleet.id("outage");
        refuseConnections(true);
        try {
            fleet.send(fleet.announced("outage", 5, "11.11.150", 1));
            // Far beyond the few seconds after which the retries used to give up.
            Thread.sleep(12_000);
        } finally {
            refuseConnections(false);
        }
        await().atMost(java.time.Duration.ofSeconds(60)).untilAsserted(() -> asAdmin().get("/api/devices/{id}", device)
                .then().statusCode(200).body("osVersion", equalTo("11.11.150")));
        assertThat(Metrics.value(deadLettered)).isEqualTo(deadLetteredBefore);
    }

    /** Makes PostgreSQL refuse (or take again) connections to the service's database, and drops the open ones. */
    private static void refuseConnections(boolean refuse) throws java.sql.SQLException {
        String url = LocalStackTestResource.shared().jdbcUrl("postgres");
        try (var connection = java.sql.DriverManager.getConnection(url, "postgres", "postgres");
             var statement = connection.createStatement()) {
            statement.execute("ALTER DATABASE profile ALLOW_CONNECTIONS " + !refuse);
            if (refuse) {
                statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'profile'");
            }
        }
    }

    /** The configurations published for the device, once the last one is at {@code osVersion}. */
    private static List<DeviceConfig> awaitOsVersion(TopicReader topic, String device, String osVersion) {
        return await().until(() -> topic.configsOf(device),
                c -> !c.isEmpty() && c.get(c.size() - 1).osVersion().equals(osVersion));
    }
}
