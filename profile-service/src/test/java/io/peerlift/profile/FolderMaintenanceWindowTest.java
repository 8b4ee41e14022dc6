package io.peerlift.profile;

import io.peerlift.events.DeviceConfig;
import io.peerlift.events.MaintenanceWindow;
import io.peerlift.events.Topics;
import io.peerlift.localstack.LocalStackTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.peerlift.localstack.TestTokens.asAdmin;
import static io.peerlift.localstack.TestTokens.asOperator;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

/**
 * A folder's time zone and maintenance window: validated, inherited by the folders below (the nearest wins, the
 * window read in the zone of the device's folder), in the effective configuration and on the config topic.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "profile"))
class FolderMaintenanceWindowTest {

    private static final Map<String, String> WEEKDAY_NIGHTS =
            Map.of("schedule", "0 0 22 ? * MON-FRI", "duration", "4:00:00");

    private final Fleet fleet = new Fleet();

    @Test
    void subFoldersInheritTheNearestWindowReadInTheirOwnTimeZone() {
        String inSite = fleet.join("d01", 2, "11.11.150");
        String inRoom = fleet.join("d02", 3, "11.11.150");
        String inLab = fleet.join("d03", 4, "11.11.150");
        long site = Api.createFolder(fleet.id("site"), null);
        long room = Api.createFolder("room", site);
        long lab = Api.createFolder("lab", site);
        Api.moveDevices(site, inSite);
        Api.moveDevices(room, inRoom);
        Api.moveDevices(lab, inLab);

        maintenance(site, Map.of("timeZone", "Europe/Berlin", "maintenanceWindow", WEEKDAY_NIGHTS)).statusCode(200)
                .body("timeZone", equalTo("Europe/Berlin"))
                .body("maintenanceWindow.duration", equalTo("04:00:00"))
                .body("effectiveMaintenanceWindow.timeZone", equalTo("Europe/Berlin"));
        maintenance(room, Map.of("timeZone", "America/New_York")).statusCode(200)
                .body("maintenanceWindow", nullValue())
                .body("effectiveTimeZone", equalTo("America/New_York"))
                .body("effectiveMaintenanceWindow.schedule", equalTo("0 0 22 ? * MON-FRI"));
        maintenance(lab, Map.of("maintenanceWindow", Map.of("schedule", "0 0 2 * * ?", "duration", "01:30:00")))
                .statusCode(200);

        Api.effectiveConfig(inSite).body("timeZone", equalTo("Europe/Berlin"))
                .body("maintenanceWindow", equalTo(Map.of("schedule", "0 0 22 ? * MON-FRI", "duration", "04:00:00",
                        "timeZone", "Europe/Berlin")));
        Api.effectiveConfig(inRoom).body("timeZone", equalTo("America/New_York"))
                .body("maintenanceWindow.schedule", equalTo("0 0 22 ? * MON-FRI"))
                .body("maintenanceWindow.timeZone", equalTo("America/New_York"));
        Api.effectiveConfig(inLab).body("maintenanceWindow", equalTo(Map.of("schedule", "0 0 2 * * ?",
                "duration", "01:30:00", "timeZone", "Europe/Berlin")));
        try (TopicReader topic = new TopicReader(Topics.DEVICE_CONFIG)) {
            assertThat(await().until(() -> last(topic.configsOf(inRoom)), c -> c != null
                    && c.maintenanceWindow() != null && c.maintenanceWindow().zone().getId().equals("America/New_York"))
                    .maintenanceWindow())
                    .isEqualTo(MaintenanceWindow.parse("0 0 22 ? * MON-FRI", "04:00:00", "America/New_York"));
        }
    }

    @Test
    void removingAWindowRepublishesTheDevicesBelowWithoutOne() {
        String device = fleet.join("d01", 2, "11.11.150");
        long site = Api.createFolder(fleet.id("site"), null);
        long room = Api.createFolder("room", site);
        Api.moveDevices(room, device);
        maintenance(site, Map.of("maintenanceWindow", WEEKDAY_NIGHTS)).statusCode(200);
        Api.effectiveConfig(device).body("timeZone", equalTo("UTC")).body("maintenanceWindow.timeZone", equalTo("UTC"));

        maintenance(site, Map.of()).statusCode(200).body("maintenanceWindow", nullValue())
                .body("effectiveMaintenanceWindow", nullValue());

        Api.effectiveConfig(device).body("maintenanceWindow", nullValue());
        try (TopicReader topic = new TopicReader(Topics.DEVICE_CONFIG)) {
            List<DeviceConfig> configs = await().until(() -> topic.configsOf(device),
                    c -> c.size() == 4 && c.get(3).maintenanceWindow() == null);
            assertThat(configs.get(2).maintenanceWindow()).isNotNull();
        }
    }

    @Test
    void aFolderIsCreatedWithItsWindowAndTimeZone() {
        Api.post("/api/folders", Map.of("name", fleet.id("night"), "timeZone", "Asia/Tokyo",
                        "maintenanceWindow", WEEKDAY_NIGHTS)).statusCode(201)
                .body("timeZone", equalTo("Asia/Tokyo"))
                .body("effectiveMaintenanceWindow.timeZone", equalTo("Asia/Tokyo"));
    }

    @Test
    void aMalformedZoneScheduleOrDurationIsRefusedNamingEach() {
        long site = Api.createFolder(fleet.id("site"), null);
        maintenance(site, Map.of("timeZone", "Europe/Atlantis",
                "maintenanceWindow", Map.of("schedule", "nightly", "duration", "4h"))).statusCode(400)
                .contentType("application/problem+json")
                .body("errors", hasSize(3))
                .body("detail", containsString("timeZone 'Europe/Atlantis' is not a time zone"))
                .body("detail", containsString("maintenanceWindow.schedule 'nightly' is not a Quartz cron expression"))
                .body("detail", containsString("maintenanceWindow.duration '4h' must be HH:mm:ss"));
        maintenance(site, Map.of("maintenanceWindow", Map.of("schedule", "0 0 22 * * ?", "duration", "00:00:00")))
                .statusCode(400).contentType("application/problem+json")
                .body("detail", equalTo("maintenanceWindow.duration must be longer than 00:00:00"));
        Api.post("/api/folders", Map.of("name", fleet.id("bad"), "timeZone", "Mars/Olympus")).statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("timeZone 'Mars/Olympus' is not a time zone"));
        asAdmin().get("/api/folders/{id}", site).then().body("timeZone", nullValue())
                .body("maintenanceWindow", nullValue());
        asOperator().contentType(ContentType.JSON).body(Map.of()).put("/api/folders/{id}/maintenance", site).then()
                .statusCode(403);
        maintenance(999_999_999L, Map.of()).statusCode(404);
    }

    private static ValidatableResponse maintenance(long folderId, Object body) {
        return asAdmin().contentType(ContentType.JSON).body(body).put("/api/folders/{id}/maintenance", folderId)
                .then();
    }

    private static DeviceConfig last(List<DeviceConfig> configs) {
        return configs.isEmpty() ? null : configs.get(configs.size() - 1);
    }
}
