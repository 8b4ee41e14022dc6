package io.peerlift.localstack;

import io.peerlift.events.Pem;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fleet certificate authority of its own for tests and the demo, standing in for the CA that enrols devices
 * (UMS on IGEL OS): it issues device certificates whose subject alternative names are the device's IP addresses,
 * as the peer update server's HTTPS presents them and downloaders verify them. EC P-256 keys, PEM files as Vert.x
 * reads them (certificate, PKCS#8 private key).
 */
public final class FleetCa {

    private static final Duration VALIDITY = Duration.ofDays(2);
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());

    private final KeyPair keys;
    private final X509Certificate certificate;

    private FleetCa(KeyPair keys, X509Certificate certificate) {
        this.keys = keys;
        this.certificate = certificate;
    }

    /** A device's credentials as written: its certificate and private key. */
    public record Issued(Path certFile, Path keyFile) {
    }

    /** A new CA named {@code name}. */
    public static FleetCa create(String name) {
        KeyPair keys = generate();
        X500Name subject = new X500Name("CN=" + name);
        try {
            X509v3CertificateBuilder builder = builder(subject, subject, keys)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            return new FleetCa(keys, sign(builder, keys));
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot create the fleet CA", e);
        }
    }

    /** Writes the CA certificate (what downloaders trust) as {@code file}. */
    public Path writeCertificate(Path file) throws IOException {
        return Files.writeString(file, Pem.encode("CERTIFICATE", encoded(certificate)), StandardCharsets.US_ASCII);
    }

    /**
     * Issues a server certificate for {@code ipAddresses} (its subject alternative names) and writes it and its key
     * as {@code dir/name.crt} and {@code dir/name.key}.
     */
    public Issued issue(String name, Collection<String> ipAddresses, Path dir) throws IOException {
        KeyPair device = generate();
        GeneralName[] names = ipAddresses.stream().map(ip -> new GeneralName(GeneralName.iPAddress, ip))
                .toArray(GeneralName[]::new);
        try {
            X509v3CertificateBuilder builder = builder(X500Name.getInstance(
                            certificate.getSubjectX500Principal().getEncoded()), new X500Name("CN=" + name), device)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(certificate))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            X509Certificate issued = sign(builder, keys);
            Files.createDirectories(dir);
            Path cert = Files.writeString(dir.resolve(name + ".crt"), Pem.encode("CERTIFICATE", encoded(issued)),
                    StandardCharsets.US_ASCII);
            Path key = Files.writeString(dir.resolve(name + ".key"),
                    Pem.encode("PRIVATE KEY", device.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
            return new Issued(cert, key);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue a certificate for " + name, e);
        }
    }

    private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair subjectKeys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIALS.incrementAndGet()),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(VALIDITY)), subject,
                subjectKeys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuerKeys)
            throws OperatorCreationException, GeneralSecurityException {
        X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder("SHA256withECDSA")
                .build(issuerKeys.getPrivate()));
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no EC key pair generator", e);
        }
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
