package io.peerlift.events;

/**
 * An app version named with the identity of its manifest: one a device holds, complete and verified, or one a
 * command or a release signature names.
 */
public record AppRef(String app, String version, String manifestSha256) {

    public static AppRef of(AppManifest manifest) {
        return new AppRef(manifest.app(), manifest.version(), manifest.manifestSha256());
    }
}
