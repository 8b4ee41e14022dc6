package io.peerlift.device.service;

import io.peerlift.device.config.FleetConfig;
import io.peerlift.device.download.ChunkStore;
import io.peerlift.device.download.StoredPackage;
import io.peerlift.events.ReleaseSignature;
import io.peerlift.events.TrustedReleaseKeys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The package a simulated fleet's initial peers hold: stored only when the devices' trusted release keys signed
 * it, since a device holds and serves only releases they vouch for, whatever its provisioning says.
 */
final class SeedPackageImport {

    private SeedPackageImport() {
    }

    /** The stored seed and the signature its initial peers hold it with (and serve beside its manifest). */
    record Signed(StoredPackage stored, ReleaseSignature signature) {
    }

    /**
     * @throws IllegalStateException when a setting is missing or the release is not signed by a trusted key,
     *                               saying which; nothing is stored then
     * @throws UncheckedIOException  when the package or its signature file cannot be read
     */
    static Signed importSigned(ChunkStore store, TrustedReleaseKeys keys, FleetConfig.SeedPackage seed) {
        Path file = seed.file().orElseThrow(() -> new IllegalStateException(
                "peerlift.fleet.seed-package.file is required: the initial peers must hold the package they serve"));
        Path signatureFile = seed.signatureFile().orElseThrow(() -> new IllegalStateException(
                "peerlift.fleet.seed-package.signature-file is required: the initial peers serve only a release the"
                        + " trusted release keys signed (the JSON the repository serves at .../signature)"));
        try {
            ReleaseSignature signature = ReleaseSignature.read(signatureFile);
            return new Signed(store.importPackage(seed.app(), seed.version(), file, manifest -> {
                try {
                    keys.verify(manifest, signature);
                } catch (TrustedReleaseKeys.UntrustedReleaseException e) {
                    throw new IllegalStateException("the seed package " + file + " is not a release the devices"
                            + " trust (signature " + signatureFile + "): " + e.getMessage(), e);
                }
            }), signature);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot import the seed package " + file + ": " + e.getMessage(), e);
        }
    }
}
