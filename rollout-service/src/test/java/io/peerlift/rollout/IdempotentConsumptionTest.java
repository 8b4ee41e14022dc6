package io.peerlift.rollout;

import io.peerlift.events.DeviceCommand;
import io.peerlift.events.DeviceEvent;
import io.peerlift.events.DownloadSource;
import io.peerlift.events.PeerServerState;
import io.peerlift.events.Topics;
import io.peerlift.localstack.LocalStackTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.peerlift.localstack.TestTokens.asViewer;
import static io.peerlift.rollout.PeerSpreadTest.id;
import static io.peerlift.rollout.RolloutFixtures.awaitInventory;
import static io.peerlift.rollout.RolloutFixtures.createRollout;
import static io.peerlift.rollout.RolloutFixtures.devicesIn;
import static io.peerlift.rollout.RolloutFixtures.folder;
import static io.peerlift.rollout.RolloutFixtures.folderPath;
import static io.peerlift.rollout.RolloutFixtures.otherFolderPath;
import static io.peerlift.rollout.RolloutFixtures.rollout;
import static io.peerlift.rollout.RolloutFixtures.subnet;
import static io.peerlift.rollout.RolloutFixtures.subnetStatus;
import static io.peerlift.rollout.RolloutFixtures.unique;
import static io.peerlift.rollout.SimulatedFleet.SOURCE;
import static io.peerlift.rollout.SimulatedFleet.TARGET;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Re-delivered, stale and malformed records against the real consumer. */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "rollout"))
class IdempotentConsumptionTest extends FleetDrivenTest {

    @Test
    void duplicateAndOutOfOrderEventsChangeNothing() {
        int n = unique();
        String subnet = subnet(n, 1);
        SimulatedFleet.SimDevice peer = fleet.join(id(n, 0), subnet, 10, TARGET, otherFolderPath());
        peer.startPeerServer(1);
        long peerStartedSeq = peer.seq;
        fleet.join(id(n, 1), subnet, 11, SOURCE, folderPath(n));
        fleet.join(id(n, 2), subnet, 12, SOURCE, folderPath(n));
        awaitInventory(fleet, id(n, 0), id(n, 1), id(n, 2));
        String rolloutId = createRollout(folder(n), Map.of());
        await().until(() -> commands.upgrades(rolloutId).size() == 1);

        SimulatedFleet.SimDevice device = fleet.device(id(n, 1));
        SimulatedFleet.SimDevice servedBy = device.startDownload(rolloutId, DownloadSource.PEER);
        long startedSeq = device.seq;
        DeviceEvent.DownloadCompleted completed = device.completeDownload(rolloutId, DownloadSource.PEER, servedBy);
        // Delivered again, as after a producer retry or a consumer restart.
        fleet.send(completed);
        fleet.send(completed);
        // Stale: older seqs than the device has already reported.
        DeviceCommand.Upgrade command = fleet.upgradeOf(rolloutId, device.id);
        fleet.send(new DeviceEvent.DownloadFailed(UUID.randomUUID(), device.id, subnet, Instant.now(), startedSeq, 1,
                rolloutId, command.commandId(), command.attempt(), RolloutFixtures.APP, TARGET, "stale failure", 0, 0, 0));
        fleet.send(new DeviceEvent.PeerServerStopped(UUID.randomUUID(), peer.id, subnet, Instant.now(),
                peerStartedSeq - 1, 1, 22335, "stale stop"));
        // A fresh event after them: once it is applied, everything before it has been consumed.
        fleet.send(new DeviceEvent.DownloadProgress(UUID.randomUUID(), device.id, subnet, Instant.now(),
                device.nextSeq(), 1, rolloutId, command.commandId(), command.attempt(), RolloutFixtures.APP, TARGET, 1, 1,
                null));
        awaitInventory(fleet, device.id);

        assertThat(rollout(rolloutId).getLong("peerBytes")).isEqualTo(RolloutFixtures.PAYLOAD.length);
        assertThat(subnetStatus(rolloutId, subnet).getInt("peerDownloads")).isEqualTo(1);
        assertThat(subnetStatus(rolloutId, subnet).getInt("peers")).isEqualTo(1);
        assertThat(devicesIn(rolloutId, "INSTALLING")).containsExactly(device.id);
        assertThat(devicesIn(rolloutId, "FAILED")).isEmpty();
        // The completed download freed the peer's slot once: exactly one more device is commanded.
        await().until(() -> commands.upgrades(rolloutId).size() == 2);
        assertThat(devicesIn(rolloutId, "COMMANDED")).containsExactly(id(n, 2));
        assertThat(commands.upgradedDeviceIds(rolloutId)).containsExactly(id(n, 1), id(n, 2));
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).containsPattern("peerlift_rollout_events_total\\{outcome=\"duplicate\",topic=\"peerlift.device-events\"} [1-9]");
        RolloutFixtures.act(rolloutId, "cancel", 200);
    }

    @Test
    void aDeviceThatLostItsStateIsANewIncarnationAndItsOldIncarnationsLateEventsAreDropped() {
        int n = unique();
        String subnet = subnet(n, 1);
        SimulatedFleet.SimDevice device = fleet.join(id(n, 1), subnet, 11, SOURCE, otherFolderPath());
        for (int i = 0; i < 40; i++) {
            device.announce();
        }
        awaitInventory(fleet, device.id);
        long oldEpoch = device.epoch;
        long oldSeq = device.seq;

        // Restarted with an empty data directory: seq 1 of a new epoch, on the new OS, is applied at once.
        device.epoch = oldEpoch + 1_000;
        device.seq = 0;
        device.osVersion = TARGET;
        device.announce();
        awaitInventory(fleet, device.id);
        assertThat(asViewer().get("/api/devices/{id}", device.id).then().statusCode(200).extract().jsonPath()
                .getString("osVersion")).isEqualTo(TARGET);

        // A straggler of the old incarnation (a higher seq, but an older epoch) changes nothing; the new one goes on.
        fleet.send(new DeviceEvent.DeviceAnnounced(UUID.randomUUID(), device.id, subnet, Instant.now(), oldSeq + 1,
                oldEpoch, device.ip, SOURCE, List.of(), PeerServerState.stopped(22335)));
        // The next event says nothing of the OS version: it would not hide a straggler that was applied.
        device.startPeerServer(1);
        awaitInventory(fleet, device.id);
        assertThat(asViewer().get("/api/devices/{id}", device.id).then().statusCode(200).extract().jsonPath()
                .getString("osVersion")).isEqualTo(TARGET);
    }

    @Test
    void lateEventsOfAnEarlierAttemptChangeNothing() {
        int n = unique();
        String subnet = subnet(n, 1);
        fleet.join(id(n, 0), subnet, 10, TARGET, otherFolderPath()).startPeerServer(1);
        fleet.join(id(n, 1), subnet, 11, SOURCE, folderPath(n));
        awaitInventory(fleet, id(n, 0), id(n, 1));
        String rolloutId = createRollout(folder(n), Map.of("retryLimit", 2, "deviceTimeoutSeconds", 300));
        SimulatedFleet.SimDevice device = fleet.device(id(n, 1));
        DeviceCommand.Upgrade first = fleet.upgradeOf(rolloutId, device.id);
        assertThat(first.attempt()).isEqualTo(1);

        // The first attempt fails; after the backoff the device gets a second Upgrade.
        SimulatedFleet.SimDevice peer = device.startDownload(rolloutId, DownloadSource.PEER);
        device.failDownload(rolloutId, "peer went away");
        peer.busy--;
        await().until(() -> commands.upgrades(rolloutId).size() == 2);
        DeviceCommand.Upgrade second = fleet.upgradeOf(rolloutId, device.id);
        assertThat(second.attempt()).isEqualTo(2);
        assertThat(second.commandId()).isNotEqualTo(first.commandId());

        // The first attempt's download completes late (a fresh seq, so the inventory applies it): it answers a
        // command the rollout no longer waits for, and changes nothing in the rollout.
        device.completeDownload(first, DownloadSource.PEER, null);
        fleet.send(new DeviceEvent.UpgradeCompleted(UUID.randomUUID(), device.id, subnet, Instant.now(),
                device.nextSeq(), 1, rolloutId, first.commandId(), first.attempt(), RolloutFixtures.APP, TARGET, TARGET,
                1000, 2000));
        awaitInventory(fleet, device.id);
        assertThat(devicesIn(rolloutId, "COMMANDED")).containsExactly(device.id);
        assertThat(rollout(rolloutId).getLong("peerBytes")).isZero();
        assertThat(subnetStatus(rolloutId, subnet).getInt("peerDownloads")).isZero();
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).containsPattern("peerlift_rollout_events_total\\{outcome=\"stale\",topic=\"peerlift.device-events\"} [1-9]");

        // The second attempt's events count.
        device.completeDownload(second, DownloadSource.PEER, null);
        await().until(() -> devicesIn(rolloutId, "INSTALLING").contains(device.id));
        assertThat(rollout(rolloutId).getLong("peerBytes")).isEqualTo(RolloutFixtures.PAYLOAD.length);
        RolloutFixtures.act(rolloutId, "cancel", 200);
    }

    @Test
    void malformedRecordsGoToTheDeadLetterTopicAndConsumptionGoesOn() throws InterruptedException {
        try (CommandWatcher deadLetters = new CommandWatcher(Topics.deadLetterOf(Topics.DEVICE_EVENTS))) {
            String garbage = "{not json " + UUID.randomUUID();
            fleet.sendRaw(Topics.DEVICE_EVENTS, "10.0.0.0/24", garbage);
            String badSubnet = io.peerlift.events.EventCodec.encode(new DeviceEvent.PeerServerStopped(UUID.randomUUID(),
                    "dlq-" + UUID.randomUUID(), "10.0.0.7/24", Instant.now(), 1, 1, 22335, "host bits in subnet"));
            fleet.sendRaw(Topics.DEVICE_EVENTS, "10.0.0.7/24", badSubnet);

            await().until(() -> deadLetters.records().stream().filter(r -> r.value().equals(garbage)
                    || r.value().equals(badSubnet)).count() == 2);

            int n = unique();
            fleet.join(id(n, 1), subnet(n, 1), 11, SOURCE, folderPath(n));
            awaitInventory(fleet, id(n, 1));
        }
    }
}
