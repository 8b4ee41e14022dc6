package io.peerlift.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * An IGEL-style OS version such as {@code 11.11.150}, {@code 12.7.4} or {@code 12.7.4.1}, compared
 * numerically part by part ({@code 11.9 < 11.11}); missing trailing parts count as zero, so
 * {@code 12.7.4 == 12.7.4.0}.
 */
public final class OsVersion implements Comparable<OsVersion> {

    /** The oldest OS 11 that can take part in a peer upgrade (the seed's requirement). */
    public static final OsVersion MIN_OS11_SOURCE = parse("11.11.150");
    /** The oldest OS 12 that can act as a peer update server and be the target (the seed's requirement). */
    public static final OsVersion MIN_OS12_TARGET = parse("12.7.4");

    private static final int MAX_PARTS = 6;

    private final int[] parts;

    private OsVersion(int[] parts) {
        this.parts = parts;
    }

    /**
     * Parses {@code major.minor[.patch[.build…]]}: two to six dot-separated non-negative decimal numbers.
     *
     * @throws IllegalArgumentException naming the offending input and what was expected
     */
    @JsonCreator
    public static OsVersion parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("OS version is empty; expected e.g. 11.11.150 or 12.7.4");
        }
        String[] tokens = text.trim().split("\\.", -1);
        if (tokens.length < 2 || tokens.length > MAX_PARTS) {
            throw new IllegalArgumentException("OS version '" + text + "' must have 2 to " + MAX_PARTS
                    + " dot-separated numbers, e.g. 11.11.150 or 12.7.4");
        }
        int[] parts = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            String token = tokens[i];
            if (token.isEmpty() || token.length() > 9 || !token.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("OS version '" + text + "' has an invalid part '" + token
                        + "' at position " + (i + 1) + "; each part must be a decimal number");
            }
            parts[i] = Integer.parseInt(token);
        }
        return new OsVersion(parts);
    }

    public int major() {
        return parts[0];
    }

    public OsFamily family() {
        return OsFamily.ofMajor(major());
    }

    public boolean isAtLeast(OsVersion other) {
        return compareTo(other) >= 0;
    }

    public boolean isBelow(OsVersion other) {
        return compareTo(other) < 0;
    }

    @Override
    public int compareTo(OsVersion other) {
        int length = Math.max(parts.length, other.parts.length);
        for (int i = 0; i < length; i++) {
            int cmp = Integer.compare(part(i), other.part(i));
            if (cmp != 0) {
                return cmp;
            }
        }
        return 0;
    }

    private int part(int index) {
        return index < parts.length ? parts[index] : 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OsVersion other && compareTo(other) == 0;
    }

    @Override
    public int hashCode() {
        int last = parts.length;
        while (last > 1 && parts[last - 1] == 0) {
            last--;
        }
        return Arrays.hashCode(Arrays.copyOf(parts, last));
    }

    @JsonValue
    @Override
    public String toString() {
        return Arrays.stream(parts).mapToObj(Integer::toString).collect(Collectors.joining("."));
    }
}
