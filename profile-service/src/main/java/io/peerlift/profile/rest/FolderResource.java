package io.peerlift.profile.rest;

import io.peerlift.profile.domain.Folder;
import io.peerlift.profile.domain.FolderTree;
import io.peerlift.profile.service.FolderService;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import java.util.List;

@Path("/api/folders")
@Tag(name = "Folders")
public class FolderResource {

    @Inject
    FolderService folders;

    @POST
    @Operation(summary = "Create a folder", description = "Under parentId, or under the root folder when absent; "
            + "sibling names are unique (409)")
    @APIResponse(responseCode = "201", description = "The folder; Location names it",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = FolderView.class)))
    public RestResponse<FolderView> create(CreateFolderRequest request, UriInfo uri) {
        CreateFolderRequest body = RequestBodies.require(request, "{name, parentId?}");
        Folder folder = folders.create(body.name(), body.parentId());
        return RequestBodies.created(uri, folder.id, FolderView.of(folder, folders.tree()));
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
            description = "The problems that would stop a peer upgrade among the devices of the folder and its "
                    + "sub-folders: versions, discovery, ports, no OS 12 peer serving")
    public ConsistencyReport consistency(@PathParam("id") long id) {
        return ConsistencyReport.of(id, folders.consistency(id));
    }
}
