package io.peerlift.rollout;

import io.peerlift.events.AppRef;
import io.peerlift.events.DeviceCommand;
import io.peerlift.events.DeviceConfig;
import io.peerlift.events.DeviceEvent;
import io.peerlift.events.DownloadSource;
import io.peerlift.events.EventCodec;
import io.peerlift.events.MaintenanceWindow;
import io.peerlift.events.OsFamily;
import io.peerlift.events.OsVersion;
import io.peerlift.events.PeerServerState;
import io.peerlift.events.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import static org.awaitility.Awaitility.await;

/**
 * Plays the devices and profile-service for the rollout service: produces device configs and device events to
 * the real broker, with seq rising per device as a real agent does, and reads the commands the service
 * publishes, so that every event of an upgrade answers the device's latest Upgrade (its command id and
 * attempt) as a real agent's does. Peers are handed out the way discovery would (a peer with a free slot), so
 * the rounds the service derives from DownloadStarted are real.
 */
final class SimulatedFleet implements AutoCloseable {

    /** How long a device waits for the Upgrade it is told to answer. */
    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(60);

    static final String TARGET = "12.7.4";
    static final String SOURCE = "11.11.150";

    private final KafkaProducer<String, String> producer;
    private final AppRef app;
    private final long packageBytes;
    private final Map<String, SimDevice> devices = new HashMap<>();
    private final CommandWatcher commands = CommandWatcher.commands();

    SimulatedFleet(AppRef app, long packageBytes) {
        this.app = app;
        this.packageBytes = packageBytes;
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, RolloutFixtures.kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
    }

    /** The latest Upgrade of the rollout to the device, waiting for it to arrive. */
    DeviceCommand.Upgrade upgradeOf(String rolloutId, String deviceId) {
        return await().atMost(COMMAND_LIMIT).until(() -> commands.upgrades(rolloutId).stream()
                        .filter(u -> u.deviceId().equals(deviceId))
                        .max(Comparator.comparingInt(DeviceCommand.Upgrade::attempt)).orElse(null),
                Objects::nonNull);
    }

    final class SimDevice {
        final String id;
        final String subnet;
        final String ip;
        String osVersion;
        long seq;
        /** The incarnation: a device that lost its state starts a new one, seq from 1 again. */
        long epoch = 1;
        long configRevision;
        boolean serving;
        int capacity;
        int busy;
        /** The upload capacity the device reports when it serves, 0 for none. */
        long uploadBytesPerSecond;
        /** The HTTPS port it reports when it serves (0: none), and why HTTPS is down although enabled. */
        int httpsPort;
        String httpsDown;

        SimDevice(String id, String subnet, String ip, String osVersion) {
            this.id = id;
            this.subnet = subnet;
            this.ip = ip;
            this.osVersion = osVersion;
        }

        List<AppRef> apps() {
            return OsVersion.parse(osVersion).isAtLeast(OsVersion.parse(TARGET)) ? List.of(app) : List.of();
        }

        long nextSeq() {
            return ++seq;
        }

        void announce() {
            send(new DeviceEvent.DeviceAnnounced(UUID.randomUUID(), id, subnet, Instant.now(), nextSeq(), epoch, ip, osVersion,
                    apps(), serving ? new PeerServerState(true, 22335, capacity, busy, httpsPort, httpsDown,
                    uploadBytesPerSecond) : PeerServerState.stopped(22335)));
        }

        void startPeerServer(int slots) {
            serving = true;
            capacity = slots;
            send(new DeviceEvent.PeerServerStarted(UUID.randomUUID(), id, subnet, Instant.now(), nextSeq(), epoch, ip, 22335,
                    slots, apps(), uploadBytesPerSecond, httpsPort, httpsDown));
        }

        /** Downloads from a free peer of its subnet (or the WAN), verifies, upgrades and starts serving. */
        void upgradeFully(String rolloutId, DownloadSource source, int peerSlots) {
            SimDevice peer = startDownload(rolloutId, source);
            completeDownload(rolloutId, source, peer);
            finishUpgrade(rolloutId, peerSlots);
        }

        SimDevice startDownload(String rolloutId, DownloadSource source) {
            DeviceCommand.Upgrade command = upgradeOf(rolloutId, id);
            SimDevice peer = source == DownloadSource.PEER ? takeFreePeer(subnet) : null;
            send(new DeviceEvent.DownloadStarted(UUID.randomUUID(), id, subnet, Instant.now(), nextSeq(), epoch, rolloutId,
                    command.commandId(), command.attempt(), app.app(), app.version(), source,
                    peer == null ? null : peer.id, packageBytes));
            return peer;
        }

        /** The throttled progress report of a download running from {@code peer} (null: the WAN). */
        void reportProgress(String rolloutId, SimDevice peer, long bytesDone) {
            DeviceCommand.Upgrade command = upgradeOf(rolloutId, id);
            send(new DeviceEvent.DownloadProgress(UUID.randomUUID(), id, subnet, Instant.now(), nextSeq(), epoch, rolloutId,
                    command.commandId(), command.attempt(), app.app(), app.version(), bytesDone, packageBytes,
                    peer == null ? null : peer.id));
        }

        DeviceEvent.DownloadCompleted completeDownload(String rolloutId, DownloadSource source, SimDevice peer) {
            return completeDownload(upgradeOf(rolloutId, id), source, peer);
        }

        /** Completes the download of {@code command}, whichever attempt is the latest. */
        DeviceEvent.DownloadCompleted completeDownload(DeviceCommand.Upgrade command, DownloadSource source,
                                                       SimDevice peer) {
            if (peer != null) {
                peer.busy--;
            }
            boolean fromPeer = source == DownloadSource.PEER;
            DeviceEvent.DownloadCompleted completed = new DeviceEvent.DownloadCompleted(UUID.randomUUID(), id, subnet,
                    Instant.now(), nextSeq(), epoch, command.rolloutId(), command.commandId(), command.attempt(), app.app(),
                    app.version(), packageBytes, source, fromPeer ? packageBytes : 0, fromPeer ? 0 : packageBytes, 1000);
            send(completed);
            return completed;
        }

        void failDownload(String rolloutId, String reason) {
            DeviceCommand.Upgrade command = upgradeOf(rolloutId, id);
            send(new DeviceEvent.DownloadFailed(UUID.randomUUID(), id, subnet, Instant.now(), nextSeq(), epoch, rolloutId,
                    command.commandId(), command.attempt(), app.app(), app.version(), reason, 0, 0, 0));
        }

        void finishUpgrade(String rolloutId, int peerSlots) {
            install(rolloutId);
            startPeerServer(peerSlots);
        }

        /** Installs the downloaded target, reboots into it and announces itself, without serving. */
        void install(String rolloutId) {
            DeviceCommand.Upgrade command = upgradeOf(rolloutId, id);
            send(new DeviceEvent.UpgradeStarted(UUID.randomUUID(), id, subnet, Instant.now(), nextSeq(), epoch, rolloutId,
                    command.commandId(), command.attempt(), app.app(), app.version(), osVersion));
            osVersion = TARGET;
            send(new DeviceEvent.UpgradeCompleted(UUID.randomUUID(), id, subnet, Instant.now(), nextSeq(), epoch, rolloutId,
                    command.commandId(), command.attempt(), app.app(), app.version(), TARGET, 1000, 2000));
            announce();
        }
    }

    /** Starts every device's download first, then completes them: a wave of downloads running side by side. */
    void upgradeWave(String rolloutId, List<String> deviceIds, int peerSlots) {
        Map<SimDevice, SimDevice> servedBy = new java.util.LinkedHashMap<>();
        for (String id : deviceIds) {
            SimDevice device = devices.get(id);
            servedBy.put(device, device.startDownload(rolloutId, DownloadSource.PEER));
        }
        servedBy.forEach((device, peer) -> {
            device.completeDownload(rolloutId, DownloadSource.PEER, peer);
            device.finishUpgrade(rolloutId, peerSlots);
        });
    }

    /** A device in folder {@code folderPath} (root first), announced with its config. */
    SimDevice join(String id, String subnet, int host, String osVersion, List<Long> folderPath) {
        String ip = subnet.substring(0, subnet.lastIndexOf('.') + 1) + host;
        SimDevice device = new SimDevice(id, subnet, ip, osVersion);
        devices.put(id, device);
        publishConfig(device, folderPath);
        device.announce();
        return device;
    }

    /** A device the service already knows, taken over with the seq it last reported (as an agent persists it). */
    SimDevice rejoin(String id, String subnet, String ip, String osVersion, long lastSeq, int slots, int busy) {
        SimDevice device = new SimDevice(id, subnet, ip, osVersion);
        device.seq = lastSeq;
        device.serving = slots > 0;
        device.capacity = slots;
        device.busy = busy;
        devices.put(id, device);
        return device;
    }

    void publishConfig(SimDevice device, List<Long> folderPath) {
        publishConfig(device, folderPath, null);
    }

    /** A configuration as profile-service publishes one, with the maintenance window its folders give it. */
    void publishConfig(SimDevice device, List<Long> folderPath, MaintenanceWindow window) {
        long folderId = folderPath.get(folderPath.size() - 1);
        OsFamily family = OsVersion.parse(device.osVersion).family();
        DeviceConfig config = new DeviceConfig(UUID.randomUUID(), device.id, folderId, folderPath, family,
                device.osVersion, Map.of(), Map.of(), ++device.configRevision, Instant.now(), window);
        sendRaw(Topics.DEVICE_CONFIG, device.id, EventCodec.encode(config));
    }

    SimDevice device(String id) {
        return devices.get(id);
    }

    /** Re-publishes an event exactly as it was: a duplicate delivery. */
    void send(DeviceEvent event) {
        sendRaw(Topics.DEVICE_EVENTS, event.subnet(), EventCodec.encode(event));
    }

    void sendRaw(String topic, String key, String value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("producing to " + topic + " failed", e.getCause());
        }
    }

    private SimDevice takeFreePeer(String subnet) {
        SimDevice peer = devices.values().stream()
                .filter(d -> d.subnet.equals(subnet) && d.serving && d.busy < d.capacity)
                .sorted((a, b) -> a.id.compareTo(b.id))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the service commanded a download in " + subnet
                        + " while no peer had a free slot"));
        peer.busy++;
        return peer;
    }

    @Override
    public void close() throws InterruptedException {
        producer.close();
        commands.close();
    }
}
