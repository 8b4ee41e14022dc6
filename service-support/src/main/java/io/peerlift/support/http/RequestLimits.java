package io.peerlift.support.http;

import io.peerlift.events.Limits;
import io.peerlift.support.problem.Problem;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Refuses, before any resource runs, what no route of a Peerlift service takes: a request line over
 * {@link HttpLimitsConfig#maxRequestLineLength()} (414), a body over {@link HttpLimitsConfig#maxBodySize()} on a
 * route that is not an upload (413; a body of unknown length there gets 411, since it could be of any size), and a
 * path or query holding a control character such as NUL (400), which would otherwise reach the database. Each as
 * problem+json.
 */
@ApplicationScoped
public class RequestLimits {

    /** The protocol version and the two spaces of a request line around its method and URI. */
    private static final int REQUEST_LINE_FRAME = " HTTP/1.1".length() + 1;

    private final int maxRequestLineLength;
    private final long maxBodySize;
    private final List<Pattern> uploadPaths;

    public RequestLimits(HttpLimitsConfig config) {
        this.maxRequestLineLength = config.maxRequestLineLength();
        this.maxBodySize = config.maxBodySize();
        this.uploadPaths = config.uploadPaths().orElse(List.of()).stream().map(Pattern::compile).toList();
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::check);
    }

    private void check(RoutingContext ctx) {
        int requestLine = ctx.request().method().name().length() + ctx.request().uri().length() + REQUEST_LINE_FRAME;
        if (requestLine > maxRequestLineLength) {
            ctx.response().putHeader(HttpHeaders.CONNECTION, "close"); // a body, if any, is not read
            // No instance: the problem is the URI itself, not worth sending back.
            refuse(ctx, 414, "uri-too-long", "URI Too Long", null, "the request line has " + requestLine
                    + " characters; at most " + maxRequestLineLength + " are accepted (a URI of "
                    + ctx.request().uri().length() + ": put long selections in a request body)");
            return;
        }
        String rawPath = ctx.request().path();
        String controlIn = controlCharacterIn(rawPath, ctx.request().query());
        if (controlIn != null) {
            refuse(ctx, 400, "invalid-input", "Invalid input", rawPath, controlIn);
            return;
        }
        if (carriesBody(ctx.request().method()) && !isUpload(rawPath)) {
            String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length == null && ctx.request().getHeader(HttpHeaders.TRANSFER_ENCODING) != null) {
                refuse(ctx, 411, "length-required", "Length Required", rawPath, "a request body here must declare its "
                        + "Content-Length (at most " + maxBodySize + " bytes)");
                return;
            }
            if (length != null && exceeds(length)) {
                ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
                refuse(ctx, 413, "body-too-large", "Content Too Large", rawPath, "the request body has " + length
                        + " bytes; at most " + maxBodySize + " are accepted here");
                return;
            }
        }
        ctx.next();
    }

    private boolean exceeds(String contentLength) {
        try {
            return Long.parseLong(contentLength.trim()) > maxBodySize;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private boolean isUpload(String path) {
        return uploadPaths.stream().anyMatch(p -> p.matcher(path).matches());
    }

    private static boolean carriesBody(HttpMethod method) {
        return method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH;
    }

    /** What is wrong with the path or query, or null when neither holds a control character. */
    static String controlCharacterIn(String rawPath, String rawQuery) {
        for (String[] part : new String[][]{{"path", rawPath}, {"query", rawQuery}}) {
            if (part[1] == null) {
                continue;
            }
            String decoded;
            try {
                decoded = URLDecoder.decode(part[1].replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return "the request " + part[0] + " has a malformed percent-encoding: " + e.getMessage();
            }
            int at = Limits.firstControlCharacter(decoded);
            if (at >= 0) {
                return "the request " + part[0] + " '" + Limits.printable(decoded) + "' contains the control "
                        + "character " + String.format("U+%04X", (int) decoded.charAt(at))
                        + "; names and ids cannot hold control characters";
            }
        }
        return null;
    }

    private static void refuse(RoutingContext ctx, int status, String slug, String title, String instance,
                               String detail) {
        Problem problem = Problem.of(status, slug, title, detail, instance, null);
        ctx.response().setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(Json.encode(problem));
    }
}
