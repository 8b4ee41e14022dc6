package io.peerlift.device.domain;

import java.time.Duration;

/**
 * How every device of this process behaves, whatever its identity.
 *
 * @param discoveryPort, peerServerPort, peerServerLimit the values used until the effective configuration says otherwise
 * @param wanFallbackAfterRounds empty discovery rounds before PEER_THEN_WAN falls back to the repository
 * @param wanAttempts            failed repository attempts before the download is given up
 * @param baseSystemApp          the app whose installation switches the OS version and reboots
 * @param peerServerConnectionsBeyondSlots connections a peer server accepts beyond its upload slots
 */
public record DeviceSettings(Duration installDuration, Duration rebootDelay, boolean serveBeforeReboot,
                             long uploadRateBytesPerSecond, Duration discoveryWindow, Duration discoveryBackoff,
                             Duration discoveryBackoffMax, int wanFallbackAfterRounds, int wanAttempts,
                             Duration progressInterval, Duration requestTimeout, int discoveryPort, int peerServerPort,
                             int peerServerLimit, int peerServerConnectionsBeyondSlots, String baseSystemApp) {
}
