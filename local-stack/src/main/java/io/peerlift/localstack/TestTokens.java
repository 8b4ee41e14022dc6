package io.peerlift.localstack;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;

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
}
