package io.peerlift.rollout.service;

import io.peerlift.events.DeviceConfig;
import io.peerlift.rollout.domain.Device;
import io.peerlift.rollout.domain.Rollout;
import io.peerlift.rollout.domain.RolloutDevice;
import io.peerlift.rollout.domain.RolloutState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;

/** Applies a device's effective config: its folder decides which open rollouts it belongs to. */
@ApplicationScoped
public class DeviceConfigHandler {

    private final Membership membership;
    private final SubnetScheduler scheduler;
    private final RolloutLifecycle lifecycle;

    DeviceConfigHandler(Membership membership, SubnetScheduler scheduler, RolloutLifecycle lifecycle) {
        this.membership = membership;
        this.scheduler = scheduler;
        this.lifecycle = lifecycle;
    }

    /** @return false when the revision is not above the one applied, so nothing changed */
    @Transactional
    public boolean handle(DeviceConfig config) {
        Device device = Device.lockOrCreate(config.deviceId());
        if (config.revision() <= device.configRevision) {
            return false;
        }
        InventoryUpdates.apply(device, config);
        Set<String> memberOf = RolloutDevice.ofDevice(device.deviceId).stream()
                .map(row -> row.rolloutId).collect(Collectors.toSet());
        Instant now = Instant.now();
        for (String rolloutId : Rollout.idsInStates(RolloutState.open())) {
            Rollout rollout = Rollout.lock(rolloutId);
            if (rollout == null || !(memberOf.contains(rolloutId) || device.isInFolderTree(rollout.folderId))) {
                continue;
            }
            membership.refresh(rollout, device);
            if (rollout.state == RolloutState.RUNNING && device.subnet != null) {
                scheduler.schedule(rollout, device.subnet, now);
            }
            lifecycle.checkProgress(rollout, now);
        }
        return true;
    }
}
