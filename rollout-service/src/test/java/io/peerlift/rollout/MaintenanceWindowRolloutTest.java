package io.peerlift.rollout;

import io.peerlift.localstack.LocalStackTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.peerlift.localstack.TestTokens.asOperator;
import static io.peerlift.localstack.TestTokens.asViewer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * A rollout's maintenance window against the real scheduler: outside it no device is commanded and the subnet
 * says until when it waits; inside it devices are commanded; a malformed window is refused with problem+json.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "rollout"))
class MaintenanceWindowRolloutTest {

    private static ValidatableResponse create(long folder, Map<String, Object> window) {
        RolloutFixtures.uploadPackage();
        return asOperator().contentType(ContentType.JSON)
                .body(Map.of("folderId", folder, "app", RolloutFixtures.APP, "version", SimulatedFleet.TARGET,
                        "maintenanceWindow", window))
                .post("/api/rollouts").then();
    }

    @Test
    void outsideItsWindowARunningRolloutCommandsNobodyAndSaysUntilWhenItWaits() {
        long folder = RolloutFixtures.folderWithOneDevice();
        String id = create(folder, Map.of("schedule", "0 0 8 1 1 ? 2099", "duration", "02:00:00",
                "timeZone", "Europe/Berlin")).statusCode(201)
                .body("state", equalTo("RUNNING"))
                .body("maintenanceWindow.schedule", equalTo("0 0 8 1 1 ? 2099"))
                .body("maintenanceWindow.duration", equalTo("02:00:00"))
                .body("maintenanceWindow.timeZone", equalTo("Europe/Berlin"))
                .extract().path("id");

        assertThat(RolloutFixtures.count(id, "COMMANDED")).isZero();
        assertThat(RolloutFixtures.count(id, "PENDING")).isEqualTo(1);
        List<Map<String, Object>> subnets = asViewer().get("/api/rollouts/{id}/subnets", id).then().statusCode(200)
                .extract().jsonPath().getList("$");
        assertThat(subnets).singleElement().satisfies(subnet -> {
            assertThat(subnet.get("waiting")).isEqualTo("waiting for the maintenance window until "
                    + "2099-01-01T07:00:00Z (2099-01-01T08:00 Europe/Berlin)");
            assertThat(subnet.get("stalledSince")).as("waiting for a window is no stall").isNull();
        });
    }

    @Test
    void insideItsWindowARolloutCommandsItsDevices() {
        String id = create(RolloutFixtures.folderWithOneDevice(), Map.of("schedule", "0 0 0 * * ?",
                "duration", "24:00:00", "timeZone", "+05:30")).statusCode(201).extract().path("id");

        assertThat(RolloutFixtures.count(id, "COMMANDED")).isEqualTo(1);
    }

    @Test
    void aMalformedWindowIsRefusedNamingEveryPart() {
        create(RolloutFixtures.folderWithOneDevice(), Map.of("schedule", "nightly", "duration", "4h",
                "timeZone", "Europe/Atlantis")).statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("maintenanceWindow.schedule 'nightly' is not a Quartz cron expression"))
                .body("detail", containsString("maintenanceWindow.duration '4h' must be HH:mm:ss"))
                .body("detail", containsString("maintenanceWindow.timeZone 'Europe/Atlantis' is not a time zone"));
        create(RolloutFixtures.folderWithOneDevice(), Map.of("schedule", "0 0 22 * * ?", "duration", "01:00:00"))
                .statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("maintenanceWindow.timeZone 'null' is not a time zone"));
    }
}
