package io.peerlift.rollout;

import io.peerlift.localstack.LocalStackTestResource;
import io.peerlift.localstack.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static io.peerlift.localstack.TestTokens.as;
import static io.peerlift.localstack.TestTokens.asAdmin;
import static io.peerlift.localstack.TestTokens.asOperator;
import static io.peerlift.localstack.TestTokens.asViewer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.oneOf;

/**
 * Tokens and roles on every route of rollout-service, with real tokens signed by the test issuer: viewers read
 * (the status stream too), operators steer rollouts, only admins change the repository; 401 and 403 are
 * problem+json, health and metrics stay open, and every change is in the audit trail.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "rollout"))
class AccessTest {

    private final String version = "12.9." + ThreadLocalRandom.current().nextInt(1, 1_000_000);

    @Test
    void aRequestWithoutAValidTokenIsRefusedWith401ProblemJson() {
        for (String path : List.of("/api/rollouts", "/api/rollouts/stream", "/api/apps", "/api/devices")) {
            TestTokens.assertRefusedWithoutAValidToken(path);
        }
        given().contentType(ContentType.BINARY).body(new byte[]{1}).put("/api/apps/{app}/{version}", "access", version)
                .then().statusCode(401);
    }

    @Test
    void viewersReadOperatorsSteerRolloutsAndOnlyAdminsChangeTheRepository() {
        asViewer().get("/api/rollouts").then().statusCode(200);
        asViewer().get("/api/apps").then().statusCode(200);
        asViewer().get("/api/devices").then().statusCode(200);

        asOperator().contentType(ContentType.BINARY).body(new byte[]{1}).put("/api/apps/{app}/{version}", "access", version)
                .then().statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:peerlift:problem:forbidden"))
                .body("detail", equalTo("this needs the role admin; the token of 'test-operator' has [operator, viewer]"));
        RolloutFixtures.upload(asAdmin(), "access", version, new byte[]{1, 2, 3}).then().statusCode(201);

        asViewer().contentType(ContentType.JSON).body(rollout()).post("/api/rollouts").then().statusCode(403)
                .contentType("application/problem+json")
                .body("detail", equalTo("this needs the role operator; the token of 'test-viewer' has [viewer]"));
        String id = asOperator().contentType(ContentType.JSON).body(rollout()).post("/api/rollouts")
                .then().statusCode(201).extract().path("id");
        asViewer().get("/api/rollouts/{id}", id).then().statusCode(200);
        asViewer().post("/api/rollouts/{id}/pause", id).then().statusCode(403)
                .body("detail", equalTo("this needs the role operator; the token of 'test-viewer' has [viewer]"));
        asOperator().post("/api/rollouts/{id}/cancel", id).then().statusCode(200);
    }

    @Test
    void healthAndMetricsStayOpenEvenWithABadToken() {
        given().get("/q/health/ready").then().statusCode(200);
        as("garbage").get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
    }

    @Test
    void badBodiesGetProblemJson() {
        asOperator().contentType(ContentType.JSON).body("{\"folderId\": ").post("/api/rollouts").then().statusCode(400)
                .contentType("application/problem+json");
        asOperator().contentType(ContentType.JSON).body("{\"app\": \"" + "x".repeat(1_100_000) + "\"}")
                .post("/api/rollouts").then().statusCode(413).contentType("application/problem+json");
    }

    @Test
    void everyChangeIsAuditedWithWhoWhatAndWhenForAdminsOnly() {
        String operator = "olivia-" + UUID.randomUUID();
        String admin = "alice-" + UUID.randomUUID();
        RolloutFixtures.upload(as(TestTokens.token(admin, "admin")), "access", version, new byte[]{4, 5})
                .then().statusCode(201);
        String id = as(TestTokens.token(operator, "operator")).contentType(ContentType.JSON).body(rollout())
                .post("/api/rollouts").then().statusCode(201).extract().path("id");
        as(TestTokens.token(operator, "operator")).post("/api/rollouts/{id}/cancel", id).then().statusCode(200);
        // A refused change changed nothing and is not recorded.
        as(TestTokens.token(operator, "operator")).post("/api/rollouts/{id}/pause", id).then().statusCode(409);

        JsonPath audit = asAdmin().queryParam("size", 500).get("/api/audit").then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> entries = audit.getList("entries");
        assertThat(entries).filteredOn(e -> e.get("subject").equals(admin))
                .extracting(e -> e.get("method") + " " + e.get("target") + " " + e.get("roles"))
                .containsExactly("PUT /api/apps/access/" + version + " admin,approver,operator,viewer");
        assertThat(entries).filteredOn(e -> e.get("subject").equals(operator))
                .extracting(e -> e.get("method") + " " + e.get("target") + " " + e.get("roles"))
                .containsExactly("POST /api/rollouts/" + id + "/cancel operator,viewer", "POST /api/rollouts operator,viewer");
        assertThat(entries).filteredOn(e -> e.get("subject").equals(operator))
                .allSatisfy(e -> assertThat((String) e.get("at")).contains("T"));
        asOperator().get("/api/audit").then().statusCode(403);
    }

    @Test
    void everyApiRouteDeclaresItsRole() {
        Set<String> paths = given().get("/q/openapi?format=json").then().statusCode(200)
                .extract().jsonPath().<String, Object>getMap("paths").keySet();
        assertThat(paths).contains("/api/rollouts", "/api/apps", "/api/audit");
        Set<String> devicesFetch = Set.of("/api/apps/{app}/{version}/manifest", "/api/apps/{app}/{version}/payload",
                "/api/apps/{app}/{version}/signature");
        for (String path : paths) {
            String concrete = path.replace("{action}", "pause").replaceAll("\\{[^}]+}", "1");
            if (devicesFetch.contains(path)) {
                // Devices fetch releases without a token; the release signature protects what they install.
                given().get(concrete).then().statusCode(404).contentType("application/problem+json");
            } else {
                given().get(concrete).then().statusCode(oneOf(401, 405));
            }
        }
        given().get("/q/openapi?format=json").then().body("components.securitySchemes.keySet()", hasItem("SecurityScheme"));
    }

    /** A rollout request over a folder of its own holding one device (a rollout over no devices is refused). */
    private Map<String, Object> rollout() {
        long folder = RolloutFixtures.folderWithOneDevice();
        return Map.of("folderId", folder, "app", "access", "version", version);
    }
}
