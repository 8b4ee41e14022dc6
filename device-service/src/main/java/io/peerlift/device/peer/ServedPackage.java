package io.peerlift.device.peer;

import io.peerlift.events.AppManifest;

import java.nio.file.Path;

/**
 * A package a device may serve: its manifest, the manifest's canonical bytes (what is sent) and the file holding
 * the payload at its offsets. Only packages whose every chunk the device verified are ever handed out.
 */
public record ServedPackage(AppManifest manifest, byte[] manifestBytes, Path payload) {
}
