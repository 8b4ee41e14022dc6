package io.peerlift.rollout.domain;

import io.peerlift.events.RolloutStatus;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * A pause of a rollout, from the move into PAUSED or PAUSED_ON_ERRORS to the move out of it ({@link Rollout#moveTo}):
 * the fleet view leaves that time out of the subnets' ratios.
 */
@Entity
@Table(name = "rollout_pause")
public class RolloutPause extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "rollout_id")
    public String rolloutId;
    @Column(name = "paused_at")
    public Instant pausedAt;
    /** Null while the rollout is paused. */
    @Column(name = "resumed_at")
    public Instant resumedAt;

    static void begin(String rolloutId, Instant at) {
        RolloutPause pause = new RolloutPause();
        pause.rolloutId = rolloutId;
        pause.pausedAt = at;
        pause.persist();
    }

    static void end(String rolloutId, Instant at) {
        update("resumedAt = ?2 where rolloutId = ?1 and resumedAt is null", rolloutId, at);
    }

    /** The rollout's newest {@code limit} pauses, oldest first, as the status summary carries them. */
    public static List<RolloutStatus.Pause> newest(String rolloutId, int limit) {
        List<RolloutPause> newestFirst = find("rolloutId = ?1 order by pausedAt desc", rolloutId).page(0, limit).list();
        return newestFirst.stream().sorted(Comparator.comparing((RolloutPause p) -> p.pausedAt))
                .map(p -> new RolloutStatus.Pause(p.pausedAt, p.resumedAt)).toList();
    }
}
