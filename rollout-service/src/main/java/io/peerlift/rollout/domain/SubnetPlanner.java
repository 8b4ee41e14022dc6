package io.peerlift.rollout.domain;

import io.peerlift.events.SourcePolicy;

/**
 * The scheduling rule for one subnet, free of persistence so it can be reasoned about on its own.
 * <p>
 * Where peers serve the target, every free peer slot takes one pending device: a device that finishes becomes a
 * peer, so the sources double each round with one slot per peer (and triple with two). Where no peer serves
 * it, the WAN seeds the subnet with exactly {@code wanSeedsPerSubnet} downloads (within the rollout's global
 * WAN cap) and everyone else waits for the seeds to serve. A subnet whose holders stopped serving moments ago is
 * not peerless yet: they are most likely restarting, and seeding it would spend a WAN download for nothing.
 * <p>
 * A SWARM rollout admits devices into the subnet's swarm as soon as it has a source (a peer, or a WAN seed that
 * verified a first chunk and serves it), up to {@code maxPerSubnet} downloading at once: swarming devices serve
 * each other what they verified, so no peer slot bounds them. Without a source the subnet is seeded as above; the
 * WAN still carries one package per subnet.
 */
public final class SubnetPlanner {

    private SubnetPlanner() {
    }

    /**
     * @param peers               devices in the subnet serving the target version
     * @param peerSlots           their summed upload capacity
     * @param peerDownloads       this rollout's commanded downloads that occupy a peer slot
     * @param seedsOutstanding    WAN seeds commanded and not yet finished or failed for good
     * @param seedsExpired        WAN seeds that upgraded but did not serve in time (no longer outstanding)
     * @param ready               pending devices that may be commanded now
     * @param wanSlotsFree        WAN seed downloads the rollout may still start (global cap)
     * @param wanSeedsPerSubnet   seeds a peerless subnet gets
     * @param policy              the rollout's source policy for local downloads
     * @param swarm               the subnet's swarm, null for a WHOLE_FILE rollout
     * @param peersRestarting     devices that hold the target and stopped serving it within the restart grace
     */
    public record Situation(int peers, int peerSlots, int peerDownloads, int seedsOutstanding, int seedsExpired,
                            int ready,
                            int wanSlotsFree, int wanSeedsPerSubnet, SourcePolicy policy, Swarm swarm,
                            int peersRestarting) {
    }

    /**
     * @param maxPerSubnet    devices of the subnet downloading at once
     * @param downloading     devices of the subnet commanded and not yet done downloading, seeds included
     * @param seedsWithChunks WAN seeds that verified a first chunk (and so serve) and are still downloading
     */
    public record Swarm(int maxPerSubnet, int downloading, int seedsWithChunks) {
    }

    /**
     * @param seeds   devices to command with WAN_SEED
     * @param local   devices to command with the rollout's policy
     * @param waiting why nothing can move although devices wait, null otherwise
     */
    public record Plan(int seeds, int local, String waiting) {
    }

    public static Plan plan(Situation s) {
        if (s.ready() == 0) {
            return new Plan(0, 0, null);
        }
        if (s.swarm() != null && (s.peers() > 0 || s.swarm().seedsWithChunks() > 0)) {
            int local = Math.min(s.ready(), Math.max(0, s.swarm().maxPerSubnet() - s.swarm().downloading()));
            return new Plan(0, local, null); // a full swarm is a moving one: it admits more as devices finish
        }
        if (s.peers() > 0) {
            int local = Math.min(s.ready(), Math.max(0, s.peerSlots() - s.peerDownloads()));
            String waiting = local == 0 && s.peerDownloads() == 0
                    ? s.peers() + " peer(s) serve the target but offer no upload slot" : null;
            return new Plan(0, local, waiting);
        }
        if (s.peersRestarting() > 0) {
            return new Plan(0, 0, s.peersRestarting() + " device(s) of the subnet holding the target stopped serving"
                    + " moments ago: waiting for them to serve again before seeding the subnet from the WAN");
        }
        int wanted = Math.max(0, s.wanSeedsPerSubnet() - s.seedsOutstanding());
        int seeds = Math.min(Math.min(wanted, s.ready()), s.wanSlotsFree());
        int outstanding = s.seedsOutstanding() + seeds;
        if (outstanding > 0) {
            String waiting = s.ready() > seeds ? "no peer in the subnet serves the target yet: waiting for its "
                    + outstanding + " WAN seed(s) to " + (s.swarm() == null ? "download and start serving"
                    : "verify a first chunk")
                    + (s.seedsExpired() > 0 ? " (" + s.seedsExpired() + " earlier seed(s) upgraded but did not serve:"
                    + " replaced)" : "") : null;
            return new Plan(seeds, 0, waiting);
        }
        if (s.wanSeedsPerSubnet() == 0) {
            return new Plan(0, 0, "no peer in the subnet serves the target and wanSeedsPerSubnet is 0: "
                    + (s.policy() == SourcePolicy.PEER_ONLY ? "PEER_ONLY waits for a peer" : "waiting for a peer"));
        }
        return new Plan(0, 0, "no peer in the subnet serves the target: waiting for a free WAN download slot"
                + " (maxConcurrentWanDownloads in use by other subnets)");
    }
}
