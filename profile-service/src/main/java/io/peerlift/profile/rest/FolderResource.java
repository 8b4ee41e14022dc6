package io.peerlift.profile.rest;

import io.peerlift.profile.domain.Folder;
import io.peerlift.profile.domain.FolderTree;
import io.peerlift.profile.service.ConsistencyService;
import io.peerlift.profile.service.FolderService;
import io.peerlift.support.audit.Audited;
import io.peerlift.support.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
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
@Path("/api/folders")
@Tag(name = "Folders")
public class FolderResource {

    @Inject
    FolderService folders;

    @Inject
    ConsistencyService consistencyService;

    @RolesAllowed(Roles.ADMIN)
    @POST
    @Operation(summary = "Create a folder", description = "Under parentId, or under the root folder when absent; "
            + "sibling names are unique (409); at most " + FolderTree.MAX_DEPTH + " levels deep (409). timeZone and "
            + "maintenanceWindow as in PUT /api/folders/{id}/maintenance; a malformed one is 400.")
    @APIResponse(responseCode = "201", description = "The folder; Location names it",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = FolderView.class)))
    public RestResponse<FolderView> create(CreateFolderRequest request, UriInfo uri) {
        CreateFolderRequest body = RequestBodies.require(request, "{name, parentId?}");
        Folder folder = folders.create(body.name(), body.parentId(), body.timeZone(),
                FolderWindowBody.windowOf(body.maintenanceWindow()));
        return RequestBodies.created(uri, folder.id, FolderView.of(folder, folders.tree()));
    }

    @RolesAllowed(Roles.ADMIN)
    @PUT
    @Path("/{id}/maintenance")
    @Operation(summary = "Set a folder's time zone and maintenance window",
            description = "Replaces both: an absent one is none of the folder's own, {} removes both. A folder and "
                    + "the folders below it inherit them as a standard profile's setting is inherited: the nearest "
                    + "folder that has one wins (the device's own folder first). The window (hawkBit's: a Quartz "
                    + "cron schedule of openings, seconds first, and a duration HH:mm:ss) is read in the time zone "
                    + "of each device's folder, UTC when no folder of its path has one, and rollout-service "
                    + "commands no new Upgrade to a device outside it (nor outside the rollout's own window). A "
                    + "malformed zone, schedule or duration is 400 naming each; every device below gets its new "
                    + "effective configuration published (409 when more devices are below than one change may "
                    + "reconfigure, peerlift.profile.folders.max-devices-per-move).")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = {
            @ExampleObject(name = "weekday nights in Berlin", value = "{\"timeZone\": \"Europe/Berlin\", "
                    + "\"maintenanceWindow\": {\"schedule\": \"0 0 22 ? * MON-FRI\", \"duration\": \"04:00:00\"}}"),
            @ExampleObject(name = "a site's zone only", value = "{\"timeZone\": \"America/New_York\"}"),
            @ExampleObject(name = "none of its own", value = "{}")}))
    public FolderView changeMaintenance(@PathParam("id") long id, FolderMaintenanceRequest request) {
        FolderMaintenanceRequest body = RequestBodies.require(request, "{timeZone?, maintenanceWindow?}");
        Folder folder = folders.changeMaintenance(id, body.timeZone(),
                FolderWindowBody.windowOf(body.maintenanceWindow()));
        return FolderView.of(folder, folders.tree());
    }

    @RolesAllowed(Roles.ADMIN)
    @PATCH
    @Path("/{id}")
    @Consumes({MediaType.APPLICATION_JSON, "application/merge-patch+json"})
    @Operation(summary = "Rename or move a folder",
            description = "name renames it (sibling names are unique, 409); parentId moves it with everything "
                    + "below it. A move is refused with 409 for the root folder, into the folder itself or a "
                    + "folder below it (a cycle), deeper than " + FolderTree.MAX_DEPTH + " levels, or when more "
                    + "devices are below it than one move may reconfigure (peerlift.profile.folders."
                    + "max-devices-per-move); 404 for an unknown parent. Every device below a moved folder gets "
                    + "its new effective configuration published (its folder path and the profiles reaching it "
                    + "change).")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = {
            @ExampleObject(name = "rename", value = "{\"name\": \"Berlin, floor 2\"}"),
            @ExampleObject(name = "move", value = "{\"parentId\": 3}")}))
    public FolderView change(@PathParam("id") long id, ChangeFolderRequest request) {
        ChangeFolderRequest body = RequestBodies.require(request, "{name?, parentId?}");
        Folder folder = folders.change(id, body.name(), body.parentId());
        return FolderView.of(folder, folders.tree());
    }

    @RolesAllowed(Roles.ADMIN)
    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete an empty folder",
            description = "Its profile assignments go with it. A folder that still holds sub-folders or devices "
                    + "is refused with 409 naming them: move or delete them first. The root folder cannot be "
                    + "deleted (409).")
    @APIResponse(responseCode = "204", description = "Deleted")
    public void delete(@PathParam("id") long id) {
        folders.delete(id);
    }

    @GET
    @Operation(summary = "List all folders")
    public List<FolderView> list() {
        FolderTree tree = folders.tree();
        return folders.list().stream().map(f -> FolderView.of(f, tree)).toList();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Get a folder")
    public FolderView get(@PathParam("id") long id) {
        return FolderView.of(folders.get(id), folders.tree());
    }

    @GET
    @Path("/{id}/devices")
    @Operation(summary = "List the devices directly in a folder")
    public List<DeviceView> devices(@PathParam("id") long id) {
        return folders.devices(id).stream().map(DeviceView::of).toList();
    }

    @RolesAllowed(Roles.ADMIN)
    @POST
    @Path("/{id}/devices")
    @Operation(summary = "Move devices into a folder",
            description = "All or nothing: when one device is unknown (404) none moves. Each moved device's new "
                    + "effective configuration is published.")
    public List<DeviceView> moveDevices(@PathParam("id") long id, MoveDevicesRequest request) {
        return folders.moveDevices(id, RequestBodies.require(request, "{deviceIds: [...]}").deviceIds()).stream()
                .map(DeviceView::of).toList();
    }

    @GET
    @Path("/{id}/consistency")
    @Operation(summary = "Check a folder for a peer upgrade",
            description = "The problems that would stop or slow a peer upgrade of the devices of the folder and its "
                    + "sub-folders. Each OS 11 device is checked against the OS 12 devices of its own subnet "
                    + "wherever they sit in the folder tree (discovery works by subnet): versions, discovery on, "
                    + "ports, a peer server present, connection limits; where no peer serves yet, against the OS 12 "
                    + "configuration the subnet's devices serve with after their upgrade. ERROR problems mean "
                    + "devices will not upgrade from their peers (consistent is false); WARNING problems do not.")
    public ConsistencyReport consistency(@PathParam("id") long id) {
        return ConsistencyReport.of(id, consistencyService.check(id));
    }
}
