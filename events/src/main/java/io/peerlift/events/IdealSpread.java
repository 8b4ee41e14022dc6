package io.peerlift.events;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The yardstick a spread is judged by: in the ideal subnet every device that holds the target serves
 * {@code slots} devices a round, so the sources grow {@code 1 + slots} times a round, from the subnet's initial
 * peers or, in a subnet without one, from a single WAN seed in a first round. A round lasts the median transfer
 * plus the median install plus the median reboot, each as the devices measured it, so nothing of the ideal is
 * fitted from the spread it judges.
 */
public final class IdealSpread {

    private IdealSpread() {
    }

    /**
     * Devices upgraded (not counting the initial peers) at the end of each round, the first round first; the last
     * entry is every eligible device that was not a peer already. Empty when nothing is left to upgrade.
     *
     * @param initialPeers devices that served the target before the subnet started
     * @param eligible     devices that can hold the target, the initial peers included
     * @param slots        devices one peer serves at a time (at least 1 is assumed)
     */
    public static List<Integer> upgradedPerRound(int initialPeers, int eligible, int slots) {
        int growth = 1 + Math.max(1, slots);
        List<Integer> rounds = new ArrayList<>();
        long holders = initialPeers;
        while (holders < eligible) {
            holders = holders == 0 ? 1 : holders * growth;
            rounds.add((int) (Math.min(holders, eligible) - initialPeers));
        }
        return rounds;
    }

    /** Rounds until every eligible device holds the target (see {@link #upgradedPerRound}). */
    public static int rounds(int initialPeers, int eligible, int slots) {
        return upgradedPerRound(initialPeers, eligible, slots).size();
    }

    /** Median transfer + install + reboot, null unless all three were measured. */
    public static Long roundMillis(Long transferMillis, Long installMillis, Long rebootMillis) {
        return transferMillis == null || installMillis == null || rebootMillis == null
                ? null : transferMillis + installMillis + rebootMillis;
    }

    /**
     * How many times slower than the ideal a spread is, at least: once {@code upgraded} devices are done, the
     * time their last one took against the ideal time to get as many; while it is still running, also the time
     * elapsed against the ideal time to get one more (it has not got it yet). So a subnet that stands still
     * sees its ratio rise, and 1.0 means as fast as its peers allow. Times count from the curve's origin; null
     * when the ideal cannot tell (no round time measured, nothing upgraded and nothing to wait for).
     *
     * @param lastUpgradeMillis when the last device finished, null if none did
     */
    public static Double ratio(Curve ideal, int upgraded, Long lastUpgradeMillis, long elapsedMillis,
                               boolean finished) {
        Double ratio = null;
        Long reached = upgraded > 0 ? ideal.millisToReach(upgraded) : null;
        if (reached != null && reached > 0 && lastUpgradeMillis != null) {
            ratio = lastUpgradeMillis / (double) reached;
        }
        Long next = finished ? null : ideal.millisToReach(upgraded + 1);
        if (next != null && next > 0) {
            double running = elapsedMillis / (double) next;
            ratio = ratio == null ? running : Math.max(ratio, running);
        }
        return ratio;
    }

    /** Upgraded devices of an ideal spread over time, a step function from the curve's origin. */
    public record Curve(List<Step> steps) {

        public static final Curve NONE = new Curve(List.of());

        public Curve {
            steps = List.copyOf(steps);
        }

        /** A subnet that starts {@code startMillis} after the origin and upgrades as {@link #upgradedPerRound} says. */
        public static Curve ofSubnet(long startMillis, long roundMillis, List<Integer> upgradedPerRound) {
            List<Step> steps = new ArrayList<>(upgradedPerRound.size());
            for (int round = 0; round < upgradedPerRound.size(); round++) {
                steps.add(new Step(startMillis + (round + 1) * roundMillis, upgradedPerRound.get(round)));
            }
            return new Curve(steps);
        }

        /** Several subnets side by side: at any time the sum of their upgraded devices. */
        public static Curve sum(Collection<Curve> curves) {
            List<long[]> deltas = new ArrayList<>();
            for (Curve curve : curves) {
                int before = 0;
                for (Step step : curve.steps) {
                    deltas.add(new long[]{step.atMillis, step.upgraded - before});
                    before = step.upgraded;
                }
            }
            deltas.sort((a, b) -> Long.compare(a[0], b[0]));
            List<Step> steps = new ArrayList<>();
            int upgraded = 0;
            for (long[] delta : deltas) {
                upgraded += (int) delta[1];
                if (!steps.isEmpty() && steps.get(steps.size() - 1).atMillis == delta[0]) {
                    steps.set(steps.size() - 1, new Step(delta[0], upgraded));
                } else {
                    steps.add(new Step(delta[0], upgraded));
                }
            }
            return new Curve(steps);
        }

        /** Devices upgraded at {@code millis}. */
        public int upgradedAt(long millis) {
            int upgraded = 0;
            for (Step step : steps) {
                if (step.atMillis > millis) {
                    break;
                }
                upgraded = step.upgraded;
            }
            return upgraded;
        }

        /** The first time the curve has {@code upgraded} devices, null if it never does. */
        public Long millisToReach(int upgraded) {
            for (Step step : steps) {
                if (step.upgraded >= upgraded) {
                    return step.atMillis;
                }
            }
            return null;
        }

        /** When the last device is upgraded, 0 for an empty curve. */
        public long endMillis() {
            return steps.isEmpty() ? 0 : steps.get(steps.size() - 1).atMillis;
        }
    }

    /** {@code upgraded} devices from {@code atMillis} after the origin on. */
    public record Step(long atMillis, int upgraded) {
    }
}
