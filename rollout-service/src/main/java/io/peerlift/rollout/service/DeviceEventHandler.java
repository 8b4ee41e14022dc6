package io.peerlift.rollout.service;

import io.peerlift.events.DeviceEvent;
import io.peerlift.events.DownloadSource;
import io.peerlift.rollout.domain.Device;
import io.peerlift.rollout.domain.DeviceState;
import io.peerlift.rollout.domain.Rollout;
import io.peerlift.rollout.domain.RolloutDevice;
import io.peerlift.rollout.domain.RolloutSubnet;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Duration;
import java.time.Instant;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Applies one device event: the inventory, the device's progress in the rollout that commanded it, and a
 * scheduling pass over the subnet in every rollout it concerns, all in one transaction. The device's row is
 * locked first and its last applied seq checked, so a duplicate or stale event changes nothing; rollouts are
 * then locked in id order, so concurrent transactions never deadlock.
 */
@ApplicationScoped
public class DeviceEventHandler {

    /** How long a finished rollout keeps counting its subnets' peers, for its final figures and charts. */
    private static final Duration PEERS_FOLLOWED_AFTER_FINISH = Duration.ofMinutes(2);

    private final Membership membership;
    private final SubnetScheduler scheduler;
    private final RolloutLifecycle lifecycle;
    private final DeviceProgress progress;
    private final RolloutMetrics metrics;

    DeviceEventHandler(Membership membership, SubnetScheduler scheduler, RolloutLifecycle lifecycle,
                       DeviceProgress progress, RolloutMetrics metrics) {
        this.membership = membership;
        this.scheduler = scheduler;
        this.lifecycle = lifecycle;
        this.progress = progress;
        this.metrics = metrics;
    }

    /** @return false when the event was a duplicate or stale and changed nothing */
    @Transactional
    public boolean handle(DeviceEvent event) {
        Device device = Device.lockOrCreate(event.deviceId());
        if (event.seq() <= device.lastSeq) {
            return false;
        }
        String previousSubnet = device.subnet;
        InventoryUpdates.apply(device, event);
        Instant now = Instant.now();
        String commandedBy = rolloutIdOf(event);
        boolean reschedules = changesScheduling(event);
        SortedSet<String> rolloutIds = new TreeSet<>();
        if (commandedBy != null) {
            rolloutIds.add(commandedBy);
        }
        if (reschedules) {
            rolloutIds.addAll(RolloutDevice.openRolloutsWithSubnet(event.subnet()));
            RolloutDevice.ofDevice(device.deviceId).forEach(row -> rolloutIds.add(row.rolloutId));
        }
        for (String rolloutId : rolloutIds) {
            Rollout rollout = Rollout.lock(rolloutId);
            if (rollout == null) {
                continue;
            }
            if (rollout.state.isFinished()) {
                if (rolloutId.equals(commandedBy)) {
                    // A cancelled rollout still learns what its downloads cost.
                    applyToRollout(rollout, event, now);
                }
                if (reschedules && stillFollowsPeers(rollout, now)) {
                    // The last devices start serving just after the rollout completed: count them as peers too.
                    scheduler.schedule(rollout, event.subnet(), now);
                    lifecycle.checkProgress(rollout, now);
                }
                continue;
            }
            membership.refresh(rollout, device);
            if (rolloutId.equals(commandedBy)) {
                applyToRollout(rollout, event, now);
            }
            if (reschedules) {
                // Commands only while RUNNING; a paused rollout still follows its subnets' peers.
                scheduler.schedule(rollout, event.subnet(), now);
                if (previousSubnet != null && !previousSubnet.equals(event.subnet())) {
                    scheduler.schedule(rollout, previousSubnet, now);
                }
                lifecycle.checkProgress(rollout, now);
            }
        }
        return true;
    }

    private static boolean stillFollowsPeers(Rollout rollout, Instant now) {
        return rollout.finishedAt != null && now.isBefore(rollout.finishedAt.plus(PEERS_FOLLOWED_AFTER_FINISH));
    }

    private void applyToRollout(Rollout rollout, DeviceEvent event, Instant now) {
        RolloutDevice row = RolloutDevice.find(rollout.id, event.deviceId()).orElse(null);
        if (row == null) {
            return;
        }
        boolean active = row.state.isActive();
        if (active) {
            row.lastActivityAt = now;
        }
        if (event instanceof DeviceEvent.DownloadStarted e) {
            if (row.state == DeviceState.COMMANDED || row.state == DeviceState.DOWNLOADING) {
                row.source = e.source();
                row.round = roundAfter(rollout.id, e.peerId());
                RolloutSubnet subnet = RolloutSubnet.findOrCreate(rollout.id, event.subnet());
                subnet.rounds = Math.max(subnet.rounds, row.round);
                progress.moveTo(row, DeviceState.DOWNLOADING);
            }
        } else if (event instanceof DeviceEvent.DownloadCompleted e) {
            RolloutSubnet subnet = countBytes(rollout, row, event.subnet(), e.wanBytes(), e.peerBytes());
            if (e.source() == DownloadSource.WAN) {
                subnet.wanDownloads++;
            } else {
                subnet.peerDownloads++;
            }
            if (active) {
                row.source = e.source();
                progress.moveTo(row, DeviceState.INSTALLING);
            }
        } else if (event instanceof DeviceEvent.DownloadFailed e) {
            countBytes(rollout, row, event.subnet(), e.wanBytes(), e.peerBytes());
            if (active) {
                progress.fail(rollout, row, "download failed: " + e.reason(), now);
            }
        } else if (event instanceof DeviceEvent.UpgradeStarted) {
            if (active) {
                progress.moveTo(row, DeviceState.INSTALLING);
            }
        } else if (event instanceof DeviceEvent.UpgradeCompleted e) {
            if (row.state != DeviceState.UPGRADED) {
                row.finishedAt = now;
                row.failureReason = null;
                row.osVersion = e.newOsVersion();
                progress.moveTo(row, DeviceState.UPGRADED);
                RolloutSubnet.findOrCreate(rollout.id, event.subnet()).lastUpgradeAt = e.occurredAt();
            }
        } else if (event instanceof DeviceEvent.UpgradeFailed e) {
            if (active) {
                progress.fail(rollout, row, "upgrade failed: " + e.reason(), now);
            }
        }
    }

    private RolloutSubnet countBytes(Rollout rollout, RolloutDevice row, String subnetCidr, long wanBytes, long peerBytes) {
        row.wanBytes += wanBytes;
        row.peerBytes += peerBytes;
        rollout.wanBytes += wanBytes;
        rollout.peerBytes += peerBytes;
        RolloutSubnet subnet = RolloutSubnet.findOrCreate(rollout.id, subnetCidr);
        subnet.wanBytes += wanBytes;
        subnet.peerBytes += peerBytes;
        metrics.downloadBytes(wanBytes, peerBytes);
        return subnet;
    }

    /** A peer that got the app in this rollout passes on its round plus one; any other source starts round 1. */
    private static int roundAfter(String rolloutId, String peerId) {
        return peerId == null ? 1 : RolloutDevice.find(rolloutId, peerId).map(peer -> peer.round + 1).orElse(1);
    }

    /** Progress and discovery only show the device is alive; everything else can free or add capacity. */
    private static boolean changesScheduling(DeviceEvent event) {
        return !(event instanceof DeviceEvent.DownloadProgress
                || event instanceof DeviceEvent.DiscoveryRequested
                || event instanceof DeviceEvent.DiscoveryAnswered);
    }

    static String rolloutIdOf(DeviceEvent event) {
        return event instanceof DeviceEvent.Answer answer ? answer.rolloutId() : null;
    }
}
