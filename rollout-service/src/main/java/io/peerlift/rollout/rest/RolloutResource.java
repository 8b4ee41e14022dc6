package io.peerlift.rollout.rest;

import io.peerlift.events.RolloutStatus;
import io.peerlift.rollout.service.management.DeviceView;
import io.peerlift.rollout.service.management.RolloutManagement;
import io.peerlift.rollout.service.management.RolloutQueries;
import io.peerlift.rollout.service.management.RolloutRequest;
import io.peerlift.rollout.service.management.RolloutView;
import io.peerlift.support.audit.Audited;
import io.peerlift.support.security.Roles;
import jakarta.annotation.security.RolesAllowed;
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

/** Rollouts: create, watch, and steer them through their lifecycle. */
@RolesAllowed(Roles.VIEWER)
@Audited(sharedTransaction = false)
@Path("/api/rollouts")
@Produces(MediaType.APPLICATION_JSON)
public class RolloutResource {

    private final RolloutManagement management;
    private final RolloutQueries queries;

    RolloutResource(RolloutManagement management, RolloutQueries queries) {
        this.management = management;
        this.queries = queries;
    }

    /**
     * Creates the rollout and takes in its folder's devices (a large folder continues in the background while
     * the rollout is CREATING); starts it unless {@code start} is false.
     */
    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(@Valid @NotNull RolloutRequest request) {
        RolloutView created = management.create(request);
        return Response.created(URI.create("/api/rollouts/" + created.id())).entity(created).build();
    }

    @GET
    public List<RolloutView> list() {
        return queries.list();
    }

    @GET
    @Path("/{id}")
    public RolloutView get(@RestPath String id) {
        return queries.get(id);
    }

    /** Every subnet of the rollout, as the status topic carries it. */
    @GET
    @Path("/{id}/subnets")
    public List<RolloutStatus.SubnetStatus> subnets(@RestPath String id) {
        return queries.subnets(id);
    }

    /**
     * A page of the rollout's devices in id order: all, or those in {@code state} (PENDING, INELIGIBLE, CURRENT,
     * COMMANDED, ...); {@code after} is the last device id of the previous page, {@code limit} at most 10000
     * (default 1000).
     */
    @GET
    @Path("/{id}/devices")
    public List<DeviceView> devices(@RestPath String id, @RestQuery String state, @RestQuery String after,
                                    @RestQuery Integer limit) {
        return queries.devices(id, state, after, limit);
    }

    /**
     * Moves the rollout through its lifecycle: {@code start} (CREATED), {@code pause} (RUNNING), {@code resume}
     * (PAUSED, PAUSED_ON_ERRORS), {@code cancel} (any open state); otherwise 409 naming the states it needs.
     */
    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{id}/{action: start|pause|resume|cancel}")
    public RolloutView act(@RestPath String id, @RestPath String action) {
        return management.act(id, action);
    }
}
