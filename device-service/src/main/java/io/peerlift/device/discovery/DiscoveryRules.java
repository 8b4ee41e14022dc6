package io.peerlift.device.discovery;

import io.peerlift.events.AppManifest;
import io.peerlift.events.OsVersion;
import io.peerlift.events.PeerOffer;
import io.peerlift.events.Sha256;
import io.peerlift.events.Subnet;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a decoded discovery message must say before anyone acts on it, field by field. A message that breaks a rule
 * is dropped and counted under the rule's name; it never fails a download. The checks are pure, so every rule is
 * tested without a socket.
 */
public final class DiscoveryRules {

    /** The most upload slots an answer may claim: beyond it the number is a lie meant to attract downloaders. */
    public static final int MAX_CAPACITY = 1024;

    private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    private DiscoveryRules() {
    }

    /** Why a request must not be answered, or empty when it may be. */
    public static Optional<String> rejectRequest(DiscoveryMessage.Request request) {
        if (request.deviceId() == null || !DEVICE_ID.matcher(request.deviceId()).matches()) {
            return Optional.of("bad-device-id");
        }
        return validPackage(request.app(), request.version()) ? Optional.empty() : Optional.of("bad-package");
    }

    /**
     * Why an answer must be dropped, or empty when its offer may be used.
     *
     * @param asked  the request this device sent
     * @param subnet this device's subnet: a peer it downloads from is in it
     * @param sender the address the answer came from: a peer answers for itself only
     */
    public static Optional<String> rejectAnswer(DiscoveryMessage.Request asked, String ownDeviceId, Subnet subnet,
                                                String sender, DiscoveryMessage.Answer answer) {
        PeerOffer offer = answer.offer();
        if (!asked.requestId().equals(answer.requestId())) {
            return Optional.of("unsolicited");
        }
        if (offer.peerId() == null || !DEVICE_ID.matcher(offer.peerId()).matches() || offer.peerId().equals(ownDeviceId)) {
            return Optional.of("bad-peer-id");
        }
        if (!isAddressIn(subnet, offer.address())) {
            return Optional.of("foreign-address");
        }
        if (!offer.address().equals(sender)) {
            return Optional.of("sender-mismatch");
        }
        if (offer.port() < 1 || offer.port() > 65535 || offer.httpsPort() < 0 || offer.httpsPort() > 65535) {
            return Optional.of("bad-port");
        }
        if (!asked.app().equals(offer.app()) || !asked.version().equals(offer.version())
                || !Sha256.isValid(offer.manifestSha256())) {
            return Optional.of("wrong-package");
        }
        if (offer.capacity() < 1 || offer.capacity() > MAX_CAPACITY || offer.activeUploads() < 0
                || offer.activeUploads() > offer.capacity()) {
            return Optional.of("bad-load");
        }
        if (!PeerOffer.isHave(offer.have())) {
            return Optional.of("bad-have");
        }
        return Optional.empty();
    }

    private static boolean validPackage(String app, String version) {
        try {
            AppManifest.requireAppName(app);
            OsVersion.parse(version);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean isAddressIn(Subnet subnet, String address) {
        try {
            return address != null && subnet.contains(address)
                    && !address.equals(subnet.networkAddress()) && !address.equals(subnet.broadcastAddress());
        } catch (IllegalArgumentException notAnIpv4Address) {
            return false;
        }
    }
}
