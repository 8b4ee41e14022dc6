package io.peerlift.rollout.domain;

import io.peerlift.events.EventCodec;
import io.peerlift.events.RolloutStatus.PeerSample;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** What the scheduler remembers about one subnet of one rollout between passes. */
@Entity
@Table(name = "rollout_subnet")
public class RolloutSubnet extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "rollout_id")
    public String rolloutId;
    public String subnet;
    @Column(name = "initial_peers")
    public int initialPeers;
    public int peers;
    @Column(name = "peer_slots")
    public int peerSlots;
    public int rounds;
    @Column(name = "wan_downloads")
    public int wanDownloads;
    @Column(name = "peer_downloads")
    public int peerDownloads;
    @Column(name = "wan_bytes")
    public long wanBytes;
    @Column(name = "peer_bytes")
    public long peerBytes;
    public String waiting;
    @Column(name = "last_upgrade_at")
    public Instant lastUpgradeAt;
    @Column(name = "peers_over_time", columnDefinition = "text")
    public String peersOverTime = "[]";

    public static RolloutSubnet findOrCreate(String rolloutId, String subnet) {
        RolloutSubnet found = find("rolloutId = ?1 and subnet = ?2", rolloutId, subnet).firstResult();
        if (found == null) {
            found = new RolloutSubnet();
            found.rolloutId = rolloutId;
            found.subnet = subnet;
            found.persist();
        }
        return found;
    }

    public static List<RolloutSubnet> ofRollout(String rolloutId) {
        return list("rolloutId = ?1 order by subnet", rolloutId);
    }

    public List<PeerSample> peerSamples() {
        return Arrays.asList(EventCodec.decode(peersOverTime, PeerSample[].class));
    }

    /** Records the peer population; a sample is kept only when it changed, so the series stays short. */
    public void observePeers(int count, int slots, double secondsSinceStart) {
        List<PeerSample> samples = new ArrayList<>(peerSamples());
        if (samples.isEmpty()) {
            initialPeers = count;
        }
        if (samples.isEmpty() || samples.get(samples.size() - 1).peers() != count) {
            samples.add(new PeerSample(secondsSinceStart, count));
            peersOverTime = EventCodec.encode(samples);
        }
        peers = count;
        peerSlots = slots;
    }
}
