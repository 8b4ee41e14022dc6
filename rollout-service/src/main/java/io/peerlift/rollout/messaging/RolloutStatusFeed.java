package io.peerlift.rollout.messaging;

import io.peerlift.events.EventCodec;
import io.peerlift.events.RolloutStatus;
import io.peerlift.rollout.service.status.FleetBoard;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The status records of {@code peerlift.rollout-status} for the fleet view. Every instance reads the whole topic
 * in a consumer group of its own (see application.properties), from the earliest offset, into its
 * {@link FleetBoard}.
 */
@ApplicationScoped
public class RolloutStatusFeed {

    private final FleetBoard board;

    RolloutStatusFeed(FleetBoard board) {
        this.board = board;
    }

    /** A record without a value is a tombstone: its key's record was deleted (an archived rollout's). */
    @Incoming("rollout-status-feed")
    public void consume(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            if (record.key() != null) {
                board.deleted(record.key());
            }
            return;
        }
        board.accept(EventCodec.decode(record.value(), RolloutStatus.class));
    }
}
