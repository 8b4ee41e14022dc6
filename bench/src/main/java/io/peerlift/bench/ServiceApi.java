package io.peerlift.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.peerlift.events.EventCodec;
import io.peerlift.events.ReleaseSignature;
import io.peerlift.localstack.ServiceProcesses;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The REST API and Prometheus metrics of one service that {@link ServiceProcesses} runs, as a benchmark's client
 * sees them.
 */
final class ServiceApi {

    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(30);

    private final ServiceProcesses.Service service;
    /** The bearer token every request carries (health and metrics need none, but ignore it). */
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ServiceApi(ServiceProcesses.Service service, String token) {
        this.service = service;
        this.token = token;
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        return send(request(path).GET().build());
    }

    long getLong(String path) throws IOException, InterruptedException {
        return get(path).asLong();
    }

    JsonNode post(String path, Object body) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(EventCodec.mapper().writeValueAsBytes(body))).build());
    }

    /** Uploads a release, signed. */
    JsonNode put(String path, byte[] body, ReleaseSignature signature) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/octet-stream")
                .header(ReleaseSignature.HEADER, signature.toHeader())
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    /** The sum of a Prometheus metric's series whose labels contain {@code labels} (all with null). */
    double counter(String name, String labels) throws IOException, InterruptedException {
        String metrics = http.send(request("/q/metrics").build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? ([0-9.Ee+-]+)$").matcher(metrics);
        double sum = 0;
        while (matcher.find()) {
            if (labels == null || matcher.group(1) != null && matcher.group(1).contains(labels)) {
                sum += Double.parseDouble(matcher.group(2));
            }
        }
        return sum;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(service.baseUrl() + path)).timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + token);
    }

    private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() / 100 != 2) {
            throw new IOException(service.module() + ": " + request.method() + " " + request.uri() + " answered "
                    + response.statusCode() + ": " + new String(response.body()));
        }
        return response.body().length == 0 ? EventCodec.mapper().createObjectNode()
                : EventCodec.mapper().readTree(response.body());
    }
}
