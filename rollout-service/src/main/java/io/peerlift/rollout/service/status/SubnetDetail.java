package io.peerlift.rollout.service.status;

import java.util.List;

/**
 * One subnet in detail: its row, the medians its round is made of, and its peers over time against the ideal
 * (initial peers plus the ideal's upgraded devices), from the rollout's start; {@code httpsPeers} of its peers
 * serve over HTTPS too.
 */
public record SubnetDetail(SubnetRow row, int initialPeers, int peerSlots, int httpsPeers, Long medianTransferMillis,
                           Long medianInstallMillis, Long medianRebootMillis, List<ChartPoint> peers,
                           List<ChartPoint> idealPeers) {
}
