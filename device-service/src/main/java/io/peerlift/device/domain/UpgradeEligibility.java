package io.peerlift.device.domain;

import io.peerlift.events.OsFamily;
import io.peerlift.events.OsVersion;

import java.util.Optional;

/** Whether a device may take an upgrade: the OS it runs must be able to, and the base system never goes back. */
public final class UpgradeEligibility {

    private UpgradeEligibility() {
    }

    /** Why the device refuses, or empty when it takes the upgrade. */
    public static Optional<String> refusal(String runningOs, boolean baseSystem, String targetVersion) {
        OsVersion current = OsVersion.parse(runningOs);
        if (current.family() == OsFamily.OS11 && current.isBelow(OsVersion.MIN_OS11_SOURCE)) {
            return Optional.of("OS " + current + " is below " + OsVersion.MIN_OS11_SOURCE
                    + ", the oldest OS 11 that can take part in a peer upgrade");
        }
        if (baseSystem && OsVersion.parse(targetVersion).isBelow(current)) {
            return Optional.of("target " + targetVersion + " is older than the running OS " + current);
        }
        return Optional.empty();
    }
}
