package io.peerlift.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.peerlift.events.AppManifest;
import io.peerlift.events.EventCodec;
import io.peerlift.events.ReleaseKeys;
import io.peerlift.events.ReleaseSigner;
import io.peerlift.events.Topics;
import io.peerlift.localstack.FreePorts;
import io.peerlift.localstack.LocalIssuer;
import io.peerlift.localstack.LocalStack;
import io.peerlift.localstack.ServiceProcesses;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed procedure ("Upgrade devices from OS 11 to OS 12 using Distributed Peer Update") played end to end with
 * {@code bin/peerlift} alone, as an admin would type it: real Kafka and PostgreSQL, profile-service,
 * rollout-service and device-service (a simulated fleet of two subnets, one without a peer) started from their
 * own builds, and the CLI started as its own process for every command, so the exit codes are the ones a script
 * sees. The tests run in order, each step on what the previous one left.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SeedProcedureIT {

    static final String FOLDER = "/Distributed Peer Upgrade";
    static final String APP = "base-system";
    static final String VERSION = "12.7.4";
    static final int SUBNETS = 2;
    static final int DEVICES_PER_SUBNET = 6;

    static Path repo;
    static Path work;
    static LocalStack stack;
    static ServiceProcesses services;
    static String admin;
    static String viewer;
    static Map<String, String> environment;
    static Path payload;
    static Path signingKey;
    static String rolloutId;

    record Run(int exit, String out, String err) {
        JsonNode json() {
            try {
                return EventCodec.mapper().readTree(out);
            } catch (IOException e) {
                throw new AssertionError("not one JSON document on standard output: " + out + "\n" + err, e);
            }
        }
    }

    @BeforeAll
    static void startEverything() throws Exception {
        repo = Path.of(System.getProperty("peerlift.repo-dir", "..")).toAbsolutePath().normalize();
        work = Files.createTempDirectory("peerlift-cli-it-");
        stack = LocalStack.start(work.resolve("stack"), 0, 0);
        LocalIssuer issuer = LocalIssuer.create(work);
        admin = issuer.token("cli-admin", "admin", Duration.ofHours(1));
        viewer = issuer.token("cli-viewer", "viewer", Duration.ofHours(1));
        KeyPair release = ReleaseKeys.generate();
        signingKey = Files.writeString(work.resolve("release-signing.key"), ReleaseKeys.toSigningKeyPem(release));
        Path releasePublicKey = Files.writeString(work.resolve("release-public.pem"),
                ReleaseKeys.toPem(release.getPublic()));
        payload = work.resolve("base-system-12.7.4.bin");
        byte[] bytes = new byte[3 << 20];
        new Random(15).nextBytes(bytes);
        Files.write(payload, bytes);
        // The initial peers are provisioned with the release as the CLI will upload it: payload and signature.
        Path seedSignature = new ReleaseSigner(release).sign(AppManifest.compute(APP, VERSION,
                AppManifest.DEFAULT_CHUNK_SIZE, new ByteArrayInputStream(bytes)), VERSION)
                .write(work.resolve("base-system-12.7.4.signature.json"));

        services = new ServiceProcesses(repo, Files.createDirectories(work.resolve("logs")));
        var profile = new ServiceProcesses.Service("profile-service", FreePorts.pick(), "384m",
                with(stack.quarkusConfig("profile"), issuer.quarkusConfig()));
        int rolloutPort = FreePorts.pick();
        var rollout = new ServiceProcesses.Service("rollout-service", rolloutPort, "512m",
                with(stack.quarkusConfig("rollout"), issuer.quarkusConfig(), Map.of(
                        "peerlift.rollout.profile-service.url", profile.baseUrl(),
                        "peerlift.rollout.repository.storage-dir", work.resolve("repository").toString(),
                        "peerlift.rollout.repository.public-url", "http://127.0.0.1:" + rolloutPort + "/api/apps",
                        "peerlift.rollout.repository.trusted-release-keys", releasePublicKey.toString())));
        Map<String, String> fleet = new LinkedHashMap<>(with(stack.quarkusConfig(null), issuer.quarkusConfig()));
        fleet.put("peerlift.device.mode", "fleet");
        fleet.put("peerlift.device.data-dir", work.resolve("devices").toString());
        fleet.put("peerlift.device.install-duration", "1s");
        fleet.put("peerlift.device.reboot-delay", "1s");
        fleet.put("peerlift.device.trusted-release-keys", releasePublicKey.toString());
        fleet.put("peerlift.fleet.subnets", String.valueOf(SUBNETS));
        fleet.put("peerlift.fleet.devices-per-subnet", String.valueOf(DEVICES_PER_SUBNET));
        fleet.put("peerlift.fleet.initial-peers-per-subnet", "1");
        fleet.put("peerlift.fleet.subnets-without-peers", "1");
        fleet.put("peerlift.fleet.seed-package.file", payload.toString());
        fleet.put("peerlift.fleet.seed-package.signature-file", seedSignature.toString());
        fleet.put("peerlift.fleet.seed-package.app", APP);
        fleet.put("peerlift.fleet.seed-package.version", VERSION);
        var devices = new ServiceProcesses.Service("device-service", FreePorts.pick(), "512m", fleet);
        for (var service : List.of(profile, rollout, devices)) {
            services.start(service);
        }
        for (var service : List.of(profile, rollout, devices)) {
            services.awaitReady(service, Duration.ofSeconds(180));
        }
        environment = Map.of("PEERLIFT_PROFILE_URL", profile.baseUrl(), "PEERLIFT_ROLLOUT_URL", rollout.baseUrl(),
                "PEERLIFT_TOKEN", admin);
    }

    @AfterAll
    static void stopEverything() {
        if (services != null) {
            services.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    void theFolderAndTheTwoProfilesOfTheSeedAreSetUp() throws Exception {
        Run folder = peerlift("folders", "create", "Distributed Peer Upgrade", "-o", "json");
        assertThat(folder.exit()).as(folder.err()).isZero();
        assertThat(folder.json().path("path").size()).isEqualTo(2);

        Run os12 = peerlift("profiles", "create", "OS 12 Distributed Peer Update Server", "--os", "OS12",
                "--based-on", VERSION, "--set", "update.discovery.enabled=true", "--set", "update.discovery.port=22336",
                "--set", "peerlift.buddy_server.enabled=true", "--set", "peerlift.buddy_server.port=22335",
                "--set", "peerlift.buddy_server.https_enabled=true",
                "--set", "update.buddy_server.limit_of_connections=2");
        assertThat(os12.exit()).as(os12.err()).isZero();
        Run os11 = peerlift("profiles", "create", "OS 11 Distributed Peer Update client", "--os", "os11",
                "--based-on", "11.11.150", "--set", "update.discovery.enabled=true", "--set", "update.discovery.port=22336",
                "--set", "update.discovery.download_server_port=22335", "-o", "json");
        assertThat(os11.exit()).as(os11.err()).isZero();
        assertThat(os11.json().path("settings").path("update.discovery.port").asInt()).isEqualTo(22336);
        assertThat(os11.json().path("settings").path("update.discovery.enabled").isBoolean()).isTrue();

        assertThat(peerlift("profiles", "assign", "OS 12 Distributed Peer Update Server", "--folder", FOLDER).exit()).isZero();
        assertThat(peerlift("profiles", "assign", "os 11 distributed peer update client", "--folder", FOLDER).exit()).isZero();
        Run shown = peerlift("profiles", "show", "OS 12 Distributed Peer Update Server");
        assertThat(shown.out()).contains("peerlift.buddy_server.enabled = true", "assigned to folder " + FOLDER);
    }

    @Test
    @Order(2)
    void theBaseSystemAppIsUploadedSigned() {
        Run unsignable = peerlift("apps", "upload", APP, VERSION, payload.toString(), "--signing-key",
                payload.toString());
        assertThat(unsignable.exit()).isEqualTo(ExitCode.USAGE.code());
        assertThat(unsignable.err()).contains("cannot use the signing key " + payload);

        Run upload = peerlift("apps", "upload", APP, VERSION, payload.toString(), "--signing-key", signingKey.toString());
        assertThat(upload.exit()).as(upload.err()).isZero();
        assertThat(upload.out()).contains("uploaded base-system 12.7.4: " + (3 << 20) + " bytes, 3 chunks");
        Run apps = peerlift("apps", "list", "-o", "json");
        assertThat(apps.json().get(0).path("version").asText()).isEqualTo(VERSION);
    }

    @Test
    @Order(3)
    void theDevicesAreMovedIntoTheFolderAndItIsConsistent() throws Exception {
        awaitDevices(SUBNETS * DEVICES_PER_SUBNET);
        Run move = peerlift("devices", "move", "--to", FOLDER, "--from", "/", "--wait", "-o", "json");
        assertThat(move.exit()).as(move.err()).isZero();
        assertThat(move.json().size()).isEqualTo(SUBNETS * DEVICES_PER_SUBNET);
        assertThat(move.err()).contains("rollout-service knows all 12 devices of the folder");

        Run check = peerlift("folders", "check", FOLDER);
        assertThat(check.exit()).as(check.out() + check.err()).isZero();
        assertThat(check.out()).contains("consistent: 0 errors, 1 warnings", "WAN_SEED_NEEDED [127.10.2.0/24]");

        Run tree = peerlift("folders", "tree", "--count-devices");
        assertThat(tree.out()).contains("Devices (1, 0 devices)", "└── Distributed Peer Upgrade (2, 12 devices)");

        // How rollout-service counts a device as a peer: the OS 12 device of the first subnet serves; its profile
        // enables HTTPS, but the fleet was given no device certificate, so the admin sees why it serves HTTP only.
        Run peer = peerlift("devices", "show", "s1-d01");
        assertThat(peer.exit()).as(peer.err()).isZero();
        assertThat(peer.out()).containsPattern("as a peer: serving on port \\d+ with \\d+ upload slot\\(s\\), "
                + "HTTPS down: [^,]*the device has no certificate[^\\n]*, last event ");
    }

    /** The example: a sub-folder's profile sends OS 11 devices to a port their subnet's peers do not answer on. */
    @Test
    @Order(4)
    void aSubFolderWhoseDevicesWouldNeverFindTheirPeersFailsTheCheck() throws Exception {
        assertThat(peerlift("folders", "create", "Staging", "--in", FOLDER).exit()).isZero();
        Run rename = peerlift("folders", "rename", FOLDER + "/Staging", "Wrong port");
        assertThat(rename.exit()).as(rename.err()).isZero();
        assertThat(peerlift("profiles", "create", "Discovery on 22403", "--os", "OS11", "--based-on", "11.11.150",
                "--set", "update.discovery.enabled=true", "--set", "update.discovery.port=22403").exit()).isZero();
        assertThat(peerlift("profiles", "assign", "Discovery on 22403", "--folder", FOLDER + "/Wrong port").exit()).isZero();
        assertThat(peerlift("devices", "move", "--to", FOLDER + "/Wrong port", "s1-d02", "--wait").exit()).isZero();

        Run check = peerlift("folders", "check", FOLDER, "-o", "json");
        assertThat(check.exit()).isEqualTo(ExitCode.INCONSISTENT.code());
        assertThat(check.json().path("problems").findValuesAsText("code")).contains("DISCOVERY_PORT_MISMATCH");
        assertThat(check.err()).contains("the folder has 1 consistency errors");

        theRolloutGuardsRefuseWhatWouldNeverFinish();

        Run notEmpty = peerlift("folders", "delete", FOLDER + "/Wrong port");
        assertThat(notEmpty.exit()).isEqualTo(ExitCode.CONFLICT.code());
        assertThat(notEmpty.err()).contains("(409)", "s1-d02");

        assertThat(peerlift("devices", "move", "--to", FOLDER, "s1-d02", "--wait").exit()).isZero();
        assertThat(peerlift("folders", "move", FOLDER + "/Wrong port", "--to", "/").exit()).isZero();
        assertThat(peerlift("folders", "delete", "/Wrong port").exit()).isZero();
        assertThat(peerlift("profiles", "delete", "Discovery on 22403").exit()).isZero();
        assertThat(peerlift("folders", "check", FOLDER).exit()).isZero();
    }

    /**
     * rollout-service asks profile-service before a start: the folder's consistency errors block it unless
     * forced with a reason; an unfinished rollout over the same devices, an empty or unknown folder are refused.
     * Runs while the sub-folder "Wrong port" holds s1-d02 and makes the folder inconsistent; commands no device.
     */
    private static void theRolloutGuardsRefuseWhatWouldNeverFinish() throws Exception {
        Run blocked = peerlift("rollouts", "create", "--folder", FOLDER, "--app", APP, "--version", VERSION);
        assertThat(blocked.exit()).as(blocked.err()).isEqualTo(ExitCode.CONFLICT.code());
        assertThat(blocked.err()).contains("(409)", "1 consistency error", "DISCOVERY_PORT_MISMATCH",
                "force=true and a reason");

        Run created = peerlift("rollouts", "create", "--folder", FOLDER, "--app", APP, "--version", VERSION,
                "--no-start", "--wait", "--timeout", "60s", "-o", "json");
        assertThat(created.exit()).as(created.err()).isZero();
        String waiting = created.json().path("id").asText();
        Run start = peerlift("rollouts", "start", waiting);
        assertThat(start.exit()).isEqualTo(ExitCode.CONFLICT.code());
        assertThat(start.err()).contains("DISCOVERY_PORT_MISMATCH");
        Run overlapping = peerlift("rollouts", "create", "--folder", FOLDER + "/Wrong port", "--app", APP,
                "--version", VERSION, "--no-start");
        assertThat(overlapping.exit()).isEqualTo(ExitCode.CONFLICT.code());
        assertThat(overlapping.err()).contains("rollout " + waiting + " is not finished");
        assertThat(peerlift("rollouts", "cancel", waiting, "--wait", "--timeout", "60s").exit()).isZero();

        Run noReason = peerlift("rollouts", "create", "--folder", FOLDER + "/Wrong port", "--app", APP,
                "--version", VERSION, "--force");
        assertThat(noReason.exit()).isEqualTo(ExitCode.USAGE.code());
        assertThat(noReason.err()).contains("--force needs --reason");
        // Forced on the sub-folder, with a minimum source version that leaves its one device out: nothing is
        // commanded, the rollout completes at once and keeps what it was forced past.
        Run forced = peerlift("rollouts", "create", "--folder", FOLDER + "/Wrong port", "--app", APP,
                "--version", VERSION, "--min-source-version", "11.12.0", "--force", "--reason", "s1-d02 stays for now",
                "--wait", "--timeout", "60s", "-o", "json");
        assertThat(forced.exit()).as(forced.err()).isZero();
        String forcedId = forced.json().path("id").asText();
        assertThat(forced.json().path("state").asText()).isEqualTo("COMPLETED");
        assertThat(forced.json().path("forcedStart").asText())
                .startsWith("forced past 1 consistency error (DISCOVERY_PORT_MISMATCH")
                .endsWith(": s1-d02 stays for now");
        Run ineligible = peerlift("rollouts", "show", forcedId, "--devices", "INELIGIBLE");
        assertThat(ineligible.out()).contains("s1-d02", "is below the rollout's minimum source version 11.12.0");

        Run retry = peerlift("rollouts", "retry-failed", forcedId);
        assertThat(retry.exit()).isEqualTo(ExitCode.CONFLICT.code());
        assertThat(retry.err()).contains("has no FAILED devices");
        assertThat(peerlift("rollouts", "archive", forcedId).exit()).isZero();
        assertThat(peerlift("rollouts", "list").out()).doesNotContain(forcedId);
        assertThat(peerlift("rollouts", "list", "--archived").out()).contains(forcedId);

        Run emptyFolder = peerlift("folders", "create", "Empty", "-o", "json");
        assertThat(emptyFolder.exit()).as(emptyFolder.err()).isZero();
        long emptyId = emptyFolder.json().path("id").asLong();
        Run empty = peerlift("rollouts", "create", "--folder", "/Empty", "--app", APP, "--version", VERSION);
        assertThat(empty.exit()).isEqualTo(ExitCode.CONFLICT.code());
        assertThat(empty.err()).contains("folder " + emptyId + " has no devices");
        assertThat(peerlift("folders", "delete", "/Empty").exit()).isZero();
        HttpResponse<String> unknown = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(environment.get("PEERLIFT_ROLLOUT_URL") + "/api/rollouts"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"folderId\": " + emptyId + ", \"app\": \"" + APP
                        + "\", \"version\": \"" + VERSION + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(unknown.body()).contains("folder " + emptyId + " does not exist");
    }

    @Test
    @Order(5)
    void theRolloutUpgradesTheFleetPeerToPeerAndExitsZero() throws Exception {
        Run rollout = peerlift("rollouts", "create", "--folder", FOLDER, "--app", APP, "--version", VERSION,
                "--source-policy", "PEER_THEN_WAN", "--wan-seeds-per-subnet", "1", "--wait", "--timeout", "5m",
                "-o", "json");
        assertThat(rollout.exit()).as(rollout.err()).isZero();
        JsonNode completed = rollout.json();
        rolloutId = completed.path("id").asText();
        assertThat(completed.path("state").asText()).isEqualTo("COMPLETED");
        assertThat(completed.path("deviceCounts").path("UPGRADED").asInt()).isEqualTo(SUBNETS * DEVICES_PER_SUBNET - 1);
        assertThat(completed.path("deviceCounts").path("FAILED").asInt()).isZero();
        // one WAN seed for the subnet without a peer: the WAN carried one package, the peers the rest
        assertThat(completed.path("wanBytes").asLong()).isEqualTo(3L << 20);

        Run shown = peerlift("rollouts", "show", rolloutId.substring(0, 8), "--devices", "FAILED");
        assertThat(shown.exit()).as(shown.err()).isZero();
        assertThat(shown.out()).contains("COMPLETED", "127.10.2.0/24");
        assertThat(peerlift("rollouts", "list").out()).contains(rolloutId);

        List<JsonNode> upgraded = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        do {
            upgraded.clear();
            peerlift("devices", "list", "--folder", FOLDER, "-o", "json").json().forEach(upgraded::add);
            upgraded.removeIf(device -> !device.path("osVersion").asText().equals(VERSION));
        } while (upgraded.size() < SUBNETS * DEVICES_PER_SUBNET && System.nanoTime() < deadline);
        assertThat(upgraded).hasSize(SUBNETS * DEVICES_PER_SUBNET);
    }

    @Test
    @Order(6)
    void theOperatorsActionsAndTheirExitCodes() {
        Run completedPause = peerlift("rollouts", "pause", rolloutId);
        assertThat(completedPause.exit()).isEqualTo(ExitCode.CONFLICT.code());
        assertThat(completedPause.err()).contains("cannot pause rollout " + rolloutId + ": it is COMPLETED");

        Run created = peerlift("rollouts", "create", "--folder", FOLDER, "--app", APP, "--version", VERSION,
                "--no-start", "--wait", "--timeout", "60s", "-o", "json");
        assertThat(created.exit()).as(created.err()).isZero();
        String second = created.json().path("id").asText();
        assertThat(created.json().path("state").asText()).isEqualTo("CREATED");
        assertThat(peerlift("rollouts", "show", second, "--wait").exit()).isEqualTo(ExitCode.NOT_STARTED.code());

        Run cancel = peerlift("rollouts", "cancel", second, "--wait", "--timeout", "60s");
        assertThat(cancel.exit()).as(cancel.err()).isZero();
        assertThat(peerlift("rollouts", "show", second, "--wait").exit()).isEqualTo(ExitCode.CANCELLED.code());
        assertThat(peerlift("rollouts", "start", second).exit()).isEqualTo(ExitCode.CONFLICT.code());
    }

    @Test
    @Order(7)
    void refusalsAreTheServicesWordsWithTheirExitCodes() {
        Run asViewer = peerlift("folders", "create", "Not allowed", "--token", viewer);
        assertThat(asViewer.exit()).isEqualTo(ExitCode.AUTH.code());
        assertThat(asViewer.err()).contains("(403)", "this needs the role admin");
        assertThat(peerlift("folders", "tree", "--token", viewer).exit()).isZero();

        Run refused = peerlift("devices", "list", "--token", "not-a-token");
        assertThat(refused.exit()).isEqualTo(ExitCode.AUTH.code());
        assertThat(refused.err()).contains("(401)");

        Run unknown = peerlift("devices", "show", "no-such-device", "-o", "json");
        assertThat(unknown.exit()).isEqualTo(ExitCode.NOT_FOUND.code());
        assertThat(unknown.err()).contains("no-such-device");

        Run invalid = peerlift("profiles", "create", "Bad port", "--os", "OS11", "--based-on", "11.11.150",
                "--set", "update.discovery.port=0");
        assertThat(invalid.exit()).isEqualTo(ExitCode.INVALID.code());
        assertThat(invalid.err()).contains("(400)", "update.discovery.port");

        Run noFolder = peerlift("rollouts", "create", "--folder", "/Nowhere", "--app", APP, "--version", VERSION);
        assertThat(noFolder.exit()).isEqualTo(ExitCode.NOT_FOUND.code());
        assertThat(noFolder.err()).contains("there is no folder /Nowhere");

        Run unreachable = peerlift("rollouts", "list", "--rollout-url", "http://127.0.0.1:" + FreePorts.pick());
        assertThat(unreachable.exit()).isEqualTo(ExitCode.UNREACHABLE.code());
        assertThat(unreachable.err()).contains("rollout-service is unreachable");

        Run usage = peerlift("rollouts", "create", "--app", APP);
        assertThat(usage.exit()).isEqualTo(ExitCode.USAGE.code());
        assertThat(usage.err()).contains("Missing required options");
    }

    @Test
    @Order(8)
    void anAdminReplaysADeadLetterTopic() {
        // A device event parked as an older release parked events during a database outage: a copy of one the
        // consumers already applied, so they drop it again by its seq.
        ConsumerRecord<String, String> applied = firstRecord(Topics.DEVICE_EVENTS);
        park(Topics.deadLetterOf(Topics.DEVICE_EVENTS), applied);

        Run replayed = peerlift("dead-letters", "replay", "peerlift.device-events", "-o", "json");
        assertThat(replayed.exit()).as(replayed.err()).isZero();
        assertThat(replayed.json().path("deadLetterTopic").asText()).isEqualTo("peerlift.device-events.dlq");
        assertThat(replayed.json().path("records").asInt()).isEqualTo(1);
        assertThat(peerlift("dead-letters", "replay", "peerlift.device-events").out())
                .as("what was replayed is not replayed again")
                .contains("0 record(s) of peerlift.device-events.dlq sent back to peerlift.device-events");

        assertThat(peerlift("dead-letters", "replay", "peerlift.device-events", "--token", viewer).exit())
                .isEqualTo(ExitCode.AUTH.code());
        Run unknown = peerlift("dead-letters", "replay", "no.such.topic");
        assertThat(unknown.exit()).isEqualTo(ExitCode.NOT_FOUND.code());
        assertThat(unknown.err()).contains("(404)");
    }

    @Test
    @Order(9)
    void maintenanceWindowsOnFoldersAndRolloutsFromTheCommandLine() {
        Run site = peerlift("folders", "create", "Night shift", "--window-zone", "Europe/Berlin",
                "--window-cron", "0 0 22 ? * MON-FRI", "--window-duration", "4:00:00", "-o", "json");
        assertThat(site.exit()).as(site.err()).isZero();
        assertThat(site.json().path("effectiveMaintenanceWindow").path("duration").asText()).isEqualTo("04:00:00");
        assertThat(peerlift("folders", "create", "Floor 2", "--in", "/Night shift").exit()).isZero();

        Run inherited = peerlift("folders", "window", "/Night shift/Floor 2", "--window-zone", "America/New_York");
        assertThat(inherited.exit()).as(inherited.err()).isZero();
        assertThat(inherited.out()).contains("time zone America/New_York",
                "maintenance window: \"0 0 22 ? * MON-FRI\" for 04:00:00 in America/New_York (inherited)");

        Run malformed = peerlift("folders", "window", "/Night shift", "--window-cron", "nightly",
                "--window-duration", "4h", "--window-zone", "Mars/Olympus");
        assertThat(malformed.exit()).isEqualTo(ExitCode.INVALID.code());
        assertThat(malformed.err()).contains("(400)", "timeZone 'Mars/Olympus' is not a time zone",
                "maintenanceWindow.schedule 'nightly'", "maintenanceWindow.duration '4h'");
        assertThat(peerlift("folders", "window", "/Night shift", "--window-cron", "0 0 22 * * ?").exit())
                .as("a window needs both parts").isEqualTo(ExitCode.USAGE.code());

        Run cleared = peerlift("folders", "window", "/Night shift", "--clear", "-o", "json");
        assertThat(cleared.exit()).as(cleared.err()).isZero();
        assertThat(cleared.json().path("effectiveMaintenanceWindow").isNull()).isTrue();
        assertThat(cleared.json().path("effectiveTimeZone").asText()).isEqualTo("UTC");

        Run badRollout = peerlift("rollouts", "create", "--folder", FOLDER, "--app", APP, "--version", VERSION,
                "--window-cron", "0 0 22 * * ?", "--window-duration", "00:00:00", "--window-zone", "UTC");
        assertThat(badRollout.exit()).isEqualTo(ExitCode.INVALID.code());
        assertThat(badRollout.err()).contains("maintenanceWindow.duration must be longer than 00:00:00");
        Run windowed = peerlift("rollouts", "create", "--folder", FOLDER, "--app", APP, "--version", VERSION,
                "--no-start", "--window-cron", "0 0 22 ? * MON-FRI", "--window-duration", "04:00:00",
                "--window-zone", "Europe/Berlin", "-o", "json");
        assertThat(windowed.exit()).as(windowed.err()).isIn(ExitCode.OK.code(), ExitCode.NOT_STARTED.code());
        JsonNode window = windowed.json().path("maintenanceWindow");
        assertThat(window.path("schedule").asText()).isEqualTo("0 0 22 ? * MON-FRI");
        assertThat(window.path("timeZone").asText()).isEqualTo("Europe/Berlin");
        String id = windowed.json().path("id").asText();
        assertThat(peerlift("rollouts", "show", id).out())
                .contains("maintenance window: \"0 0 22 ? * MON-FRI\" for 04:00:00 in Europe/Berlin");
        assertThat(peerlift("rollouts", "cancel", id).exit()).isZero();
    }

    /** The first record of the topic's first partition. */
    private static ConsumerRecord<String, String> firstRecord(String topic) {
        TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    return record;
                }
            }
        }
        throw new AssertionError(topic + " holds no record");
    }

    private static void park(String deadLetterTopic, ConsumerRecord<String, String> record) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(deadLetterTopic, record.key(), record.value())).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("cannot park a record on " + deadLetterTopic, e);
        }
    }

    private static void awaitDevices(int expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        int seen = 0;
        while (System.nanoTime() < deadline) {
            Run devices = peerlift("devices", "list", "-o", "json");
            if (devices.exit() == 0 && (seen = devices.json().size()) >= expected) {
                return;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("the fleet announced " + seen + " of " + expected + " devices within 120 s");
    }

    /** Runs bin/peerlift as a script would, with the test's URLs and admin token in its environment. */
    static Run peerlift(String... args) {
        List<String> command = new ArrayList<>(List.of(repo.resolve("bin/peerlift").toString()));
        command.addAll(List.of(args));
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile());
            builder.environment().putAll(environment);
            Path out = Files.createTempFile(work, "out", ".txt");
            Path err = Files.createTempFile(work, "err", ".txt");
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("bin/peerlift " + String.join(" ", args) + " did not end");
            }
            return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @SafeVarargs
    private static Map<String, String> with(Map<String, String>... parts) {
        Map<String, String> all = new HashMap<>();
        for (Map<String, String> part : parts) {
            all.putAll(part);
        }
        return all;
    }
}
