package io.peerlift.device.rest;

import io.peerlift.device.domain.DeviceView;
import io.peerlift.device.service.DeviceHost;
import io.peerlift.support.problem.NotFoundException;
import io.peerlift.support.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Collection;

/** The devices this process hosts: identity, OS version, lifecycle state, held apps, peer server, download. */
@Path("/api/devices")
@RolesAllowed(Roles.VIEWER)
@Produces(MediaType.APPLICATION_JSON)
public class DeviceResource {

    @Inject
    DeviceHost host;

    @GET
    public Collection<DeviceView> list() {
        return host.views();
    }

    @GET
    @Path("/{id}")
    public DeviceView get(@PathParam("id") String id) {
        return host.view(id).orElseThrow(() -> new NotFoundException("device '" + id + "' is not hosted by this device-service"));
    }
}
