package io.peerlift.localstack;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Real tokens for tests, from one {@link LocalIssuer} per test JVM that {@link LocalStackTestResource} makes every
 * service under test trust. {@code asAdmin().get(...)} reads like the caller it is.
 */
public final class TestTokens {

    private static LocalIssuer issuer;

    private TestTokens() {
    }

    public static synchronized LocalIssuer issuer() {
        if (issuer == null) {
            try {
                issuer = LocalIssuer.create(Files.createTempDirectory("peerlift-test-issuer"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the test issuer's key", e);
            }
        }
        return issuer;
    }

    public static String token(String subject, String role) {
        return issuer().token(subject, role, Duration.ofHours(1));
    }

    public static String admin() {
        return token("test-admin", "admin");
    }

    public static String operator() {
        return token("test-operator", "operator");
    }

    public static String viewer() {
        return token("test-viewer", "viewer");
    }

    public static RequestSpecification asAdmin() {
        return as(admin());
    }

    public static RequestSpecification asOperator() {
        return as(operator());
    }

    public static RequestSpecification asViewer() {
        return as(viewer());
    }

    public static RequestSpecification as(String token) {
        return RestAssured.given().auth().oauth2(token);
    }

    /**
     * Asserts that a GET of {@code path} is refused with 401 problem+json (and a Bearer challenge) without a token,
     * with a token that is not a JWT, and with an admin's token signed by a key the service does not trust.
     */
    public static void assertRefusedWithoutAValidToken(String path) {
        RestAssured.given().get(path).then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer")
                .body("type", equalTo("urn:peerlift:problem:unauthenticated"))
                .body("detail", containsString("a bearer token is required"));
        as("not.a.token").get(path).then().statusCode(401)
                .contentType("application/problem+json")
                .body("detail", containsString("the bearer token was refused"));
        as(foreignAdminToken()).get(path).then().statusCode(401).contentType("application/problem+json");
    }

    private static String foreignAdminToken() {
        try {
            return LocalIssuer.create(Files.createTempDirectory("foreign-issuer"))
                    .token("mallory", "admin", Duration.ofMinutes(5));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a foreign issuer's key", e);
        }
    }
}
