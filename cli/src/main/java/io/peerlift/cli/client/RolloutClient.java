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

    public JsonNode list() {
        return api.get("/api/rollouts");
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

    /** {@code request} is rollout-service's RolloutRequest: folderId, app, version and the optional tuning. */
    public JsonNode create(Map<String, Object> request) {
        return api.post("/api/rollouts", request);
    }

    /** An operator's action: start, pause, resume or cancel. */
    public JsonNode act(String id, String action) {
        return api.post("/api/rollouts/" + segment(id) + "/" + action, Map.of());
    }

    /** How many devices rollout-service knows in the folder's tree (it learns of moves through Kafka). */
    public long devicesKnownIn(long folderId) {
        return api.get("/api/devices/count" + query("folderId", folderId)).asLong();
    }
}
