package io.peerlift.rollout.messaging;

import io.peerlift.events.EventCodec;
import io.peerlift.events.RolloutStatus;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The status records of {@code peerlift.rollout-status}, for live dashboards. Every instance reads the whole
 * topic in a consumer group of its own (see application.properties), keeps the latest record per key (a
 * rollout's summary, a subnet of a rollout) and hands each subscriber first those, then every newer record as
 * it arrives.
 */
@ApplicationScoped
public class RolloutStatusFeed {

    /**
     * Records a subscriber may fall behind by, beyond the replay. A subscriber that falls further behind gets an
     * error and its stream ends; a browser's EventSource then reconnects and starts again from the latest
     * records, which is all a dashboard needs.
     */
    private static final int SUBSCRIBER_BUFFER = 16_384;

    // Both guarded by this: a new subscriber gets the replay and then every later record, none twice or lost.
    private final Map<String, RolloutStatus> latestByKey = new LinkedHashMap<>();
    private final Set<MultiEmitter<? super RolloutStatus>> subscribers = new HashSet<>();

    @Incoming("rollout-status-feed")
    public void consume(String json) {
        accept(EventCodec.decode(json, RolloutStatus.class));
    }

    /** Keeps and broadcasts {@code status} unless a record of its key with the same or a later version was seen. */
    synchronized void accept(RolloutStatus status) {
        RolloutStatus known = latestByKey.get(status.key());
        if (known != null && known.version() >= status.version()) {
            return;
        }
        latestByKey.put(status.key(), status);
        for (MultiEmitter<? super RolloutStatus> subscriber : List.copyOf(subscribers)) {
            subscriber.emit(status);
        }
    }

    /** The latest record of every key seen so far, then each newer record; never completes by itself. */
    public Multi<RolloutStatus> subscribe() {
        return Multi.createFrom().<RolloutStatus>emitter(this::register, SUBSCRIBER_BUFFER);
    }

    private synchronized void register(MultiEmitter<? super RolloutStatus> subscriber) {
        subscriber.onTermination(() -> unregister(subscriber));
        latestByKey.values().forEach(subscriber::emit);
        subscribers.add(subscriber);
    }

    private synchronized void unregister(MultiEmitter<? super RolloutStatus> subscriber) {
        subscribers.remove(subscriber);
    }

    /** Ends the open streams, so that shutting down does not wait for dashboards to disconnect. */
    @PreDestroy
    synchronized void completeSubscribers() {
        List.copyOf(subscribers).forEach(MultiEmitter::complete);
        subscribers.clear();
    }
}
