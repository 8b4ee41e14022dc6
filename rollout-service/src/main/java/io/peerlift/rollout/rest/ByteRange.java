package io.peerlift.rollout.rest;

/**
 * The one byte range of a {@code Range: bytes=...} header that the repository serves ({@code a-b}, {@code a-}
 * or the suffix {@code -n}). Anything it does not understand, including several ranges, means the whole payload,
 * as RFC 9110 allows.
 *
 * @param partial false when the whole payload is served with 200
 */
record ByteRange(long start, long end, boolean partial) {

    long length() {
        return end - start + 1;
    }

    /** The range to serve, or null when the range is syntactically fine but outside the payload (416). */
    static ByteRange parse(String header, long size) {
        ByteRange whole = new ByteRange(0, size - 1, false);
        if (header == null || !header.startsWith("bytes=") || header.contains(",")) {
            return whole;
        }
        String spec = header.substring("bytes=".length()).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return whole;
        }
        try {
            String first = spec.substring(0, dash).trim();
            String last = spec.substring(dash + 1).trim();
            if (first.isEmpty()) {
                long suffix = Long.parseLong(last);
                if (suffix <= 0 || size == 0) {
                    return null;
                }
                return new ByteRange(Math.max(0, size - suffix), size - 1, true);
            }
            long start = Long.parseLong(first);
            long end = last.isEmpty() ? size - 1 : Math.min(Long.parseLong(last), size - 1);
            if (start >= size || end < start) {
                return null;
            }
            return new ByteRange(start, end, true);
        } catch (NumberFormatException e) {
            return whole;
        }
    }
}
