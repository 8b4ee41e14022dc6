package io.peerlift.profile.rest;

import io.peerlift.support.problem.InvalidInputException;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.RestResponse;

/** Small helpers shared by the resources. */
final class RequestBodies {

    private RequestBodies() {
    }

    /** The body, or a 400 naming the expected shape when the request had none. */
    static <T> T require(T body, String shape) {
        if (body == null) {
            throw new InvalidInputException("a JSON body " + shape + " is required");
        }
        return body;
    }

    /** 201 with the location of the created resource below the request path. */
    static <T> RestResponse<T> created(UriInfo uri, Object id, T entity) {
        return RestResponse.ResponseBuilder.<T>created(uri.getAbsolutePathBuilder().path(String.valueOf(id)).build())
                .entity(entity)
                .build();
    }
}
