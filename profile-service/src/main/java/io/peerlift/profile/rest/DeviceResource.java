package io.peerlift.profile.rest;

import io.peerlift.profile.service.InventoryService;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

@Path("/api/devices")
@Tag(name = "Devices")
public class DeviceResource {

    @Inject
    InventoryService inventory;

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

    @GET
    @Path("/{id}/effective-config")
    @Operation(summary = "The device's effective configuration",
            description = "Every key of the device's OS family, merged from the profiles that apply by precedence "
                    + "(priority, then direct assignment, then closest folder, then newer profile), with the "
                    + "profile each key came from and the revision last published to peerlift.device-config")
    public EffectiveConfigView effectiveConfig(@PathParam("id") String id) {
        return EffectiveConfigView.of(inventory.effectiveConfig(id));
    }
}
