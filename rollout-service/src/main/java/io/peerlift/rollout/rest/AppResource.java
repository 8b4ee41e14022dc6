package io.peerlift.rollout.rest;

import io.peerlift.events.ByteRange;
import io.peerlift.events.ReleaseSignature;
import io.peerlift.rollout.domain.AppPackage;
import io.peerlift.rollout.service.RolloutMetrics;
import io.peerlift.rollout.service.management.RolloutQueries;
import io.peerlift.rollout.service.repository.AppRepository;
import io.peerlift.support.audit.Audited;
import io.peerlift.support.problem.InvalidInputException;
import io.peerlift.support.problem.NotFoundException;
import io.peerlift.support.security.Roles;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.PathPart;
import org.jboss.resteasy.reactive.RestPath;

import java.io.InputStream;
import java.time.Instant;
import java.util.List;

/**
 * The app repository, the WAN source of every rollout: {@code PUT} stores a payload, devices fetch the manifest
 * and (ranges of) the payload. Every byte served here is a WAN byte and counted as such. Devices fetch without a
 * person's token, so what they fetch is open; what they install is vouched for by the release signature, not by
 * this route.
 */
@RolesAllowed(Roles.VIEWER)
@Audited(sharedTransaction = false)
@Path("/api/apps")
public class AppResource {

    private static final String OCTETS = MediaType.APPLICATION_OCTET_STREAM;

    private final AppRepository repository;
    private final RolloutQueries rollouts;
    private final RolloutMetrics metrics;

    AppResource(AppRepository repository, RolloutQueries rollouts, RolloutMetrics metrics) {
        this.repository = repository;
        this.rollouts = rollouts;
        this.metrics = metrics;
    }

    /** An app version as listed, with the release signature it was accepted with. */
    public record AppView(String app, String version, long size, String sha256, int chunkSize, int chunkCount,
                          String manifestSha256, ReleaseSignature signature, Instant createdAt) {
        static AppView of(AppPackage p) {
            return new AppView(p.app, p.version, p.size, p.sha256, p.chunkSize, p.chunkCount(), p.manifestSha256,
                    p.releaseSignature().orElse(null), p.createdAt);
        }
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<AppView> list() {
        return repository.list().stream().map(AppView::of).toList();
    }

    /**
     * Stores a signed release: 201 with the stored app; 200 when the identical payload was already stored; 409 for a
     * different one. The {@value ReleaseSignature#HEADER} header is required (400 without it or when malformed),
     * signed by a trusted release key (403) over exactly this payload's manifest (422).
     */
    @RolesAllowed(Roles.ADMIN)
    @PUT
    @Path("/{app}/{version}")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response upload(@RestPath String app, @RestPath String version,
                           @HeaderParam(ReleaseSignature.HEADER) String signature, InputStream body) {
        AppRepository.Stored stored = repository.store(app, version, parse(signature), body);
        return Response.status(stored.created() ? Response.Status.CREATED : Response.Status.OK)
                .entity(AppView.of(stored.pkg()))
                .build();
    }

    /** The release signature the upload was accepted with: what a device verifies before it installs. */
    @PermitAll
    @GET
    @Path("/{app}/{version}/signature")
    @Produces(MediaType.APPLICATION_JSON)
    public ReleaseSignature signature(@RestPath String app, @RestPath String version) {
        return repository.require(app, version).releaseSignature().orElseThrow(() -> new NotFoundException(
                "app " + app + " version " + version + " was stored before uploads had to be signed: it has no signature"));
    }

    @PermitAll
    @GET
    @Path("/{app}/{version}/manifest")
    @Produces(MediaType.APPLICATION_JSON)
    public Response manifest(@RestPath String app, @RestPath String version) {
        AppPackage pkg = repository.require(app, version);
        byte[] bytes = AppRepository.manifestBytes(pkg);
        served(pkg, bytes.length);
        return Response.ok(bytes, MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.ETAG, '"' + pkg.manifestSha256 + '"')
                .build();
    }

    /** The payload, or the one range asked for (206); what {@link ByteRange} cannot serve is a 416. */
    @PermitAll
    @GET
    @Path("/{app}/{version}/payload")
    @Produces(OCTETS)
    public Response payload(@RestPath String app, @RestPath String version, @HeaderParam("Range") String range) {
        return payload(app, version, range, true);
    }

    @PermitAll
    @HEAD
    @Path("/{app}/{version}/payload")
    @Produces(OCTETS)
    public Response payloadHead(@RestPath String app, @RestPath String version, @HeaderParam("Range") String range) {
        return payload(app, version, range, false);
    }

    private Response payload(String app, String version, String range, boolean withBody) {
        AppPackage pkg = repository.require(app, version);
        ByteRange requested = ByteRange.select(range, pkg.size).orElse(null);
        if (requested == null) {
            return Response.status(Response.Status.REQUESTED_RANGE_NOT_SATISFIABLE)
                    .header("Content-Range", ByteRange.unsatisfiable(pkg.size))
                    .build();
        }
        Response.ResponseBuilder response = requested.partial()
                ? Response.status(Response.Status.PARTIAL_CONTENT).header("Content-Range", requested.contentRange())
                : Response.ok();
        response.type(OCTETS)
                .header("Accept-Ranges", "bytes")
                .header(HttpHeaders.ETAG, '"' + pkg.sha256 + '"');
        if (!withBody) {
            return response.header(HttpHeaders.CONTENT_LENGTH, requested.length()).build();
        }
        served(pkg, requested.length());
        return response.entity(new PathPart(repository.payloadPath(pkg.sha256), requested.start(), requested.length()))
                .build();
    }

    private static ReleaseSignature parse(String header) {
        try {
            return ReleaseSignature.fromHeader(header);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(e.getMessage());
        }
    }

    private void served(AppPackage pkg, long bytes) {
        metrics.repositoryServed(pkg.app, pkg.version, bytes);
        rollouts.chargeRepositoryBytes(pkg.app, pkg.version, bytes);
    }
}
