package io.peerlift.events;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** SHA-256 digests as lower-case hex, the form used in manifests, commands and discovery answers. */
public final class Sha256 {

    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    private Sha256() {
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    public static String hex(byte[] data) {
        return hex(data, 0, data.length);
    }

    public static String hex(byte[] data, int offset, int length) {
        MessageDigest digest = newDigest();
        digest.update(data, offset, length);
        return HexFormat.of().formatHex(digest.digest());
    }

    public static String hex(MessageDigest finishedDigest) {
        return HexFormat.of().formatHex(finishedDigest.digest());
    }

    public static boolean isValid(String hex) {
        return hex != null && HEX.matcher(hex).matches();
    }

    /** Returns the argument, or throws naming the field when it is not 64 lower-case hex digits. */
    public static String require(String hex, String field) {
        if (!isValid(hex)) {
            throw new IllegalArgumentException(field + " must be a SHA-256 as 64 lower-case hex digits, got '" + hex + "'");
        }
        return hex;
    }
}
