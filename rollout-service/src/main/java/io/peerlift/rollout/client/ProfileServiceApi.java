package io.peerlift.rollout.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** The part of profile-service's REST API rollout-service calls. */
@Path("/api/folders")
@Produces(MediaType.APPLICATION_JSON)
public interface ProfileServiceApi {

    /** The folder's consistency report; 404 when there is no such folder. */
    @GET
    @Path("/{id}/consistency")
    ConsistencyReport consistency(@PathParam("id") long folderId,
                                  @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization);

    /** What rollout-service reads of profile-service's consistency report. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record ConsistencyReport(long folderId, boolean consistent, List<Problem> problems) {

        @JsonIgnoreProperties(ignoreUnknown = true)
        public record Problem(String code, String severity, String subnet, String message) {
        }
    }
}
