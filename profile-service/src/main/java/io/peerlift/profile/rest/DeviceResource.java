package io.peerlift.profile.rest;

import io.peerlift.profile.service.DeviceService;
import io.peerlift.profile.service.InventoryService;
import io.peerlift.support.audit.Audited;
import io.peerlift.support.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

@RolesAllowed(Roles.VIEWER)
@Audited
@Path("/api/devices")
@Tag(name = "Devices")
public class DeviceResource {

    @Inject
    InventoryService inventory;

    @Inject
    DeviceService devices;

    @GET
    @Operation(summary = "List devices", description = "Devices enter the inventory from their DeviceAnnounced events")
    public List<DeviceView> list(
            @Parameter(description = "only devices directly in this folder", example = "2")
            @QueryParam("folderId") Long folderId,
            @Parameter(description = "only devices in this subnet (CIDR)", example = "127.10.1.0/24")
            @QueryParam("subnet") String subnet) {
        return inventory.list(folderId, subnet).stream().map(DeviceView::of).toList();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Get a device")
    public DeviceView get(@PathParam("id") String id) {
        return DeviceView.of(inventory.get(id));
    }

    @RolesAllowed(Roles.ADMIN)
    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete a device",
            description = "Removes it from the inventory with its own configuration and the profiles assigned "
                    + "directly to it, and publishes a tombstone (a null value under its id) on "
                    + "peerlift.device-config so consumers forget it. A device that is still running announces "
                    + "itself again and comes back in the root folder, as a new device whose configuration "
                    + "revisions continue from the last one.")
    @APIResponse(responseCode = "204", description = "Deleted")
    public void delete(@PathParam("id") String id) {
        devices.delete(id);
    }

    @GET
    @Path("/{id}/effective-config")
    @Operation(summary = "The device's effective configuration",
            description = "Every key of the device's OS family, merged as IGEL UMS does: priority profiles first "
                    + "(the farther from the device the stronger, a direct assignment the weakest), then standard "
                    + "profiles (the closer the stronger, a direct assignment the strongest), the newer profile on "
                    + "a tie, then the device's own configuration, then the default; with where each key came from "
                    + "and the revision last published to peerlift.device-config")
    public EffectiveConfigView effectiveConfig(@PathParam("id") String id) {
        return EffectiveConfigView.of(inventory.effectiveConfig(id));
    }

    @GET
    @Path("/{id}/settings")
    @Operation(summary = "The device's own configuration",
            description = "Settings made on this device rather than by a profile (UMS: the device's configuration); "
                    + "every profile that sets a key overrides them")
    public DeviceSettingsView ownSettings(@PathParam("id") String id) {
        return DeviceSettingsView.of(devices.ownSettings(id));
    }

    @RolesAllowed(Roles.ADMIN)
    @PUT
    @Path("/{id}/settings")
    @Operation(summary = "Replace the device's own configuration",
            description = "Checked against the OS family the device runs now (400 naming each wrong key or value); "
                    + "{} removes it. The device's new effective configuration is published.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = {
            @ExampleObject(name = "OS 11 discovery port", value = "{\"settings\": {\"update.discovery.port\": 22336}}"),
            @ExampleObject(name = "remove", value = "{\"settings\": {}}")}))
    public DeviceSettingsView replaceOwnSettings(@PathParam("id") String id, DeviceSettingsRequest request) {
        return DeviceSettingsView.of(devices.replaceOwnSettings(id,
                RequestBodies.require(request, "{settings: {...}}").settings()));
    }
}
