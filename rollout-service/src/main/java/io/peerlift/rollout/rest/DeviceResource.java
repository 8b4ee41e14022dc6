package io.peerlift.rollout.rest;

import io.peerlift.rollout.service.Inventory;
import io.peerlift.rollout.service.InventoryView;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import java.util.List;

/** The device inventory as the rollout service sees it (peers and candidates, whichever folder). */
@Path("/api/devices")
@Produces(MediaType.APPLICATION_JSON)
public class DeviceResource {

    private final Inventory inventory;

    DeviceResource(Inventory inventory) {
        this.inventory = inventory;
    }

    /** All devices, or those of one {@code subnet} (CIDR, e.g. 127.10.1.0/24). */
    @GET
    public List<InventoryView> list(@RestQuery String subnet) {
        return inventory.list(subnet);
    }

    @GET
    @Path("/{deviceId}")
    public InventoryView get(@RestPath String deviceId) {
        return inventory.get(deviceId);
    }
}
