package io.peerlift.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.peerlift.events.ReleaseSignature;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongConsumer;

import static io.peerlift.cli.client.ApiClient.segment;

/** rollout-service's app repository: the releases a rollout can spread, uploaded signed. */
public final class RepositoryClient {

    /** The longest an upload may go on: generous, as a real Base System App is gigabytes. */
    static final Duration UPLOAD_TIMEOUT = Duration.ofHours(2);

    private final ApiClient api;

    public RepositoryClient(ApiClient api) {
        this.api = api;
    }

    public JsonNode list() {
        return api.get("/api/apps");
    }

    public JsonNode manifest(String app, String version) {
        return api.get(path(app, version) + "/manifest");
    }

    /**
     * Streams the payload file to the repository with its release signature; {@code sent} hears the bytes sent
     * so far. Returns what the repository answered (the stored app).
     */
    public JsonNode upload(String app, String version, Path payload, ReleaseSignature signature, LongConsumer sent) {
        long size;
        try {
            size = Files.size(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> counting(payload, sent)), size);
        return api.send(api.request(path(app, version))
                .timeout(UPLOAD_TIMEOUT)
                .header("Content-Type", "application/octet-stream")
                .header(ReleaseSignature.HEADER, signature.toHeader())
                .PUT(body).build());
    }

    private static String path(String app, String version) {
        return "/api/apps/" + segment(app) + "/" + segment(version);
    }

    private static InputStream counting(Path payload, LongConsumer sent) {
        try {
            return new CountingInputStream(Files.newInputStream(payload), sent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + payload + ": " + e.getMessage(), e);
        }
    }
}
