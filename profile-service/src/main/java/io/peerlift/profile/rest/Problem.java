package io.peerlift.profile.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.net.URI;
import java.util.List;

/**
 * An RFC 9457 problem detail; {@code errors} lists each violation of a rejected input. Its OpenAPI schema is
 * written by {@link ProblemResponsesFilter}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(URI type, String title, int status, String detail, URI instance, List<String> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
}
