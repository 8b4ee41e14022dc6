package io.peerlift.profile;

import io.peerlift.localstack.LocalStackTestResource;
import io.peerlift.localstack.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static io.peerlift.localstack.TestTokens.as;
import static io.peerlift.localstack.TestTokens.asAdmin;
import static io.peerlift.localstack.TestTokens.asOperator;
import static io.peerlift.localstack.TestTokens.asViewer;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.oneOf;

/**
 * Tokens and roles on every route, with real tokens signed by the test issuer: viewers read, only admins change
 * folders and profiles, 401 and 403 are problem+json, health stays open, and every change is in the audit trail.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "profile"))
class AccessTest {

    @Test
    void aRequestWithoutAValidTokenIsRefusedWith401ProblemJson() {
        TestTokens.assertRefusedWithoutAValidToken("/api/folders");
    }

    @Test
    void viewersReadButOnlyAdminsChangeFoldersAndProfiles() {
        asViewer().get("/api/folders").then().statusCode(200);
        asViewer().get("/api/settings").then().statusCode(200);
        asViewer().contentType(ContentType.JSON).body(Map.of("name", "by a viewer")).post("/api/folders")
                .then().statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:peerlift:problem:forbidden"))
                .body("detail", equalTo("this needs the role admin; the token of 'test-viewer' has [viewer]"));
        asOperator().contentType(ContentType.JSON)
                .body(Api.profile("by an operator", "OS12", "12.7.4", false, Map.of())).post("/api/profiles")
                .then().statusCode(403);
        asOperator().get("/api/profiles").then().statusCode(200);
        asAdmin().contentType(ContentType.JSON).body(Map.of("name", "by an admin")).post("/api/folders")
                .then().statusCode(201);
    }

    @Test
    void healthAndMetricsStayOpenEvenWithABadToken() {
        given().get("/q/health/ready").then().statusCode(200);
        as("garbage").get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
    }

    @Test
    void everyChangeIsAuditedWithWhoWhatAndWhenForAdminsOnly() {
        String admin = TestTokens.token("alice", "admin");
        long folder = as(admin).contentType(ContentType.JSON).body(Map.of("name", "audited")).post("/api/folders")
                .then().statusCode(201).extract().jsonPath().getLong("id");
        as(admin).contentType(ContentType.JSON).body(Map.of("name", "audited, renamed"))
                .patch("/api/folders/" + folder).then().statusCode(200);
        // A refused change changed nothing and is not recorded.
        as(admin).contentType(ContentType.JSON).body(Map.of("name", " ")).patch("/api/folders/" + folder)
                .then().statusCode(400);

        asAdmin().queryParam("size", 2).get("/api/audit").then().statusCode(200)
                .body("page", equalTo(0)).body("size", equalTo(2))
                .body("total", greaterThanOrEqualTo(2))
                .body("entries[0].subject", equalTo("alice"))
                .body("entries[0].roles", equalTo("admin,approver,operator,viewer"))
                .body("entries[0].method", equalTo("PATCH"))
                .body("entries[0].target", equalTo("/api/folders/" + folder))
                .body("entries[0].at", containsString("T"))
                .body("entries[1].method", equalTo("POST"))
                .body("entries[1].target", equalTo("/api/folders"));
        asOperator().get("/api/audit").then().statusCode(403);
        asAdmin().queryParam("size", 501).get("/api/audit").then().statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void everyApiRouteDeclaresItsRole() {
        Set<String> paths = given().get("/q/openapi?format=json").then().statusCode(200)
                .extract().jsonPath().<String, Object>getMap("paths").keySet();
        for (String path : paths) {
            String concrete = path.replaceAll("\\{[^}]+}", "1");
            given().get(concrete).then().statusCode(oneOf(401, 405));
        }
        given().get("/q/openapi?format=json").then().body("components.securitySchemes.keySet()", hasItem("SecurityScheme"));
    }
}
