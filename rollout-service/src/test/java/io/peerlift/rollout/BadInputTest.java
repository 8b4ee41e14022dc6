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

/** A NUL or a control character in a name or id gets 400 problem+json, in a body as in a path; never a 500. */
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
}
