package io.peerlift.rollout.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Configuration of the rollout service, under {@code peerlift.rollout}. */
@ConfigMapping(prefix = "peerlift.rollout")
public interface RolloutConfig {

    Repository repository();

    Scheduler scheduler();

    Status status();

    ProfileService profileService();

    Stalls stalls();

    Approval approval();

    interface Repository {
        /** Where payloads (named by their SHA-256) and upload temp files live. */
        Path storageDir();

        /** The repository's base URL as devices reach it; put into every Upgrade command. */
        @WithDefault("http://127.0.0.1:8083/api/apps")
        String publicUrl();

        /**
         * The public keys (PEM files, as {@code openssl pkey -pubout} writes them) of the release keys whose
         * signatures the repository accepts: an upload signed by any other key is refused, and so is every upload
         * while none is configured.
         */
        Optional<List<Path>> trustedReleaseKeys();
    }

    interface Scheduler {
        /**
         * How often the reconciler passes over the active rollouts without being woken: for timeouts, due retries
         * and subnets another replica's events marked. Recorded events wake it at once.
         */
        @WithDefault("1s")
        Duration tick();

        /** Reconciler threads per replica; each claims subnets of its own, so they never plan the same one. */
        @WithDefault("2")
        int workers();

        /** Subnets planned in one transaction: more is faster at fleet size, fewer holds each lock shorter. */
        @WithDefault("16")
        int subnetsPerTransaction();

        /** Devices taken into a new rollout per transaction. */
        @WithDefault("1000")
        int takeInPage();

        /**
         * How often a running rollout looks for devices of its folder that it has no row for (a configuration
         * that raced its take-in), at most a take-in page at a time.
         */
        @WithDefault("30s")
        Duration membershipAudit();

        /** How long a finished rollout keeps counting its subnets' peers, for its final figures and charts. */
        @WithDefault("2m")
        Duration peersFollowedAfterFinish();

        /**
         * How long a subnet whose holders of the target all stopped serving it stays without a WAN seed. A peer that
         * restarts announces itself "not running" moments before its server is up again, and a new configuration
         * restarts the server: within this grace the subnet waits for them instead of downloading from the WAN.
         */
        @WithDefault("10s")
        Duration restartGrace();

        /** First wait before a failed device is commanded again; doubles with each further attempt. */
        @WithDefault("5s")
        Duration retryBackoff();

        /** The longest wait between retries. */
        @WithDefault("5m")
        Duration maxRetryBackoff();
    }

    interface Status {
        /**
         * The shortest interval between two publications of a rollout's records: its summary and the subnets that
         * changed go out at most this often (state changes at once), however many events change them. The
         * scheduler that runs the publication ticks at 1 s at the finest.
         */
        @WithDefault("1s")
        Duration minInterval();

        /**
         * The most one browser's fleet-view stream ({@code /api/rollouts/stream}) sends per second, on average:
         * after a frame of n bytes the next waits until n bytes at this rate have passed (and at least
         * {@code min-interval}).
         */
        @WithDefault("16384")
        long streamBytesPerSecond();
    }

    interface ProfileService {
        /**
         * profile-service's base URL. Before a rollout is created or started, rollout-service asks it whether the
         * folder exists and for the errors of its consistency report, forwarding the operator's token. Absent,
         * neither is checked: only for tests of rollout-service on its own.
         */
        Optional<URI> url();

        /** How long one call to profile-service may take before the rollout is refused as unchecked (503). */
        @WithDefault("10s")
        Duration timeout();
    }

    /** The stall guards: peers and WAN seeds that stop serving are expired, so that their subnet moves on. */
    interface Stalls {
        /**
         * A device that has sent no event for this long no longer counts as a peer (it crashed, lost power or its
         * network): agents announce themselves every 60 s, so this is three missed heartbeats. Its next event
         * counts it again.
         */
        @WithDefault("3m")
        Duration peerSilence();

        /**
         * How long a WAN seed has, after its upgrade, to serve the target in its subnet. A seed that does not (its
         * peer server is off, or it fell silent) no longer holds its subnet's seeding: another device is seeded.
         */
        @WithDefault("2m")
        Duration seedServesWithin();
    }

    /** Approval with hawkBit's semantics: a rollout waits for an approver before it may start. */
    interface Approval {
        /**
         * Whether a rollout needs an approver's decision when its request does not say ({@code approvalRequired}):
         * once its devices are taken in it waits in WAITING_FOR_APPROVAL until an approver other than its creator
         * approves it (then it is CREATED, and starts if it was created to start) or denies it (APPROVAL_DENIED).
         */
        @WithDefault("false")
        boolean required();
    }
}
