package io.peerlift.rollout.domain;

import io.peerlift.events.DeviceEvent;
import io.peerlift.events.DownloadSource;
import io.peerlift.events.SourcePolicy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The lifecycle of a device in a rollout, as the pure function it is: no broker, no database. */
class DeviceLifecycleTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final DeviceLifecycle.Rules ONE_RETRY = new DeviceLifecycle.Rules(1, Duration.ofSeconds(5),
            Duration.ofMinutes(5));
    private static final String SUBNET = "10.1.2.0/24";
    private static final long BYTES = 1000;

    private final DeviceProgress pending = DeviceProgress.joining(DeviceState.PENDING, "11.11.150");

    @Test
    void aCommandedDeviceDownloadsInstallsAndUpgradesAnsweringItsCommand() {
        UUID command = UUID.randomUUID();
        DeviceProgress commanded = next(pending, new DeviceLifecycle.Command(command, SourcePolicy.PEER_THEN_WAN, T0));
        assertThat(commanded.state()).isEqualTo(DeviceState.COMMANDED);
        assertThat(commanded.attempts()).isEqualTo(1);
        assertThat(commanded.commandId()).isEqualTo(command);
        assertThat(commanded.occupiesPeerSlot()).isTrue();

        DeviceProgress downloading = answer(commanded, started(command, 1, "peer-1"), 4);
        assertThat(downloading.state()).isEqualTo(DeviceState.DOWNLOADING);
        assertThat(downloading.round()).as("one more than its peer's").isEqualTo(5);
        assertThat(downloading.lastActivityAt()).isEqualTo(T0.plusSeconds(1));

        DeviceProgress installing = answer(downloading, completed(command, 1, DownloadSource.PEER), 0);
        assertThat(installing.state()).isEqualTo(DeviceState.INSTALLING);
        assertThat(installing.peerBytes()).isEqualTo(BYTES);
        assertThat(installing.peerDownloads()).isEqualTo(1);
        assertThat(installing.transferMillis()).isEqualTo(700);
        assertThat(installing.occupiesPeerSlot()).as("the download is done").isFalse();

        DeviceProgress upgraded = answer(installing, upgradeCompleted(command, 1), 0);
        assertThat(upgraded.state()).isEqualTo(DeviceState.UPGRADED);
        assertThat(upgraded.osVersion()).isEqualTo("12.7.4");
        assertThat(upgraded.installMillis()).isEqualTo(1500);
        assertThat(upgraded.rebootMillis()).isEqualTo(3000);
        assertThat(upgraded.finishedAt()).isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void anEventOfAnEarlierAttemptOrOfNoCommandChangesNothing() {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        DeviceProgress retried = next(fail(next(pending, new DeviceLifecycle.Command(first, SourcePolicy.PEER_ONLY, T0)),
                first, 1), new DeviceLifecycle.Command(second, SourcePolicy.PEER_ONLY, T0.plusSeconds(10)));
        assertThat(retried.attempts()).isEqualTo(2);

        assertThat(answer(retried, completed(first, 1, DownloadSource.PEER), 0)).isEqualTo(retried);
        assertThat(answer(retried, upgradeCompleted(first, 1), 0)).isEqualTo(retried);
        assertThat(answer(retried, completed(null, 0, DownloadSource.PEER), 0)).as("an older producer").isEqualTo(retried);
        assertThat(answer(retried, completed(second, 1, DownloadSource.PEER), 0)).as("the id with a wrong attempt")
                .isEqualTo(retried);
        assertThat(answer(retried, completed(second, 2, DownloadSource.PEER), 0).state())
                .isEqualTo(DeviceState.INSTALLING);
    }

    @Test
    void aFailedAttemptIsRetriedAfterABackoffUntilTheRetriesAreUsedUp() {
        UUID first = UUID.randomUUID();
        DeviceProgress failedOnce = fail(next(pending, new DeviceLifecycle.Command(first, SourcePolicy.PEER_ONLY, T0)),
                first, 1);
        assertThat(failedOnce.state()).isEqualTo(DeviceState.PENDING);
        assertThat(failedOnce.retryAt()).isEqualTo(T0.plusSeconds(1).plusSeconds(5));
        assertThat(failedOnce.failureReason()).isEqualTo("download failed: peer went away");
        assertThat(failedOnce.failedAttempts()).isEqualTo(1);

        UUID second = UUID.randomUUID();
        DeviceProgress failedTwice = fail(next(failedOnce, new DeviceLifecycle.Command(second, SourcePolicy.PEER_ONLY,
                T0.plusSeconds(6))), second, 2);
        assertThat(failedTwice.state()).as("retryLimit 1: out of retries").isEqualTo(DeviceState.FAILED);
        assertThat(failedTwice.finishedAt()).isNotNull();
        assertThat(failedTwice.failedAttempts()).isEqualTo(2);
        assertThat(next(failedTwice, new DeviceLifecycle.Command(UUID.randomUUID(), SourcePolicy.PEER_ONLY, T0)))
                .as("only pending devices are commanded").isEqualTo(failedTwice);
    }

    @Test
    void anOperatorsRetryGivesAFailedDeviceOneNewAttemptAndNoOtherDeviceChanges() {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        DeviceProgress failedOnce = fail(next(pending, new DeviceLifecycle.Command(first, SourcePolicy.PEER_ONLY, T0)),
                first, 1);
        DeviceProgress failed = fail(next(failedOnce, new DeviceLifecycle.Command(second, SourcePolicy.PEER_ONLY,
                T0.plusSeconds(6))), second, 2);
        assertThat(failed.state()).isEqualTo(DeviceState.FAILED);

        DeviceProgress retried = next(failed, new DeviceLifecycle.Retry());
        assertThat(retried.state()).isEqualTo(DeviceState.PENDING);
        assertThat(retried.retryAt()).as("due at once").isNull();
        assertThat(retried.finishedAt()).isNull();
        assertThat(retried.attempts()).isEqualTo(2);

        UUID third = UUID.randomUUID();
        DeviceProgress commanded = next(retried, new DeviceLifecycle.Command(third, SourcePolicy.PEER_ONLY,
                T0.plusSeconds(60)));
        assertThat(commanded.attempts()).as("a new attempt").isEqualTo(3);
        assertThat(fail(commanded, third, 3).state()).as("its retries spent: failed for good at once")
                .isEqualTo(DeviceState.FAILED);

        assertThat(next(pending, new DeviceLifecycle.Retry())).isEqualTo(pending);
        assertThat(next(failedOnce, new DeviceLifecycle.Retry())).as("waiting for its own retry").isEqualTo(failedOnce);
    }

    @Test
    void theBackoffDoublesUpToItsMaximum() {
        DeviceLifecycle.Rules rules = new DeviceLifecycle.Rules(30, Duration.ofSeconds(5), Duration.ofMinutes(1));
        assertThat(rules.backoff(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(rules.backoff(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(rules.backoff(4)).isEqualTo(Duration.ofSeconds(40));
        assertThat(rules.backoff(5)).isEqualTo(Duration.ofMinutes(1));
        assertThat(rules.backoff(30)).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void aSilentActiveDeviceTimesOutAndOthersDoNot() {
        UUID command = UUID.randomUUID();
        DeviceProgress commanded = next(pending, new DeviceLifecycle.Command(command, SourcePolicy.PEER_ONLY, T0));
        DeviceProgress timedOut = next(commanded, new DeviceLifecycle.Timeout(Duration.ofSeconds(300), T0.plusSeconds(301)));
        assertThat(timedOut.state()).isEqualTo(DeviceState.PENDING);
        assertThat(timedOut.failureReason()).isEqualTo("timed out: no event for 300 s while COMMANDED");
        assertThat(next(pending, new DeviceLifecycle.Timeout(Duration.ofSeconds(300), T0))).isEqualTo(pending);
    }

    @Test
    void aLateFailureOfATimedOutAttemptNeverFailsTheNextAttempt() {
        UUID first = UUID.randomUUID();
        DeviceProgress commanded = next(pending, new DeviceLifecycle.Command(first, SourcePolicy.PEER_ONLY, T0));
        DeviceProgress timedOut = next(commanded, new DeviceLifecycle.Timeout(Duration.ofSeconds(300),
                T0.plusSeconds(301)));
        UUID second = UUID.randomUUID();
        DeviceProgress retried = next(timedOut, new DeviceLifecycle.Command(second, SourcePolicy.PEER_ONLY,
                T0.plusSeconds(310)));
        assertThat(retried.state()).isEqualTo(DeviceState.COMMANDED);
        assertThat(retried.attempts()).isEqualTo(2);

        // Attempt 1's device answers its Cancel (or gives up on its own) after attempt 2 was sent.
        assertThat(fail(retried, first, 1)).as("attempt 1's late failure").isEqualTo(retried);
        DeviceProgress downloading = answer(retried, started(second, 2, "peer-1"), 1);
        assertThat(fail(downloading, first, 1)).isEqualTo(downloading);
        assertThat(downloading.state()).isEqualTo(DeviceState.DOWNLOADING);
        assertThat(fail(downloading, second, 2).state()).as("attempt 2's own failure counts (last retry used)")
                .isEqualTo(DeviceState.FAILED);
    }

    @Test
    void cancelEndsWhatIsUnfinishedAndAnUpgradeThatCompletesAfterwardsStillCounts() {
        UUID command = UUID.randomUUID();
        DeviceProgress commanded = next(pending, new DeviceLifecycle.Command(command, SourcePolicy.PEER_ONLY, T0));
        DeviceProgress cancelled = next(commanded, new DeviceLifecycle.Cancel(T0.plusSeconds(2)));
        assertThat(cancelled.state()).isEqualTo(DeviceState.CANCELLED);
        assertThat(next(pending, new DeviceLifecycle.Cancel(T0)).state()).isEqualTo(DeviceState.CANCELLED);
        DeviceProgress current = DeviceProgress.joining(DeviceState.CURRENT, "12.7.4");
        assertThat(next(current, new DeviceLifecycle.Cancel(T0))).isEqualTo(current);

        // What the cancelled download cost is still learned, and the device did upgrade.
        DeviceProgress counted = answer(cancelled, completed(command, 1, DownloadSource.WAN), 0);
        assertThat(counted.state()).isEqualTo(DeviceState.CANCELLED);
        assertThat(counted.wanBytes()).isEqualTo(BYTES);
        assertThat(answer(counted, upgradeCompleted(command, 1), 0).state()).isEqualTo(DeviceState.UPGRADED);
    }

    @Test
    void aVersionSeenReassessesOnlyDevicesNotYetCommanded() {
        assertThat(next(pending, new DeviceLifecycle.VersionSeen("12.7.4", DeviceState.CURRENT)).state())
                .isEqualTo(DeviceState.CURRENT);
        DeviceProgress commanded = next(pending, new DeviceLifecycle.Command(UUID.randomUUID(), SourcePolicy.PEER_ONLY, T0));
        assertThat(next(commanded, new DeviceLifecycle.VersionSeen("12.7.4", DeviceState.CURRENT))).isEqualTo(commanded);
    }

    @Test
    void theCountsOfASubnetAreTheSumOfItsDevicesAfterEveryChange() {
        UUID seedCommand = UUID.randomUUID();
        DeviceCounts counts = new DeviceCounts();
        DeviceProgress a = pending;
        DeviceProgress b = DeviceProgress.joining(DeviceState.PENDING, "11.11.150");
        counts.move(null, a);
        counts.move(null, b);
        DeviceProgress seed = next(a, new DeviceLifecycle.Command(seedCommand, SourcePolicy.WAN_SEED, T0));
        counts.move(a, seed);
        assertThat(counts.seedsOutstanding).isEqualTo(1);
        assertThat(counts.seedsDownloading).isEqualTo(1);
        assertThat(counts.peerSlotsTaken).isZero();
        DeviceProgress seeded = answer(answer(seed, completed(seedCommand, 1, DownloadSource.WAN), 0),
                upgradeCompleted(seedCommand, 1), 0);
        counts.move(seed, seeded);
        assertThat(counts.seedsOutstanding).as("an upgraded seed stays outstanding until it serves").isEqualTo(1);
        assertThat(counts.seedsDownloading).isZero();
        assertThat(counts.upgraded).isEqualTo(1);
        assertThat(counts.pending).isEqualTo(1);
        assertThat(counts.wanBytes).isEqualTo(BYTES);
        assertThat(counts.wanDownloads).isEqualTo(1);
        counts.move(b, null);
        assertThat(counts.total()).isEqualTo(1);
        assertThat(counts.byState()).containsEntry("UPGRADED", 1).containsEntry("PENDING", 0).hasSize(9);
    }

    @Test
    void anUpgradedSeedThatDoesNotServeIsExpiredOnceAndStopsHoldingItsSubnetsSeeding() {
        UUID seedCommand = UUID.randomUUID();
        DeviceProgress commanded = next(pending, new DeviceLifecycle.Command(seedCommand, SourcePolicy.WAN_SEED, T0));
        DeviceProgress seeded = answer(answer(commanded, completed(seedCommand, 1, DownloadSource.WAN), 0),
                upgradeCompleted(seedCommand, 1), 0);
        DeviceLifecycle.SeedExpired off = DeviceLifecycle.SeedExpired.after(Duration.ofSeconds(120), null, false);
        assertThat(off.reason()).isEqualTo("upgraded from the WAN but not serving the subnet 120 s later: its peer"
                + " server is not running (is peerlift.buddy_server.enabled off?); another device seeds the subnet");
        assertThat(DeviceLifecycle.SeedExpired.after(Duration.ofSeconds(120), T0, true).reason())
                .contains("no event from it since 2026-12-01T10:00:00Z");

        DeviceCounts counts = new DeviceCounts();
        counts.move(null, seeded);
        assertThat(counts.seedsOutstanding).isEqualTo(1);
        DeviceProgress expired = next(seeded, off);
        counts.move(seeded, expired);
        assertThat(expired.state()).as("it did upgrade").isEqualTo(DeviceState.UPGRADED);
        assertThat(expired.seedExpiry()).isEqualTo(off.reason());
        assertThat(counts.seedsOutstanding).isZero();
        assertThat(counts.seedsExpired).isEqualTo(1);
        assertThat(counts.upgraded).isEqualTo(1);

        assertThat(next(expired, DeviceLifecycle.SeedExpired.after(Duration.ofSeconds(1), T0, false)))
                .as("expired once, with its first reason").isEqualTo(expired);
        assertThat(next(commanded, off)).as("a seed on its way is the timeout's business").isEqualTo(commanded);
        DeviceProgress local = answer(answer(next(pending, new DeviceLifecycle.Command(seedCommand,
                SourcePolicy.PEER_THEN_WAN, T0)), completed(seedCommand, 1, DownloadSource.PEER), 0),
                upgradeCompleted(seedCommand, 1), 0);
        assertThat(next(local, off)).as("only WAN seeds hold a subnet's seeding").isEqualTo(local);
    }

    @Test
    void theErrorThresholdCountsOnlyTheFailuresNotAcknowledged() {
        DeviceCounts counts = new DeviceCounts();
        counts.failed = 1;
        counts.pending = 2;
        counts.ineligible = 5;
        assertThat(new ErrorThreshold(30).exceededBy(counts, 0)).hasValueSatisfying(reason ->
                assertThat(reason).startsWith("1 of 3 devices failed (33%), above the error threshold of 30%"));
        assertThat(new ErrorThreshold(34).exceededBy(counts, 0)).isEmpty();
        assertThat(new ErrorThreshold(30).exceededBy(counts, 1)).as("acknowledged by a resume").isEmpty();
    }

    // ---- the inputs ----

    private static DeviceProgress next(DeviceProgress device, DeviceLifecycle.Input input) {
        return DeviceLifecycle.next(device, input, ONE_RETRY);
    }

    private static DeviceProgress answer(DeviceProgress device, DeviceEvent.Answer event, int peerRound) {
        return next(device, new DeviceLifecycle.Answer(event, peerRound, T0.plusSeconds(1)));
    }

    private static DeviceProgress fail(DeviceProgress device, UUID command, int attempt) {
        return answer(device, new DeviceEvent.DownloadFailed(UUID.randomUUID(), "d1", SUBNET, T0, 1, 1, "r1", command,
                attempt, "base-system", "12.7.4", "peer went away", 0, 0, 0), 0);
    }

    private static DeviceEvent.DownloadStarted started(UUID command, int attempt, String peerId) {
        return new DeviceEvent.DownloadStarted(UUID.randomUUID(), "d1", SUBNET, T0, 1, 1, "r1", command, attempt,
                "base-system", "12.7.4", DownloadSource.PEER, peerId, BYTES);
    }

    private static DeviceEvent.DownloadCompleted completed(UUID command, int attempt, DownloadSource source) {
        boolean wan = source == DownloadSource.WAN;
        return new DeviceEvent.DownloadCompleted(UUID.randomUUID(), "d1", SUBNET, T0, 2, 1, "r1", command, attempt,
                "base-system", "12.7.4", BYTES, source, wan ? 0 : BYTES, wan ? BYTES : 0, 700);
    }

    private static DeviceEvent.UpgradeCompleted upgradeCompleted(UUID command, int attempt) {
        return new DeviceEvent.UpgradeCompleted(UUID.randomUUID(), "d1", SUBNET, T0, 3, 1, "r1", command, attempt,
                "base-system", "12.7.4", "12.7.4", 1500, 3000);
    }
}
