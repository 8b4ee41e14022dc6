package io.peerlift.rollout.client;

import io.peerlift.rollout.config.RolloutConfig;
import io.peerlift.rollout.domain.StartGate;
import io.peerlift.support.problem.ProblemException;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What profile-service says about a rollout's folder, asked with the operator's own token so that its roles
 * apply. Not configured ({@code peerlift.rollout.profile-service.url} absent), nothing is asked.
 */
@ApplicationScoped
public class ProfileService {

    private static final Logger LOG = Logger.getLogger(ProfileService.class);

    private final Optional<ProfileServiceApi> api;

    ProfileService(RolloutConfig config) {
        RolloutConfig.ProfileService profile = config.profileService();
        this.api = profile.url().map(url -> QuarkusRestClientBuilder.newBuilder()
                .baseUri(url)
                .connectTimeout(profile.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(profile.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .build(ProfileServiceApi.class));
        if (api.isEmpty()) {
            LOG.warn("peerlift.rollout.profile-service.url is not set: rollouts start without checking their folder");
        }
    }

    /**
     * The folder's existence and consistency errors, or empty when profile-service is not configured; a 503
     * problem when it cannot be asked, a 403 one when it refuses the operator.
     */
    public Optional<StartGate.FolderReport> folder(long folderId, String authorization) {
        if (api.isEmpty()) {
            return Optional.empty();
        }
        try {
            ProfileServiceApi.ConsistencyReport report = api.get().consistency(folderId, authorization);
            List<String> errors = report.problems() == null ? List.of() : report.problems().stream()
                    .filter(p -> "ERROR".equals(p.severity()))
                    .map(p -> p.code() + (p.subnet() == null ? "" : " in " + p.subnet()) + ": " + p.message())
                    .toList();
            return Optional.of(new StartGate.FolderReport(true, errors));
        } catch (WebApplicationException e) {
            int status = e.getResponse().getStatus();
            if (status == 404) {
                return Optional.of(new StartGate.FolderReport(false, List.of()));
            }
            if (status == 401 || status == 403) {
                throw new ProblemException(403, "forbidden", "Forbidden", "profile-service refused (" + status
                        + ") to show this caller the consistency report of folder " + folderId
                        + ", which a rollout on it needs");
            }
            throw unavailable(folderId, "answered " + status);
        } catch (ProcessingException e) {
            throw unavailable(folderId, "is unreachable (" + e.getMessage() + ")");
        }
    }

    private static ProblemException unavailable(long folderId, String what) {
        return new ProblemException(503, "service-unavailable", "Service unavailable", "profile-service " + what
                + ": the folder " + folderId + " and its consistency report cannot be checked; try again later");
    }
}
