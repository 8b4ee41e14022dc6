package io.peerlift.rollout.domain;

import io.peerlift.events.DeviceEvent;
import io.peerlift.events.SettingKeys;
import io.peerlift.events.SourcePolicy;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * The lifecycle of one device in one rollout as a pure function: {@link #next} maps what the rollout knows
 * about the device and one input (a command decided, an event of the device, a timeout, a cancel, a version
 * seen) to what it knows afterwards. Nothing else changes a device's {@link DeviceProgress}.
 * <p>
 * An event counts only when it answers the device's current Upgrade (its command id and attempt): a late event
 * of an earlier attempt, or one that names no command, changes nothing.
 */
public final class DeviceLifecycle {

    private DeviceLifecycle() {
    }

    /** What moves a device; each input knows what it does to it. */
    public sealed interface Input {
        DeviceProgress applyTo(DeviceProgress device, Rules rules);
    }

    /** The scheduler commands the device with the next attempt of the Upgrade. */
    public record Command(UUID commandId, SourcePolicy policy, Instant at) implements Input {
        @Override
        public DeviceProgress applyTo(DeviceProgress device, Rules rules) {
            return device.state() == DeviceState.PENDING ? device.commanded(commandId, policy, at) : device;
        }
    }

    /**
     * The device reported an event of its upgrade.
     *
     * @param peerRound the round of the peer a DownloadStarted names, in this rollout (0: none or not a member)
     */
    public record Answer(DeviceEvent.Answer event, int peerRound, Instant at) implements Input {
        @Override
        public DeviceProgress applyTo(DeviceProgress device, Rules rules) {
            if (!answers(device, event)) {
                return device;
            }
            DeviceProgress alive = device.state().isActive() ? device.activeAt(at) : device;
            boolean active = alive.state().isActive();
            if (event instanceof DeviceEvent.DownloadStarted e) {
                return alive.state().isDownloading() ? alive.downloading(e.source(), peerRound + 1) : alive;
            }
            if (event instanceof DeviceEvent.DownloadCompleted e) {
                DeviceProgress counted = alive.downloaded(e.source(), e.wanBytes(), e.peerBytes(), e.durationMillis());
                return active ? counted.withState(DeviceState.INSTALLING) : counted;
            }
            if (event instanceof DeviceEvent.DownloadFailed e) {
                DeviceProgress counted = alive.transferred(e.wanBytes(), e.peerBytes());
                return active ? fail(counted, "download failed: " + e.reason(), at, rules) : counted;
            }
            if (event instanceof DeviceEvent.UpgradeStarted) {
                return active ? alive.withState(DeviceState.INSTALLING) : alive;
            }
            if (event instanceof DeviceEvent.UpgradeCompleted e) {
                return alive.state() == DeviceState.UPGRADED ? alive
                        : alive.upgraded(e.newOsVersion(), at, e.installMillis(), e.rebootMillis());
            }
            if (event instanceof DeviceEvent.UpgradeFailed e) {
                return active ? fail(alive, "upgrade failed: " + e.reason(), at, rules) : alive;
            }
            // Discovery and download progress only show that the device is alive.
            return alive;
        }
    }

    /** No event of the device for {@code silence}. */
    public record Timeout(Duration silence, Instant at) implements Input {
        @Override
        public DeviceProgress applyTo(DeviceProgress device, Rules rules) {
            return device.state().isActive()
                    ? fail(device, "timed out: no event for " + silence.toSeconds() + " s while " + device.state(), at,
                    rules)
                    : device;
        }
    }

    /** The rollout is cancelled: what has not finished never will in this rollout. */
    public record Cancel(Instant at) implements Input {
        @Override
        public DeviceProgress applyTo(DeviceProgress device, Rules rules) {
            return device.state() == DeviceState.PENDING || device.state().isActive()
                    ? device.finished(DeviceState.CANCELLED, at)
                    : device;
        }
    }

    /**
     * An operator retries the FAILED devices of a finished rollout: each is commanded again with a new attempt
     * (and, its retries spent, fails for good if that one fails too).
     */
    public record Retry() implements Input {
        @Override
        public DeviceProgress applyTo(DeviceProgress device, Rules rules) {
            return device.state() == DeviceState.FAILED ? device.retried() : device;
        }
    }

    /**
     * An upgraded WAN seed did not serve the target in time (its peer server is off, or it fell silent): it no
     * longer holds its subnet's seeding, so that another device of the subnet is seeded.
     */
    public record SeedExpired(String reason) implements Input {

        /**
         * @param within        how long the seed had to serve after its upgrade
         * @param silentSince   when the seed's last event arrived, if it fell silent (expired as a peer)
         * @param serverRunning whether its peer server runs, as its last event said
         */
        public static SeedExpired after(Duration within, Instant silentSince, boolean serverRunning) {
            String why = silentSince != null ? "no event from it since " + silentSince + " (crashed or cut off?)"
                    : serverRunning ? "its peer server does not offer the target"
                    : "its peer server is not running (is " + SettingKeys.PEER_SERVER_ENABLED + " off?)";
            return new SeedExpired("upgraded from the WAN but not serving the subnet " + within.toSeconds()
                    + " s later: " + why + "; another device seeds the subnet");
        }

        @Override
        public DeviceProgress applyTo(DeviceProgress device, Rules rules) {
            return device.state() == DeviceState.UPGRADED && device.isOutstandingSeed() ? device.seedExpired(reason)
                    : device;
        }
    }

    /** The device's OS version as the inventory now knows it, and what it makes of a device not yet commanded. */
    public record VersionSeen(String osVersion, DeviceState byVersion) implements Input {
        @Override
        public DeviceProgress applyTo(DeviceProgress device, Rules rules) {
            return device.state().isByVersion() ? device.reassessed(byVersion, osVersion) : device;
        }
    }

    /**
     * The rollout's rules for failures: an attempt that fails is retried after a backoff that doubles with each
     * attempt (up to {@code maxRetryBackoff}) while {@code retryLimit} retries remain.
     */
    public record Rules(int retryLimit, Duration retryBackoff, Duration maxRetryBackoff) {

        Duration backoff(int attempts) {
            Duration grown = retryBackoff.multipliedBy(1L << Math.min(Math.max(attempts - 1, 0), 20));
            return grown.compareTo(maxRetryBackoff) > 0 ? maxRetryBackoff : grown;
        }
    }

    public static DeviceProgress next(DeviceProgress device, Input input, Rules rules) {
        return input.applyTo(device, rules);
    }

    /** Whether the event answers the device's current Upgrade, so that it may change something. */
    public static boolean answers(DeviceProgress device, DeviceEvent.Answer event) {
        return event.commandId() != null && event.commandId().equals(device.commandId())
                && event.attempt() == device.attempts();
    }

    /** The attempt failed: back to PENDING after a backoff while retries remain, FAILED otherwise. */
    private static DeviceProgress fail(DeviceProgress device, String reason, Instant at, Rules rules) {
        return device.attempts() <= rules.retryLimit()
                ? device.failed(DeviceState.PENDING, reason, at.plus(rules.backoff(device.attempts())), device.finishedAt())
                : device.failed(DeviceState.FAILED, reason, null, at);
    }
}
