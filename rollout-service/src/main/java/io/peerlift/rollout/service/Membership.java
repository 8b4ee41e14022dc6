package io.peerlift.rollout.service;

import io.peerlift.events.OsVersion;
import io.peerlift.rollout.domain.Device;
import io.peerlift.rollout.domain.DeviceState;
import io.peerlift.rollout.domain.Rollout;
import io.peerlift.rollout.domain.RolloutDevice;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

/**
 * Which devices a rollout covers: those whose folder path contains the rollout's folder (sub-folders included),
 * taken in whenever they join, each starting PENDING, INELIGIBLE or CURRENT by its OS version.
 */
@ApplicationScoped
public class Membership {

    private final DeviceProgress progress;

    Membership(DeviceProgress progress) {
        this.progress = progress;
    }

    /** Brings the device's row in the (locked) rollout in line with what the inventory says about it. */
    public void refresh(Rollout rollout, Device device) {
        Optional<RolloutDevice> existing = RolloutDevice.find(rollout.id, device.deviceId);
        boolean inFolder = device.isInFolderTree(rollout.folderId);
        if (existing.isEmpty() && !inFolder) {
            return;
        }
        RolloutDevice row = existing.orElseGet(() -> join(rollout, device));
        if (!inFolder && DeviceState.BY_VERSION.contains(row.state)) {
            // Moved out of the folder before it was commanded: no longer part of this rollout.
            row.delete();
            return;
        }
        if (device.subnet != null) {
            row.subnet = device.subnet;
        }
        row.osVersion = device.osVersion;
        if (DeviceState.BY_VERSION.contains(row.state)) {
            progress.moveTo(row, eligibility(rollout, device.osVersion));
        }
    }

    /**
     * Takes in the folder's devices that the (locked) rollout has no row for. A configuration applied while the
     * rollout was being created commits in a transaction that neither saw the rollout nor was seen by it; the
     * next tick finds such a device here instead of leaving it out of the rollout for good.
     */
    public void takeInMissed(Rollout rollout) {
        for (Device device : Device.inFolderTreeOutside(rollout.id, rollout.folderId)) {
            refresh(rollout, device);
        }
    }

    private static RolloutDevice join(Rollout rollout, Device device) {
        RolloutDevice row = new RolloutDevice();
        row.rolloutId = rollout.id;
        row.deviceId = device.deviceId;
        row.state = DeviceState.PENDING;
        row.persist();
        return row;
    }

    static DeviceState eligibility(Rollout rollout, String osVersion) {
        if (osVersion == null) {
            return DeviceState.PENDING;
        }
        OsVersion version;
        try {
            version = OsVersion.parse(osVersion);
        } catch (IllegalArgumentException unparsable) {
            return DeviceState.INELIGIBLE;
        }
        if (version.isAtLeast(OsVersion.parse(rollout.version))) {
            return DeviceState.CURRENT;
        }
        return version.isBelow(OsVersion.parse(rollout.minSourceVersion)) ? DeviceState.INELIGIBLE : DeviceState.PENDING;
    }
}
