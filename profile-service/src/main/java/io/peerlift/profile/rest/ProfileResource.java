package io.peerlift.profile.rest;

import io.peerlift.profile.domain.Profile;
import io.peerlift.profile.domain.ProfileAssignment;
import io.peerlift.profile.service.ProfileService.AssignmentTarget;
import io.peerlift.profile.service.ProfileService;
import io.peerlift.support.audit.Audited;
import io.peerlift.support.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import java.util.List;

@RolesAllowed(Roles.VIEWER)
@Audited
@Path("/api/profiles")
@Tag(name = "Profiles")
public class ProfileResource {

    private static final String PROFILE_SHAPE = "{name, osFamily, basedOnVersion, priority?, settings}";
    private static final String OS12_PEER_SERVERS = """
            {"name": "OS 12 peer update servers", "osFamily": "OS12", "basedOnVersion": "12.7.4", "priority": false,
             "settings": {"update.discovery.enabled": true, "update.discovery.port": 22336,
                          "peerlift.buddy_server.enabled": true, "peerlift.buddy_server.port": 22335}}""";
    private static final String OS11_DISCOVERY = """
            {"name": "OS 11 discovery", "osFamily": "OS11", "basedOnVersion": "11.11.150", "priority": false,
             "settings": {"update.discovery.enabled": true, "update.discovery.port": 22336,
                          "update.discovery.download_server_port": 22335}}""";

    @Inject
    ProfileService profiles;

    @RolesAllowed(Roles.ADMIN)
    @POST
    @Operation(summary = "Create a profile", description = "Settings are typed and checked per OS family: unknown "
            + "keys, wrong types, out-of-range values, equal discovery and server ports and a version below the "
            + "requirement (11.11.150 for OS 11, 12.7.4 for OS 12) are rejected with 400; a duplicate name with 409")
    @APIResponse(responseCode = "201", description = "The profile; Location names it",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = ProfileView.class)))
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = {
            @ExampleObject(name = "OS 12 peer update servers", value = OS12_PEER_SERVERS),
            @ExampleObject(name = "OS 11 discovery", value = OS11_DISCOVERY)}))
    public RestResponse<ProfileView> create(ProfileRequest request, UriInfo uri) {
        Profile profile = profiles.create(RequestBodies.require(request, PROFILE_SHAPE).toDraft());
        return RequestBodies.created(uri, profile.id, ProfileView.of(profile));
    }

    @GET
    @Operation(summary = "List profiles")
    public List<ProfileView> list() {
        return profiles.list().stream().map(ProfileView::of).toList();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Get a profile")
    public ProfileView get(@PathParam("id") long id) {
        return ProfileView.of(profiles.get(id));
    }

    @RolesAllowed(Roles.ADMIN)
    @PUT
    @Path("/{id}")
    @Operation(summary = "Replace a profile", description = "Validated like a new profile; the devices it reaches get "
            + "their new effective configuration published")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = {
            @ExampleObject(name = "OS 12 peer update servers", value = OS12_PEER_SERVERS)}))
    public ProfileView update(@PathParam("id") long id, ProfileRequest request) {
        return ProfileView.of(profiles.update(id, RequestBodies.require(request, PROFILE_SHAPE).toDraft()));
    }

    @RolesAllowed(Roles.ADMIN)
    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete a profile and its assignments")
    public void delete(@PathParam("id") long id) {
        profiles.delete(id);
    }

    @GET
    @Path("/{id}/assignments")
    @Operation(summary = "List a profile's assignments")
    public List<AssignmentView> assignments(@PathParam("id") long id) {
        return profiles.assignments(id).stream().map(AssignmentView::of).toList();
    }

    @RolesAllowed(Roles.ADMIN)
    @POST
    @Path("/{id}/assignments")
    @Operation(summary = "Assign a profile to a folder or a device", description = "Exactly one of folderId or "
            + "deviceId; a profile applies only to the devices of its OS family, and a device of the other family "
            + "is refused (409), as in UMS")
    @APIResponse(responseCode = "201", description = "The assignment; Location names it",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = AssignmentView.class)))
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = {
            @ExampleObject(name = "to a folder", value = "{\"folderId\": 2}"),
            @ExampleObject(name = "to a device", value = "{\"deviceId\": \"s1-d01\"}")}))
    public RestResponse<AssignmentView> assign(@PathParam("id") long id, AssignmentRequest request, UriInfo uri) {
        ProfileAssignment assignment = profiles.assign(id,
                RequestBodies.require(request, "{folderId} or {deviceId}").toTarget());
        return RequestBodies.created(uri, assignment.id, AssignmentView.of(assignment));
    }

    @RolesAllowed(Roles.ADMIN)
    @DELETE
    @Path("/{id}/assignments")
    @Operation(summary = "Remove a profile's assignment", description = "Exactly one of the query parameters "
            + "folderId or deviceId")
    public void unassign(@PathParam("id") long id, @QueryParam("folderId") Long folderId,
                         @QueryParam("deviceId") String deviceId) {
        profiles.unassign(id, new AssignmentTarget(folderId, deviceId));
    }
}
