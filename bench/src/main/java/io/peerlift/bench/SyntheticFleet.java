package io.peerlift.bench;

import com.google.common.util.concurrent.RateLimiter;
import io.peerlift.events.AppRef;
import io.peerlift.events.DeviceCommand;
import io.peerlift.events.DeviceEvent;
import io.peerlift.events.DownloadSource;
import io.peerlift.events.EventCodec;
import io.peerlift.events.PeerOffer;
import io.peerlift.events.PeerServerState;
import io.peerlift.events.SourcePolicy;
import io.peerlift.events.Topics;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fleet of N devices in S subnets that costs next to nothing: it answers every Upgrade on the command topic
 * with the events a real device sends for it (discovery, download from a free peer of its subnet or the WAN,
 * the peer's upload, install, reboot, announcement, peer server), minus the transfer, install and reboot time.
 * The first device of each subnet is an OS 12 initial peer that holds the given apps and serves them.
 * <p>
 * One thread sends every event, in the order the devices emit them, with seq rising by one per device; a rate,
 * when set, spaces the events out. The time from an event that frees or adds a peer slot (a download completed
 * from a peer, a peer server started) to the next Upgrade of the same subnet is recorded as command latency.
 */
final class SyntheticFleet implements AutoCloseable {

    static final String SOURCE_VERSION = "11.11.150";

    private static final Duration POLL = Duration.ofMillis(100);

    private final List<Device> devices = new ArrayList<>();
    private final Map<String, Device> byId = new HashMap<>();
    private final List<List<Device>> subnets = new ArrayList<>();
    private final long packageBytes;
    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> commands;
    private final BlockingQueue<Runnable> emissions = new LinkedBlockingQueue<>();
    private final Thread sender;
    private final Thread commandReader;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong upgradesReceived = new AtomicLong();
    private final Recorder latency = new Recorder(3);
    /**
     * Per subnet, when each slot-freeing event not yet followed by an Upgrade was sent, at most one per device
     * still waiting for its command: a slot no device can take measures nothing (read and written by the sender).
     */
    private final Map<Integer, ArrayDeque<Long>> freedSlots = new HashMap<>();
    /** The version each device was last commanded to, written by the command reader as the Upgrade arrives. */
    private final Map<String, String> commandedTo = new ConcurrentHashMap<>();
    private volatile RateLimiter rate;
    private volatile boolean running = true;

    /** One device: what it reports about itself. Only the sender thread touches it. */
    private static final class Device {
        final String id;
        final int subnetIndex;
        final String subnet;
        final String ip;
        long seq;
        String osVersion;
        List<AppRef> apps = List.of();
        boolean serving;

        Device(String id, int subnetIndex, String subnet, String ip, String osVersion) {
            this.id = id;
            this.subnetIndex = subnetIndex;
            this.subnet = subnet;
            this.ip = ip;
            this.osVersion = osVersion;
        }
    }

    SyntheticFleet(String bootstrapServers, int deviceCount, int subnetCount, String peerVersion, List<AppRef> peerApps,
                   long packageBytes) {
        this.packageBytes = packageBytes;
        int perSubnet = Math.max(1, deviceCount / subnetCount);
        for (int s = 0; s < subnetCount; s++) {
            String network = "10." + (s / 250) + "." + (s % 250) + ".";
            List<Device> members = new ArrayList<>();
            for (int d = 0; d < perSubnet; d++) {
                Device device = new Device(String.format("bench-s%04d-d%03d", s, d), s, network + "0/24",
                        network + (d + 2), d == 0 ? peerVersion : SOURCE_VERSION);
                if (d == 0) {
                    device.apps = List.copyOf(peerApps);
                    device.serving = true;
                }
                members.add(device);
                devices.add(device);
                byId.put(device.id, device);
            }
            subnets.add(members);
        }
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 2,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024), new StringSerializer(), new StringSerializer());
        commands = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-fleet-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer());
        commands.subscribe(List.of(Topics.DEVICE_COMMANDS));
        sender = new Thread(this::send, "fleet-sender");
        commandReader = new Thread(this::readCommands, "fleet-commands");
        sender.start();
        commandReader.start();
    }

    int size() {
        return devices.size();
    }

    List<String> deviceIds() {
        return devices.stream().map(d -> d.id).toList();
    }

    long eventsSent() {
        return sent.get();
    }

    long upgradesReceived() {
        return upgradesReceived.get();
    }

    /** Events per second from now on, or unlimited with 0. */
    void limitRate(double eventsPerSecond) {
        rate = eventsPerSecond > 0 ? RateLimiter.create(eventsPerSecond) : null;
    }

    /** Every device announces itself (its first contact, or a heartbeat that changes nothing). */
    void announceAll() {
        emissions.add(() -> devices.forEach(this::announce));
    }

    /** The command latencies recorded since the last call, in microseconds. */
    Histogram takeLatencies() {
        return latency.getIntervalHistogram();
    }

    /** Forgets the free slots of an earlier rollout: the next one's latencies pair only with its own events. */
    void startMeasuring() {
        emissions.add(freedSlots::clear);
        latency.reset();
    }

    /** Waits until every event asked for so far has been handed to the producer and acknowledged. */
    void flush() throws InterruptedException {
        while (!emissions.isEmpty()) {
            Thread.sleep(50);
        }
        Object done = new Object();
        BlockingQueue<Object> marker = new LinkedBlockingQueue<>();
        emissions.add(() -> marker.add(done));
        marker.take();
        producer.flush();
    }

    private void readCommands() {
        try {
            while (running) {
                for (ConsumerRecord<String, String> record : commands.poll(POLL)) {
                    if (EventCodec.decodeCommand(record.value()) instanceof DeviceCommand.Upgrade upgrade) {
                        long received = System.nanoTime();
                        commandedTo.put(upgrade.deviceId(), upgrade.version());
                        upgradesReceived.incrementAndGet();
                        emissions.add(() -> answer(upgrade, received));
                    }
                }
            }
        } catch (WakeupException closing) {
            // close() woke the reader
        } finally {
            commands.close();
        }
    }

    private void send() {
        try {
            while (running || !emissions.isEmpty()) {
                Runnable next = emissions.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
                if (next != null) {
                    next.run();
                }
            }
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        }
    }

    /** What a device sends for one Upgrade, at once: discovery, download, install, reboot, serving. */
    private void answer(DeviceCommand.Upgrade upgrade, long receivedNanos) {
        Device device = byId.get(upgrade.deviceId());
        if (device == null) {
            return;
        }
        // Only a slot freed before the Upgrade arrived can have caused it: a later one waits for the next Upgrade
        // (clamping such pairs to 0 had made half the latencies 0 ms).
        ArrayDeque<Long> freed = freedSlots.get(device.subnetIndex);
        if (freed != null && !freed.isEmpty() && freed.peek() <= receivedNanos) {
            latency.recordValue((receivedNanos - freed.poll()) / 1000);
        }
        AppRef target = new AppRef(upgrade.app(), upgrade.version(), upgrade.manifestSha256());
        Device peer = upgrade.sourcePolicy() == SourcePolicy.WAN_SEED ? null : freePeer(device, target);
        String rollout = upgrade.rolloutId();
        UUID command = upgrade.commandId();
        int attempt = upgrade.attempt();
        if (upgrade.sourcePolicy() != SourcePolicy.WAN_SEED) {
            emit(device, (id, at, seq) -> new DeviceEvent.DiscoveryRequested(UUID.randomUUID(), id, device.subnet, at,
                    seq, 1, rollout, command, attempt, target.app(), target.version(), 1));
            List<PeerOffer> offers = peer == null ? List.of() : List.of(new PeerOffer(peer.id, peer.ip, 22335,
                    target.app(), target.version(), target.manifestSha256(), 0, 1, 0));
            emit(device, (id, at, seq) -> new DeviceEvent.DiscoveryAnswered(UUID.randomUUID(), id, device.subnet, at,
                    seq, 1, rollout, command, attempt, target.app(), target.version(), 1, offers));
        }
        DownloadSource source = peer == null ? DownloadSource.WAN : DownloadSource.PEER;
        emit(device, (id, at, seq) -> new DeviceEvent.DownloadStarted(UUID.randomUUID(), id, device.subnet, at, seq, 1,
                rollout, command, attempt, target.app(), target.version(), source, peer == null ? null : peer.id,
                packageBytes));
        boolean fromPeer = peer != null;
        emit(device, (id, at, seq) -> new DeviceEvent.DownloadCompleted(UUID.randomUUID(), id, device.subnet, at, seq, 1,
                rollout, command, attempt, target.app(), target.version(), packageBytes, source,
                fromPeer ? packageBytes : 0, fromPeer ? 0 : packageBytes, 0));
        if (fromPeer) {
            slotFreed(device.subnetIndex, target.version());
            emit(peer, (id, at, seq) -> new DeviceEvent.UploadCompleted(UUID.randomUUID(), id, peer.subnet, at, seq, 1,
                    device.id, target.app(), target.version(), packageBytes));
        }
        String from = device.osVersion;
        emit(device, (id, at, seq) -> new DeviceEvent.UpgradeStarted(UUID.randomUUID(), id, device.subnet, at, seq, 1,
                rollout, command, attempt, target.app(), target.version(), from));
        device.osVersion = target.version();
        List<AppRef> apps = new ArrayList<>(device.apps);
        apps.add(target);
        device.apps = List.copyOf(apps);
        emit(device, (id, at, seq) -> new DeviceEvent.UpgradeCompleted(UUID.randomUUID(), id, device.subnet, at, seq, 1,
                rollout, command, attempt, target.app(), target.version(), target.version(), 0, 0));
        device.serving = true;
        announce(device);
        emit(device, (id, at, seq) -> new DeviceEvent.PeerServerStarted(UUID.randomUUID(), id, device.subnet, at, seq, 1,
                device.ip, 22335, 1, device.apps, 0, 0, null));
        slotFreed(device.subnetIndex, target.version());
    }

    /**
     * A serving device of the subnet that holds the target. The download takes no time here, so whichever peer
     * discovery would find has its slot free again at once.
     */
    private Device freePeer(Device device, AppRef target) {
        for (Device candidate : subnets.get(device.subnetIndex)) {
            if (candidate != device && candidate.serving && candidate.apps.contains(target)) {
                return candidate;
            }
        }
        return null;
    }

    private void slotFreed(int subnetIndex, String version) {
        ArrayDeque<Long> freed = freedSlots.computeIfAbsent(subnetIndex, s -> new ArrayDeque<>());
        long waiting = subnets.get(subnetIndex).stream()
                .filter(d -> !version.equals(d.osVersion) && !version.equals(commandedTo.get(d.id)))
                .count();
        if (freed.size() < waiting) {
            freed.add(System.nanoTime());
        }
    }

    private void announce(Device device) {
        emit(device, (id, at, seq) -> new DeviceEvent.DeviceAnnounced(UUID.randomUUID(), id, device.subnet, at, seq, 1,
                device.ip, device.osVersion, device.apps,
                device.serving ? new PeerServerState(true, 22335, 1, 0, 0, null, 0) : PeerServerState.stopped(22335)));
    }

    private interface EventOf {
        DeviceEvent create(String deviceId, Instant at, long seq);
    }

    private void emit(Device device, EventOf event) {
        RateLimiter limit = rate;
        if (limit != null) {
            limit.acquire();
        }
        DeviceEvent built = event.create(device.id, Instant.now(), ++device.seq);
        producer.send(new ProducerRecord<>(Topics.DEVICE_EVENTS, device.subnet, EventCodec.encode(built)));
        sent.incrementAndGet();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        commands.wakeup();
        commandReader.join(10_000);
        sender.join(10_000);
        producer.close();
    }
}
