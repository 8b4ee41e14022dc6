package io.peerlift.device.peer;

import io.peerlift.device.config.DeviceServiceConfig;
import io.peerlift.events.Pem;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import org.jboss.logging.Logger;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;
import java.util.Optional;

/**
 * The device's TLS credentials as its peer servers and downloads use them, from its configuration (its enrolment),
 * never from a command: the certificate and key its HTTPS peer server presents, and the fleet CA a peer's
 * certificate must chain to. Either half may be missing; then {@link #serverUnavailable()} or
 * {@link #fleetCa()} says so, and the device serves or downloads over HTTP only.
 */
public final class PeerTls {

    private static final Logger LOG = Logger.getLogger(PeerTls.class);

    /**
     * The largest handshake message a JDK peer accepts ({@code jdk.tls.maxHandshakeMessageSize}, 32 KiB unless set):
     * a downloader refuses a certificate chain beyond it, so a lab certificate naming thousands of addresses
     * fails every handshake.
     */
    static final int MAX_HANDSHAKE_MESSAGE = Integer.getInteger("jdk.tls.maxHandshakeMessageSize", 32768);

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

    /**
     * Reads and checks each file once, here: a fleet's devices all listen with the same credentials, and a file that
     * is not what its key says is named now instead of failing at every listen or every handshake.
     */
    public static PeerTls from(Path certFile, Path keyFile, Path fleetCaFile) {
        String unavailable = null;
        PemKeyCertOptions server = null;
        if (certFile == null || keyFile == null) {
            unavailable = "the device has no certificate (peerlift.device.tls.cert-file and key-file are not both set)";
        } else {
            try {
                Buffer chain = certificates("cert-file", certFile);
                fitsOneHandshakeMessage(chain, certFile);
                server = new PemKeyCertOptions()
                        .setCertValue(chain)
                        .setKeyValue(privateKey("key-file", keyFile));
            } catch (IllegalArgumentException unusable) {
                unavailable = unusable.getMessage();
            }
        }
        PemTrustOptions trust = null;
        if (fleetCaFile != null) {
            try {
                trust = new PemTrustOptions().addCertValue(certificates("fleet-ca-file", fleetCaFile));
            } catch (IllegalArgumentException unusable) {
                LOG.warnf("%s: the devices download from peers over HTTP only", unusable.getMessage());
            }
        }
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

    /** The file's PEM, once it parsed as X.509 certificates. */
    private static Buffer certificates(String key, Path file) {
        byte[] pem = read(key, file);
        try {
            if (CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem)).isEmpty()) {
                throw new CertificateException("no certificate in it");
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException(setting(key, file) + " is not a PEM certificate: " + e.getMessage(), e);
        }
        return Buffer.buffer(pem);
    }

    /**
     * Refuses a chain whose TLS Certificate message would exceed {@link #MAX_HANDSHAKE_MESSAGE}: the message holds
     * each certificate with a 3-byte length and (TLS 1.3) 2 bytes of extensions, after 4 bytes of header, a 1-byte
     * context and a 3-byte list length.
     */
    private static void fitsOneHandshakeMessage(Buffer pem, Path file) {
        long bytes = 8;
        try {
            for (var certificate : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes()))) {
                bytes += certificate.getEncoded().length + 5;
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException(setting("cert-file", file) + " is not a PEM certificate: "
                    + e.getMessage(), e);
        }
        if (bytes > MAX_HANDSHAKE_MESSAGE) {
            throw new IllegalArgumentException(setting("cert-file", file) + " makes a TLS Certificate message of "
                    + bytes + " bytes, over the " + MAX_HANDSHAKE_MESSAGE + " a peer accepts"
                    + " (jdk.tls.maxHandshakeMessageSize): a certificate naming every address of a large fleet does"
                    + " not fit; issue one per device, or per subnet");
        }
    }

    /** The file's PEM, once it parsed as a PKCS#8 private key of one of the algorithms TLS certificates use. */
    private static Buffer privateKey(String key, Path file) {
        byte[] pem = read(key, file);
        try {
            PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Pem.decode(new String(pem, StandardCharsets.US_ASCII),
                    "PRIVATE KEY"));
            for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
                try {
                    KeyFactory.getInstance(algorithm).generatePrivate(spec);
                    return Buffer.buffer(pem);
                } catch (GeneralSecurityException otherAlgorithm) {
                    // try the next one
                }
            }
        } catch (IllegalArgumentException notPem) {
            throw new IllegalArgumentException(setting(key, file) + " is not a PEM private key: " + notPem.getMessage());
        }
        throw new IllegalArgumentException(setting(key, file) + " is not a PKCS#8 EC, RSA or Ed25519 private key");
    }

    private static byte[] read(String key, Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(setting(key, file) + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static String setting(String key, Path file) {
        return "peerlift.device.tls." + key + " " + file;
    }
}
