package io.peerlift.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.peerlift.events.EventCodec;
import io.peerlift.events.ReleaseSignature;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * What an admin does, through the services' public REST APIs and nothing else, with the admin's token. A non-2xx
 * answer becomes an exception carrying the problem+json {@code detail}, so the demo stops with the service's own
 * words.
 */
final class AdminClient {

    /** The longest an upload may go without an answer: generous, as a real package is gigabytes. */
    private static final Duration UPLOAD_TIMEOUT = Duration.ofMinutes(30);

    private final ObjectMapper json = EventCodec.mapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String profileUrl;
    private final String rolloutUrl;
    private final String token;

    AdminClient(String profileUrl, String rolloutUrl, String token) {
        this.profileUrl = profileUrl;
        this.rolloutUrl = rolloutUrl;
        this.token = token;
    }

    long createFolder(String name) throws IOException, InterruptedException {
        return send(post(profileUrl + "/api/folders", Map.of("name", name))).get("id").asLong();
    }

    long createProfile(String name, String osFamily, String basedOnVersion, Map<String, Object> settings)
            throws IOException, InterruptedException {
        Map<String, Object> body = Map.of("name", name, "osFamily", osFamily, "basedOnVersion", basedOnVersion,
                "priority", false, "settings", settings);
        return send(post(profileUrl + "/api/profiles", body)).get("id").asLong();
    }

    void assignProfileToFolder(long profileId, long folderId) throws IOException, InterruptedException {
        send(post(profileUrl + "/api/profiles/" + profileId + "/assignments", Map.of("folderId", folderId)));
    }

    List<JsonNode> devices() throws IOException, InterruptedException {
        List<JsonNode> devices = new ArrayList<>();
        send(HttpRequest.newBuilder(URI.create(profileUrl + "/api/devices")).GET().build()).forEach(devices::add);
        return devices;
    }

    /** How many devices rollout-service knows in the folder's tree, from the configurations profile-service published. */
    long rolloutServiceDevicesIn(long folderId) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(rolloutUrl + "/api/devices/count?folderId=" + folderId))
                .GET().build()).asLong();
    }

    /**
     * How many devices of the folder's tree rollout-service counts as running a peer server, from their events:
     * the peers its scheduler plans with. Read a page of 1,000 at a time.
     */
    long rolloutServicePeersIn(long folderId) throws IOException, InterruptedException {
        long peers = 0;
        String after = "";
        JsonNode page;
        do {
            page = send(HttpRequest.newBuilder(URI.create(rolloutUrl + "/api/devices?folderId=" + folderId
                    + "&limit=1000" + (after.isEmpty() ? "" : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8))))
                    .GET().build());
            for (JsonNode device : page) {
                peers += device.path("peerServerRunning").asBoolean() ? 1 : 0;
                after = device.path("deviceId").asText();
            }
        } while (page.size() == 1000);
        return peers;
    }

    void moveDevices(long folderId, List<String> deviceIds) throws IOException, InterruptedException {
        send(post(profileUrl + "/api/folders/" + folderId + "/devices", Map.of("deviceIds", deviceIds)));
    }

    JsonNode consistency(long folderId) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(profileUrl + "/api/folders/" + folderId + "/consistency")).GET().build());
    }

    /**
     * Streams the signed payload file to the repository; returns the manifest the repository computed. Gives up
     * with an IOException when the repository answers with an error, stops answering, or a service dies meanwhile.
     */
    JsonNode uploadApp(String app, String version, Path payload, ReleaseSignature signature,
                       BooleanSupplier servicesAlive) throws IOException, InterruptedException {
        HttpRequest upload = authenticated(HttpRequest.newBuilder(URI.create(rolloutUrl + "/api/apps/" + app + "/" + version))
                .header("Content-Type", "application/octet-stream")
                .header(ReleaseSignature.HEADER, signature.toHeader())
                .timeout(UPLOAD_TIMEOUT)
                .PUT(HttpRequest.BodyPublishers.ofFile(payload)).build());
        CompletableFuture<HttpResponse<byte[]>> response = http.sendAsync(upload, HttpResponse.BodyHandlers.ofByteArray());
        while (true) {
            try {
                checked(upload, response.get(1, TimeUnit.SECONDS));
                break;
            } catch (TimeoutException stillSending) {
                if (!servicesAlive.getAsBoolean()) {
                    response.cancel(true);
                    throw new IOException("a service died during the upload");
                }
            } catch (ExecutionException e) {
                throw new IOException(upload.method() + " " + upload.uri() + " failed: " + e.getCause(), e.getCause());
            }
        }
        return send(HttpRequest.newBuilder(URI.create(rolloutUrl + "/api/apps/" + app + "/" + version + "/manifest")).GET().build());
    }

    /** The devices a device-service hosts, as it sees them (its own {@code /api/devices}). */
    List<JsonNode> hostedDevices(String deviceServiceUrl) throws IOException, InterruptedException {
        List<JsonNode> devices = new ArrayList<>();
        send(HttpRequest.newBuilder(URI.create(deviceServiceUrl + "/api/devices")).GET().build()).forEach(devices::add);
        return devices;
    }

    /** Cuts a subnet of the simulated fleet off for {@code seconds} (its fault hook); returns when it heals. */
    Instant partition(String deviceServiceUrl, String subnet, int seconds) throws IOException, InterruptedException {
        return Instant.parse(send(post(deviceServiceUrl + "/api/fleet/partitions",
                Map.of("subnet", subnet, "seconds", seconds))).get("until").asText());
    }

    String startRollout(Map<String, Object> request) throws IOException, InterruptedException {
        return send(post(rolloutUrl + "/api/rollouts", request)).get("id").asText();
    }

    private HttpRequest post(String url, Object body) throws IOException {
        return HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body))).build();
    }

    /** Sends the request as the demo's admin (the token goes in the header, never in a log line). */
    private JsonNode send(HttpRequest unauthenticated) throws IOException, InterruptedException {
        HttpRequest request = authenticated(unauthenticated);
        return checked(request, http.send(request, HttpResponse.BodyHandlers.ofByteArray()));
    }

    private HttpRequest authenticated(HttpRequest unauthenticated) {
        return HttpRequest.newBuilder(unauthenticated, (name, value) -> true)
                .header("Authorization", "Bearer " + token).build();
    }

    private JsonNode checked(HttpRequest request, HttpResponse<byte[]> response) throws IOException {
        JsonNode body = response.body().length == 0 ? json.createObjectNode() : json.readTree(response.body());
        if (response.statusCode() / 100 != 2) {
            String detail = body.hasNonNull("detail") ? body.get("detail").asText() : new String(response.body());
            throw new IOException(request.method() + " " + request.uri() + " answered " + response.statusCode() + ": " + detail);
        }
        return body;
    }
}
