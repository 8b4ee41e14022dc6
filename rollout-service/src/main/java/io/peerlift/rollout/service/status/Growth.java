package io.peerlift.rollout.service.status;

import java.util.List;

/**
 * Devices upgraded over time, measured and ideal, at most {@link BoardView#CHART_POINTS} points each.
 *
 * @param measured the devices that serve the target beyond the initial peers, as the subnets counted them
 * @param ideal    the ideal spread of every subnet from its start (see {@link RolloutIdeal})
 * @param target   devices the rollout upgrades when all goes well
 */
public record Growth(List<ChartPoint> measured, List<ChartPoint> ideal, int target) {
}
