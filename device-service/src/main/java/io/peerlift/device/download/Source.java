package io.peerlift.device.download;

import io.peerlift.device.peer.PeerServers;
import io.peerlift.events.DownloadSource;
import io.peerlift.events.PeerOffer;

/**
 * Somewhere a package can be fetched from: a peer's update server or the repository. Both speak the same
 * protocol under a base URL: {@code {base}/{app}/{version}/manifest} and {@code .../payload} (and a swarming peer {@code .../have}).
 *
 * @param peerId the peer's device id, null for the repository
 */
public record Source(DownloadSource kind, String peerId, String baseUrl) {

    /** @param https over the peer's HTTPS server, verified against the fleet CA and the offer's address */
    public static Source peer(PeerOffer offer, boolean https) {
        return new Source(DownloadSource.PEER, offer.peerId(), (https ? "https://" : "http://") + offer.address() + ":"
                + (https ? offer.httpsPort() : offer.port()) + PeerServers.PATH_PREFIX);
    }

    /** A peer's HTTPS server, whose certificate must chain to the fleet CA and name the peer's address. */
    public boolean fleetVerified() {
        return kind == DownloadSource.PEER && baseUrl.startsWith("https://");
    }

    public static Source repository(String repositoryUrl) {
        return new Source(DownloadSource.WAN, null, repositoryUrl.replaceAll("/+$", ""));
    }

    public String manifestUrl(String app, String version) {
        return baseUrl + "/" + app + "/" + version + "/manifest";
    }

    /** The release signature a peer checked and serves beside the manifest. */
    public String signatureUrl(String app, String version) {
        return baseUrl + "/" + app + "/" + version + "/signature";
    }

    /** A partial holder's verified chunks as a bitmap. */
    public String haveUrl(String app, String version) {
        return baseUrl + "/" + app + "/" + version + "/have";
    }

    public String payloadUrl(String app, String version) {
        return baseUrl + "/" + app + "/" + version + "/payload";
    }

    @Override
    public String toString() {
        return kind == DownloadSource.PEER ? "peer " + peerId + " (" + baseUrl + ")" : "repository " + baseUrl;
    }
}
