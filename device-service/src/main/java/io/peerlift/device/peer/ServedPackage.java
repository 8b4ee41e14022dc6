package io.peerlift.device.peer;

import io.peerlift.events.AppManifest;
import io.peerlift.events.Sha256;
import io.peerlift.events.ReleaseSignature;

import java.nio.file.Path;

/**
 * A package a device may serve: its manifest, the manifest's canonical bytes (what is sent) and their SHA-256 (the
 * identity a discovery answer names, hashed once per package rather than per answer), the file holding the payload
 * at its offsets, the chunks of it this device verified (every chunk of a package it holds, those it verified so
 * far of one it is still swarming; only those are ever sent) and the release signature it checked against its own
 * trusted keys, served beside the manifest (null: none, a downloader gets 404 and skips this peer).
 */
public record ServedPackage(AppManifest manifest, byte[] manifestBytes, String manifestSha256, Path payload,
                            VerifiedChunks chunks, ReleaseSignature signature) {

    /** A package held whole. */
    public ServedPackage(AppManifest manifest, byte[] manifestBytes, Path payload, ReleaseSignature signature) {
        this(manifest, manifestBytes, Sha256.hex(manifestBytes), payload, VerifiedChunks.ALL, signature);
    }
}
