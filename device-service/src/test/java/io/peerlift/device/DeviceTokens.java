package io.peerlift.device;

import io.peerlift.localstack.TestTokens;
import io.peerlift.support.security.Roles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Each test device's own token from the test issuer, and the file an agent reads it from. */
final class DeviceTokens {

    private static final Map<String, String> TOKENS = new ConcurrentHashMap<>();

    private DeviceTokens() {
    }

    static String token(String deviceId) {
        return TOKENS.computeIfAbsent(deviceId, id -> TestTokens.token(id, Roles.DEVICE));
    }

    static Path file(String deviceId) {
        try {
            Path file = Files.createTempFile("peerlift-" + deviceId, ".token");
            return Files.writeString(file, token(deviceId));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
