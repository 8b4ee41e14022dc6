package io.peerlift.cli.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

import static io.peerlift.cli.client.ApiClient.query;
import static io.peerlift.cli.client.ApiClient.segment;

/** profile-service's REST API: folders, devices, profiles and their assignments, the consistency report. */
public final class ProfileClient {

    /** Device ids per move request: far below the services' 1 MiB body limit even for 128-character ids. */
    static final int MOVE_BATCH = 5_000;

    private final ApiClient api;

    public ProfileClient(ApiClient api) {
        this.api = api;
    }

    public JsonNode folders() {
        return api.get("/api/folders");
    }

    public JsonNode folder(long id) {
        return api.get("/api/folders/" + id);
    }

    /** A folder, with its own time zone and maintenance window ({schedule, duration}) when they are not null. */
    public JsonNode createFolder(String name, Long parentId, String timeZone, Map<String, Object> maintenanceWindow) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("parentId", parentId);
        body.put("timeZone", timeZone);
        body.put("maintenanceWindow", maintenanceWindow);
        return api.post("/api/folders", body);
    }

    /** Replaces the folder's own time zone and maintenance window; null: none of its own (inherited). */
    public JsonNode changeFolderMaintenance(long id, String timeZone, Map<String, Object> maintenanceWindow) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("timeZone", timeZone);
        body.put("maintenanceWindow", maintenanceWindow);
        return api.put("/api/folders/" + id + "/maintenance", body);
    }

    /** Renames ({@code name}) and/or moves ({@code parentId}) a folder; a null leaves that part as it is. */
    public JsonNode changeFolder(long id, String name, Long parentId) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (name != null) {
            body.put("name", name);
        }
        if (parentId != null) {
            body.put("parentId", parentId);
        }
        return api.patch("/api/folders/" + id, body);
    }

    public void deleteFolder(long id) {
        api.delete("/api/folders/" + id);
    }

    /** Replays {@code <topic>.dlq} to {@code topic} (admin). */
    public JsonNode replayDeadLetters(String topic) {
        return api.post("/api/admin/dead-letters/" + segment(topic) + "/replay", Map.of());
    }

    public JsonNode consistency(long folderId) {
        return api.get("/api/folders/" + folderId + "/consistency");
    }

    /** The devices, all or those directly in one folder and/or in one subnet (CIDR). */
    public JsonNode devices(Long folderId, String subnet) {
        return api.get("/api/devices" + query("folderId", folderId, "subnet", subnet));
    }

    public JsonNode device(String id) {
        return api.get("/api/devices/" + segment(id));
    }

    public JsonNode effectiveConfig(String deviceId) {
        return api.get("/api/devices/" + segment(deviceId) + "/effective-config");
    }

    public void deleteDevice(String id) {
        api.delete("/api/devices/" + segment(id));
    }

    /**
     * Moves the devices into the folder, {@link #MOVE_BATCH} per request (each all or nothing); returns the
     * devices as moved; {@code movedSoFar} hears the count after each request. A refused request stops the move
     * there: the earlier requests' devices stay moved.
     */
    public List<JsonNode> moveDevices(long folderId, List<String> deviceIds, IntConsumer movedSoFar) {
        List<JsonNode> moved = new ArrayList<>();
        for (int from = 0; from < deviceIds.size(); from += MOVE_BATCH) {
            List<String> batch = deviceIds.subList(from, Math.min(deviceIds.size(), from + MOVE_BATCH));
            api.post("/api/folders/" + folderId + "/devices", Map.of("deviceIds", batch)).forEach(moved::add);
            movedSoFar.accept(moved.size());
        }
        return moved;
    }

    public JsonNode profiles() {
        return api.get("/api/profiles");
    }

    public JsonNode profile(long id) {
        return api.get("/api/profiles/" + id);
    }

    /** {@code profile} holds {name, osFamily, basedOnVersion, priority, settings}. */
    public JsonNode createProfile(Map<String, Object> profile) {
        return api.post("/api/profiles", profile);
    }

    public JsonNode replaceProfile(long id, Map<String, Object> profile) {
        return api.put("/api/profiles/" + id, profile);
    }

    public void deleteProfile(long id) {
        api.delete("/api/profiles/" + id);
    }

    public JsonNode assignments(long profileId) {
        return api.get("/api/profiles/" + profileId + "/assignments");
    }

    /** Assigns the profile to a folder or to one device (exactly one of them is not null). */
    public JsonNode assign(long profileId, Long folderId, String deviceId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("folderId", folderId);
        body.put("deviceId", deviceId);
        return api.post("/api/profiles/" + profileId + "/assignments", body);
    }

    public void unassign(long profileId, Long folderId, String deviceId) {
        api.delete("/api/profiles/" + profileId + "/assignments" + query("folderId", folderId, "deviceId", deviceId));
    }

    /** The settings each OS family knows, with their types and IGEL's names. */
    public JsonNode settings() {
        return api.get("/api/settings");
    }
}
