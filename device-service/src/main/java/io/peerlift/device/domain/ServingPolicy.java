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
 * With {@code serveBeforeReboot} a device serves what it holds even before its upgrade, and a device swarming a
 * package serves the chunks it verified while it downloads. Nothing is served during a reboot. HTTPS (OS 12.9) runs
 * beside HTTP when the configuration enables it, on a port of its own.
 */
public final class ServingPolicy {

    /** What the peer server and discovery responder run with; a change restarts them. */
    public record Spec(int port, int slots, int discoveryPort, boolean answerDiscovery, Https https) {
    }

    /**
     * The HTTPS peer server as the configuration asks for it.
     *
     * @param refusal why it must not run although enabled (its port clashes), else null
     */
    public record Https(boolean enabled, int port, String refusal) {
        public static final Https OFF = new Https(false, 0, null);

        /** Enabled and nothing in the configuration against it. */
        public boolean wanted() {
            return enabled && refusal == null;
        }
    }

    /** The values used until the effective configuration says otherwise. */
    public record Defaults(int port, int slots, int discoveryPort, boolean serveBeforeReboot, int httpsPort) {
    }

    private ServingPolicy() {
    }

    /** @param config the effective configuration, null before the first arrives */
    /**
     * @param swarming a download of the SWARM distribution has verified chunks: the device serves them whatever
     *                 it runs, as the rollout commanded
     */
    public static Optional<Spec> desired(String osVersion, boolean holdsApps, boolean swarming, boolean rebooting,
                                         boolean provisionedAsPeer, DeviceConfig config, Defaults defaults) {
        if (rebooting || !holdsApps && !swarming) {
            return Optional.empty();
        }
        boolean os12 = OsVersion.parse(osVersion).family() == OsFamily.OS12;
        boolean enabled = os12 && (config == null ? provisionedAsPeer
                : config.bool(SettingKeys.PEER_SERVER_ENABLED, provisionedAsPeer));
        if (!enabled && !defaults.serveBeforeReboot() && !swarming) {
            return Optional.empty();
        }
        int port = integer(config, SettingKeys.PEER_SERVER_PORT, defaults.port());
        int discoveryPort = discoveryPort(config, defaults);
        return Optional.of(new Spec(port, integer(config, SettingKeys.PEER_SERVER_LIMIT, defaults.slots()),
                discoveryPort, discoveryEnabled(config), https(config, defaults, port, discoveryPort)));
    }

    /**
     * HTTPS when the configuration enables it, refused on the HTTP server's or discovery's port (0, any free port,
     * clashes with nothing).
     */
    static Https https(DeviceConfig config, Defaults defaults, int port, int discoveryPort) {
        if (config == null || !config.bool(SettingKeys.PEER_SERVER_HTTPS_ENABLED, false)) {
            return Https.OFF;
        }
        int httpsPort = integer(config, SettingKeys.PEER_SERVER_HTTPS_PORT, defaults.httpsPort());
        String clash = httpsPort == 0 ? null
                : httpsPort == port ? "its port " + httpsPort + " is the HTTP peer server's ('"
                        + SettingKeys.PEER_SERVER_PORT + "')"
                : httpsPort == discoveryPort ? "its port " + httpsPort + " is the discovery port ('"
                        + SettingKeys.DISCOVERY_PORT + "')" : null;
        return new Https(true, httpsPort, clash == null ? null : "HTTPS does not start: " + clash);
    }

    /** Whether a download may use a peer over plain HTTP (when it offers no HTTPS this device can verify). */
    public static boolean httpDownloadAllowed(DeviceConfig config) {
        return config == null || config.bool(SettingKeys.PEER_DOWNLOAD_HTTP_ALLOWED, true);
    }

    /** Whether PEER_THEN_WAN may download from the repository although the configuration turns discovery off. */
    public static boolean wanWithoutDiscovery(DeviceConfig config) {
        return config != null && config.bool(SettingKeys.WAN_WITHOUT_DISCOVERY, false);
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
