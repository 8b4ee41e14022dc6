package io.peerlift.profile;

import io.peerlift.events.DeviceConfig;
import io.peerlift.events.Topics;
import io.peerlift.localstack.LocalStackTestResource;
import io.peerlift.profile.domain.FolderTree;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.peerlift.events.SettingKeys.DISCOVERY_PORT;
import static io.peerlift.localstack.TestTokens.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

/** Renaming, moving and deleting folders: the rules, the problems, and what the devices below are told. */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "profile"))
class FolderLifecycleTest {

    private final Fleet fleet = new Fleet();

    @Test
    void renamesAFolderKeepingSiblingNamesUnique() {
        long parent = Api.createFolder(fleet.id("site"), null);
        long floor = Api.createFolder("Floor 1", parent);
        Api.createFolder("Floor 2", parent);

        Api.patch("/api/folders/" + floor, Map.of("name", "  Ground floor ")).statusCode(200)
                .body("name", equalTo("Ground floor")).body("parentId", equalTo((int) parent));
        expectProblem(Api.patch("/api/folders/" + floor, Map.of("name", "floor 2")), 409,
                "folder " + parent + " already has a sub-folder named 'floor 2'");
        expectProblem(Api.patch("/api/folders/" + floor, Map.of("name", " ")), 400, "folder name is required");
        expectProblem(Api.patch("/api/folders/" + floor, Map.of()), 400,
                "a folder change names a new name, a new parentId, or both");
        expectProblem(Api.patch("/api/folders/1", Map.of("name", "All")), 409,
                "the root folder 1 'Devices' cannot be renamed or moved");
        expectProblem(Api.patch("/api/folders/999999999", Map.of("name", "x")), 404,
                "folder 999999999 does not exist");
    }

    @Test
    void movingAFolderRepublishesEveryDeviceBelowWithItsNewPathAndProfiles() {
        String device = fleet.join("d01", 2, "12.7.4");
        String elsewhere = fleet.join("d02", 3, "12.7.4");
        long site = Api.createFolder(fleet.id("site"), null);
        long room = Api.createFolder("room", site);
        long region = Api.createFolder(fleet.id("region"), null);
        long other = Api.createFolder(fleet.id("other"), null);
        Api.moveDevices(room, device);
        Api.moveDevices(other, elsewhere);
        long regional = Api.createProfile(fleet.id("regional"), "OS12", "12.7.4", false, Map.of(DISCOVERY_PORT, 22400));
        Api.assignToFolder(regional, region);

        Api.patch("/api/folders/" + site, Map.of("parentId", region)).statusCode(200)
                .body("parentId", equalTo((int) region))
                .body("path", contains(1, (int) region, (int) site));

        Api.effectiveConfig(device)
                .body("folderPath", contains(1, (int) region, (int) site, (int) room))
                .body("settings.'" + DISCOVERY_PORT + "'", equalTo(22400))
                .body("sources.'" + DISCOVERY_PORT + "'.profileId", equalTo((int) regional));
        try (TopicReader topic = new TopicReader(Topics.DEVICE_CONFIG)) {
            DeviceConfig moved = await().until(() -> last(topic.configsOf(device)),
                    c -> c != null && c.folderPath().equals(List.of(1L, region, site, room)));
            assertThat(moved.settings()).containsEntry(DISCOVERY_PORT, 22400);
            assertThat(topic.configsOf(elsewhere)).hasSize(2);
        }
    }

    @Test
    void refusesCyclesTheRootAnUnknownParentAndADuplicateNameAtTheTarget() {
        long site = Api.createFolder(fleet.id("site"), null);
        long room = Api.createFolder("room", site);
        long desk = Api.createFolder("desk", room);
        long target = Api.createFolder(fleet.id("target"), null);
        Api.createFolder("room", target);

        expectProblem(Api.patch("/api/folders/" + site, Map.of("parentId", desk)), 409,
                "folder " + site + " '" + fleet.id("site") + "' cannot move into folder " + desk + " 'desk', which "
                        + "is inside it (Devices / " + fleet.id("site") + " / room / desk)");
        expectProblem(Api.patch("/api/folders/" + site, Map.of("parentId", site)), 409,
                "folder " + site + " '" + fleet.id("site") + "' cannot move into itself");
        expectProblem(Api.patch("/api/folders/1", Map.of("parentId", site)), 409,
                "the root folder 1 'Devices' cannot be renamed or moved");
        expectProblem(Api.patch("/api/folders/" + room, Map.of("parentId", 999999999)), 404,
                "folder 999999999 does not exist");
        expectProblem(Api.patch("/api/folders/" + room, Map.of("parentId", target)), 409,
                "folder " + target + " already has a sub-folder named 'room'");
        Api.patch("/api/folders/" + room, Map.of("parentId", target, "name", "room 2")).statusCode(200)
                .body("path", contains(1, (int) target, (int) room)).body("name", equalTo("room 2"));
    }

    @Test
    void boundsTheDepthOfTheTree() {
        long parent = Api.createFolder(fleet.id("level2"), null);
        for (int level = 3; level <= FolderTree.MAX_DEPTH; level++) {
            parent = Api.createFolder("level" + level, parent);
        }
        expectProblem(folderCreation("too deep", parent), 409, "folder " + parent + " 'level32' is at level 32: "
                + "a folder below it would be deeper than 32 levels");
        long twoLevels = Api.createFolder(fleet.id("two levels"), null);
        Api.createFolder("below", twoLevels);
        long level31 = asAdmin().get("/api/folders/{id}", parent).then().extract().jsonPath().getLong("parentId");

        expectProblem(Api.patch("/api/folders/" + twoLevels, Map.of("parentId", level31)), 409,
                "moving folder " + twoLevels + " '" + fleet.id("two levels") + "' under " + level31 + " 'level31' "
                        + "would put its deepest sub-folder at level 33; at most 32 levels are allowed");
    }

    @Test
    void boundsTheDevicesOneMoveReconfigures() {
        // %test sets peerlift.profile.folders.max-devices-per-move to 5
        long full = Api.createFolder(fleet.id("full"), null);
        long target = Api.createFolder(fleet.id("target"), null);
        String[] devices = new String[6];
        for (int i = 0; i < devices.length; i++) {
            devices[i] = fleet.join("d0" + i, 10 + i, "11.11.150");
        }
        Api.moveDevices(Api.createFolder("sub", full), devices);

        expectProblem(Api.patch("/api/folders/" + full, Map.of("parentId", target)), 409,
                "folder " + full + " '" + fleet.id("full") + "' holds 6 devices in its tree; a move changes the "
                        + "configuration of at most 5 (peerlift.profile.folders.max-devices-per-move): move its "
                        + "sub-folders or devices in parts");
        asAdmin().get("/api/folders/{id}", full).then().body("parentId", equalTo(1));
    }

    @Test
    void deletesOnlyAnEmptyFolderNamingWhatIsInsideOtherwise() {
        long site = Api.createFolder(fleet.id("site"), null);
        long room = Api.createFolder("room", site);
        Api.createFolder("annex", site);
        String device = fleet.join("d01", 2, "12.7.4");
        Api.moveDevices(site, device);
        long profile = Api.createProfile(fleet.id("p"), "OS12", "12.7.4", false, Map.of());
        Api.assignToFolder(profile, room);

        expectProblem(asAdmin().delete("/api/folders/{id}", site).then(), 409, "folder " + site + " '"
                + fleet.id("site") + "' is not empty: it holds 2 sub-folder(s) (" + (room + 1) + " 'annex', " + room
                + " 'room') and 1 device(s) ('" + device + "'); move or delete them first");
        asAdmin().delete("/api/folders/{id}", room).then().statusCode(204);
        asAdmin().get("/api/folders/{id}", room).then().statusCode(404);
        asAdmin().get("/api/profiles/{id}/assignments", profile).then().statusCode(200).body("", empty());
        expectProblem(asAdmin().delete("/api/folders/1").then(), 409, "the root folder 1 'Devices' cannot be deleted");
        expectProblem(asAdmin().delete("/api/folders/999999999").then(), 404, "folder 999999999 does not exist");
    }

    private static ValidatableResponse folderCreation(String name, long parentId) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("parentId", parentId);
        return Api.post("/api/folders", body);
    }

    private static ValidatableResponse expectProblem(ValidatableResponse response, int status, String detail) {
        return response.statusCode(status).contentType("application/problem+json").body("detail", equalTo(detail));
    }

    private static DeviceConfig last(List<DeviceConfig> configs) {
        return configs.isEmpty() ? null : configs.get(configs.size() - 1);
    }
}
