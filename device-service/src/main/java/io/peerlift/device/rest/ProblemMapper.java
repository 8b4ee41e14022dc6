package io.peerlift.device.rest;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Every HTTP error of the API as RFC 9457 {@code application/problem+json}. */
@Provider
public class ProblemMapper implements ExceptionMapper<WebApplicationException> {

    public static final String PROBLEM_JSON = "application/problem+json";

    @Context
    UriInfo uriInfo;

    /** The problem document. */
    public record Problem(String type, String title, int status, String detail, String instance) {
    }

    @Override
    public Response toResponse(WebApplicationException exception) {
        Response.StatusType status = exception.getResponse().getStatusInfo();
        Problem problem = new Problem("about:blank", status.getReasonPhrase(), status.getStatusCode(),
                exception.getMessage(), uriInfo.getRequestUri().getPath());
        return Response.status(status).type(PROBLEM_JSON).entity(problem).build();
    }
}
