package io.peerlift.rollout.domain;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EligibilityTest {

    @Test
    void aDeviceBelowTheMinimumSourceVersionIsIneligibleAndSaysWhy() {
        assertThat(Eligibility.of("11.10.200", "12.7.4", "11.11.150")).isEqualTo(DeviceState.INELIGIBLE);
        assertThat(Eligibility.ineligibleReason("11.10.200", "12.7.4", "11.11.150")).isEqualTo(
                "OS 11.10.200 is below the rollout's minimum source version 11.11.150 (IGEL OS 11.11.150 or later is "
                        + "needed to upgrade from a peer)");
        assertThat(Eligibility.ineligibleReason("11.11.150", "12.7.4", "11.12.0"))
                .isEqualTo("OS 11.11.150 is below the rollout's minimum source version 11.12.0");
        assertThat(Eligibility.ineligibleReason("eleven", "12.7.4", "11.11.150"))
                .isEqualTo("its OS version 'eleven' cannot be read");
    }

    @Test
    void eligibleAndCurrentDevicesHaveNoReason() {
        assertThat(Eligibility.ineligibleReason("11.11.150", "12.7.4", "11.11.150")).isNull();
        assertThat(Eligibility.ineligibleReason("12.7.4", "12.7.4", "11.11.150")).isNull();
        assertThat(Eligibility.ineligibleReason(null, "12.7.4", "11.11.150")).isNull();
    }
}
