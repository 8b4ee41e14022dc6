package io.peerlift.events;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;

/**
 * Ed25519 release keys as PEM (PKCS#8 {@code PRIVATE KEY}, X.509 {@code PUBLIC KEY}, as {@code openssl genpkey
 * -algorithm ed25519} and {@code openssl pkey -pubout} write them), and the key id that names a public key in a
 * {@link ReleaseSignature}. A signing key file holds both blocks (the JDK cannot derive an Ed25519 public key from
 * the private one); the fleet and the repository are given only the public block.
 */
public final class ReleaseKeys {

    public static final String ALGORITHM = "Ed25519";

    private ReleaseKeys() {
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java 17 platform has Ed25519", e);
        }
    }

    /** The first 16 hex digits of the SHA-256 of the encoded public key: short, and stable across files. */
    public static String keyId(PublicKey key) {
        return Sha256.hex(key.getEncoded()).substring(0, 16);
    }

    public static String toPem(PublicKey key) {
        return Pem.encode("PUBLIC KEY", key.getEncoded());
    }

    /** The signing key file's text: the private block, then the public one. */
    public static String toSigningKeyPem(KeyPair keys) {
        return toPem(keys.getPrivate()) + toPem(keys.getPublic());
    }

    public static String toPem(PrivateKey key) {
        return Pem.encode("PRIVATE KEY", key.getEncoded());
    }

    public static PublicKey readPublicKey(Path pemFile) throws IOException {
        return parsePublicKey(Files.readString(pemFile, StandardCharsets.US_ASCII));
    }

    /** A signing key file: its private and public blocks. */
    public static KeyPair readSigningKey(Path pemFile) throws IOException {
        String pem = Files.readString(pemFile, StandardCharsets.US_ASCII);
        try {
            return new KeyPair(parsePublicKey(pem), parsePrivateKey(pem));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(pemFile + " is not a release signing key (a PRIVATE KEY and a PUBLIC "
                    + "KEY block, Ed25519): " + e.getMessage(), e);
        }
    }

    /** @throws IllegalArgumentException when the text is not an Ed25519 public key in PEM */
    public static PublicKey parsePublicKey(String pem) {
        try {
            return KeyFactory.getInstance(ALGORITHM)
                    .generatePublic(new X509EncodedKeySpec(Pem.decode(pem, "PUBLIC KEY")));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage(), e);
        }
    }

    /** @throws IllegalArgumentException when the text is not an Ed25519 private key in PEM */
    public static PrivateKey parsePrivateKey(String pem) {
        try {
            return KeyFactory.getInstance(ALGORITHM)
                    .generatePrivate(new PKCS8EncodedKeySpec(Pem.decode(pem, "PRIVATE KEY")));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 private key: " + e.getMessage(), e);
        }
    }
}
