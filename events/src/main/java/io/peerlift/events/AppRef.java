package io.peerlift.events;

/** An app version a device holds, complete and verified, with the identity of its manifest. */
public record AppRef(String app, String version, String manifestSha256) {
}
