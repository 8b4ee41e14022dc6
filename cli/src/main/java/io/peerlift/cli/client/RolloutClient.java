package io.peerlift.cli.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

import static io.peerlift.cli.client.ApiClient.query;
import static io.peerlift.cli.client.ApiClient.segment;

/** rollout-service's rollouts: create, list, show, and the operator's actions on them. */
public final class RolloutClient {

    private final ApiClient api;

    public RolloutClient(ApiClient api) {
        this.api = api;
    }

    /** Newest first; the archived ones only with {@code includeArchived}. */
    public JsonNode list(boolean includeArchived) {
        return api.get("/api/rollouts" + query("includeArchived", includeArchived ? true : null));
    }

    public JsonNode get(String id) {
        return api.get("/api/rollouts/" + segment(id));
    }

    public JsonNode subnets(String id) {
        return api.get("/api/rollouts/" + segment(id) + "/subnets");
    }

    /** A page of the rollout's devices, optionally only those in {@code state}, after device id {@code after}. */
    public JsonNode devices(String id, String state, String after, Integer limit) {
        return api.get("/api/rollouts/" + segment(id) + "/devices"
                + query("state", state, "after", after, "limit", limit));
    }

    /**
     * {@code request} is rollout-service's RolloutRequest: folderId, app, version and the optional tuning;
     * {@code force} starts it past the folder's consistency errors for {@code reason}.
     */
    public JsonNode create(Map<String, Object> request, boolean force, String reason) {
        return api.post("/api/rollouts" + forced(force, reason), request);
    }

    public JsonNode start(String id, boolean force, String reason) {
        return api.post("/api/rollouts/" + segment(id) + "/start" + forced(force, reason), Map.of());
    }

    public JsonNode archive(String id) {
        return api.post("/api/rollouts/" + segment(id) + "/archive", Map.of());
    }

    private static String forced(boolean force, String reason) {
        return force ? query("force", true, "reason", reason) : "";
    }

    /** An approver's decision, {@code approve} or {@code deny}, with its remark (the audit trail keeps it). */
    public JsonNode decide(String id, String decision, String remark) {
        return api.post("/api/rollouts/" + segment(id) + "/" + decision + query("remark", remark), Map.of());
    }

    /** An operator's action: pause, resume, cancel or retry-failed. */
    public JsonNode act(String id, String action) {
        return api.post("/api/rollouts/" + segment(id) + "/" + action, Map.of());
    }

    /** The device as rollout-service's inventory knows it: its peer server, what it serves, its last event. */
    public JsonNode inventoryDevice(String deviceId) {
        return api.get("/api/devices/" + segment(deviceId));
    }

    /** How many devices rollout-service knows in the folder's tree (it learns of moves through Kafka). */
    public long devicesKnownIn(long folderId) {
        return api.get("/api/devices/count" + query("folderId", folderId)).asLong();
    }
}
