package io.peerlift.profile;

import io.peerlift.localstack.LocalStackTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.peerlift.localstack.TestTokens.asAdmin;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.notNullValue;

/** The API description a client is written against: every path, request examples, problem responses. */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "profile"))
class OpenApiTest {

    @Test
    void describesThePathsWithExamplesAndProblemResponses() {
        asAdmin().accept("application/json").get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.keySet()", hasItems("/api/folders", "/api/folders/{id}", "/api/folders/{id}/devices",
                        "/api/folders/{id}/consistency", "/api/devices", "/api/devices/{id}",
                        "/api/devices/{id}/effective-config", "/api/profiles", "/api/profiles/{id}",
                        "/api/profiles/{id}/assignments", "/api/settings", "/api/devices/{id}/settings"))
                .body("paths.'/api/folders/{id}'.keySet()", hasItems("get", "patch", "delete"))
                .body("paths.'/api/devices/{id}'.keySet()", hasItems("get", "delete"))
                .body("paths.'/api/profiles'.post.requestBody.content.'application/json'.examples",
                        hasKey("OS 12 peer update servers"))
                .body("paths.'/api/profiles'.post.responses.'201'.content.'application/json'.schema.$ref",
                        equalTo("#/components/schemas/Profile"))
                .body("paths.'/api/profiles'.post.responses.default.content.'application/problem+json'.schema.$ref",
                        equalTo("#/components/schemas/Problem"))
                .body("paths.'/api/folders'.get.responses.keySet()", hasItems("200", "default"))
                .body("components.schemas.EffectiveConfig.properties.sources.examples", notNullValue())
                .body("components.schemas.Problem.properties.keySet()",
                        hasItems("type", "title", "status", "detail", "instance"));
    }
}
