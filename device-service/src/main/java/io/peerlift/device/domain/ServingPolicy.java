package io.peerlift.device.domain;

import io.peerlift.events.DeviceConfig;
import io.peerlift.events.OsFamily;
import io.peerlift.events.OsVersion;
import io.peerlift.events.SettingKeys;

import java.util.Optional;

/**
 * Whether and how a device serves, from what it runs, holds and is configured with. An OS 12 device that holds a
 * verified app serves when its effective configuration enables the peer server; before any configuration arrives
 * it follows how it was provisioned (a fleet's initial peers serve, every other device does not, as on IGEL OS).
 * With {@code serveBeforeReboot} a device serves what it holds even before its upgrade. Nothing is served during a
 * reboot.
 */
public final class ServingPolicy {

    /** What the peer server and discovery responder run with; a change restarts them. */
    public record Spec(int port, int slots, int discoveryPort, boolean answerDiscovery) {
    }

    /** The values used until the effective configuration says otherwise. */
    public record Defaults(int port, int slots, int discoveryPort, boolean serveBeforeReboot) {
    }

    private ServingPolicy() {
    }

    /** @param config the effective configuration, null before the first arrives */
    public static Optional<Spec> desired(String osVersion, boolean holdsApps, boolean rebooting, boolean provisionedAsPeer,
                                         DeviceConfig config, Defaults defaults) {
        if (rebooting || !holdsApps) {
            return Optional.empty();
        }
        boolean os12 = OsVersion.parse(osVersion).family() == OsFamily.OS12;
        boolean enabled = os12 && (config == null ? provisionedAsPeer
                : config.bool(SettingKeys.PEER_SERVER_ENABLED, provisionedAsPeer));
        if (!enabled && !defaults.serveBeforeReboot()) {
            return Optional.empty();
        }
        return Optional.of(new Spec(integer(config, SettingKeys.PEER_SERVER_PORT, defaults.port()),
                integer(config, SettingKeys.PEER_SERVER_LIMIT, defaults.slots()), discoveryPort(config, defaults),
                discoveryEnabled(config)));
    }

    public static int discoveryPort(DeviceConfig config, Defaults defaults) {
        return integer(config, SettingKeys.DISCOVERY_PORT, defaults.discoveryPort());
    }

    public static boolean discoveryEnabled(DeviceConfig config) {
        return config == null || config.bool(SettingKeys.DISCOVERY_ENABLED, true);
    }

    public static int port(DeviceConfig config, Defaults defaults) {
        return integer(config, SettingKeys.PEER_SERVER_PORT, defaults.port());
    }

    private static int integer(DeviceConfig config, String key, int fallback) {
        return config == null ? fallback : config.integer(key, fallback);
    }
}
