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
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class UpgradeEligibilityTest {

    private final Optional<TrustedReleaseKeys> trusted = Optional.of(TrustedReleaseKeys.fromFiles(
            List.of(TestReleaseKey.publicKeyFile())));
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
        assertThat(UpgradeEligibility.refusal("11.11.150", true, upgrade(release, TestReleaseKey.sign(release)),
                Optional.of(new TrustedReleaseKeys(List.of())))).as("a device whose key list is empty")
                .hasValueSatisfying(reason -> assertThat(reason).endsWith("(no release key is trusted here)"));
    }

    @Test
    void aDeviceProvisionedWithoutReleaseKeysDoesNotCheckSignatures() {
        assertThat(UpgradeEligibility.refusal("11.11.150", true, upgrade(release, null), Optional.empty())).isEmpty();
        AppManifest older = manifest("12.5.0", 3);
        assertThat(UpgradeEligibility.refusal("12.7.4", true, upgrade(older, null), Optional.empty()))
                .as("rollback is refused all the same").isPresent();
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
                signature);
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
