package io.peerlift.device.peer;

import io.peerlift.device.config.DeviceServiceConfig;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import org.jboss.logging.Logger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The device's TLS credentials as its peer servers and downloads use them, from its configuration (its enrolment),
 * never from a command: the certificate and key its HTTPS peer server presents, and the fleet CA a peer's
 * certificate must chain to. Either half may be missing; then {@link #serverUnavailable()} or
 * {@link #fleetCa()} says so, and the device serves or downloads over HTTP only.
 */
public final class PeerTls {

    private static final Logger LOG = Logger.getLogger(PeerTls.class);

    private final PemKeyCertOptions serverCredentials;
    private final String serverUnavailable;
    private final PemTrustOptions fleetCa;

    private PeerTls(PemKeyCertOptions serverCredentials, String serverUnavailable, PemTrustOptions fleetCa) {
        this.serverCredentials = serverCredentials;
        this.serverUnavailable = serverUnavailable;
        this.fleetCa = fleetCa;
    }

    /** No credentials at all: HTTP only. */
    public static PeerTls none() {
        return from(null, null, null);
    }

    public static PeerTls from(DeviceServiceConfig.Tls tls) {
        return from(tls.certFile().orElse(null), tls.keyFile().orElse(null), tls.fleetCaFile().orElse(null));
    }

    public static PeerTls from(Path certFile, Path keyFile, Path fleetCaFile) {
        String unavailable = certFile == null || keyFile == null
                ? "the device has no certificate (peerlift.device.tls.cert-file and key-file are not both set)"
                : unreadable("cert-file", certFile).or(() -> unreadable("key-file", keyFile)).orElse(null);
        PemKeyCertOptions server = unavailable != null ? null
                : new PemKeyCertOptions().setCertPath(certFile.toString()).setKeyPath(keyFile.toString());
        Optional<String> caUnreadable = fleetCaFile == null ? Optional.empty() : unreadable("fleet-ca-file", fleetCaFile);
        caUnreadable.ifPresent(why -> LOG.warnf("%s: the devices download from peers over HTTP only", why));
        PemTrustOptions trust = fleetCaFile == null || caUnreadable.isPresent() ? null
                : new PemTrustOptions().addCertPath(fleetCaFile.toString());
        return new PeerTls(server, unavailable, trust);
    }

    /** Why the HTTPS peer server cannot start, or empty when the device has its certificate and key. */
    public Optional<String> serverUnavailable() {
        return Optional.ofNullable(serverUnavailable);
    }

    PemKeyCertOptions serverCredentials() {
        return serverCredentials;
    }

    /** The fleet CA downloads verify peers against; empty: this device does not download over HTTPS. */
    public Optional<PemTrustOptions> fleetCa() {
        return Optional.ofNullable(fleetCa);
    }

    private static Optional<String> unreadable(String key, Path file) {
        return Files.isReadable(file) ? Optional.empty()
                : Optional.of("peerlift.device.tls." + key + " " + file + " cannot be read");
    }
}
