package io.peerlift.events;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventCodecTest {

    private static final Instant AT = Instant.parse("2026-11-28T10:15:30.123Z");
    private static final String SUBNET = "10.1.2.0/24";
    private static final String HASH = "a".repeat(64);
    private static final AppRef BASE_SYSTEM = new AppRef("base-system", "12.7.4", HASH);
    private static final UUID COMMAND = UUID.randomUUID();

    static Stream<DeviceEvent> everyEventType() {
        return Stream.of(
                new DeviceEvent.DeviceAnnounced(id(), "d1", SUBNET, AT, 1, 1, "10.1.2.7", "11.11.150", List.of(BASE_SYSTEM),
                        new PeerServerState(true, 22335, 2, 1, 0, null, 16L << 20)),
                new DeviceEvent.DiscoveryRequested(id(), "d1", SUBNET, AT, 2, 1, "r1", COMMAND, 2, "base-system", "12.7.4", 1),
                new DeviceEvent.DiscoveryAnswered(id(), "d1", SUBNET, AT, 3, 1, "r1", COMMAND, 2, "base-system", "12.7.4", 1,
                        List.of(new PeerOffer("p1", "10.1.2.9", 22335, "base-system", "12.7.4", HASH, 0, 1, 0))),
                new DeviceEvent.DownloadStarted(id(), "d1", SUBNET, AT, 4, 1, "r1", COMMAND, 2, "base-system", "12.7.4",
                        DownloadSource.PEER, "p1", 100),
                new DeviceEvent.DownloadProgress(id(), "d1", SUBNET, AT, 5, 1, "r1", COMMAND, 2, "base-system", "12.7.4", 50,
                        100, "p1"),
                new DeviceEvent.DownloadCompleted(id(), "d1", SUBNET, AT, 6, 1, "r1", COMMAND, 2, "base-system", "12.7.4",
                        100, DownloadSource.PEER, 100, 0, 1234),
                new DeviceEvent.DownloadFailed(id(), "d1", SUBNET, AT, 7, 1, "r1", COMMAND, 2, "base-system", "12.7.4",
                        "no peer answered", 40, 40, 0),
                new DeviceEvent.UpgradeStarted(id(), "d1", SUBNET, AT, 8, 1, "r1", COMMAND, 2, "base-system", "12.7.4",
                        "11.11.150"),
                new DeviceEvent.UpgradeCompleted(id(), "d1", SUBNET, AT, 9, 1, "r1", COMMAND, 2, "base-system", "12.7.4",
                        "12.7.4", 1500, 2000),
                new DeviceEvent.UpgradeFailed(id(), "d1", SUBNET, AT, 10, 1, "r1", COMMAND, 2, "base-system", "12.7.4",
                        "disk full"),
                new DeviceEvent.PeerServerStarted(id(), "d1", SUBNET, AT, 11, 1, "10.1.2.7", 22335, 2, List.of(BASE_SYSTEM),
                        16L << 20, 22337, null),
                new DeviceEvent.PeerServerStopped(id(), "d1", SUBNET, AT, 12, 1, 22335, "configuration disabled it"),
                new DeviceEvent.UploadCompleted(id(), "d1", SUBNET, AT, 13, 1, "d2", "base-system", "12.7.4", 100));
    }

    @ParameterizedTest
    @MethodSource("everyEventType")
    void everyEventSurvivesTheRoundTripWithItsTypeName(DeviceEvent event) {
        String json = EventCodec.encode(event);

        assertThat(json).contains("\"type\":\"" + event.getClass().getSimpleName() + "\"");
        assertThat(EventCodec.decodeEvent(json)).isEqualTo(event);
    }

    @Test
    void everyPermittedEventTypeIsCoveredByTheRoundTrip() {
        var covered = everyEventType().map(Object::getClass).toList();
        var permitted = Stream.of(DeviceEvent.class.getPermittedSubclasses())
                .flatMap(type -> type.isInterface() ? Stream.of(type.getPermittedSubclasses()) : Stream.of(type))
                .toList();
        assertThat(covered).containsExactlyInAnyOrderElementsOf(permitted);
    }

    @Test
    void everyEventOfADownloadOrUpgradeNamesTheCommandItAnswers() {
        assertThat(everyEventType().filter(e -> e instanceof DeviceEvent.Answer).map(e -> (DeviceEvent.Answer) e))
                .hasSize(9)
                .allSatisfy(answer -> {
                    assertThat(answer.commandId()).isEqualTo(COMMAND);
                    assertThat(answer.attempt()).isEqualTo(2);
                    assertThat(answer.rolloutId()).isEqualTo("r1");
                });
    }

    @Test
    void anAnswerFromAnOlderProducerDecodesWithoutACommand() {
        String json = "{\"type\":\"DownloadFailed\",\"eventId\":\"" + id() + "\",\"deviceId\":\"d1\",\"subnet\":\""
                + SUBNET + "\",\"occurredAt\":\"2026-11-28T10:15:30Z\",\"seq\":3,\"rolloutId\":\"r1\",\"reason\":\"x\","
                + "\"bytesSoFar\":0,\"peerBytes\":0,\"wanBytes\":0}";

        DeviceEvent.Answer answer = (DeviceEvent.Answer) EventCodec.decodeEvent(json);
        assertThat(answer.commandId()).isNull();
        assertThat(answer.attempt()).isZero();
        assertThat(answer.epoch()).isZero();
    }

    @Test
    void eventsOrderByEpochThenSeq() {
        DeviceEvent freshIncarnation = new DeviceEvent.PeerServerStopped(id(), "d1", SUBNET, AT, 1, 7, 22335, "x");

        assertThat(freshIncarnation.follows(6, 9_000)).as("a new epoch is not a duplicate").isTrue();
        assertThat(freshIncarnation.follows(7, 0)).isTrue();
        assertThat(freshIncarnation.follows(7, 1)).as("the same seq of the same epoch").isFalse();
        assertThat(freshIncarnation.follows(8, 0)).as("a late event of an older epoch").isFalse();
    }

    @Test
    void aCommandExpiresAtItsDeadlineAndOneFromAnOlderProducerNever() {
        DeviceCommand cancel = new DeviceCommand.Cancel(id(), "d1", SUBNET, AT, "r1", 2, AT.plusSeconds(300));
        String older = "{\"type\":\"Cancel\",\"commandId\":\"" + id() + "\",\"deviceId\":\"d1\",\"subnet\":\""
                + SUBNET + "\",\"issuedAt\":\"2026-11-28T10:15:30Z\",\"rolloutId\":\"r1\",\"attempt\":2}";

        assertThat(cancel.expiredAt(AT.plusSeconds(299))).isFalse();
        assertThat(cancel.expiredAt(AT.plusSeconds(300))).isTrue();
        assertThat(EventCodec.decodeCommand(older).expiredAt(AT.plus(java.time.Duration.ofDays(365)))).isFalse();
    }

    @Test
    void commandsSurviveTheRoundTrip() {
        DeviceCommand upgrade = new DeviceCommand.Upgrade(id(), "d1", SUBNET, AT, "r1", "base-system", "12.7.4", HASH,
                SourcePolicy.PEER_THEN_WAN, "http://repo:8083", 2,
                new ReleaseSignature("0123456789abcdef", "12.7.0", "c2lnbmF0dXJl"), AT.plusSeconds(300));
        DeviceCommand cancel = new DeviceCommand.Cancel(id(), "d1", SUBNET, AT, "r1", 2, AT.plusSeconds(300));

        assertThat(EventCodec.decodeCommand(EventCodec.encode(upgrade))).isEqualTo(upgrade);
        assertThat(EventCodec.decodeCommand(EventCodec.encode(cancel))).isEqualTo(cancel);
        assertThat(DeviceCommand.class.getPermittedSubclasses()).hasSize(2);
    }

    @Test
    void configAndStatusSurviveTheRoundTrip() {
        DeviceConfig config = new DeviceConfig(id(), "d1", 7, List.of(1L, 7L), OsFamily.OS12, "12.7.4",
                Map.of(SettingKeys.PEER_SERVER_ENABLED, true, SettingKeys.PEER_SERVER_PORT, 22335),
                Map.of(SettingKeys.PEER_SERVER_ENABLED, new DeviceConfig.SettingSource(3L, "OS 12 peers"),
                        SettingKeys.PEER_SERVER_PORT, DeviceConfig.SettingSource.deviceConfiguration()), 4, AT);
        RolloutStatus summary = new RolloutStatus.Summary("r1", 7, "base-system", "12.7.4", "RUNNING",
                "PEER_THEN_WAN", null, Map.of("UPGRADED", 3), 1, Map.of("SPREADING", 1), 100, 100, 200, AT, AT, AT,
                null, 9, AT, "SWARM", 64, List.of(new RolloutStatus.Pause(AT, AT.plusSeconds(5)),
                new RolloutStatus.Pause(AT.plusSeconds(9), null)));
        RolloutStatus subnet = new RolloutStatus.SubnetStatus("r1", SUBNET, "SPREADING", 4, Map.of("UPGRADED", 3), 1,
                4, 4, 0, 1, 2, 1, 100, 200, 2, null, AT, AT, null, AT, 1500L, 2000L, null,
                List.of(new RolloutStatus.PeerSample(0, 1), new RolloutStatus.PeerSample(1.5, 2)), 4, AT,
                16L << 20, 3);

        DeviceConfig decoded = EventCodec.decode(EventCodec.encode(config), DeviceConfig.class);
        assertThat(decoded).isEqualTo(config);
        assertThat(decoded.bool(SettingKeys.PEER_SERVER_ENABLED, false)).isTrue();
        assertThat(decoded.integer(SettingKeys.PEER_SERVER_PORT, 0)).isEqualTo(22335);
        assertThat(decoded.isInFolderTree(1)).isTrue();
        assertThat(decoded.maintenanceWindow()).isNull();
        DeviceConfig windowed = new DeviceConfig(id(), "d1", 7, List.of(1L, 7L), OsFamily.OS12, "12.7.4", Map.of(),
                Map.of(), 5, AT, MaintenanceWindow.parse("0 0 22 ? * MON-FRI", "04:00:00", "Europe/Berlin"));
        assertThat(EventCodec.decode(EventCodec.encode(windowed), DeviceConfig.class)).isEqualTo(windowed);
        assertThat(EventCodec.decode(EventCodec.encode(summary), RolloutStatus.class)).isEqualTo(summary);
        assertThat(EventCodec.decode(EventCodec.encode(subnet), RolloutStatus.class)).isEqualTo(subnet);
        assertThat(EventCodec.encode(subnet)).contains("\"type\":\"SubnetStatus\"").doesNotContain("\"key\"");
        assertThat(summary.key()).isEqualTo("r1");
        assertThat(subnet.key()).isEqualTo("r1 " + SUBNET);
    }

    @Test
    void unknownFieldsFromANewerProducerAreIgnored() {
        String json = "{\"type\":\"UpgradeFailed\",\"eventId\":\"" + id() + "\",\"deviceId\":\"d1\",\"subnet\":\"" + SUBNET
                + "\",\"occurredAt\":\"2026-11-28T10:15:30Z\",\"seq\":3,\"reason\":\"x\",\"addedLater\":42}";

        assertThat(EventCodec.decodeEvent(json)).isInstanceOf(DeviceEvent.UpgradeFailed.class);
    }

    @Test
    void anOfferAndAServerStateFromAPeerOlderThanHttpsReadAsServingNoHttps() {
        PeerOffer offer = EventCodec.decode("{\"peerId\":\"p1\",\"address\":\"10.1.2.9\",\"port\":22335,"
                + "\"app\":\"base-system\",\"version\":\"12.7.4\",\"manifestSha256\":\"" + HASH + "\","
                + "\"activeUploads\":0,\"capacity\":1}", PeerOffer.class);
        PeerServerState state = EventCodec.decode("{\"running\":true,\"port\":22335,\"capacity\":1,"
                + "\"activeUploads\":0}", PeerServerState.class);

        assertThat(offer.httpsPort()).isZero();
        assertThat(offer.offersHttps()).isFalse();
        assertThat(state).isEqualTo(new PeerServerState(true, 22335, 1, 0, 0, null, 0));
    }

    @Test
    void aPeerServerFromAProducerOlderThanTheUploadCapAndHttpsReportsNoCapAndNoHttps() {
        DeviceEvent started = EventCodec.decodeEvent("{\"type\":\"PeerServerStarted\",\"eventId\":\"" + id()
                + "\",\"deviceId\":\"d1\",\"subnet\":\"" + SUBNET + "\",\"occurredAt\":\"2026-11-28T10:15:30Z\","
                + "\"seq\":3,\"ip\":\"10.1.2.7\",\"port\":22335,\"capacity\":2,\"apps\":[]}");

        assertThat(((DeviceEvent.PeerServerStarted) started).uploadBytesPerSecond()).isZero();
        assertThat(((DeviceEvent.PeerServerStarted) started).httpsPort()).as("older than HTTPS peers").isZero();
        assertThat(((DeviceEvent.PeerServerStarted) started).httpsDown()).isNull();
    }

    @Test
    void aSummaryFromAProducerOlderThanSwarmingReadsAsWholeFileWithoutPauses() {
        String summary = EventCodec.encode(new RolloutStatus.Summary("r1", 7, "base-system", "12.7.4", "RUNNING",
                "PEER_THEN_WAN", null, Map.of(), 1, Map.of(), 100, 0, 0, AT, AT, AT, null, 9, AT, "SWARM", 64,
                List.of(new RolloutStatus.Pause(AT, null))));
        String subnet = EventCodec.encode(new RolloutStatus.SubnetStatus("r1", SUBNET, "SPREADING", 4, Map.of(), 1, 4,
                4, 0, 1, 2, 1, 100, 200, 2, null, AT, AT, null, AT, 1500L, 2000L, null, List.of(), 4, AT, 1000L, 2));
        String olderSummary = summary.replaceAll(",\"(distribution|packageChunks)\":(\"SWARM\"|64)", "")
                .replaceAll(",\"pauses\":\\[[^]]*]", "");
        String olderSubnet = subnet.replace(",\"uploadBytesPerSecond\":1000", "").replace(",\"httpsPeers\":2", "");

        RolloutStatus.Summary decoded = (RolloutStatus.Summary) EventCodec.decode(olderSummary, RolloutStatus.class);
        assertThat(olderSummary).doesNotContain("distribution", "packageChunks", "pauses");
        assertThat(olderSubnet).doesNotContain("uploadBytesPerSecond", "httpsPeers");
        assertThat(decoded.distribution()).isEqualTo("WHOLE_FILE");
        assertThat(decoded.swarms()).isFalse();
        assertThat(decoded.packageChunks()).isZero();
        assertThat(decoded.pauses()).isEmpty();
        RolloutStatus.SubnetStatus decodedSubnet = (RolloutStatus.SubnetStatus) EventCodec.decode(olderSubnet,
                RolloutStatus.class);
        assertThat(decodedSubnet.uploadBytesPerSecond()).isNull();
        assertThat(decodedSubnet.httpsPeers()).isZero();
    }

    @Test
    void aSummaryKeepsOnlyItsNewestPauses() {
        List<RolloutStatus.Pause> pauses = IntStream.range(0, RolloutStatus.Summary.MAX_PAUSES + 5)
                .mapToObj(i -> new RolloutStatus.Pause(AT.plusSeconds(10L * i), AT.plusSeconds(10L * i + 5)))
                .toList();
        RolloutStatus.Summary summary = new RolloutStatus.Summary("r1", 7, "base-system", "12.7.4", "RUNNING",
                "PEER_THEN_WAN", null, Map.of(), 1, Map.of(), 100, 0, 0, AT, AT, AT, null, 9, AT, "SWARM", 1, pauses);

        assertThat(summary.pauses()).hasSize(RolloutStatus.Summary.MAX_PAUSES)
                .endsWith(pauses.get(pauses.size() - 1)).doesNotContain(pauses.get(4));
    }

    @Test
    void malformedRecordsAreReportedAsSuch() {
        assertThatThrownBy(() -> EventCodec.decodeEvent("{\"type\":\"NoSuchEvent\"}"))
                .isInstanceOf(EventCodec.MalformedMessageException.class).hasMessageContaining("DeviceEvent");
        assertThatThrownBy(() -> EventCodec.decodeEvent("not json"))
                .isInstanceOf(EventCodec.MalformedMessageException.class);
        assertThatThrownBy(() -> EventCodec.decodeEvent("{\"type\":\"DownloadStarted\",\"seq\":null}"))
                .isInstanceOf(EventCodec.MalformedMessageException.class);
    }

    private static UUID id() {
        return UUID.randomUUID();
    }
}
