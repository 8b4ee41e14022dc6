package io.peerlift.profile;

import io.peerlift.events.Limits;
import io.peerlift.localstack.LocalStackTestResource;
import io.peerlift.localstack.SchemaColumns;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.peerlift.localstack.TestTokens.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Bad input gets 400, 413 or 414 problem+json saying what was wrong, never a 500; the schema holds the shared
 * limits. A path segment that cannot be an id stays 404: there is no such resource.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "profile"))
class BadInputTest {

    @Test
    void malformedJsonIs400ProblemJson() {
        asAdmin().contentType(ContentType.JSON).body("{\"name\": ").post("/api/folders").then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:peerlift:problem:invalid-input"))
                .body("detail", containsString("the request body is not valid JSON"));
    }

    @Test
    void jsonOfTheWrongShapeIs400ProblemJson() {
        asAdmin().contentType(ContentType.JSON).body("{\"name\": {\"nested\": 1}}").post("/api/folders").then()
                .statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:peerlift:problem:invalid-input"))
                .body("detail", containsString("the request body is not valid JSON for this operation"));
    }

    @Test
    void aBodyOfTheWrongKindIs400ProblemJson() {
        asAdmin().contentType(ContentType.JSON).body("[1]").post("/api/folders").then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("the request body is not valid JSON for this operation"));
    }

    @Test
    void aNulOrAControlCharacterInANameOrIdIs400() {
        asAdmin().contentType(ContentType.JSON).body(Map.of("name", "Ber\u0000lin")).post("/api/folders")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", equalTo("folder name 'Ber\\u0000lin' contains the control character U+0000 at "
                        + "position 3; control characters are not allowed"));
        asAdmin().contentType(ContentType.JSON)
                .body(Api.profile("line\nbreak", "OS12", "12.7.4", false, Map.of())).post("/api/profiles")
                .then().statusCode(400).body("detail", containsString("U+000A"));
        asAdmin().urlEncodingEnabled(false).get("/api/devices/dev%00ice").then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("contains the control character U+0000"));
        asAdmin().urlEncodingEnabled(false).get("/api/devices?subnet=10.1.2.0%2F24%00").then().statusCode(400);
    }

    /** A device id in a body goes to a query: with a NUL it was a 500 (PostgreSQL refuses 0x00 in text). */
    @Test
    void aNulInADeviceIdOfABodyIs400() {
        long folder = Api.createFolder("bad-input-" + UUID.randomUUID(), null);
        long profile = Api.createProfile("bad-input-" + UUID.randomUUID(), "OS12", "12.7.4", false, Map.of());
        asAdmin().contentType(ContentType.JSON).body(Map.of("deviceIds", List.of("s1-d01", "dev\u0000ice")))
                .post("/api/folders/" + folder + "/devices")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", equalTo("device id 'dev\\u0000ice' contains the control character U+0000 at "
                        + "position 3; white space and control characters are not allowed"));
        asAdmin().contentType(ContentType.JSON).body(Map.of("deviceId", "dev\u0000ice"))
                .post("/api/profiles/" + profile + "/assignments")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("contains the control character U+0000"));
        asAdmin().contentType(ContentType.JSON).body(Map.of("deviceIds", List.of("d".repeat(Limits.MAX_DEVICE_ID_LENGTH + 1))))
                .post("/api/folders/" + folder + "/devices")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("has 129 characters; at most 128 are allowed"));
    }

    @Test
    void aQueryParameterItsTypeCannotHoldIs400NamingItWhileAPathSegmentThatCannotBeAnIdIs404() {
        asAdmin().queryParam("folderId", "abc").get("/api/devices").then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:peerlift:problem:invalid-input"))
                .body("detail", equalTo("the query parameter folderId is 'abc', not an integer"))
                .body("errors", equalTo(List.of("the query parameter folderId is 'abc', not an integer")));
        asAdmin().queryParam("page", "1e3").get("/api/audit").then().statusCode(400)
                .body("detail", equalTo("the query parameter page is '1e3', not an integer"));
        // One method, a typed path and a typed query parameter: whichever cannot convert decides.
        long profile = Api.createProfile("bad-input-" + UUID.randomUUID(), "OS12", "12.7.4", false, Map.of());
        asAdmin().queryParam("folderId", "root").delete("/api/profiles/" + profile + "/assignments").then()
                .statusCode(400).body("detail", equalTo("the query parameter folderId is 'root', not an integer"));
        asAdmin().queryParam("folderId", 1).delete("/api/profiles/abc/assignments").then().statusCode(404)
                .contentType("application/problem+json")
                .body("detail", equalTo("no resource at /api/profiles/abc/assignments"));
        asAdmin().get("/api/folders/abc").then().statusCode(404).contentType("application/problem+json")
                .body("detail", equalTo("no resource at /api/folders/abc"));
    }

    @Test
    void aRequestLineOver4KiBIs414ProblemJson() {
        asAdmin().queryParam("subnet", "1".repeat(5000)).get("/api/devices").then().statusCode(414)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:peerlift:problem:uri-too-long"))
                .body("detail", containsString("at most 4096 are accepted"));
    }

    @Test
    void aBodyOverOneMebibyteIs413() {
        String name = "x".repeat(Limits.MAX_REQUEST_BODY_BYTES);
        asAdmin().contentType(ContentType.JSON).body(Map.of("name", name)).post("/api/folders").then()
                .statusCode(413).contentType("application/problem+json")
                .body("detail", containsString("at most 1048576 are accepted here"));
    }

    @Test
    void everyDeviceIdAndNameColumnHasTheSharedLength() throws SQLException {
        Map<String, Integer> columns = SchemaColumns.characterColumns(LocalStackTestResource.shared().jdbcUrl("profile"));

        assertThat(columns).containsEntry("device.id", Limits.MAX_DEVICE_ID_LENGTH)
                .containsEntry("folder.name", Limits.MAX_NAME_LENGTH)
                .containsEntry("profile.name", Limits.MAX_NAME_LENGTH);
        columns.forEach((column, length) -> {
            if (column.endsWith(".device_id")) {
                assertThat(length).as(column).isEqualTo(Limits.MAX_DEVICE_ID_LENGTH);
            }
        });
    }
}
