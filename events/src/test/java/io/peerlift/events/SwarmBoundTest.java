package io.peerlift.events;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SwarmBoundTest {

    private static final long MIB = 1L << 20;

    @Test
    void theIssuesFiguresForTheDemoSubnetAndTheGigabyteFleet() {
        // 64 MiB at 16 MiB/s to 40 devices in 64 chunks: 4 s * (1 + 5/64).
        assertThat(SwarmBound.seconds(64 * MIB, 16 * MIB, 40, 64)).isCloseTo(4.3125, within(1e-9));
        assertThat(SwarmBound.treeSeconds(64 * MIB, 16 * MIB, 40)).isCloseTo(24.0, within(1e-9)); // 6 transfers
        // 1 GB at 100 Mb/s to 1,000 devices in 1 MiB chunks: F/u = 80 s, so about 81 s against 800 s.
        long gigabyte = 1_000_000_000L;
        int chunks = (int) ((gigabyte + MIB - 1) / MIB);
        assertThat(SwarmBound.seconds(gigabyte, 100_000_000L / 8, 1000, chunks)).isCloseTo(80.75, within(0.01));
        assertThat(SwarmBound.treeSeconds(gigabyte, 100_000_000L / 8, 1000)).isCloseTo(800, within(1e-9));
    }

    @Test
    void oneDeviceTakesOneTransfer() {
        assertThat(SwarmBound.seconds(8 * MIB, 8 * MIB, 1, 8)).isEqualTo(1.0);
        assertThat(SwarmBound.treeSeconds(8 * MIB, 8 * MIB, 1)).isEqualTo(1.0);
    }

    @Test
    void anUnlimitedRateHasNoBound() {
        assertThatThrownBy(() -> SwarmBound.seconds(1, 0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
