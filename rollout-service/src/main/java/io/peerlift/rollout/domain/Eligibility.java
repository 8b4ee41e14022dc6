package io.peerlift.rollout.domain;

import io.peerlift.events.OsVersion;

/** What a rollout makes of a device by its OS version alone, before it is commanded. */
public final class Eligibility {

    private Eligibility() {
    }

    /** CURRENT at or above the target, INELIGIBLE below the minimum source version (or unreadable), else PENDING. */
    public static DeviceState of(String osVersion, String targetVersion, String minSourceVersion) {
        if (osVersion == null) {
            return DeviceState.PENDING;
        }
        OsVersion version;
        try {
            version = OsVersion.parse(osVersion);
        } catch (IllegalArgumentException unparsable) {
            return DeviceState.INELIGIBLE;
        }
        if (version.isAtLeast(OsVersion.parse(targetVersion))) {
            return DeviceState.CURRENT;
        }
        return version.isBelow(OsVersion.parse(minSourceVersion)) ? DeviceState.INELIGIBLE : DeviceState.PENDING;
    }

    /**
     * Why a device on {@code osVersion} is INELIGIBLE for a rollout with {@code minSourceVersion}, in words for the
     * operator; null when it is not.
     */
    public static String ineligibleReason(String osVersion, String targetVersion, String minSourceVersion) {
        if (of(osVersion, targetVersion, minSourceVersion) != DeviceState.INELIGIBLE) {
            return null;
        }
        try {
            OsVersion.parse(osVersion);
        } catch (IllegalArgumentException unparsable) {
            return "its OS version '" + osVersion + "' cannot be read";
        }
        return "OS " + osVersion + " is below the rollout's minimum source version " + minSourceVersion
                + (OsVersion.parse(osVersion).isBelow(OsVersion.MIN_OS11_SOURCE)
                ? " (IGEL OS " + OsVersion.MIN_OS11_SOURCE + " or later is needed to upgrade from a peer)" : "");
    }
}
