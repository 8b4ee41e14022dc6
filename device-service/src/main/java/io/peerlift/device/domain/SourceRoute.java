package io.peerlift.device.domain;

import io.peerlift.events.SettingKeys;
import io.peerlift.events.SourcePolicy;

/**
 * Where a download starts, a pure rule: from the repository (WAN_SEED), from the subnet's peers, or, when this
 * device cannot ask them, as its source policy says. PEER_ONLY fails then. PEER_THEN_WAN goes to the repository
 * when no peer could be reached over a transport this device may use, but not when its configuration turns
 * discovery off: a device that never looks for peers would take every byte from the WAN unnoticed, so that
 * fails too unless {@link SettingKeys#WAN_WITHOUT_DISCOVERY} allows it.
 *
 * @param failure why the download gives up at once ({@link Kind#FAIL}), else null
 */
public record SourceRoute(Kind kind, String failure) {

    public enum Kind {
        /** Discover the subnet's peers (PEER_THEN_WAN may still fall back after silent rounds). */
        DISCOVER,
        /** Download from the repository at once. */
        REPOSITORY,
        /** Give up: no source this device may use. */
        FAIL
    }

    private static final SourceRoute DISCOVER = new SourceRoute(Kind.DISCOVER, null);
    private static final SourceRoute REPOSITORY = new SourceRoute(Kind.REPOSITORY, null);

    /**
     * @param discoveryEnabled    {@code update.discovery.enabled} of the effective configuration
     * @param reachesAnyPeer      whether any peer could be used ({@link SourceSelection.Transport#reachesAnyPeer()})
     * @param wanWithoutDiscovery {@code peerlift.update.wan_without_discovery} of the effective configuration
     */
    public static SourceRoute of(SourcePolicy policy, boolean discoveryEnabled, boolean reachesAnyPeer,
                                 boolean wanWithoutDiscovery) {
        if (policy == SourcePolicy.WAN_SEED) {
            return REPOSITORY;
        }
        if (!discoveryEnabled) {
            String why = "discovery is disabled by the device configuration ('" + SettingKeys.DISCOVERY_ENABLED
                    + "' = false)";
            if (policy == SourcePolicy.PEER_ONLY) {
                return fail(why + " and the policy is PEER_ONLY");
            }
            return wanWithoutDiscovery ? REPOSITORY : fail(why + " and the policy is PEER_THEN_WAN: the device "
                    + "would download straight from the WAN; '" + SettingKeys.WAN_WITHOUT_DISCOVERY
                    + "' = true allows that");
        }
        if (!reachesAnyPeer) {
            return policy == SourcePolicy.PEER_ONLY ? fail(SettingKeys.PEER_DOWNLOAD_HTTP_ALLOWED + " is false "
                    + "and the device holds no fleet CA to verify a peer's HTTPS "
                    + "(peerlift.device.tls.fleet-ca-file) and the policy is PEER_ONLY") : REPOSITORY;
        }
        return DISCOVER;
    }

    private static SourceRoute fail(String failure) {
        return new SourceRoute(Kind.FAIL, failure);
    }
}
