package io.peerlift.rollout.service.status;

import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * What the fleet view's table shows: a sort, filters and a page. Worst first by default: the highest ratio to the
 * ideal, the longest stalled among equals. Unknown values always sort last.
 *
 * @param states   subnet states to keep, all when empty
 * @param stalled  only subnets that are stalled
 * @param failed   only subnets with failed devices
 * @param text     only subnets whose address contains it
 * @param minRatio only subnets at least this many times slower than their ideal
 */
public record BoardQuery(Sort sort, boolean descending, Set<String> states, boolean stalled, boolean failed,
                         String text, Double minRatio, int offset, int limit) {

    /** The largest page, so that a frame of the stream stays well under 20 KB. */
    public static final int MAX_LIMIT = 50;
    public static final int DEFAULT_LIMIT = 25;
    public static final List<String> SUBNET_STATES = List.of("WAITING", "SEEDING", "SPREADING", "PENDING", "DONE");
    public static final BoardQuery WORST_FIRST = new BoardQuery(Sort.RATIO, true, Set.of(), false, false, null,
            null, 0, DEFAULT_LIMIT);

    /**
     * Subnets by address, each dotted or slashed part as a number (text that is not a number compares as text).
     * Taken from {@link Sort#SUBNET} rather than the other way round: WORST_FIRST above initialises Sort before
     * this field is assigned.
     */
    static final Comparator<SubnetRow> ADDRESS_ORDER = Sort.SUBNET.ascending;

    public enum Sort {
        RATIO(true, Comparator.comparing(row -> row.ratio() == null ? 0 : row.ratio())),
        /** Against T* (a SWARM rollout's); subnets without one sort last. */
        SWARM_RATIO(true, Comparator.comparing(row -> row.swarmRatio() == null ? 0 : row.swarmRatio())),
        /** The states in the order of concern: waiting first, done last. */
        STATE(false, Comparator.comparing(row -> SUBNET_STATES.indexOf(row.state()))),
        UPGRADED(false, Comparator.comparing(row -> row.eligible() == 0 ? 1.0
                : (row.upgraded() + row.current()) / (double) row.eligible())),
        PEERS(false, Comparator.comparing(SubnetRow::peers)),
        /** Stalled longest first by default; never stalled sorts last. */
        STALLED_SINCE(false, Comparator.comparing(row -> row.stalledSince() == null ? Instant.MAX
                : row.stalledSince())),
        FAILURES(true, Comparator.comparing(SubnetRow::failed).thenComparing(SubnetRow::failedAttempts)),
        WAN_BYTES(true, Comparator.comparing(SubnetRow::wanBytes)),
        /** By address, numerically: 10.0.2.0/24 before 10.0.10.0/24. */
        SUBNET(false, (a, b) -> compareAddresses(a.subnet(), b.subnet()));

        private final boolean descendingByDefault;
        private final Comparator<SubnetRow> ascending;

        Sort(boolean descendingByDefault, Comparator<SubnetRow> ascending) {
            this.descendingByDefault = descendingByDefault;
            this.ascending = ascending;
        }
    }

    /**
     * The query of request parameters, each optional; throws {@link IllegalArgumentException} saying what is
     * wrong.
     */
    public static BoardQuery parse(String sort, String dir, String states, Boolean stalled, Boolean failed,
                                   String text, Double minRatio, Integer offset, Integer limit) {
        Sort by = sort == null || sort.isBlank() ? Sort.RATIO : parseEnum(Sort.class, "sort", sort);
        boolean descending;
        if (dir == null || dir.isBlank()) {
            descending = by.descendingByDefault;
        } else if (dir.equalsIgnoreCase("asc") || dir.equalsIgnoreCase("desc")) {
            descending = dir.equalsIgnoreCase("desc");
        } else {
            throw new IllegalArgumentException("dir must be asc or desc, got '" + dir + "'");
        }
        Set<String> kept = states == null || states.isBlank() ? Set.of() : Arrays.stream(states.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).map(s -> s.toUpperCase(Locale.ROOT))
                .peek(s -> {
                    if (!SUBNET_STATES.contains(s)) {
                        throw new IllegalArgumentException("state '" + s + "' is not a subnet state; use any of "
                                + SUBNET_STATES);
                    }
                }).collect(Collectors.toUnmodifiableSet());
        int from = offset == null ? 0 : offset;
        int size = limit == null ? DEFAULT_LIMIT : limit;
        if (from < 0) {
            throw new IllegalArgumentException("offset must be 0 or more, got " + from);
        }
        if (size < 1 || size > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT + ", got " + size);
        }
        if (minRatio != null && !(minRatio >= 0)) {
            throw new IllegalArgumentException("minRatio must be 0 or more, got " + minRatio);
        }
        return new BoardQuery(by, descending, kept, Boolean.TRUE.equals(stalled), Boolean.TRUE.equals(failed),
                text == null || text.isBlank() ? null : text.trim(), minRatio, from, size);
    }

    /** Whether the table keeps {@code row}. */
    public Predicate<SubnetRow> filter() {
        return row -> (states.isEmpty() || states.contains(row.state()))
                && (!stalled || row.stalledSince() != null)
                && (!failed || row.failed() > 0)
                && (text == null || row.subnet().contains(text))
                && (minRatio == null || row.ratio() != null && row.ratio() >= minRatio);
    }

    /** The table's order; ties go to the subnet's address, so a page is stable. */
    public Comparator<SubnetRow> order() {
        Comparator<SubnetRow> primary = descending ? sort.ascending.reversed() : sort.ascending;
        return Comparator.comparing(this::unknown).thenComparing(primary).thenComparing(ADDRESS_ORDER);
    }

    static int compareAddresses(String a, String b) {
        String[] left = a.split("[./]");
        String[] right = b.split("[./]");
        for (int i = 0; i < Math.min(left.length, right.length); i++) {
            int order = left[i].matches("\\d{1,9}") && right[i].matches("\\d{1,9}")
                    ? Integer.compare(Integer.parseInt(left[i]), Integer.parseInt(right[i]))
                    : left[i].compareTo(right[i]);
            if (order != 0) {
                return order;
            }
        }
        return Integer.compare(left.length, right.length);
    }

    /** A row without the sorted value, which goes last whichever the direction. */
    private boolean unknown(SubnetRow row) {
        return switch (sort) {
            case RATIO -> row.ratio() == null;
            case SWARM_RATIO -> row.swarmRatio() == null;
            case STALLED_SINCE -> row.stalledSince() == null;
            default -> false;
        };
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String name, String value) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " '" + value + "' is not one of "
                    + Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList());
        }
    }

}
