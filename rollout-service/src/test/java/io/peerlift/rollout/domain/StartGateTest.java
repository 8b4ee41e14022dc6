package io.peerlift.rollout.domain;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class StartGateTest {

    private static final StartGate.FolderReport CONSISTENT = new StartGate.FolderReport(true, List.of());
    private static final StartGate.FolderReport TWO_ERRORS = new StartGate.FolderReport(true,
            List.of("DISCOVERY_DISABLED: 2 OS 11 devices never look for peers", "NO_PEER_SERVER in 10.0.1.0/24: none"));
    private static final StartGate.Request START = new StartGate.Request(true, false, null);

    private static StartGate.Facts facts(StartGate.FolderReport report, long devices, String overlapping) {
        return new StartGate.Facts(7, Optional.ofNullable(report), devices, Optional.ofNullable(overlapping));
    }

    private static StartGate.Refused refused(StartGate.Verdict verdict) {
        assertThat(verdict).isInstanceOf(StartGate.Refused.class);
        return (StartGate.Refused) verdict;
    }

    @Test
    void aConsistentFolderWithDevicesAndNoOtherRolloutStarts() {
        assertThat(StartGate.decide(facts(CONSISTENT, 3, null), START)).isEqualTo(new StartGate.Allowed(null));
    }

    @Test
    void anUnknownFolderIsRefusedBeforeAnythingElse() {
        StartGate.Refused refusal = refused(StartGate.decide(
                facts(new StartGate.FolderReport(false, List.of()), 0, "r-1"), START));
        assertThat(refusal.refusal()).isEqualTo(StartGate.Refusal.UNKNOWN_FOLDER);
        assertThat(refusal.detail()).isEqualTo("folder 7 does not exist");
    }

    @Test
    void aFolderWithoutDevicesIsRefused() {
        assertThat(refused(StartGate.decide(facts(CONSISTENT, 0, null), START)).refusal())
                .isEqualTo(StartGate.Refusal.EMPTY_FOLDER);
        assertThat(refused(StartGate.decide(facts(null, 0, null), START)).refusal())
                .as("without profile-service, the devices rollout-service knows still count")
                .isEqualTo(StartGate.Refusal.EMPTY_FOLDER);
    }

    @Test
    void anUnfinishedRolloutOverTheSameDevicesIsNamed() {
        StartGate.Refused refusal = refused(StartGate.decide(facts(CONSISTENT, 3, "r-1"),
                new StartGate.Request(false, false, null)));
        assertThat(refusal.refusal()).isEqualTo(StartGate.Refusal.OVERLAPPING_ROLLOUT);
        assertThat(refusal.detail()).startsWith("rollout r-1 is not finished and covers devices of folder 7");
        assertThat(StartGate.decide(facts(TWO_ERRORS, 3, "r-1"), new StartGate.Request(true, true, "known")))
                .as("force goes past consistency errors only").isInstanceOf(StartGate.Refused.class);
    }

    @Test
    void consistencyErrorsBlockAStartUnlessForcedWithAReason() {
        StartGate.Refused blocked = refused(StartGate.decide(facts(TWO_ERRORS, 3, null), START));
        assertThat(blocked.refusal()).isEqualTo(StartGate.Refusal.CONSISTENCY_ERRORS);
        assertThat(blocked.detail()).contains("folder 7 has 2 consistency errors", "DISCOVERY_DISABLED",
                "NO_PEER_SERVER in 10.0.1.0/24", "force=true and a reason");

        assertThat(refused(StartGate.decide(facts(TWO_ERRORS, 3, null), new StartGate.Request(true, true, " ")))
                .refusal()).isEqualTo(StartGate.Refusal.FORCE_WITHOUT_REASON);

        StartGate.Verdict forced = StartGate.decide(facts(TWO_ERRORS, 3, null),
                new StartGate.Request(true, true, " the WAN link is free tonight "));
        assertThat(forced).isInstanceOf(StartGate.Allowed.class);
        assertThat(((StartGate.Allowed) forced).forcedPast())
                .startsWith("forced past 2 consistency errors (DISCOVERY_DISABLED")
                .endsWith("): the WAN link is free tonight");
    }

    @Test
    void aRolloutCreatedWithoutStartingIsNotHeldByConsistencyErrors() {
        assertThat(StartGate.decide(facts(TWO_ERRORS, 3, null), new StartGate.Request(false, false, null)))
                .isEqualTo(new StartGate.Allowed(null));
    }
}
