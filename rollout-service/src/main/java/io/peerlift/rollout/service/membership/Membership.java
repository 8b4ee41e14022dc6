package io.peerlift.rollout.service.membership;

import io.peerlift.rollout.domain.Device;
import io.peerlift.rollout.domain.DeviceLifecycle;
import io.peerlift.rollout.domain.DeviceProgress;
import io.peerlift.rollout.domain.Rollout;
import io.peerlift.rollout.domain.RolloutDevice;
import io.peerlift.rollout.domain.RolloutSubnet;

import java.time.Instant;

/**
 * Which devices a rollout covers: those whose folder path contains the rollout's folder (sub-folders included),
 * each joining PENDING, INELIGIBLE or CURRENT by its OS version. The caller holds the device's lock and the lock
 * of every subnet it names ({@link #subnetOf}).
 */
public final class Membership {

    /** What one device's config means for one open rollout. */
    public enum Change {
        JOIN, LEAVE, REASSESS, NONE
    }

    private Membership() {
    }

    /** {@code member} is the device's row in the rollout, null when it has none. */
    public static Change of(Rollout rollout, Device device, RolloutDevice member, boolean versionChanged) {
        boolean inFolder = device.isInFolderTree(rollout.folderId);
        if (member == null) {
            return inFolder ? Change.JOIN : Change.NONE;
        }
        if (!inFolder && member.state.isByVersion()) {
            // Moved out of the folder before it was commanded: no longer part of this rollout.
            return Change.LEAVE;
        }
        return versionChanged ? Change.REASSESS : Change.NONE;
    }

    /** The subnet whose counts the change moves. */
    public static RolloutSubnet.Key subnetOf(Rollout rollout, Device device, RolloutDevice member) {
        return member == null ? new RolloutSubnet.Key(rollout.id, device.subnet) : member.subnetKey();
    }

    public static void join(Rollout rollout, Device device, RolloutSubnet subnet, Instant now) {
        DeviceProgress joining = DeviceProgress.joining(rollout.eligibility(device.osVersion), device.osVersion);
        RolloutDevice.join(rollout.id, device.deviceId, device.subnet, joining).persist();
        subnet.deviceChanged(null, joining, now);
    }

    public static void leave(RolloutDevice member, RolloutSubnet subnet, Instant now) {
        subnet.deviceChanged(member.progress(), null, now);
        member.delete();
    }

    public static void reassess(Rollout rollout, Device device, RolloutDevice member, RolloutSubnet subnet,
                                DeviceLifecycle.Rules rules, Instant now) {
        DeviceProgress before = member.progress();
        DeviceProgress after = DeviceLifecycle.next(before,
                new DeviceLifecycle.VersionSeen(device.osVersion, rollout.eligibility(device.osVersion)), rules);
        if (!after.equals(before)) {
            member.set(after);
            subnet.deviceChanged(before, after, now);
        }
    }

    /** Applies the change, under the locks the caller holds. */
    public static void apply(Change change, Rollout rollout, Device device, RolloutDevice member,
                             RolloutSubnet subnet, DeviceLifecycle.Rules rules, Instant now) {
        switch (change) {
            case JOIN -> join(rollout, device, subnet, now);
            case LEAVE -> leave(member, subnet, now);
            case REASSESS -> reassess(rollout, device, member, subnet, rules, now);
            case NONE -> {
            }
        }
    }
}
