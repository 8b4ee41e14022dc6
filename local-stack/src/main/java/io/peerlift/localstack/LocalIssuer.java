package io.peerlift.localstack;

import io.peerlift.events.Pem;
import io.smallrye.jwt.build.Jwt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A token issuer of its own for tests and the demo, standing in for Keycloak or Entra ID: an RSA key pair whose
 * public half the services are told to trust ({@link #quarkusConfig()}), and signed RS256 tokens carrying a subject
 * and a role in the {@code groups} claim, as MicroProfile JWT reads them.
 */
public final class LocalIssuer {

    public static final String ISSUER = "https://peerlift.local/issuer";

    private final KeyPair keys;
    private final Path publicKeyFile;

    private LocalIssuer(KeyPair keys, Path publicKeyFile) {
        this.keys = keys;
        this.publicKeyFile = publicKeyFile;
    }

    /** A new key pair; the public key is written to {@code dir/issuer-public.pem}. */
    public static LocalIssuer create(Path dir) throws IOException {
        KeyPair keys;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            keys = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java platform has RSA", e);
        }
        Files.createDirectories(dir);
        Path publicKey = dir.resolve("issuer-public.pem");
        Files.writeString(publicKey, Pem.encode("PUBLIC KEY", keys.getPublic().getEncoded()), StandardCharsets.US_ASCII);
        return new LocalIssuer(keys, publicKey);
    }

    /** What a service needs to trust this issuer's tokens. */
    public Map<String, String> quarkusConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("mp.jwt.verify.publickey.location", publicKeyFile.toUri().toString());
        config.put("mp.jwt.verify.issuer", ISSUER);
        return config;
    }

    public Path publicKeyFile() {
        return publicKeyFile;
    }

    /** A signed token for {@code subject} holding {@code role}, valid for {@code lifetime}. */
    public String token(String subject, String role, Duration lifetime) {
        return Jwt.issuer(ISSUER)
                .subject(subject)
                .upn(subject)
                .groups(Set.of(role))
                .expiresIn(lifetime)
                .sign(keys.getPrivate());
    }
}
