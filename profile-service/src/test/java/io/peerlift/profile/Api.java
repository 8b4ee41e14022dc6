package io.peerlift.profile;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.peerlift.localstack.TestTokens.asAdmin;

/** The REST calls of an operator, for tests; each asserts success and returns what the next step needs. */
final class Api {

    private Api() {
    }

    static long createFolder(String name, Long parentId) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("parentId", parentId);
        return post("/api/folders", body).statusCode(201).extract().jsonPath().getLong("id");
    }

    static void moveDevices(long folderId, String... deviceIds) {
        post("/api/folders/" + folderId + "/devices", Map.of("deviceIds", List.of(deviceIds))).statusCode(200);
    }

    static long createProfile(String name, String osFamily, String basedOnVersion, boolean priority,
                              Map<String, Object> settings) {
        return post("/api/profiles", profile(name, osFamily, basedOnVersion, priority, settings))
                .statusCode(201).extract().jsonPath().getLong("id");
    }

    static Map<String, Object> profile(String name, String osFamily, String basedOnVersion, boolean priority,
                                       Map<String, Object> settings) {
        return Map.of("name", name, "osFamily", osFamily, "basedOnVersion", basedOnVersion, "priority", priority,
                "settings", settings);
    }

    static void assignToFolder(long profileId, long folderId) {
        post("/api/profiles/" + profileId + "/assignments", Map.of("folderId", folderId)).statusCode(201);
    }

    static void assignToDevice(long profileId, String deviceId) {
        post("/api/profiles/" + profileId + "/assignments", Map.of("deviceId", deviceId)).statusCode(201);
    }

    static ValidatableResponse effectiveConfig(String deviceId) {
        return asAdmin().get("/api/devices/{id}/effective-config", deviceId).then().statusCode(200);
    }

    static ValidatableResponse patch(String path, Object body) {
        return asAdmin().contentType(ContentType.JSON).body(body).patch(path).then();
    }

    static ValidatableResponse post(String path, Object body) {
        return asAdmin().contentType(ContentType.JSON).body(body).post(path).then();
    }
}
