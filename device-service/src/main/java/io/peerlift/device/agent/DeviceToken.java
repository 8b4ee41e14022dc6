package io.peerlift.device.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The device's own credential at its gateway: a token in a file provisioned with the device, read once and again
 * after the gateway refused it, so that whatever renews the file is picked up without a restart.
 */
public final class DeviceToken {

    private final Path file;
    private volatile String token;

    public DeviceToken(Path file) {
        this.file = file;
        this.token = read(file);
    }

    public String current() {
        return token;
    }

    public void refresh() {
        token = read(file);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the device token " + file + ": " + e.getMessage(), e);
        }
    }
}
