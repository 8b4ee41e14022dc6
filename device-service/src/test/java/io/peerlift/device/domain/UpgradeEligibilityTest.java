package io.peerlift.device.domain;

import io.peerlift.device.TestReleaseKey;
import io.peerlift.events.AppManifest;
import io.peerlift.events.DeviceCommand;
import io.peerlift.events.ReleaseKeys;
import io.peerlift.events.ReleaseSignature;
import io.peerlift.events.ReleaseSigner;
import io.peerlift.events.SourcePolicy;
import io.peerlift.events.TrustedReleaseKeys;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class UpgradeEligibilityTest {

    private final TrustedReleaseKeys trusted = TrustedReleaseKeys.fromFiles(List.of(TestReleaseKey.publicKeyFile()));
    private final AppManifest release = manifest("12.7.4", 1);

    UpgradeEligibilityTest() throws IOException {
    }

    @Test
    void aSignedNewerReleaseIsTaken() {
        assertThat(refusal("11.11.150", upgrade(release, TestReleaseKey.sign(release)))).isEmpty();
        assertThat(refusal("12.7.4", upgrade(release, TestReleaseKey.sign(release)))).as("the same release again")
                .isEmpty();
    }

    @Test
    void theSignatureIsCheckedBeforeAnythingElse() {
        assertThat(refusal("11.10.250", upgrade(release, null))).hasValue("base-system 12.7.4 is not signed");
        assertThat(refusal("11.10.250", upgrade(release, TestReleaseKey.sign(release))))
                .hasValueSatisfying(reason -> assertThat(reason).contains("below 11.11.150"));
    }

    @Test
    void aSignatureOfAnotherReleaseOrByAnUntrustedKeyIsRefused() {
        AppManifest other = manifest("12.7.4", 2);
        assertThat(refusal("11.11.150", upgrade(other, TestReleaseKey.sign(release))))
                .hasValueSatisfying(reason -> assertThat(reason).contains("does not match this manifest"));
        ReleaseSignature foreign = new ReleaseSigner(ReleaseKeys.generate()).sign(release, "12.7.4");
        assertThat(refusal("11.11.150", upgrade(release, foreign)))
                .hasValueSatisfying(reason -> assertThat(reason).contains("not a trusted release key"));
    }

    @Test
    void aDeviceProvisionedWithNoReleaseKeyTakesNoReleaseSignedOrNot() {
        TrustedReleaseKeys none = new TrustedReleaseKeys(List.of());
        for (ReleaseSignature signature : Arrays.asList(TestReleaseKey.sign(release), null)) {
            assertThat(UpgradeEligibility.refusal("11.11.150", true, upgrade(release, signature), none))
                    .as("signature %s", signature)
                    .hasValue("no release key is trusted here (none is provisioned), so base-system 12.7.4 cannot be"
                            + " checked and is refused");
        }
    }

    @Test
    void aSignedOlderBaseSystemIsARollback() {
        AppManifest older = manifest("12.5.0", 3);
        assertThat(refusal("12.7.4", upgrade(older, TestReleaseKey.sign(older))))
                .hasValue("target 12.5.0 is older than the running OS 12.7.4: a device never goes back "
                        + "(rollback refused)");
    }

    private Optional<String> refusal(String runningOs, DeviceCommand.Upgrade command) {
        return UpgradeEligibility.refusal(runningOs, true, command, trusted);
    }

    private static DeviceCommand.Upgrade upgrade(AppManifest manifest, ReleaseSignature signature) {
        return new DeviceCommand.Upgrade(UUID.randomUUID(), "d1", "127.0.0.0/24", Instant.now(), "r1", manifest.app(),
                manifest.version(), manifest.manifestSha256(), SourcePolicy.PEER_ONLY, "http://127.0.0.1:9/x", 1,
                signature, null);
    }

    private static AppManifest manifest(String version, int seed) {
        byte[] payload = new byte[5000];
        new Random(seed).nextBytes(payload);
        try {
            return AppManifest.compute("base-system", version, 1024, new ByteArrayInputStream(payload));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
