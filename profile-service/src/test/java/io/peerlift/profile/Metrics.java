package io.peerlift.profile;

import static io.restassured.RestAssured.given;

/** Reads one sample from the Prometheus endpoint, as a scraper would. */
final class Metrics {

    private Metrics() {
    }

    /** The value of the first sample whose name and labels start with {@code series}, or 0 if there is none yet. */
    static double value(String series) {
        String body = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return body.lines()
                .filter(line -> line.startsWith(series))
                .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElse(0.0);
    }
}
