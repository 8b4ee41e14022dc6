package io.peerlift.profile.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.net.URI;
import java.util.List;

/** An RFC 9457 problem detail; {@code errors} lists each violation of a rejected input. */
@Schema(name = "Problem", description = "RFC 9457 problem detail (application/problem+json)")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
        @Schema(example = "urn:peerlift:problem:invalid-input") URI type,
        @Schema(example = "Invalid input") String title,
        @Schema(example = "400") int status,
        @Schema(example = "OS 12 profiles must be based on 12.7.4 or higher, got 12.6.0") String detail,
        @Schema(example = "/api/profiles") URI instance,
        @Schema(example = "[\"OS 12 profiles must be based on 12.7.4 or higher, got 12.6.0\"]") List<String> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
}
