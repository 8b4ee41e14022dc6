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

/** Bad input to the gateway and the fleet hook gets 400, 413 or 414 problem+json; ids keep the shared limits. */
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

    @Test
    void aQueryParameterItsTypeCannotHoldIs400NamingIt() {
        as(DeviceTokens.token("bad-input-1")).queryParam("wait", "soon").get("/api/gateway/v1/devices/{id}/commands",
                "bad-input-1").then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:peerlift:problem:invalid-input"))
                .body("detail", equalTo("the query parameter wait is 'soon', not an integer"));
        as(DeviceTokens.token("bad-input-1")).queryParam("after", "latest").get("/api/gateway/v1/devices/{id}/config",
                "bad-input-1").then().statusCode(400)
                .body("detail", equalTo("the query parameter after is 'latest', not an integer"));
    }

    @Test
    void aRequestLineOver4KiBIs414ProblemJson() {
        as(DeviceTokens.token("bad-input-1")).queryParam("after", "x".repeat(5000))
                .get("/api/gateway/v1/devices/{id}/commands", "bad-input-1").then().statusCode(414)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:peerlift:problem:uri-too-long"))
                .body("detail", containsString("at most 4096 are accepted"));
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
