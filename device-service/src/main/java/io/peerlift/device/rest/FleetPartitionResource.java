package io.peerlift.device.rest;

import io.peerlift.device.service.FleetPartitions;
import io.peerlift.events.Subnet;
import io.peerlift.support.problem.InvalidInputException;
import io.peerlift.support.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.time.Duration;
import java.util.List;

/**
 * A fault hook of the simulated fleet, for benchmarks and drills: cuts one subnet off from the broker and the
 * repository for some seconds ({@link FleetPartitions}). Admins only; a device-service in agent or gateway mode
 * refuses it (409).
 */
@Path("/api/fleet/partitions")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class FleetPartitionResource {

    /** What to cut off and for how long. */
    public record PartitionRequest(String subnet, Integer seconds) {
    }

    private final FleetPartitions partitions;

    FleetPartitionResource(FleetPartitions partitions) {
        this.partitions = partitions;
    }

    /** The subnets cut off now, with what waits for them. */
    @GET
    public List<FleetPartitions.Partition> list() {
        return partitions.partitions();
    }

    /** Cuts the subnet off for {@code seconds} (1..3600); a subnet already cut off stays so until the later end. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public FleetPartitions.Partition cut(PartitionRequest request) {
        if (request == null || request.subnet() == null || request.seconds() == null) {
            throw new InvalidInputException("send {\"subnet\": \"127.10.1.0/24\", \"seconds\": 30}");
        }
        Subnet subnet;
        try {
            subnet = Subnet.parse(request.subnet());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
        return partitions.cut(subnet, Duration.ofSeconds(request.seconds()));
    }
}
