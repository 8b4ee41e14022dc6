package io.peerlift.device.rest;

import io.peerlift.device.config.DeviceServiceConfig;
import io.peerlift.device.gateway.CommandCursor;
import io.peerlift.device.gateway.GatewayApi;
import io.peerlift.device.messaging.KafkaDeviceEvents;
import io.peerlift.device.service.DeviceGateway;
import io.peerlift.events.DeviceEvent;
import io.peerlift.events.Limits;
import io.smallrye.mutiny.Uni;
import io.peerlift.support.problem.InvalidInputException;
import io.peerlift.support.problem.NotFoundException;
import io.peerlift.support.problem.ProblemException;
import io.peerlift.support.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import java.time.Duration;
import java.util.List;

/**
 * The device gateway (mode {@code gateway}), as hawkBit's DDI: a real agent polls here for its own commands and
 * configuration and posts its events here, and never reaches Kafka. Polls wait up to {@code wait} seconds for
 * something new (long polling); cursors and revisions say what the device already holds, so nothing is lost when
 * a poll or the gateway fails. Events are answered once the broker acknowledged every one of them.
 * <p>
 * Devices speak only for themselves: each authenticates with its own token (role {@link Roles#DEVICE}, the device
 * as its principal) and reaches only its own path; every event it posts must name it, so what reaches Kafka from
 * here carries the authenticated id and no device can change, or silence with a huge {@code seq}, another's state.
 */
@RolesAllowed(Roles.DEVICE)
@Path(GatewayApi.PATH + "/{deviceId}")
@Produces(MediaType.APPLICATION_JSON)
public class GatewayResource {

    private final DeviceServiceConfig config;
    private final DeviceGateway gateway;
    private final KafkaDeviceEvents events;
    private final SecurityIdentity caller;

    GatewayResource(DeviceServiceConfig config, DeviceGateway gateway, KafkaDeviceEvents events,
                    SecurityIdentity caller) {
        this.config = config;
        this.gateway = gateway;
        this.events = events;
        this.caller = caller;
    }

    /** The device's commands after {@code after} (a cursor from an earlier answer; none for all it may still get). */
    @GET
    @Path("/commands")
    public Uni<GatewayApi.CommandBatch> commands(@RestPath String deviceId, @RestQuery String after,
                                                 @RestQuery Integer wait) {
        requireGateway();
        requireSelf(deviceId);
        CommandCursor acked;
        try {
            acked = after == null || after.isBlank() ? null : CommandCursor.parse(after);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
        return gateway.commands(deviceId, acked, waitOf(wait));
    }

    /** 200 with the device's configuration if its revision is above {@code after}; 204 when none came in time. */
    @GET
    @Path("/config")
    public Uni<Response> config(@RestPath String deviceId, @RestQuery Long after, @RestQuery Integer wait) {
        requireGateway();
        requireSelf(deviceId);
        return gateway.config(deviceId, after == null ? -1 : after, waitOf(wait))
                .map(found -> found.map(c -> Response.ok(c)).orElseGet(Response::noContent).build());
    }

    /** Publishes the device's events, in order; 200 once Kafka holds them all. */
    @POST
    @Path("/events")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<GatewayApi.Accepted> events(@RestPath String deviceId, List<DeviceEvent> posted) {
        requireGateway();
        requireSelf(deviceId);
        if (posted == null || posted.isEmpty() || posted.size() > GatewayApi.MAX_EVENTS_PER_POST) {
            throw new InvalidInputException("post 1 to " + GatewayApi.MAX_EVENTS_PER_POST + " events, got "
                    + (posted == null ? 0 : posted.size()));
        }
        for (DeviceEvent event : posted) {
            if (event == null || !deviceId.equals(event.deviceId())) {
                throw new InvalidInputException("device " + deviceId + " may post only its own events, got one of "
                        + (event == null ? "nobody" : event.deviceId()));
            }
        }
        return Uni.join().all(posted.stream().map(e -> Uni.createFrom().completionStage(events.publishConfirmed(e)))
                        .toList()).andFailFast()
                .map(acked -> new GatewayApi.Accepted(acked.size()));
    }

    private Duration waitOf(Integer seconds) {
        int wanted = seconds == null ? 0 : seconds;
        if (wanted < 0 || wanted > GatewayApi.MAX_WAIT_SECONDS) {
            throw new InvalidInputException("wait must be 0.." + GatewayApi.MAX_WAIT_SECONDS + " seconds, got " + wanted);
        }
        return Duration.ofSeconds(wanted);
    }

    /**
     * The authenticated device, and only it, may use its path; an id beyond the shared limits is refused whatever
     * token names it (nothing the fleet sends could ever reach it).
     */
    private void requireSelf(String deviceId) {
        try {
            Limits.requireDeviceId(deviceId);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
        String authenticated = caller.getPrincipal().getName();
        if (!authenticated.equals(deviceId)) {
            throw new ProblemException(403, "forbidden", "Forbidden", "the token of device '" + authenticated
                    + "' speaks only for that device, not for '" + deviceId + "'");
        }
    }

    private void requireGateway() {
        if (config.mode() != DeviceServiceConfig.Mode.GATEWAY) {
            throw new NotFoundException("this device-service runs in " + config.mode().name().toLowerCase()
                    + " mode; the device gateway is served in gateway mode");
        }
    }
}
