package io.peerlift.rollout.service.status;

import java.util.List;

/**
 * One subnet in detail: its row, the medians its round is made of, and its peers over time against the ideal
 * (initial peers plus the ideal's upgraded devices), from the rollout's start.
 */
public record SubnetDetail(SubnetRow row, int initialPeers, int peerSlots, Long medianTransferMillis,
                           Long medianInstallMillis, Long medianRebootMillis, List<ChartPoint> peers,
                           List<ChartPoint> idealPeers) {
}
