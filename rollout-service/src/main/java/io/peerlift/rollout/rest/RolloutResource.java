package io.peerlift.rollout.rest;

import io.peerlift.events.RolloutStatus;
import io.peerlift.rollout.domain.RolloutTransition;
import io.peerlift.rollout.service.management.DeviceView;
import io.peerlift.rollout.service.management.RolloutManagement;
import io.peerlift.rollout.service.management.RolloutQueries;
import io.peerlift.rollout.service.management.RolloutRequest;
import io.peerlift.rollout.service.management.RolloutView;
import io.peerlift.support.audit.Audited;
import io.peerlift.support.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
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
    private final SecurityIdentity identity;

    RolloutResource(RolloutManagement management, RolloutQueries queries, SecurityIdentity identity) {
        this.management = management;
        this.queries = queries;
        this.identity = identity;
    }

    /** The caller as the audit trail names it: the token's subject. */
    private String caller() {
        return identity.getPrincipal() instanceof JsonWebToken jwt && jwt.getSubject() != null ? jwt.getSubject()
                : identity.getPrincipal().getName();
    }

    /**
     * Creates the rollout and takes in its folder's devices (a large folder continues in the background while
     * the rollout is CREATING); starts it unless {@code start} is false.
     */
    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a rollout over a folder's devices",
            description = "Refused with 404 when profile-service knows no such folder, 409 when the folder holds no "
                    + "devices, when an unfinished rollout covers some of them (the problem names it), or when the "
                    + "rollout starts now and the folder's consistency report has errors; force=true with a reason "
                    + "starts past those errors, and the rollout keeps both (forcedStart). 400 for an unknown "
                    + "package, a target below 12.7.4 or a minSourceVersion below 11.11.150. With approvalRequired "
                    + "(default peerlift.rollout.approval.required) the rollout waits in WAITING_FOR_APPROVAL once "
                    + "its devices are taken in, and start means: start once approved. With a maintenanceWindow "
                    + "(schedule: a Quartz cron expression of its openings, duration: HH:mm:ss, timeZone: an IANA "
                    + "zone or an offset) devices are commanded only while it is open; a malformed window is 400.")
    public Response create(@Valid @NotNull RolloutRequest request, @RestQuery boolean force, @RestQuery String reason,
                           @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        RolloutView created = management.create(request, new RolloutManagement.Start(force, reason, authorization),
                caller());
        return Response.created(URI.create("/api/rollouts/" + created.id())).entity(created).build();
    }

    @GET
    @Operation(summary = "List the rollouts, newest first",
            description = "Archived rollouts only with includeArchived=true.")
    public List<RolloutView> list(@RestQuery boolean includeArchived) {
        return queries.list(includeArchived);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One rollout: its settings, state and device counts")
    public RolloutView get(@RestPath String id) {
        return queries.get(id);
    }

    /** Every subnet of the rollout, as the status topic carries it. */
    @GET
    @Path("/{id}/subnets")
    @Operation(summary = "The rollout's subnets, as its status topic carries them")
    public List<RolloutStatus.SubnetStatus> subnets(@RestPath String id) {
        return queries.subnets(id);
    }

    /**
     * A page of the rollout's devices in id order: all, or those in {@code state} (PENDING, INELIGIBLE, CURRENT,
     * COMMANDED, ...), of one {@code subnet} or all; {@code after} is the last device id of the previous page,
     * {@code limit} at most 10000 (default 1000).
     */
    @GET
    @Path("/{id}/devices")
    @Operation(summary = "A page of the rollout's devices in id order",
            description = "All, or those in state (PENDING, INELIGIBLE, CURRENT, COMMANDED, DOWNLOADING, INSTALLING, "
                    + "UPGRADED, FAILED, CANCELLED), of one subnet or all; after is the last device id of the previous "
                    + "page, limit at most 10000 (default 1000). An INELIGIBLE device says why in ineligibleReason, a "
                    + "failed attempt in failureReason.")
    public List<DeviceView> devices(@RestPath String id, @RestQuery String state, @RestQuery String subnet,
                                    @RestQuery String after, @RestQuery Integer limit) {
        return queries.devices(id, state, subnet, after, limit);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{id}/start")
    @Operation(summary = "Start a CREATED rollout",
            description = "The same checks as a create that starts: 409 when the rollout has no devices, overlaps "
                    + "an unfinished rollout or its folder's consistency report has errors (unless force=true with a "
                    + "reason); 409 too when it is not CREATED.")
    public RolloutView start(@RestPath String id, @RestQuery boolean force, @RestQuery String reason,
                             @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        return management.start(id, new RolloutManagement.Start(force, reason, authorization));
    }

    /**
     * Moves the rollout through its lifecycle: {@code pause} (RUNNING), {@code resume} (PAUSED,
     * PAUSED_ON_ERRORS), {@code cancel} (any open state), {@code retry-failed} (COMPLETED, CANCELLED: one new
     * attempt for each FAILED device); otherwise 409 naming the states it needs.
     */
    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{id}/{action: pause|resume|cancel|retry-failed}")
    @Operation(summary = "Pause, resume, cancel, or retry the failed devices of a finished rollout",
            description = "pause: RUNNING; resume: PAUSED or PAUSED_ON_ERRORS; cancel: any unfinished state; "
                    + "retry-failed: COMPLETED or CANCELLED with FAILED devices, each gets one new attempt and the "
                    + "rollout runs again. Otherwise 409 naming the states the action needs.")
    public RolloutView act(@RestPath String id, @RestPath String action) {
        return management.act(id, action);
    }

    /**
     * An approver's decision on a rollout in WAITING_FOR_APPROVAL (hawkBit's approve): it becomes CREATED and
     * starts if it was created to start. The {@code remark} is a query parameter so the audit trail keeps it.
     */
    @RolesAllowed(Roles.APPROVER)
    @POST
    @Path("/{id}/approve")
    @Operation(summary = "Approve a rollout that waits for approval",
            description = "The rollout becomes CREATED and starts if it was created to start. remark (optional, at "
                    + "most 1024 characters) is kept with the rollout (approvalDecidedBy, approvalDecidedAt, "
                    + "approvalRemark) and in the audit trail. Needs the role approver (admin includes it). 403 when "
                    + "the caller created the rollout (four eyes), 409 when it is not WAITING_FOR_APPROVAL.")
    public RolloutView approve(@RestPath String id, @RestQuery String remark) {
        return management.decide(id, RolloutTransition.APPROVE, caller(), remark);
    }

    /** An approver's denial of a rollout in WAITING_FOR_APPROVAL (hawkBit's deny): it ends in APPROVAL_DENIED. */
    @RolesAllowed(Roles.APPROVER)
    @POST
    @Path("/{id}/deny")
    @Operation(summary = "Deny a rollout that waits for approval",
            description = "The rollout ends in APPROVAL_DENIED, a final state: nothing was commanded, and its folder "
                    + "is free for another rollout. remark (required: why, at most 1024 characters) is kept with the "
                    + "rollout and in the audit trail. Needs the role approver (admin includes it). 400 without "
                    + "remark, 403 when the caller created the rollout (four eyes), 409 when it is not "
                    + "WAITING_FOR_APPROVAL.")
    public RolloutView deny(@RestPath String id, @RestQuery String remark) {
        return management.decide(id, RolloutTransition.DENY, caller(), remark);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{id}/archive")
    @Operation(summary = "Archive a finished rollout",
            description = "Hides a finished rollout (COMPLETED, CANCELLED or APPROVAL_DENIED) from the default list "
                    + "(409 otherwise); it stays readable by id and in the list with includeArchived=true.")
    public RolloutView archive(@RestPath String id) {
        return management.archive(id);
    }
}
