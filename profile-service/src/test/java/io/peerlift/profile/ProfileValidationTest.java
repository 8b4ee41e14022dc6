package io.peerlift.profile;

import io.peerlift.localstack.LocalStackTestResource;
import io.peerlift.events.SettingKeys;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.peerlift.events.SettingKeys.DISCOVERY_ENABLED;
import static io.peerlift.events.SettingKeys.DISCOVERY_PORT;
import static io.peerlift.events.SettingKeys.DOWNLOAD_SERVER_PORT;
import static io.peerlift.events.SettingKeys.PEER_SERVER_ENABLED;
import static io.peerlift.events.SettingKeys.PEER_SERVER_LIMIT;
import static io.peerlift.events.SettingKeys.PEER_SERVER_PORT;
import static io.peerlift.localstack.TestTokens.asAdmin;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

/** Every rejected input: its status, and a problem+json whose detail names the key, the value and the rule. */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "profile"))
class ProfileValidationTest {

    private final Fleet fleet = new Fleet();

    static Stream<Arguments> invalidProfiles() {
        return Stream.of(
                Arguments.of("OS12", "12.7.4", Map.of("update.peer_server.speed", 3),
                        "unknown OS 12 setting 'update.peer_server.speed' = 3; known settings: "
                                + "update.discovery.enabled, update.discovery.port, peerlift.buddy_server.enabled, "
                                + "peerlift.buddy_server.port, update.buddy_server.limit_of_connections, "
                                + "peerlift.buddy_server.https_enabled, peerlift.buddy_server.https_port, "
                                + "peerlift.peer_download.http_allowed, peerlift.update.wan_without_discovery"),
                Arguments.of("OS12", "12.7.4", Map.of("update.peer_server.limit_of_connections", 2),
                        "setting 'update.peer_server.limit_of_connections' is now named "
                                + "'update.buddy_server.limit_of_connections' (IGEL's registry key); send 2 under "
                                + "the new name"),
                Arguments.of("OS12", "12.7.4", Map.of("update.peer_server.enabled", true),
                        "setting 'update.peer_server.enabled' is now named 'peerlift.buddy_server.enabled' "
                                + "(Peerlift's own key: IGEL documents no registry key for it); send true under the "
                                + "new name"),
                Arguments.of("OS11", "11.11.150", Map.of(PEER_SERVER_ENABLED, true),
                        "unknown OS 11 setting 'peerlift.buddy_server.enabled' = true; known settings: "
                                + "update.discovery.enabled, update.discovery.port, "
                                + "update.discovery.download_server_port, peerlift.peer_download.http_allowed, "
                                + "peerlift.update.wan_without_discovery"),
                Arguments.of("OS11", "11.11.150", Map.of(SettingKeys.WAN_WITHOUT_DISCOVERY, "yes"),
                        "setting 'peerlift.update.wan_without_discovery' must be true or false, got \"yes\""),
                Arguments.of("OS12", "12.7.4", Map.of(DISCOVERY_ENABLED, "yes"),
                        "setting 'update.discovery.enabled' must be true or false, got \"yes\""),
                Arguments.of("OS12", "12.7.4", Map.of(DISCOVERY_PORT, "22336"),
                        "setting 'update.discovery.port' must be a whole number, got \"22336\""),
                Arguments.of("OS12", "12.7.4", Map.of(PEER_SERVER_PORT, 22335.5),
                        "setting 'peerlift.buddy_server.port' must be a whole number, got 22335.5"),
                Arguments.of("OS12", "12.7.4", Map.of(DISCOVERY_PORT, 0),
                        "setting 'update.discovery.port' = 0 is out of range: a port must be between 1 and 65535"),
                Arguments.of("OS11", "11.11.150", Map.of(DOWNLOAD_SERVER_PORT, 65536),
                        "setting 'update.discovery.download_server_port' = 65536 is out of range: a port must be "
                                + "between 1 and 65535"),
                Arguments.of("OS12", "12.7.4", Map.of(PEER_SERVER_LIMIT, 0),
                        "setting 'update.buddy_server.limit_of_connections' = 0 is out of range: must be at least 1"),
                Arguments.of("OS12", "12.7.4", Map.of(DISCOVERY_PORT, 22400, PEER_SERVER_PORT, 22400),
                        "setting 'update.discovery.port' = 22400 must differ from 'peerlift.buddy_server.port' = 22400: "
                                + "a device cannot use one port for discovery and for peer downloads"),
                Arguments.of("OS12", "12.9.0", Map.of(SettingKeys.PEER_SERVER_HTTPS_PORT, 22335),
                        "setting 'peerlift.buddy_server.https_port' = 22335 must differ from "
                                + "'peerlift.buddy_server.port' = 22335 (its default): the HTTPS peer update server "
                                + "needs a port of its own"),
                Arguments.of("OS12", "12.9.0", Map.of(SettingKeys.PEER_SERVER_HTTPS_ENABLED, true, DISCOVERY_PORT, 22337),
                        "setting 'peerlift.buddy_server.https_port' = 22337 (its default) must differ from "
                                + "'update.discovery.port' = 22337: the HTTPS peer update server needs a port of its "
                                + "own"),
                Arguments.of("OS11", "11.11.150", Map.of(DISCOVERY_PORT, 22335),
                        "setting 'update.discovery.port' = 22335 must differ from "
                                + "'update.discovery.download_server_port' = 22335 (its default): a device cannot use "
                                + "one port for discovery and for peer downloads"),
                Arguments.of("OS11", "11.11.100", Map.of(),
                        "OS 11 profiles must be based on 11.11.150 or higher, got 11.11.100"),
                Arguments.of("OS12", "12.7.3", Map.of(),
                        "OS 12 profiles must be based on 12.7.4 or higher, got 12.7.3"),
                Arguments.of("OS11", "12.7.4", Map.of(),
                        "OS 11 profiles must be based on an OS 11 version, got 12.7.4"),
                Arguments.of("OS12", "12.x", Map.of(),
                        "basedOnVersion: OS version '12.x' has an invalid part 'x' at position 2; each part must be "
                                + "a decimal number"),
                Arguments.of("OS13", "12.7.4", Map.of(), "osFamily must be OS11 or OS12, got 'OS13'"));
    }

    @ParameterizedTest
    @MethodSource("invalidProfiles")
    void rejectsAnInvalidProfileNamingKeyValueAndRule(String family, String basedOn, Map<String, Object> settings,
                                                       String detail) {
        expectProblem(Api.post("/api/profiles", Api.profile(fleet.id("p"), family, basedOn, false, settings)),
                400, detail).body("errors", contains(detail));
        asAdmin().get("/api/profiles").then().body("name", not(hasItem(fleet.id("p"))));
    }

    @Test
    void listsEveryKeyMarkingIgelsRegistryKeysAndPeerliftsOwn() {
        asAdmin().get("/api/settings").then().statusCode(200)
                .body("findAll { it.osFamily == 'OS12' }.key", contains(DISCOVERY_ENABLED, DISCOVERY_PORT,
                        PEER_SERVER_ENABLED, PEER_SERVER_PORT, PEER_SERVER_LIMIT, SettingKeys.PEER_SERVER_HTTPS_ENABLED,
                        SettingKeys.PEER_SERVER_HTTPS_PORT, SettingKeys.PEER_DOWNLOAD_HTTP_ALLOWED,
                        SettingKeys.WAN_WITHOUT_DISCOVERY))
                .body("findAll { it.osFamily == 'OS11' }.key", contains(DISCOVERY_ENABLED, DISCOVERY_PORT,
                        DOWNLOAD_SERVER_PORT, SettingKeys.PEER_DOWNLOAD_HTTP_ALLOWED, SettingKeys.WAN_WITHOUT_DISCOVERY))
                .body("findAll { it.keyOrigin == 'PEERLIFT' && it.osFamily == 'OS12' }.key", contains(
                        PEER_SERVER_ENABLED, PEER_SERVER_PORT, SettingKeys.PEER_SERVER_HTTPS_ENABLED,
                        SettingKeys.PEER_SERVER_HTTPS_PORT, SettingKeys.PEER_DOWNLOAD_HTTP_ALLOWED,
                        SettingKeys.WAN_WITHOUT_DISCOVERY))
                .body("find { it.key == '" + SettingKeys.PEER_SERVER_HTTPS_PORT + "' }.defaultValue", equalTo(22337))
                .body("find { it.key == '" + PEER_SERVER_LIMIT + "' }.igel", startsWith("registry key"))
                .body("find { it.key == '" + PEER_SERVER_LIMIT + "' }.minimum", equalTo(1))
                .body("find { it.key == '" + PEER_SERVER_PORT + "' }.igel", equalTo("System > Update > "
                        + "Distributed Peer Update Server > Port of the HTTP Distributed Peer Update Server"))
                .body("find { it.key == '" + PEER_SERVER_ENABLED + "' }.defaultValue", equalTo(false));
    }

    @Test
    void reportsEveryViolationOfAProfileAtOnce() {
        Map<String, Object> settings = Map.of(DISCOVERY_PORT, 70000, PEER_SERVER_ENABLED, 1);
        Api.post("/api/profiles", Api.profile(fleet.id("p"), "OS12", "12.6", false, settings))
                .statusCode(400)
                .body("errors", containsInAnyOrder(
                        "OS 12 profiles must be based on 12.7.4 or higher, got 12.6",
                        "setting 'update.discovery.port' = 70000 is out of range: a port must be between 1 and 65535",
                        "setting 'peerlift.buddy_server.enabled' must be true or false, got 1"));
    }

    @Test
    void rejectsAMissingNameAndBody() {
        expectProblem(Api.post("/api/profiles", Map.of("osFamily", "OS12", "basedOnVersion", "12.7.4")), 400,
                "profile name is required");
        expectProblem(asAdmin().contentType(ContentType.JSON).post("/api/profiles").then(), 400,
                "a JSON body {name, osFamily, basedOnVersion, priority?, settings} is required");
        expectProblem(asAdmin().contentType(ContentType.JSON).body("{\"name\": ").post("/api/profiles").then(), 400,
                null).body("detail", startsWith("the request body is not valid JSON for this operation"));
    }

    @Test
    void rejectsADuplicateProfileNameWithConflict() {
        Api.createProfile(fleet.id("same"), "OS12", "12.7.4", false, Map.of());
        expectProblem(Api.post("/api/profiles", Api.profile(fleet.id("same").toUpperCase(), "OS11", "11.11.150", false,
                Map.of())), 409, "a profile named '" + fleet.id("same").toUpperCase() + "' already exists");
    }

    @Test
    void updateValidatesLikeCreateAndUnknownProfilesAreNotFound() {
        long id = Api.createProfile(fleet.id("p"), "OS12", "12.7.4", false, Map.of());
        expectProblem(asAdmin().contentType(ContentType.JSON)
                        .body(Api.profile(fleet.id("p"), "OS12", "12.7.4", false, Map.of(PEER_SERVER_LIMIT, -1)))
                        .put("/api/profiles/{id}", id).then(), 400,
                "setting 'update.buddy_server.limit_of_connections' = -1 is out of range: must be at least 1");
        expectProblem(asAdmin().get("/api/profiles/999999999").then(), 404, "profile 999999999 does not exist");
        expectProblem(asAdmin().delete("/api/profiles/999999999").then(), 404, "profile 999999999 does not exist");
    }

    @Test
    void rejectsInvalidAssignments() {
        long profile = Api.createProfile(fleet.id("p"), "OS12", "12.7.4", false, Map.of());
        String assignments = "/api/profiles/" + profile + "/assignments";
        expectProblem(Api.post(assignments, Map.of("folderId", 1, "deviceId", "x")), 400,
                "an assignment names exactly one of folderId or deviceId, got both");
        expectProblem(Api.post(assignments, Map.of()), 400,
                "an assignment names exactly one of folderId or deviceId, got neither");
        expectProblem(Api.post(assignments, Map.of("folderId", 999999999)), 404, "folder 999999999 does not exist");
        expectProblem(Api.post(assignments, Map.of("deviceId", fleet.id("ghost"))), 404,
                "device '" + fleet.id("ghost") + "' does not exist");
        Api.assignToFolder(profile, 1);
        expectProblem(Api.post(assignments, Map.of("folderId", 1)), 409,
                "profile " + profile + " is already assigned to folder 1");
        expectProblem(asAdmin().delete(assignments + "?deviceId=" + fleet.id("ghost")).then(), 404,
                "profile " + profile + " is not assigned to device '" + fleet.id("ghost") + "'");
        asAdmin().delete(assignments + "?folderId=1").then().statusCode(204);
        asAdmin().get(assignments).then().statusCode(200).body("$", empty());
    }

    @Test
    void rejectsInvalidFoldersAndMoves() {
        long folder = Api.createFolder(fleet.id("f"), null);
        expectProblem(Api.post("/api/folders", Map.of("name", fleet.id("f").toUpperCase())), 409,
                "folder 1 already has a sub-folder named '" + fleet.id("f").toUpperCase() + "'");
        expectProblem(Api.post("/api/folders", Map.of("name", " ")), 400, "folder name is required");
        expectProblem(Api.post("/api/folders", Map.of("name", "x", "parentId", 999999999)), 404,
                "folder 999999999 does not exist");
        expectProblem(asAdmin().get("/api/folders/999999999").then(), 404, "folder 999999999 does not exist");

        String device = fleet.join("d01", 2, "11.11.150");
        expectProblem(Api.post("/api/folders/" + folder + "/devices",
                        Map.of("deviceIds", List.of(device, fleet.id("ghost")))), 404,
                "no device moved: unknown device(s) " + fleet.id("ghost"));
        asAdmin().get("/api/devices/{id}", device).then().body("folderId", equalTo(1));
        expectProblem(Api.post("/api/folders/" + folder + "/devices", Map.of("deviceIds", List.of())), 400,
                "deviceIds must list at least one device");
        expectProblem(asAdmin().get("/api/devices?subnet=10.1.2.3/24").then(), 400,
                "subnet '10.1.2.3/24' has host bits set; did you mean 10.1.2.0/24?");
        expectProblem(asAdmin().get("/api/devices/{id}", fleet.id("ghost")).then(), 404,
                "device '" + fleet.id("ghost") + "' does not exist");
    }

    @Test
    void unknownPathsMethodsAndMediaTypesAreProblemsToo() {
        expectHttpProblem(asAdmin().get("/api/folders/not-a-number").then(), 404)
                .body("detail", equalTo("no resource at /api/folders/not-a-number"));
        expectHttpProblem(asAdmin().delete("/api/folders").then(), 405)
                .body("detail", startsWith("the method is not allowed at /api/folders; allowed: "));
        expectHttpProblem(asAdmin().contentType(ContentType.TEXT).body("x").post("/api/folders").then(), 415)
                .body("detail", equalTo("the request body must be application/json"));
    }

    private static ValidatableResponse expectProblem(ValidatableResponse response, int status, String detail) {
        response.statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("type", startsWith("urn:peerlift:problem:"))
                .body("title", notNullValue())
                .body("instance", startsWith("/api/"));
        if (detail != null) {
            response.body("detail", equalTo(detail));
        }
        return response;
    }

    /** A problem of HTTP itself (no such route, method or media type): type about:blank, title the reason. */
    private static ValidatableResponse expectHttpProblem(ValidatableResponse response, int status) {
        return response.statusCode(status)
                .contentType("application/problem+json")
                .body("status", equalTo(status))
                .body("type", equalTo("about:blank"))
                .body("title", notNullValue());
    }
}
