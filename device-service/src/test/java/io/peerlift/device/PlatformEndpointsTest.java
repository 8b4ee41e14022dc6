package io.peerlift.device;

import io.peerlift.localstack.LocalStackTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import static io.peerlift.localstack.TestTokens.asViewer;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

/** The operator's endpoints of the Kafka-facing gateway: health against the real broker, metrics, OpenAPI; the
 * device API needs a token. */
@QuarkusTest
@TestProfile(GatewayProfile.class)
@WithTestResource(value = LocalStackTestResource.class)
class PlatformEndpointsTest {

    @Test
    void readinessChecksTheRealServers() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("SmallRye Reactive Messaging - readiness check"));
    }

    @Test
    void theDeviceApiNeedsAViewersToken() {
        given().get("/api/devices").then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer");
        asViewer().get("/api/devices").then().statusCode(200);
        asViewer().urlEncodingEnabled(false).get("/api/devices/a%00b").then().statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void metricsAndOpenApiAreServed() {
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
        given().when().get("/q/openapi").then().statusCode(200).body(containsString("openapi"));
    }
}
