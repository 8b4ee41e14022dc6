package io.peerlift.rollout.service.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.peerlift.events.RolloutStatus;

import java.time.Instant;

import static com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL;

/**
 * One subnet of a rollout as the fleet view's table shows it: its progress and how it compares with its ideal
 * spread (see {@link io.peerlift.events.IdealSpread}).
 *
 * @param eligible       devices that can take the target (all but the ineligible)
 * @param inProgress     devices commanded, downloading or installing
 * @param slotsPerPeer   devices one peer serves at a time, as the peers announce it (1 until a peer is known)
 * @param idealRounds    rounds the ideal spread needs for the subnet
 * @param roundMillis    median transfer + install + reboot of the subnet's devices, or of the rollout's when the
 *                       subnet has measured none yet ({@code roundMeasuredHere} false)
 * @param idealSeconds   idealRounds x roundMillis
 * @param elapsedSeconds since the subnet started, until its last device finished, the rollout's pauses left out
 * @param ratio          measured against ideal (see {@link io.peerlift.events.IdealSpread#ratio}), null when it
 *                       cannot be told yet
 * @param swarmBoundSeconds T* of a SWARM rollout's subnet ({@link io.peerlift.events.SwarmBound}), null otherwise
 *                       or while no device reported its upload capacity
 * @param swarmIdealSeconds T* + the median install + the median reboot
 * @param swarmRatio     elapsedSeconds against swarmIdealSeconds (the {@code × T*} column), null when unknown
 *                       (the swarm fields are left out when null: a whole-file rollout's 25-row frame stays as small)
 */
public record SubnetRow(String subnet, String state, int devices, int eligible, int upgraded, int current,
                        int inProgress, int failed, int peers, int slotsPerPeer, int rounds, int idealRounds,
                        Long roundMillis, boolean roundMeasuredHere, Double idealSeconds, Double elapsedSeconds,
                        Double ratio, @JsonInclude(NON_NULL) Double swarmBoundSeconds,
                        @JsonInclude(NON_NULL) Double swarmIdealSeconds, @JsonInclude(NON_NULL) Double swarmRatio,
                        Instant startedAt, Instant stalledSince, String waiting, int failedAttempts,
                        long wanBytes, long peerBytes, long version) {

    static int count(RolloutStatus.SubnetStatus status, String state) {
        return status.deviceCounts().getOrDefault(state, 0);
    }
}
