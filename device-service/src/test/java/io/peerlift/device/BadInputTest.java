package io.peerlift.device;

import io.peerlift.events.Limits;
import io.peerlift.localstack.LocalStackTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import static io.peerlift.localstack.TestTokens.as;
import static io.peerlift.localstack.TestTokens.asAdmin;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Bad input to the gateway and the fleet hook gets 400 or 413 problem+json; ids keep the shared limits. */
@QuarkusTest
@TestProfile(GatewayProfile.class)
@WithTestResource(value = LocalStackTestResource.class)
class BadInputTest {

    private static final String EVENTS = "/api/gateway/v1/devices/{id}/events";

    @Test
    void malformedJsonIs400ProblemJson() {
        as(DeviceTokens.token("bad-input-1")).contentType(ContentType.JSON).body("[{").post(EVENTS, "bad-input-1")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:peerlift:problem:invalid-input"))
                .body("detail", containsString("the request body is not valid JSON"));
        asAdmin().contentType(ContentType.JSON).body("{\"subnet\": ").post("/api/fleet/partitions")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("the request body is not valid JSON"));
    }

    @Test
    void aBodyOverOneMebibyteIs413() {
        as(DeviceTokens.token("bad-input-1")).contentType(ContentType.JSON)
                .body("[\"" + "x".repeat(Limits.MAX_REQUEST_BODY_BYTES) + "\"]").post(EVENTS, "bad-input-1")
                .then().statusCode(413).contentType("application/problem+json");
    }

    /** A token can name any id; one that no event, command or configuration could carry is refused. */
    @Test
    void aDeviceIdPastTheSharedLimitIs400EvenWithItsOwnToken() {
        String tooLong = "d".repeat(Limits.MAX_DEVICE_ID_LENGTH + 1);
        as(DeviceTokens.token(tooLong)).get("/api/gateway/v1/devices/{id}/commands", tooLong)
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("has 129 characters; at most 128 are allowed"));
        String longest = "d".repeat(Limits.MAX_DEVICE_ID_LENGTH);
        as(DeviceTokens.token(longest)).get("/api/gateway/v1/devices/{id}/commands", longest).then().statusCode(200);
    }
}
