package io.peerlift.device.domain;

import io.peerlift.events.AppRef;
import io.peerlift.events.DeviceCommand;
import io.peerlift.events.OsFamily;
import io.peerlift.events.OsVersion;
import io.peerlift.events.TrustedReleaseKeys;

import java.util.Optional;

/**
 * Whether a device may take an upgrade: a release key it trusts must have signed the commanded release, the OS it
 * runs must be able to take part, and the base system never goes back.
 */
public final class UpgradeEligibility {

    private UpgradeEligibility() {
    }

    /**
     * Why the device refuses {@code command}, or empty when it takes it. The signature is checked first (a device
     * provisioned with no release key takes nothing), over the command's app, version and
     * manifest identity: the manifest it then fetches must hash to that identity and every chunk to the manifest,
     * so no source, command or repository can slip in other bytes. Passing it, the command's version is the signed
     * one, and going below the running OS is refused; that running OS came from a signed release at or above its
     * signed minimum version, so no release below that minimum is taken either.
     */
    public static Optional<String> refusal(String runningOs, boolean baseSystem, DeviceCommand.Upgrade command,
                                           TrustedReleaseKeys trusted) {
        try {
            AppRef release = new AppRef(command.app(), command.version(), command.manifestSha256());
            trusted.verify(release, command.signature());
        } catch (TrustedReleaseKeys.UntrustedReleaseException untrusted) {
            return Optional.of(untrusted.getMessage());
        }
        OsVersion current = OsVersion.parse(runningOs);
        if (current.family() == OsFamily.OS11 && current.isBelow(OsVersion.MIN_OS11_SOURCE)) {
            return Optional.of("OS " + current + " is below " + OsVersion.MIN_OS11_SOURCE
                    + ", the oldest OS 11 that can take part in a peer upgrade");
        }
        if (baseSystem && OsVersion.parse(command.version()).isBelow(current)) {
            return Optional.of("target " + command.version() + " is older than the running OS " + current
                    + ": a device never goes back (rollback refused)");
        }
        return Optional.empty();
    }
}
