package io.peerlift.rollout.service.status;

import io.peerlift.events.EventCodec;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The stream of one browser: what it asked to see, and what it was last sent, so that each frame carries only
 * what changed. Frames go out at most every {@code minInterval} and, after a frame of n bytes, not before n
 * bytes at {@code bytesPerSecond} would have passed: so one browser's stream stays within that rate whatever
 * the fleet does.
 */
public final class BoardStream {

    /** Rollouts in the list a stream carries, newest first. */
    static final int LISTED_ROLLOUTS = 20;

    private final FleetBoard board;
    private final Request request;
    private final Duration minInterval;
    private final long bytesPerSecond;

    private Instant nextAllowed = Instant.MIN;
    private List<StreamFrame.RolloutLine> sentRollouts;
    private BoardView sentView;
    private StreamFrame.PageInfo sentPage;
    private final Map<String, SubnetRow> sentRows = new HashMap<>();
    private SubnetDetail sentDetail;

    /**
     * What a browser shows: the list of rollouts, and of {@code rolloutId} (null: none) the table {@code query}
     * selects and the {@code subnet} in detail (null: none).
     */
    public record Request(String rolloutId, BoardQuery query, String subnet) {
    }

    public BoardStream(FleetBoard board, Request request, Duration minInterval, long bytesPerSecond) {
        this.board = board;
        this.request = request;
        this.minInterval = minInterval;
        this.bytesPerSecond = bytesPerSecond;
    }

    /** The next frame as JSON, empty when nothing changed or the rate asks to wait. */
    public Optional<String> next(Instant now) {
        if (now.isBefore(nextAllowed)) {
            return Optional.empty();
        }
        StreamFrame frame = changesSinceSent(now);
        if (frame.isEmpty()) {
            return Optional.empty();
        }
        String json = EventCodec.encode(frame);
        long bytes = json.getBytes(StandardCharsets.UTF_8).length;
        Duration paced = Duration.ofMillis(bytes * 1000 / bytesPerSecond);
        nextAllowed = now.plus(paced.compareTo(minInterval) > 0 ? paced : minInterval);
        return Optional.of(json);
    }

    private StreamFrame changesSinceSent(Instant now) {
        List<StreamFrame.RolloutLine> rollouts = board.summaries().stream().limit(LISTED_ROLLOUTS)
                .map(StreamFrame.RolloutLine::of).toList();
        List<StreamFrame.RolloutLine> rolloutsChanged = rollouts.equals(sentRollouts) ? null : rollouts;
        sentRollouts = rollouts;
        BoardView view = request.rolloutId() == null ? null : board.view(request.rolloutId(), now).orElse(null);
        if (view == null && sentView != null) {
            sentView = null;
            sentPage = null;
            sentRows.clear();
            sentDetail = null;
            return new StreamFrame(rolloutsChanged, null, null, null, null, null, null, request.rolloutId());
        }
        if (view == null || view == sentView) {
            return new StreamFrame(rolloutsChanged, null, null, null, null, null, null, null);
        }
        BoardView before = sentView;
        sentView = view;

        BoardPage page = view.page(request.query());
        StreamFrame.PageInfo info = new StreamFrame.PageInfo(page.total(), page.offset(), page.limit(),
                request.query().sort().name().toLowerCase(Locale.ROOT), request.query().descending() ? "desc" : "asc",
                page.rows().stream().map(SubnetRow::subnet).toList());
        List<SubnetRow> rows = new ArrayList<>();
        Map<String, SubnetRow> shown = new HashMap<>();
        for (SubnetRow row : page.rows()) {
            shown.put(row.subnet(), row);
            if (!row.equals(sentRows.get(row.subnet()))) {
                rows.add(row);
            }
        }
        sentRows.clear();
        sentRows.putAll(shown);
        StreamFrame.PageInfo pageChanged = info.equals(sentPage) ? null : info;
        sentPage = info;

        SubnetDetail detail = request.subnet() == null ? null : view.detail(request.subnet());
        SubnetDetail detailChanged = Objects.equals(detail, sentDetail) ? null : detail;
        sentDetail = detail;

        boolean summaryChanged = before == null || !before.summary().equals(view.summary());
        return new StreamFrame(rolloutsChanged, summaryChanged ? view.summary() : null,
                before != null && before.ideal().equals(view.ideal()) ? null : view.ideal(),
                before != null && before.growth().equals(view.growth()) ? null : view.growth(),
                pageChanged, rows.isEmpty() ? null : rows, detailChanged, null);
    }
}
