package io.peerlift.rollout;

import io.peerlift.localstack.LocalStackTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import static io.peerlift.localstack.TestTokens.asAdmin;
import static io.peerlift.localstack.TestTokens.asOperator;
import static io.peerlift.localstack.TestTokens.asViewer;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * A NUL or a control character in a name or id gets 400 problem+json, in a body as in a path; never a 500. A query
 * parameter its type cannot hold is 400 naming it, a request line over 4 KiB 414, both problem+json.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "rollout"))
class BadInputTest {

    @Test
    void aNulInTheAppOfARolloutIs400() {
        // It reached the package query before, and PostgreSQL refuses 0x00 in text: a 500.
        asOperator().contentType(ContentType.JSON)
                .body("{\"folderId\": 1, \"app\": \"base\\u0000system\", \"version\": \"12.7.4\"}").post("/api/rollouts")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:peerlift:problem:invalid-input"))
                .body("detail", equalTo("app name 'base\\u0000system' is invalid: 1-64 characters of a-z, 0-9, '.', '_'"
                        + " or '-', starting with a letter or digit"));
    }

    @Test
    void aNulInAPathIs400() {
        asViewer().urlEncodingEnabled(false).get("/api/devices/a%00b").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("U+0000"));
        asViewer().urlEncodingEnabled(false).get("/api/rollouts/a%00b").then().statusCode(400)
                .contentType("application/problem+json");
        asAdmin().urlEncodingEnabled(false).contentType(ContentType.BINARY).body(new byte[]{1})
                .put("/api/apps/a%00b/12.7.4").then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void aQueryParameterItsTypeCannotHoldIs400NamingIt() {
        // JAX-RS answered 404, as if the devices were not there.
        asViewer().queryParam("limit", "abc").get("/api/devices").then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:peerlift:problem:invalid-input"))
                .body("detail", equalTo("the query parameter limit is 'abc', not an integer"));
        asViewer().queryParam("minRatio", "1.5x").get("/api/rollouts/{id}/board", "no-such-rollout").then()
                .statusCode(400).body("detail", equalTo("the query parameter minRatio is '1.5x', not a number"));
        asAdmin().queryParam("size", "ten").get("/api/audit").then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo("the query parameter size is 'ten', not an integer"));
        asViewer().queryParam("limit", "5").get("/api/devices").then().statusCode(200);
    }

    @Test
    void aRequestLineOver4KiBIs414ProblemJson() {
        // Vert.x answered a bare 414 without a body.
        asViewer().get("/api/devices/" + "d".repeat(5000)).then().statusCode(414)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:peerlift:problem:uri-too-long"))
                .body("detail", equalTo("the request line has 5026 characters; at most 4096 are accepted (a URI of"
                        + " 5013: put long selections in a request body)"));
        asViewer().queryParam("subnet", "1".repeat(8000)).get("/api/devices").then().statusCode(414)
                .contentType("application/problem+json");
        // "GET " + URI + " HTTP/1.1" of exactly 4096 characters is taken.
        asViewer().get("/api/devices/" + "d".repeat(4096 - "GET /api/devices/ HTTP/1.1".length())).then()
                .statusCode(404).contentType("application/problem+json");
    }
}
