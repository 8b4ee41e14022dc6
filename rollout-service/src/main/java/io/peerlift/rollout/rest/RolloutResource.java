package io.peerlift.rollout.rest;

import io.peerlift.events.RolloutStatus.SubnetStatus;
import io.peerlift.rollout.service.DeviceView;
import io.peerlift.rollout.service.RolloutLifecycle.Action;
import io.peerlift.rollout.service.RolloutRequest;
import io.peerlift.rollout.service.RolloutService;
import io.peerlift.rollout.service.RolloutView;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/** Rollouts: create, watch, and steer them through their lifecycle. */
@Path("/api/rollouts")
@Produces(MediaType.APPLICATION_JSON)
public class RolloutResource {

    private final RolloutService rollouts;

    RolloutResource(RolloutService rollouts) {
        this.rollouts = rollouts;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(@Valid @NotNull RolloutRequest request) {
        RolloutView created = rollouts.create(request);
        return Response.created(URI.create("/api/rollouts/" + created.id())).entity(created).build();
    }

    @GET
    public List<RolloutView> list() {
        return rollouts.list();
    }

    @GET
    @Path("/{id}")
    public RolloutView get(@RestPath String id) {
        return rollouts.get(id);
    }

    @GET
    @Path("/{id}/subnets")
    public List<SubnetStatus> subnets(@RestPath String id) {
        return rollouts.subnets(id);
    }

    /** All devices, or those in {@code state} (PENDING, INELIGIBLE, CURRENT, COMMANDED, ...). */
    @GET
    @Path("/{id}/devices")
    public List<DeviceView> devices(@RestPath String id, @RestQuery String state) {
        return rollouts.devices(id, state);
    }

    /**
     * Moves the rollout through its lifecycle: {@code start} (CREATED), {@code pause} (RUNNING), {@code resume}
     * (PAUSED, PAUSED_ON_ERRORS), {@code cancel} (any open state); otherwise 409 naming the states it needs.
     */
    @POST
    @Path("/{id}/{action: start|pause|resume|cancel}")
    public RolloutView act(@RestPath String id, @RestPath String action) {
        return rollouts.act(id, Action.valueOf(action.toUpperCase(Locale.ROOT)));
    }
}
