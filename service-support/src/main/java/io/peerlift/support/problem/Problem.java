package io.peerlift.support.problem;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.net.URI;
import java.util.List;

/**
 * An RFC 9457 problem detail, the one error format of every Peerlift API; {@code errors} lists each violation of a
 * rejected input. {@code type} is {@code urn:peerlift:problem:<slug>} for Peerlift's own refusals and
 * {@code about:blank} where the HTTP status says it all.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(URI type, String title, int status, String detail, URI instance, List<String> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String TYPE_PREFIX = "urn:peerlift:problem:";

    /** A problem of type {@code urn:peerlift:problem:<slug>}, or {@code about:blank} for a null slug. */
    public static Problem of(int status, String slug, String title, String detail, String path, List<String> errors) {
        return new Problem(slug == null ? URI.create("about:blank") : URI.create(TYPE_PREFIX + slug), title, status,
                detail, path == null ? null : URI.create(path), errors == null || errors.isEmpty() ? null : errors);
    }
}
