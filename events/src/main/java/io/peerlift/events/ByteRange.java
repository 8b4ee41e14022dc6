package io.peerlift.events;

import java.util.Optional;

/**
 * The one byte range a payload response carries, chosen from the request's {@code Range} header (RFC 9110
 * §14.1-14.2). The repository and every peer update server answer with it, so a device sees one behaviour
 * wherever it downloads from.
 * <ul>
 *   <li>No header, or a range unit other than {@code bytes}: the whole payload (200); RFC 9110 says to ignore
 *   units one does not know.</li>
 *   <li>{@code bytes=a-b}, {@code bytes=a-} and the suffix {@code bytes=-n}: that range (206), {@code b} capped at
 *   the last byte and {@code n} at the size.</li>
 *   <li>Everything else in the {@code bytes} unit gets 416 ({@link Optional#empty()}): a start at or past the end,
 *   {@code b < a}, a zero suffix, any range of an empty payload, anything but ASCII digits, a number that does not
 *   fit 63 bits, and more than one range. A peer has few upload slots: serving the whole payload in place of a
 *   few ranges would waste one, and a client bug shows at once instead of as a silent full download.</li>
 * </ul>
 *
 * @param partial false when the whole payload is sent with 200
 */
public record ByteRange(long start, long end, long size, boolean partial) {

    private static final String UNIT = "bytes";
    private static final long ABSENT = -1;
    private static final long INVALID = -2;

    public long length() {
        return end - start + 1;
    }

    /** The {@code Content-Range} value of a 206. */
    public String contentRange() {
        return UNIT + " " + start + "-" + end + "/" + size;
    }

    /** The {@code Content-Range} value of a 416 for a payload of {@code size} bytes. */
    public static String unsatisfiable(long size) {
        return UNIT + " */" + size;
    }

    /** The range to send for {@code header} (null when absent); empty means 416. */
    public static Optional<ByteRange> select(String header, long size) {
        ByteRange whole = new ByteRange(0, size - 1, size, false);
        if (header == null || header.isBlank()) {
            return Optional.of(whole);
        }
        int equals = header.indexOf('=');
        if (equals < 0 || !header.substring(0, equals).trim().equalsIgnoreCase(UNIT)) {
            return Optional.of(whole);
        }
        String spec = null;
        for (String element : header.substring(equals + 1).split(",", -1)) {
            if (element.isBlank()) {
                continue; // the list syntax allows empty elements
            }
            if (spec != null) {
                return Optional.empty();
            }
            spec = element.trim();
        }
        return spec == null || size == 0 ? Optional.empty() : single(spec, size);
    }

    private static Optional<ByteRange> single(String spec, long size) {
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return Optional.empty();
        }
        long first = number(spec.substring(0, dash));
        long last = number(spec.substring(dash + 1));
        if (first == INVALID || last == INVALID || first == ABSENT && last == ABSENT) {
            return Optional.empty();
        }
        if (first == ABSENT) {
            return last == 0 ? Optional.empty() : Optional.of(new ByteRange(Math.max(0, size - last), size - 1, size, true));
        }
        if (first >= size || last != ABSENT && last < first) {
            return Optional.empty();
        }
        long end = last == ABSENT ? size - 1 : Math.min(last, size - 1);
        return Optional.of(new ByteRange(first, end, size, true));
    }

    /** A run of ASCII digits as a long, {@link #ABSENT} when empty, {@link #INVALID} otherwise. */
    private static long number(String digits) {
        if (digits.isEmpty()) {
            return ABSENT;
        }
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                return INVALID;
            }
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException overflow) {
            return INVALID;
        }
    }
}
