package io.peerlift.device.peer;

import io.peerlift.events.AppManifest;
import io.peerlift.events.ReleaseSignature;

import java.nio.file.Path;

/**
 * A package a device may serve: its manifest, the manifest's canonical bytes (what is sent), the file holding the
 * payload at its offsets, the chunks of it this device verified (every chunk of a package it holds, those it
 * verified so far of one it is still swarming; only those are ever sent) and the release signature it checked
 * against its own trusted keys, served beside the manifest (null: none, a downloader gets 404 and skips this peer).
 */
public record ServedPackage(AppManifest manifest, byte[] manifestBytes, Path payload, VerifiedChunks chunks,
                            ReleaseSignature signature) {

    /** A package held whole. */
    public ServedPackage(AppManifest manifest, byte[] manifestBytes, Path payload, ReleaseSignature signature) {
        this(manifest, manifestBytes, payload, VerifiedChunks.ALL, signature);
    }
}
