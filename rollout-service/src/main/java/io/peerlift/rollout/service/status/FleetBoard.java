package io.peerlift.rollout.service.status;

import io.peerlift.events.RolloutStatus;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fleet view's read model: the latest status record of every key of {@code peerlift.rollout-status}, per
 * rollout, and a {@link BoardView} of each rollout computed from them. It is fed from the compacted topic rather
 * than read from the tables, so that every replica serves any number of browsers from memory without a query
 * per browser and second, and shows exactly what the topic says (which other readers, like the demo, see too).
 * A view is computed again when a record of its rollout arrived, or a second later (a running subnet's ratio
 * moves with time); every browser of a rollout shares it.
 */
@ApplicationScoped
public class FleetBoard {

    /** How long a view stays current while no record arrives: the ratios of running subnets move with time. */
    static final Duration VIEW_AGE = Duration.ofSeconds(1);
    /** How soon after the last computation newly arrived records are computed in: they come in bursts. */
    static final Duration RECOMPUTE_AFTER = Duration.ofMillis(200);

    private final Map<String, RolloutRecords> rollouts = new ConcurrentHashMap<>();
    private volatile boolean open = true;

    /** Keeps {@code status} unless a record of its key with the same or a later version was seen. */
    public void accept(RolloutStatus status) {
        rollouts.computeIfAbsent(status.rolloutId(), id -> new RolloutRecords()).accept(status);
    }

    /**
     * A tombstone of the status topic: the key's record was deleted. A rollout's summary goes when the rollout is
     * archived, and the rollout with it; a subnet's goes on its own.
     */
    public void deleted(String key) {
        int space = key.indexOf(' ');
        if (space < 0) {
            rollouts.remove(key);
        } else {
            RolloutRecords records = rollouts.get(key.substring(0, space));
            if (records != null) {
                records.forget(key.substring(space + 1));
            }
        }
    }

    /** The summaries of every rollout, newest first. */
    public List<RolloutStatus.Summary> summaries() {
        return rollouts.values().stream().map(RolloutRecords::summary).filter(s -> s != null)
                .sorted(Comparator.comparing(RolloutStatus.Summary::createdAt,
                        Comparator.nullsLast(Comparator.reverseOrder()))
                        .thenComparing(RolloutStatus.Summary::rolloutId))
                .toList();
    }

    /** The rollout as the fleet view sees it now; empty until its summary arrived. */
    public Optional<BoardView> view(String rolloutId, Instant now) {
        RolloutRecords records = rollouts.get(rolloutId);
        return records == null ? Optional.empty() : Optional.ofNullable(records.view(now));
    }

    /** False once the application shuts down: the open streams end, so that shutting down waits for none. */
    public boolean open() {
        return open;
    }

    void close(@Observes ShutdownEvent shutdown) {
        open = false;
    }

    /** One rollout's latest records and its view, computed from them when asked for and out of date. */
    private static final class RolloutRecords {

        private RolloutStatus.Summary summary;
        private final Map<String, RolloutStatus.SubnetStatus> subnets = new HashMap<>();
        private BoardView view;
        private boolean changed;

        synchronized void accept(RolloutStatus status) {
            if (status instanceof RolloutStatus.Summary s) {
                if (summary == null || s.version() > summary.version()) {
                    summary = s;
                    changed = true;
                }
            } else if (status instanceof RolloutStatus.SubnetStatus s) {
                RolloutStatus.SubnetStatus known = subnets.get(s.subnet());
                if (known == null || s.version() > known.version()) {
                    subnets.put(s.subnet(), s);
                    changed = true;
                }
            }
        }

        synchronized void forget(String subnet) {
            if (subnets.remove(subnet) != null) {
                changed = true;
            }
        }

        synchronized RolloutStatus.Summary summary() {
            return summary;
        }

        synchronized BoardView view(Instant now) {
            if (summary == null) {
                return null;
            }
            if (view == null || !view.computedAt().plus(changed ? RECOMPUTE_AFTER : VIEW_AGE).isAfter(now)) {
                view = BoardView.of(summary, subnets.values(), now);
                changed = false;
            }
            return view;
        }
    }
}
