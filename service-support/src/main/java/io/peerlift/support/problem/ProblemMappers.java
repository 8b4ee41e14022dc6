package io.peerlift.support.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/** Every refusal of every Peerlift API as an RFC 9457 problem with a detail that says what to change. */
public class ProblemMappers {

    private final CurrentIdentityAssociation identity;

    public ProblemMappers(CurrentIdentityAssociation identity) {
        this.identity = identity;
    }

    @ServerExceptionMapper
    public RestResponse<Problem> refused(ProblemException e, UriInfo uri) {
        return respond(Problem.of(e.status(), e.slug(), e.title(), e.getMessage(), path(uri), e.errors()));
    }

    @ServerExceptionMapper
    public RestResponse<Problem> unreadableBody(JsonProcessingException e, UriInfo uri) {
        return respond(Problem.of(400, "invalid-input", "Invalid input",
                "the request body is not valid JSON for this operation: " + e.getOriginalMessage(), path(uri), null));
    }

    /** Named apart because Quarkus REST's own mapper for this subclass would otherwise answer in its own format. */
    @ServerExceptionMapper
    public RestResponse<Problem> mismatchedInput(MismatchedInputException e, UriInfo uri) {
        return unreadableBody(e, uri);
    }

    /** Bean Validation on a request: each violation named by the field as the caller knows it. */
    @ServerExceptionMapper
    public RestResponse<Problem> invalid(ConstraintViolationException e, UriInfo uri) {
        List<String> violations = e.getConstraintViolations().stream()
                .map(v -> fieldOf(v.getPropertyPath().toString()) + " " + v.getMessage())
                .sorted()
                .toList();
        return respond(Problem.of(400, "invalid-input", "Invalid input", String.join("; ", violations), path(uri),
                violations));
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public RestResponse<Problem> unauthenticated(RuntimeException e, HttpHeaders headers, UriInfo uri) {
        String detail = headers.getHeaderString(HttpHeaders.AUTHORIZATION) == null
                ? "a bearer token is required (Authorization: Bearer <token> from the configured issuer)"
                : "the bearer token was refused: it is malformed, expired, or not signed by the configured issuer";
        return RestResponse.ResponseBuilder.<Problem>create(401)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .type(Problem.MEDIA_TYPE)
                .entity(Problem.of(401, "unauthenticated", "Unauthorized", detail, path(uri), null))
                .build();
    }

    @ServerExceptionMapper
    public RestResponse<Problem> forbidden(ForbiddenException e, ResourceInfo resource, UriInfo uri) {
        TreeSet<String> held = new TreeSet<>(identity.getIdentity().getRoles());
        String detail = "this needs the role " + String.join(" or ", requiredRoles(resource)) + "; the token of '"
                + identity.getIdentity().getPrincipal().getName() + "' has " + (held.isEmpty() ? "no role" : held);
        return respond(Problem.of(403, "forbidden", "Forbidden", detail, path(uri), null));
    }

    @ServerExceptionMapper
    public RestResponse<Problem> http(WebApplicationException e, ResourceInfo resource, UriInfo uri) {
        if (e.getCause() instanceof JsonProcessingException unreadable) {
            return unreadableBody(unreadable, uri);
        }
        int status = e.getResponse().getStatus();
        if (status == 404 && e.getCause() != null) {
            // A parameter did not convert: a query parameter is bad input, a path segment stays "no such resource".
            Optional<String> badQuery = UnconvertibleQuery.in(resource.getResourceMethod(), uri.getQueryParameters());
            if (badQuery.isPresent()) {
                return respond(Problem.of(400, "invalid-input", "Invalid input", badQuery.get(), path(uri),
                        List.of(badQuery.get())));
            }
        }
        String detail = switch (status) {
            case 404 -> "no resource at " + path(uri);
            case 405 -> "the method is not allowed at " + path(uri) + "; allowed: "
                    + String.join(", ", e.getResponse().getAllowedMethods());
            case 415 -> "the request body must be " + MediaType.APPLICATION_JSON;
            default -> e.getMessage();
        };
        return respond(Problem.of(status, null, e.getResponse().getStatusInfo().getReasonPhrase(), detail, path(uri),
                null));
    }

    /** The response for a problem, for mappers a service adds for its own exceptions. */
    public static RestResponse<Problem> respond(Problem problem) {
        return RestResponse.ResponseBuilder.<Problem>create(problem.status())
                .type(Problem.MEDIA_TYPE)
                .entity(problem)
                .build();
    }

    public static String path(UriInfo uri) {
        return uri.getRequestUri().getRawPath();
    }

    private static List<String> requiredRoles(ResourceInfo resource) {
        Method method = resource.getResourceMethod();
        RolesAllowed allowed = method == null ? null : method.getAnnotation(RolesAllowed.class);
        if (allowed == null && resource.getResourceClass() != null) {
            allowed = resource.getResourceClass().getAnnotation(RolesAllowed.class);
        }
        return allowed == null ? List.of("(none declared)") : Arrays.asList(allowed.value());
    }

    /** {@code create.request.folderId} names the field as the caller knows it: {@code folderId}. */
    private static String fieldOf(String propertyPath) {
        return propertyPath.substring(propertyPath.lastIndexOf('.') + 1);
    }
}
