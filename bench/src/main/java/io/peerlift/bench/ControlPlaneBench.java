package io.peerlift.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.peerlift.events.AppManifest;
import io.peerlift.events.AppRef;
import io.peerlift.events.EventCodec;
import io.peerlift.events.ReleaseKeys;
import io.peerlift.events.ReleaseSigner;
import io.peerlift.events.Topics;
import io.peerlift.localstack.FreePorts;
import io.peerlift.localstack.LocalIssuer;
import io.peerlift.localstack.LocalStack;
import io.peerlift.localstack.ServiceProcesses;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bin/bench control-plane --devices N --subnets S [--summary FILE] [--rate R] [--at-rate-seconds T]}: the
 * real rollout-service and profile-service (their packaged applications, rollout-service at -Xmx512m) against
 * real Kafka and PostgreSQL, with a {@link SyntheticFleet} of N devices in S subnets that answers every command
 * at once. It measures, in this order:
 * <ol>
 *   <li>the fleet's first announcements and a move of all N devices into one folder (profile-service);</li>
 *   <li>a heartbeat of every device, which changes nothing (both services);</li>
 *   <li>saturation: one rollout over all N devices as fast as it goes;</li>
 *   <li>at rate: a second rollout with the fleet's events offered at R per second for T seconds, timing each
 *       Upgrade from the event that freed the peer slot it uses;</li>
 * </ol>
 * and throughout the services' heap and the size of every status record. Beside them it prints a reference
 * measured in the same run: how fast a plain Kafka consumer reads the same device events.
 */
public final class ControlPlaneBench {

    private static final String APP = "base-system";
    private static final String FIRST = "12.7.4";
    private static final String SECOND = "12.7.5";
    private static final int PACKAGE_BYTES = 1 << 20;
    private static final Duration PHASE_LIMIT = Duration.ofMinutes(90);
    private static final Duration READY_LIMIT = Duration.ofMinutes(3);
    private static final String FORCE_REASON = "benchmark";

    private ControlPlaneBench() {
    }

    public static void main(String[] args) throws Exception {
        int devices = PeerServerBench.intOption(args, "--devices", 10_000);
        int subnets = PeerServerBench.intOption(args, "--subnets", 100);
        double rate = PeerServerBench.intOption(args, "--rate", 1000);
        int atRateSeconds = PeerServerBench.intOption(args, "--at-rate-seconds", 60);
        Path repo = Path.of(FleetBench.option(args, "--repo-dir", ".")).toAbsolutePath();
        String summaryFile = FleetBench.option(args, "--summary", null);
        Path work = Files.createTempDirectory("peerlift-bench-control-plane-");
        System.out.printf("control-plane: %d devices in %d subnets; rollout-service and profile-service -Xmx512m%n",
                devices, subnets);

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("devices", devices);
        summary.put("subnets", subnets);
        try (LocalStack stack = LocalStack.start(work.resolve("stack"), 0, 0)) {
            LocalIssuer issuer = LocalIssuer.create(work.resolve("issuer"));
            String admin = issuer.token("bench-admin", "admin", Duration.ofHours(24));
            Map<String, String> trust = issuer.quarkusConfig();
            KeyPair release = ReleaseKeys.generate();
            ReleaseSigner signer = new ReleaseSigner(release);
            Path releasePublicKey = Files.writeString(work.resolve("release-public.pem"), ReleaseKeys.toPem(release.getPublic()));
            var profileService = new ServiceProcesses.Service("profile-service", FreePorts.pick(), "512m",
                    with(stack.quarkusConfig("profile"), trust, Map.of("kafka.bootstrap.servers", stack.kafkaBootstrapServers())));
            var rolloutService = new ServiceProcesses.Service("rollout-service", FreePorts.pick(), "512m",
                    with(stack.quarkusConfig("rollout"), trust, Map.of(
                            "kafka.bootstrap.servers", stack.kafkaBootstrapServers(),
                            "peerlift.rollout.profile-service.url", profileService.baseUrl(),
                            "peerlift.rollout.repository.storage-dir", work.resolve("repository").toString(),
                            "peerlift.rollout.repository.trusted-release-keys", releasePublicKey.toString(),
                            // The synthetic fleet sends no heartbeats: its peers must not expire as silent.
                            "peerlift.rollout.stalls.peer-silence", "24h")));
            ServiceApi profile = new ServiceApi(profileService, admin);
            ServiceApi rollout = new ServiceApi(rolloutService, admin);
            try (ServiceProcesses services = new ServiceProcesses(repo, work);
                 StatusRecords statuses = new StatusRecords(stack.kafkaBootstrapServers());
                 HeapSampler heap = new HeapSampler(List.of(rollout, profile))) {
                services.start(profileService);
                services.start(rolloutService);
                services.awaitReady(profileService, READY_LIMIT);
                services.awaitReady(rolloutService, READY_LIMIT);
                AppRef first = upload(rollout, signer, FIRST);
                AppRef second = upload(rollout, signer, SECOND);
                try (SyntheticFleet fleet = new SyntheticFleet(stack.kafkaBootstrapServers(), devices, subnets, FIRST,
                        List.of(first, second), PACKAGE_BYTES)) {
                    Map<String, Object> profileFigures = new LinkedHashMap<>();
                    long folderId = announceAndMove(fleet, profile, rollout, profileFigures);
                    heartbeats(fleet, profile, rollout, profileFigures);
                    summary.put("saturation", saturation(fleet, rollout, folderId));
                    summary.put("atRate", atRate(fleet, rollout, folderId, rate, atRateSeconds));
                    summary.put("heapMaxMiB", heap.maxMiB(rollout));
                    summary.put("statusRecordMaxBytes", statuses.maxBytes());
                    summary.put("statusRecords", statuses.count());
                    profileFigures.put("heapMaxMiB", heap.maxMiB(profile));
                    summary.put("profileService", profileFigures);
                    summary.put("reference", Map.of("kafkaReadEventsPerSecond", kafkaReadRate(stack.kafkaBootstrapServers()),
                            "idealRoundsPerSubnet", idealRounds(devices / subnets)));
                }
            }
        }
        print(summary);
        if (summaryFile != null) {
            Files.writeString(Path.of(summaryFile), EventCodec.mapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(summary));
            System.out.println("summary written to " + Path.of(summaryFile).toAbsolutePath());
        }
    }

    // ---- the phases ----

    private static long announceAndMove(SyntheticFleet fleet, ServiceApi profile, ServiceApi rollout,
                                        Map<String, Object> figures) throws Exception {
        long start = System.nanoTime();
        fleet.announceAll();
        awaitUntil(() -> profile.counter("peerlift_profile_device_events_total", "outcome=\"applied\"") >= fleet.size(),
                "profile-service applied the fleet's announcements");
        double announced = seconds(start);
        awaitUntil(() -> rollout.getLong("/api/devices/count?folderId=1") >= fleet.size(),
                "rollout-service knows every device's configuration");
        figures.put("announcements", Map.of("devices", fleet.size(), "seconds", round(announced),
                "eventsPerSecond", round(fleet.size() / announced)));

        JsonNode folder = profile.post("/api/folders", Map.of("name", "bench " + UUID.randomUUID()));
        long folderId = folder.get("id").asLong();
        start = System.nanoTime();
        profile.post("/api/folders/" + folderId + "/devices", Map.of("deviceIds", fleet.deviceIds()));
        double moved = seconds(start);
        awaitUntil(() -> rollout.getLong("/api/devices/count?folderId=" + folderId) >= fleet.size(),
                "rollout-service saw the move of every device");
        figures.put("folderMove", Map.of("devices", fleet.size(), "requestSeconds", round(moved),
                "seenByRolloutServiceSeconds", round(seconds(start))));
        return folderId;
    }

    private static void heartbeats(SyntheticFleet fleet, ServiceApi profile, ServiceApi rollout,
                                   Map<String, Object> figures) throws Exception {
        double profileBefore = profile.counter("peerlift_profile_device_events_total", "outcome=\"applied\"");
        double rolloutBefore = rollout.counter("peerlift_rollout_events_total", "topic=\"peerlift.device-events\"");
        long start = System.nanoTime();
        fleet.announceAll();
        awaitUntil(() -> profile.counter("peerlift_profile_device_events_total", "outcome=\"applied\"")
                >= profileBefore + fleet.size(), "profile-service applied every heartbeat");
        double profileSeconds = seconds(start);
        awaitUntil(() -> rollout.counter("peerlift_rollout_events_total", "topic=\"peerlift.device-events\"")
                >= rolloutBefore + fleet.size(), "rollout-service applied every heartbeat");
        double rolloutSeconds = seconds(start);
        figures.put("heartbeats", Map.of("events", fleet.size(), "seconds", round(profileSeconds),
                "eventsPerSecond", round(fleet.size() / profileSeconds),
                "rolloutServiceEventsPerSecond", round(fleet.size() / rolloutSeconds)));
    }

    private static Map<String, Object> saturation(SyntheticFleet fleet, ServiceApi rollout, long folderId)
            throws Exception {
        fleet.limitRate(0);
        fleet.startMeasuring();
        double before = rollout.counter("peerlift_rollout_events_total", "topic=\"peerlift.device-events\"");
        long start = System.nanoTime();
        String id = createRollout(rollout, folderId, FIRST);
        awaitUntil(() -> "COMPLETED".equals(rollout.get("/api/rollouts/" + id).path("state").asText()),
                "the saturation rollout completed");
        double seconds = seconds(start);
        double events = rollout.counter("peerlift_rollout_events_total", "topic=\"peerlift.device-events\"") - before;
        JsonNode view = rollout.get("/api/rollouts/" + id);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("state", view.path("state").asText());
        figures.put("upgraded", view.path("deviceCounts").path("UPGRADED").asInt());
        figures.put("seconds", round(seconds));
        figures.put("events", (long) events);
        figures.put("eventsPerSecond", round(events / seconds));
        figures.put("latencies", latencies(fleet.takeLatencies()));
        return figures;
    }

    private static Map<String, Object> atRate(SyntheticFleet fleet, ServiceApi rollout, long folderId, double rate,
                                              int seconds) throws Exception {
        fleet.limitRate(rate);
        String id = createRollout(rollout, folderId, SECOND);
        Thread.sleep(5_000); // past the start, where every subnet's first commands have no slot event before them
        fleet.startMeasuring();
        double before = rollout.counter("peerlift_rollout_events_total", "topic=\"peerlift.device-events\"");
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        double events = rollout.counter("peerlift_rollout_events_total", "topic=\"peerlift.device-events\"") - before;
        double elapsed = seconds(start);
        Histogram latency = fleet.takeLatencies();
        String state = rollout.get("/api/rollouts/" + id).path("state").asText();
        if (!"COMPLETED".equals(state)) { // a small fleet finishes within the window; a large one is stopped here
            rollout.post("/api/rollouts/" + id + "/cancel", Map.of());
        }
        fleet.limitRate(0);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("offeredEventsPerSecond", rate);
        figures.put("rolloutStateAtEnd", state);
        figures.put("seconds", round(elapsed));
        figures.put("eventsPerSecond", round(events / elapsed));
        figures.putAll(latencies(latency));
        return figures;
    }

    private static Map<String, Object> latencies(Histogram micros) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("commands", micros.getTotalCount());
        figures.put("commandLatencyP50Ms", round(micros.getValueAtPercentile(50) / 1000.0));
        figures.put("commandLatencyP99Ms", round(micros.getValueAtPercentile(99) / 1000.0));
        figures.put("commandLatencyMaxMs", round(micros.getMaxValue() / 1000.0));
        return figures;
    }

    // ---- the reference ----

    /** How fast a plain consumer reads the device events of this run from the broker of this run. */
    private static double kafkaReadRate(String bootstrapServers) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-reference-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000), new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.DEVICE_EVENTS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long total = consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
            long read = 0;
            long start = System.nanoTime();
            while (read < total) {
                read += consumer.poll(Duration.ofMillis(500)).count();
            }
            return round(read / seconds(start));
        }
    }

    /** Rounds a subnet of this size needs at best, one slot per peer: log2 of its devices. */
    private static int idealRounds(int devicesPerSubnet) {
        return 32 - Integer.numberOfLeadingZeros(Math.max(1, devicesPerSubnet - 1));
    }

    // ---- helpers ----

    private static AppRef upload(ServiceApi rollout, ReleaseSigner signer, String version)
            throws IOException, InterruptedException {
        byte[] payload = new byte[PACKAGE_BYTES];
        new Random(version.hashCode()).nextBytes(payload);
        AppManifest manifest = AppManifest.compute(APP, version, AppManifest.DEFAULT_CHUNK_SIZE,
                new ByteArrayInputStream(payload));
        rollout.put("/api/apps/" + APP + "/" + version, payload, signer.sign(manifest, version));
        return new AppRef(APP, version, manifest.manifestSha256());
    }

    private static String createRollout(ServiceApi rollout, long folderId, String version)
            throws IOException, InterruptedException {
        // The synthetic fleet has no discovery configuration to check: the start is forced past the folder's report.
        return rollout.post("/api/rollouts?force=true&reason=" + FORCE_REASON, Map.of("folderId", folderId, "app", APP,
                "version", version, "deviceTimeoutSeconds", 3600)).get("id").asText();
    }

    private static Map<String, String> with(Map<String, String> a, Map<String, String> b, Map<String, String> c) {
        Map<String, String> all = new LinkedHashMap<>(a);
        all.putAll(b);
        all.putAll(c);
        return all;
    }

    private interface Check {
        boolean done() throws Exception;
    }

    private static void awaitUntil(Check check, String what) throws Exception {
        long deadline = System.nanoTime() + PHASE_LIMIT.toNanos();
        while (!check.done()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not within " + PHASE_LIMIT + ": " + what);
            }
            Thread.sleep(500);
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    @SuppressWarnings("unchecked")
    private static void print(Map<String, Object> summary) {
        System.out.println();
        System.out.printf(Locale.ROOT, "%-58s %s%n", "figure", "value");
        flatten("", summary).forEach((key, value) -> System.out.printf(Locale.ROOT, "%-58s %s%n", key, value));
        System.out.printf(Locale.ROOT, "%nTargets at 100,000 devices in 1,000 subnets: the rollout completes; "
                + "saturation.eventsPerSecond >= 5000 (aim 20000); atRate.commandLatencyP99Ms <= 200; heapMaxMiB <= 512; "
                + "statusRecordMaxBytes <= 102400.%n");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> flatten(String prefix, Map<String, Object> map) {
        Map<String, Object> flat = new LinkedHashMap<>();
        map.forEach((key, value) -> {
            if (value instanceof Map<?, ?> nested) {
                flat.putAll(flatten(prefix + key + ".", (Map<String, Object>) nested));
            } else {
                flat.put(prefix + key, value);
            }
        });
        return flat;
    }

    /** Samples the heap of the services every second: the largest heap used is the figure. */
    private static final class HeapSampler implements AutoCloseable {
        private final Map<ServiceApi, AtomicLong> maxBytes = new LinkedHashMap<>();
        private final Thread sampler;
        private volatile boolean running = true;

        HeapSampler(List<ServiceApi> services) {
            services.forEach(service -> maxBytes.put(service, new AtomicLong()));
            sampler = new Thread(() -> {
                while (running) {
                    maxBytes.forEach((service, max) -> {
                        try {
                            long used = (long) service.counter("jvm_memory_used_bytes", "area=\"heap\"");
                            max.accumulateAndGet(used, Math::max);
                        } catch (Exception notReady) {
                            // not serving metrics yet
                        }
                    });
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "heap-sampler");
            sampler.setDaemon(true);
            sampler.start();
        }

        double maxMiB(ServiceApi service) {
            return round(maxBytes.get(service).get() / (1024.0 * 1024.0));
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            sampler.interrupt();
            sampler.join(5000);
        }
    }

    /** Reads every status record the run publishes and keeps the size of the largest. */
    private static final class StatusRecords implements AutoCloseable {
        private final AtomicLong max = new AtomicLong();
        private final AtomicLong count = new AtomicLong();
        private final Thread reader;
        private volatile boolean running = true;

        StatusRecords(String bootstrapServers) {
            KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ConsumerConfig.GROUP_ID_CONFIG, "bench-status-" + UUID.randomUUID(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer());
            consumer.subscribe(List.of(Topics.ROLLOUT_STATUS));
            reader = new Thread(() -> {
                try (consumer) {
                    while (running) {
                        consumer.poll(Duration.ofMillis(250)).forEach(record -> {
                            count.incrementAndGet();
                            if (record.value() != null) {
                                max.accumulateAndGet(record.serializedValueSize(), Math::max);
                            }
                        });
                    }
                }
            }, "status-records");
            reader.start();
        }

        long maxBytes() {
            return max.get();
        }

        long count() {
            return count.get();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            reader.join(5000);
        }
    }
}
