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
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;
import java.util.Optional;

/**
 * The device's TLS credentials as its peer servers and downloads use them, from its configuration (its enrolment),
 * never from a command: the certificate and key its HTTPS peer server presents, and the fleet CA a peer's
 * certificate must chain to. Either half may be missing; then {@link #serverUnavailable()} or
 * {@link #fleetCa()} says so, and the device serves or downloads over HTTP only. The certificate is renewed in
 * place by whatever enrols the device: {@link #reload()} reads its files again, and a new pair is taken only if
 * the key is the certificate's.
 */
public final class PeerTls {

    private static final Logger LOG = Logger.getLogger(PeerTls.class);

    /**
     * The largest handshake message a JDK peer accepts ({@code jdk.tls.maxHandshakeMessageSize}, 32 KiB unless set):
     * a downloader refuses a certificate chain beyond it, so a lab certificate naming thousands of addresses
     * fails every handshake.
     */
    static final int MAX_HANDSHAKE_MESSAGE = Integer.getInteger("jdk.tls.maxHandshakeMessageSize", 32768);

    /** What a {@link #reload()} found. */
    public enum Reload {
        /** The files hold the pair already served (or HTTPS never had one to renew). */
        UNCHANGED,
        /** A new certificate and its key: new handshakes present it. */
        ROTATED,
        /** Unreadable files or a key that is not the certificate's: the pair served so far stays. */
        REFUSED
    }

    private final Path certFile;
    private final Path keyFile;
    private volatile PemKeyCertOptions serverCredentials;
    private final String serverUnavailable;
    private final PemTrustOptions fleetCa;

    private PeerTls(Path certFile, Path keyFile, PemKeyCertOptions serverCredentials, String serverUnavailable,
                    PemTrustOptions fleetCa) {
        this.certFile = certFile;
        this.keyFile = keyFile;
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
                server = credentials(certFile, keyFile);
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
        return new PeerTls(certFile, keyFile, server, unavailable, trust);
    }

    /** The pair of the two files, checked: parsable, small enough for one handshake, the key the certificate's. */
    private static PemKeyCertOptions credentials(Path certFile, Path keyFile) {
        Buffer chain = certificates("cert-file", certFile);
        fitsOneHandshakeMessage(chain, certFile);
        Buffer key = privateKey("key-file", keyFile);
        keyMatches(chain, key, certFile, keyFile);
        return new PemKeyCertOptions().setCertValue(chain).setKeyValue(key);
    }

    /**
     * Reads the certificate and key files again (blocking). A pair that differs from the one served and passes
     * every check of the start replaces it; anything else leaves the served pair as it is, and a refusal is logged
     * with its reason.
     */
    public synchronized Reload reload() {
        PemKeyCertOptions current = serverCredentials;
        if (current == null) {
            return Reload.UNCHANGED; // HTTPS never started for want of credentials: nothing is served to renew
        }
        PemKeyCertOptions fresh;
        try {
            fresh = credentials(certFile, keyFile);
        } catch (IllegalArgumentException unusable) {
            LOG.errorf("the HTTPS peer server keeps its certificate: %s", unusable.getMessage());
            return Reload.REFUSED;
        }
        if (fresh.equals(current)) {
            return Reload.UNCHANGED;
        }
        serverCredentials = fresh;
        LOG.infof("the HTTPS peer server presents the renewed certificate of %s to new connections", certFile);
        return Reload.ROTATED;
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

    /**
     * Refuses a key that is not the private half of the first certificate's public key (a renewal that replaced one
     * file and not yet the other, say): it signs a challenge and the certificate's key must verify it.
     */
    private static void keyMatches(Buffer chain, Buffer keyPem, Path certFile, Path keyFile) {
        try {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(chain.getBytes()));
            PublicKey publicKey = certificate.getPublicKey();
            PrivateKey privateKey = KeyFactory.getInstance(publicKey.getAlgorithm()).generatePrivate(
                    new PKCS8EncodedKeySpec(Pem.decode(keyPem.toString(StandardCharsets.US_ASCII), "PRIVATE KEY")));
            String algorithm = switch (publicKey.getAlgorithm()) {
                case "EC" -> "SHA256withECDSA";
                case "RSA" -> "SHA256withRSA";
                default -> publicKey.getAlgorithm(); // Ed25519, Ed448
            };
            byte[] challenge = "peerlift peer certificate".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(challenge);
            byte[] signed = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            if (verifier.verify(signed)) {
                return;
            }
        } catch (GeneralSecurityException | ClassCastException notThePair) {
            // a key of another algorithm than the certificate's: not its pair either
        }
        throw new IllegalArgumentException(setting("key-file", keyFile) + " is not the private key of "
                + setting("cert-file", certFile));
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
