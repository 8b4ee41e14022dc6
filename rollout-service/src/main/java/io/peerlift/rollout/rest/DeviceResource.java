package io.peerlift.rollout.rest;

import io.peerlift.rollout.service.inventory.Inventory;
import io.peerlift.rollout.service.inventory.InventoryView;
import io.peerlift.support.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import java.util.List;

/** The device inventory as the rollout service sees it (peers and candidates, whichever folder). */
@RolesAllowed(Roles.VIEWER)
@Path("/api/devices")
@Produces(MediaType.APPLICATION_JSON)
public class DeviceResource {

    private final Inventory inventory;

    DeviceResource(Inventory inventory) {
        this.inventory = inventory;
    }

    /**
     * A page of the devices in id order: all, those of one {@code subnet} (CIDR, e.g. 127.10.1.0/24) or those in
     * the tree of folder {@code folderId}; {@code after} is the last device id of the previous page,
     * {@code limit} at most 10000 (default 1000).
     */
    @GET
    public List<InventoryView> list(@RestQuery String subnet, @RestQuery Long folderId, @RestQuery String after,
                                    @RestQuery Integer limit) {
        return inventory.list(subnet, folderId, after, limit);
    }

    /** How many devices the tree of folder {@code folderId} holds, as this service knows it. */
    @GET
    @Path("/count")
    public long count(@RestQuery Long folderId) {
        return inventory.countInFolderTree(folderId == null ? 1 : folderId);
    }

    @GET
    @Path("/{deviceId}")
    public InventoryView get(@RestPath String deviceId) {
        return inventory.get(deviceId);
    }
}
