package io.peerlift.rollout.service.inventory;

import io.peerlift.rollout.config.RolloutConfig;
import io.peerlift.rollout.domain.Device;
import io.peerlift.rollout.domain.Rollout;
import io.peerlift.rollout.domain.RolloutState;
import io.peerlift.rollout.domain.RolloutSubnet;
import io.peerlift.rollout.service.facts.FactsRecorded;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The stall guard of the inventory: a peer that has sent no event for {@code peerlift.rollout.stalls.peer-silence}
 * (it crashed, lost power or its network, and never said PeerServerStopped) no longer counts as a peer, so that
 * its subnets are planned without it: its slots are not handed out, and a subnet left without a peer is seeded
 * again. Its next event counts it again.
 */
@ApplicationScoped
public class PeerExpiry {

    private static final Logger LOG = Logger.getLogger(PeerExpiry.class);
    /** Peers expired per transaction; the next tick takes the rest. */
    private static final int PER_PASS = 500;

    private final RolloutConfig config;
    private final Event<FactsRecorded> recorded;

    PeerExpiry(RolloutConfig config, Event<FactsRecorded> recorded) {
        this.config = config;
        this.recorded = recorded;
    }

    @Scheduled(every = "${peerlift.rollout.scheduler.tick}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void tick() {
        try {
            expireSilentPeers(Instant.now());
        } catch (RuntimeException e) {
            LOG.warnf(e, "expiring silent peers failed; the next tick tries again");
        }
    }

    /** Expires the peers silent for too long, a page per transaction; returns how many. */
    public int expireSilentPeers(Instant now) {
        int total = 0;
        int expired;
        do {
            expired = QuarkusTransaction.requiringNew().call(() -> expirePage(now));
            total += expired;
        } while (expired == PER_PASS);
        return total;
    }

    private int expirePage(Instant now) {
        List<Device> silent = Device.silentPeers(now.minus(config.stalls().peerSilence()), PER_PASS);
        if (silent.isEmpty()) {
            return 0;
        }
        Set<String> subnets = new HashSet<>();
        for (Device device : silent) {
            device.expirePeer(now);
            subnets.add(device.subnet);
            LOG.infof("device %s in %s: no event since %s, no longer counted as a peer", device.deviceId,
                    device.subnet, device.lastEventAt);
        }
        // The subnets of the rollouts that follow their peers plan again without them (devices first, then
        // subnets: the order every writer locks in).
        Set<RolloutSubnet.Key> keys = new HashSet<>();
        for (String rolloutId : Rollout.idsInStatesOrFinishedWithin(RolloutState.active(),
                config.scheduler().peersFollowedAfterFinish(), now)) {
            subnets.forEach(subnet -> keys.add(new RolloutSubnet.Key(rolloutId, subnet)));
        }
        Set<String> touched = new HashSet<>();
        RolloutSubnet.lock(keys, Set.of()).values().forEach(subnet -> {
            subnet.planRequested = true;
            touched.add(subnet.rolloutId);
        });
        if (!touched.isEmpty()) {
            recorded.fire(new FactsRecorded(touched));
        }
        return silent.size();
    }
}
