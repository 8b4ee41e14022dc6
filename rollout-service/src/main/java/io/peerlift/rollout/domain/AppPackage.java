package io.peerlift.rollout.domain;

import io.peerlift.events.ReleaseSignature;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** An app version in the repository: its manifest, and the payload file named by its SHA-256. */
@Entity
@Table(name = "app_package")
public class AppPackage extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String app;
    public String version;
    public long size;
    public String sha256;
    @Column(name = "chunk_size")
    public int chunkSize;
    @Column(name = "manifest_sha256")
    public String manifestSha256;
    /** The manifest's canonical bytes as UTF-8: what is served and what manifestSha256 hashes. */
    @Column(columnDefinition = "text")
    public String manifest;
    /**
     * The release signature accepted with the upload, in its header form ({@link ReleaseSignature#toHeader()});
     * null for a package stored before uploads had to be signed.
     */
    @Column(name = "release_signature", columnDefinition = "text")
    public String signature;
    @Column(name = "created_at")
    public Instant createdAt;

    public static Optional<AppPackage> find(String app, String version) {
        return find("app = ?1 and version = ?2", app, version).firstResultOptional();
    }

    /** The manifest's chunks: the payload in {@code chunkSize} pieces, the last one possibly shorter. */
    public int chunkCount() {
        return (int) ((size + chunkSize - 1) / chunkSize);
    }

    /** The accepted signature, or empty for a package stored before uploads had to be signed. */
    public Optional<ReleaseSignature> releaseSignature() {
        return Optional.ofNullable(signature).map(ReleaseSignature::fromHeader);
    }

    public static List<AppPackage> listInOrder() {
        return list("order by app, createdAt");
    }
}
