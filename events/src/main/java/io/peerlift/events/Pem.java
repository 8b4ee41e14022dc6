package io.peerlift.events;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** PEM blocks (RFC 7468), the one way Peerlift writes and reads keys and certificates as text. */
public final class Pem {

    private Pem() {
    }

    /** A block of {@code type} ("CERTIFICATE", "PRIVATE KEY", "PUBLIC KEY") around {@code der}, lines of 64. */
    public static String encode(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    /**
     * The DER of the first block of {@code type} in {@code text}.
     *
     * @throws IllegalArgumentException when the text holds no such block or its body is not Base64 (badly padded)
     */
    public static byte[] decode(String text, String type) {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end, Math.max(from, 0));
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("expected a PEM block '" + begin + "'");
        }
        return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    }
}
