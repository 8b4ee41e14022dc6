package io.peerlift.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.peerlift.events.EventCodec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.StringJoiner;

/**
 * JSON over HTTP to one Peerlift service with a bearer token: a 2xx answer is its JSON body, anything else an
 * {@link ApiException} with the service's problem+json, and a service that cannot be reached a
 * {@link ServiceUnreachableException}. The token goes into the Authorization header only, never into a message.
 */
public final class ApiClient {

    static final Duration CALL_TIMEOUT = Duration.ofMinutes(2);

    private final ObjectMapper json = EventCodec.mapper();
    private final HttpClient http;
    private final String service;
    private final String baseUrl;
    private final String token;

    public ApiClient(HttpClient http, String service, String baseUrl, String token) {
        this.http = http;
        this.service = service;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.token = token;
    }

    public static HttpClient newHttpClient() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    public ObjectMapper json() {
        return json;
    }

    public JsonNode get(String path) {
        return send(request(path).GET().build());
    }

    public JsonNode post(String path, Object body) {
        return send(request(path).header("Content-Type", "application/json").POST(jsonBody(body)).build());
    }

    public JsonNode put(String path, Object body) {
        return send(request(path).header("Content-Type", "application/json").PUT(jsonBody(body)).build());
    }

    public JsonNode patch(String path, Object body) {
        return send(request(path).header("Content-Type", "application/json").method("PATCH", jsonBody(body)).build());
    }

    public JsonNode delete(String path) {
        return send(request(path).DELETE().build());
    }

    /** A request to {@code path} of this service, with the token; the caller adds the method and body. */
    public HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(CALL_TIMEOUT)
                .header("Accept", "application/json, application/problem+json");
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    /** Sends the request and returns the JSON of a 2xx answer (an empty object for an empty body). */
    public JsonNode send(HttpRequest request) {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new ServiceUnreachableException(service, baseUrl, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceUnreachableException(service, baseUrl, e);
        }
        return answer(request.method() + " " + request.uri(), response.statusCode(), response.body());
    }

    JsonNode answer(String call, int status, byte[] body) {
        JsonNode parsed = parse(body);
        if (status / 100 == 2) {
            return parsed == null ? json.createObjectNode() : parsed;
        }
        ObjectNode problem = parsed instanceof ObjectNode object ? object : json.createObjectNode();
        if (parsed == null && body.length > 0) {
            problem.put("detail", new String(body, StandardCharsets.UTF_8).strip());
        }
        if (!problem.has("status")) {
            problem.put("status", status);
        }
        if (status == 401 && token == null) {
            problem.put("detail", problem.path("detail").asText("a bearer token is required")
                    + "; give one with --token, PEERLIFT_TOKEN or --token-file (bin/demo writes var/demo/admin.token)");
        }
        throw new ApiException(call, status, problem);
    }

    private JsonNode parse(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            return json.readTree(body);
        } catch (IOException notJson) {
            return null;
        }
    }

    private HttpRequest.BodyPublisher jsonBody(Object body) {
        try {
            return HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code ?a=1&b=x} of the name/value pairs whose value is not null, URL-encoded; empty when there are none.
     */
    public static String query(Object... namesAndValues) {
        StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) {
                query.add(namesAndValues[i] + "=" + URLEncoder.encode(String.valueOf(namesAndValues[i + 1]),
                        StandardCharsets.UTF_8));
            }
        }
        return query.toString();
    }

    /** One path segment, URL-encoded (device ids and app names are the caller's). */
    public static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
