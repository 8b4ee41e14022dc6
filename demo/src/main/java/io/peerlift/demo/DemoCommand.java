package io.peerlift.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.peerlift.events.AppManifest;
import io.peerlift.events.EventCodec;
import io.peerlift.events.RolloutStatus;
import io.peerlift.events.SettingKeys;
import io.peerlift.localstack.LocalStack;
import io.peerlift.localstack.ServiceProcesses;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * {@code bin/demo}: starts real Kafka and PostgreSQL, the three services and a simulated fleet, then plays the
 * IGEL procedure "Upgrade devices from OS 11 to OS 12 using Distributed Peer Update" through the public REST
 * APIs, exactly as an admin would, and shows the rollout live.
 */
@TopCommand
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs Peerlift locally: Kafka, PostgreSQL, the services and a simulated fleet, and upgrades the fleet to OS 12 peer to peer.")
public class DemoCommand implements Callable<Integer> {

    static final String APP = "base-system";
    static final String TARGET_VERSION = "12.7.4";
    static final String FOLDER = "Distributed Peer Upgrade";
    private static final int PROFILE_PORT = 8081;
    private static final int DEVICE_PORT = 8082;
    private static final int ROLLOUT_PORT = 8083;
    private static final Set<String> FINAL_STATES = Set.of("COMPLETED", "CANCELLED", "PAUSED_ON_ERRORS");

    @Spec
    CommandSpec spec;

    @Option(names = "--subnets", defaultValue = "3", description = "Subnets of the fleet (default: ${DEFAULT-VALUE}).")
    int subnets;
    @Option(names = "--devices-per-subnet", defaultValue = "20",
            description = "Devices per subnet, initial peers and ineligible devices included (default: ${DEFAULT-VALUE}).")
    int devicesPerSubnet;
    @Option(names = "--initial-peers-per-subnet", defaultValue = "1",
            description = "OS 12 devices per subnet that already hold the app (default: ${DEFAULT-VALUE}).")
    int initialPeersPerSubnet;
    @Option(names = "--subnets-without-peers", defaultValue = "0",
            description = "The last J subnets start with no peer and need one WAN seed (default: ${DEFAULT-VALUE}).")
    int subnetsWithoutPeers;
    @Option(names = "--ineligible-per-subnet", defaultValue = "0",
            description = "Devices per subnet on an OS 11 below 11.11.150 (default: ${DEFAULT-VALUE}).")
    int ineligiblePerSubnet;
    @Option(names = "--package-mib", defaultValue = "64", description = "Size of the Base System App (default: ${DEFAULT-VALUE}).")
    int packageMib;
    @Option(names = "--upload-rate-mib", defaultValue = "16",
            description = "Upload rate of each peer in MiB/s, shared by its connections, 0 for unlimited (default: ${DEFAULT-VALUE}).")
    int uploadRateMib;
    @Option(names = "--install-seconds", defaultValue = "2", description = "Install time of each device (default: ${DEFAULT-VALUE}).")
    int installSeconds;
    @Option(names = "--reboot-seconds", defaultValue = "3",
            description = "Reboot time of each device after its install (default: ${DEFAULT-VALUE}).")
    int rebootSeconds;
    @Option(names = "--discovery-window-ms", defaultValue = "500",
            description = "How long a device's discovery request collects answers (default: ${DEFAULT-VALUE}).")
    int discoveryWindowMillis;
    @Option(names = "--limit-of-connections", defaultValue = "1",
            description = SettingKeys.PEER_SERVER_LIMIT + " in the OS 12 profile (default: ${DEFAULT-VALUE}).")
    int limitOfConnections;
    @Option(names = "--distribution", defaultValue = "whole_file", paramLabel = "whole_file|swarm",
            description = "How the rollout spreads the package in a subnet: IGEL's whole-file doubling or piece "
                    + "swarming (default: ${DEFAULT-VALUE}).")
    String distribution;
    @Option(names = "--headless", description = "Exit when the rollout ends: 0 if it completed, 1 if not.")
    boolean headless;
    @Option(names = "--summary", paramLabel = "FILE", description = "Write the measured outcome as JSON.")
    Path summaryFile;
    @Option(names = "--timeout-seconds", defaultValue = "900", description = "Give up on the rollout after this long (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;
    @Option(names = "--work-dir", defaultValue = "var/demo", description = "Data and logs of this run; emptied first (default: ${DEFAULT-VALUE}).")
    Path workDir;
    @Option(names = "--repo-dir", defaultValue = ".", hidden = true, description = "The checkout holding the built services.")
    Path repoDir;
    @Option(names = "--stack-only", description = "Start only Kafka and PostgreSQL, print their addresses, and wait for Ctrl-C.")
    boolean stackOnly;
    @Option(names = "--fault", defaultValue = "NONE", description = "Inject a fault once a third of the devices upgraded: "
            + "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}; for bin/bench faults).")
    Fault fault;
    @Option(names = "--https-peers", description = "HTTPS peers (IGEL OS 12.9): issue a fleet CA and the simulator's lab "
            + "certificate under <work-dir>/tls, enable the HTTPS peer update server (port 22337) in the OS 12 profile "
            + "and let devices download from peers over verified HTTPS only.")
    boolean httpsPeers;

    @Option(names = "--fault-report", paramLabel = "FILE", description = "Write what the fault cost as JSON (with NONE: the reference).")
    Path faultReportFile;

    private final Map<String, ServiceProcesses.Service> started = new LinkedHashMap<>();
    private LocalStack stack;
    private ServiceProcesses processes;
    private volatile Instant faultEndedAt;
    /** Why the fault could not be injected; such a run measured no fault and writes no fault report. */
    private volatile String faultNotInjected;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        FleetParameters params;
        try {
            params = new FleetParameters(subnets, devicesPerSubnet, initialPeersPerSubnet, subnetsWithoutPeers,
                    ineligiblePerSubnet, packageMib, uploadRateMib, limitOfConnections, installSeconds, rebootSeconds,
                    discoveryWindowMillis, FleetParameters.distribution(distribution));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Path work = repoDir.resolve(workDir).toAbsolutePath().normalize();
        emptyDirectory(work);
        Path logs = Files.createDirectories(work.resolve("logs"));

        DemoCredentials credentials = DemoCredentials.create(work);
        step("Starting Kafka (KRaft) and PostgreSQL");
        LocalStack stack = LocalStack.start(work.resolve("stack"), 0, 0);
        this.stack = stack;
        if (stackOnly) {
            return serveStackOnly(stack, credentials);
        }
        ServiceProcesses services = new ServiceProcesses(repoDir.toAbsolutePath(), logs);
        this.processes = services;
        CountDownLatch stopped = new CountDownLatch(1);
        Thread cleanup = new Thread(() -> {
            services.close();
            stack.close();
            stopped.countDown();
        }, "demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        done("Kafka at " + stack.kafkaBootstrapServers() + ", PostgreSQL databases profile and rollout; logs in " + logs);

        Path payload = work.resolve(APP + "-" + TARGET_VERSION + ".bin");
        Payloads.generate(payload, packageMib);
        AppManifest manifest;
        try (InputStream in = Files.newInputStream(payload)) {
            manifest = AppManifest.compute(APP, TARGET_VERSION, AppManifest.DEFAULT_CHUNK_SIZE, in);
        }

        // The initial peers are provisioned with the release as the repository will hold it: payload and signature.
        Path signature = credentials.sign(manifest).write(work.resolve(APP + "-" + TARGET_VERSION + ".signature.json"));
        startServices(services, stack, params, work, payload, signature, credentials);
        done(credentials.describe(repoDir));
        AdminClient admin = new AdminClient("http://127.0.0.1:" + PROFILE_PORT, "http://127.0.0.1:" + ROLLOUT_PORT,
                credentials.adminToken());
        RolloutWatcher.Progress result;
        try (RolloutWatcher watcher = new RolloutWatcher(stack.kafkaBootstrapServers())) {
            long folderId = configureFolder(admin);
            try {
                uploadApp(admin, services, payload, manifest, credentials);
            } catch (IOException e) {
                out.println("The upload of the Base System App failed: " + e.getMessage());
                out.println("See " + logs.resolve("rollout-service.log") + "; stopping everything.");
                Runtime.getRuntime().removeShutdownHook(cleanup);
                cleanup.run();
                return 1;
            }
            moveFleet(admin, folderId, params);
            result = runRollout(admin, watcher, folderId, credentials, params);
        }
        if (faultReportFile != null && faultNotInjected != null) {
            out.println("Fault " + fault + " was not injected (" + faultNotInjected + "): no fault report.");
            result = null; // the run measured no fault: it fails rather than reporting a fault it never had
        }
        if (faultReportFile != null && result != null) {
            // From the end of the fault to the end of the rollout (-1: the rollout never ended, or the fault never did).
            double recovery = faultEndedAt == null || result.summary().finishedAt() == null ? -1
                    : Math.max(0, Duration.between(faultEndedAt, result.summary().finishedAt()).toMillis() / 1e3);
            FaultReport report = FaultReport.read(stack.kafkaBootstrapServers(), fault.name(), result, recovery);
            Files.writeString(faultReportFile, EventCodec.mapper().writeValueAsString(report));
            done("Fault " + fault + ": " + report);
        }
        if (summaryFile != null && result != null) {
            Files.writeString(summaryFile, EventCodec.mapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(Summary.of(result, params)));
            done("Summary written to " + summaryFile.toAbsolutePath());
        }
        boolean completed = result != null && "COMPLETED".equals(result.summary().state());
        if (headless) {
            Runtime.getRuntime().removeShutdownHook(cleanup);
            cleanup.run();
            return completed ? 0 : 1;
        }
        out.println();
        out.println("Everything stays up: dashboard " + credentials.dashboardLink("http://localhost:" + ROLLOUT_PORT + "/")
                + " , REST APIs on ports " + PROFILE_PORT + " (profiles), " + DEVICE_PORT + " (devices), " + ROLLOUT_PORT
                + " (rollouts; /q/swagger-ui), each with Authorization: Bearer $(cat " + workDir.resolve("admin.token")
                + "). Ctrl-C stops everything.");
        stopped.await();
        return completed ? 0 : 1;
    }

    private int serveStackOnly(LocalStack stack, DemoCredentials credentials) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            stopped.countDown();
        }, "stack-cleanup"));
        out.print(stack.describe());
        credentials.issuerConfig().forEach((key, value) -> out.println(key + "=" + value));
        out.println(credentials.describe(repoDir));
        out.println("Point a service at it, e.g. ./mvnw -pl profile-service quarkus:dev -Dkafka.bootstrap.servers=... "
                + "-Dquarkus.datasource.jdbc.url=... (dev mode trusts this issuer); Ctrl-C stops it.");
        stopped.await();
        return 0;
    }

    private void startServices(ServiceProcesses services, LocalStack stack, FleetParameters params, Path work,
                               Path payload, Path signature, DemoCredentials credentials) throws IOException, InterruptedException {
        step("Starting profile-service, rollout-service and a fleet of " + params.totalDevices() + " devices in "
                + params.subnets() + " subnets");
        String kafka = stack.kafkaBootstrapServers();
        var profile = new ServiceProcesses.Service("profile-service", PROFILE_PORT, "384m",
                trusting(credentials, withDatabase(stack, "profile", Map.of("kafka.bootstrap.servers", kafka))));
        var rollout = new ServiceProcesses.Service("rollout-service", ROLLOUT_PORT, "512m", trusting(credentials,
                withDatabase(stack, "rollout", Map.of(
                        "kafka.bootstrap.servers", kafka,
                        "peerlift.rollout.repository.storage-dir", work.resolve("repository").toString(),
                        "peerlift.rollout.repository.public-url", "http://127.0.0.1:" + ROLLOUT_PORT + "/api/apps",
                        "peerlift.rollout.repository.trusted-release-keys", credentials.releasePublicKey().toAbsolutePath().toString()))));
        Map<String, String> fleet = new LinkedHashMap<>(credentials.issuerConfig());
        fleet.put("kafka.bootstrap.servers", kafka);
        fleet.put("peerlift.device.mode", "fleet");
        fleet.put("peerlift.device.data-dir", work.resolve("devices").toString());
        fleet.put("peerlift.device.upload-rate-bytes-per-second", String.valueOf((long) params.uploadRateMib() << 20));
        fleet.put("peerlift.device.install-duration", params.installSeconds() + "s");
        fleet.put("peerlift.device.reboot-delay", params.rebootSeconds() + "s");
        fleet.put("peerlift.device.discovery-window", params.discoveryWindowMillis() + "ms");
        fleet.put("peerlift.fleet.subnets", String.valueOf(params.subnets()));
        fleet.put("peerlift.fleet.devices-per-subnet", String.valueOf(params.devicesPerSubnet()));
        fleet.put("peerlift.fleet.initial-peers-per-subnet", String.valueOf(params.initialPeersPerSubnet()));
        fleet.put("peerlift.fleet.subnets-without-peers", String.valueOf(params.subnetsWithoutPeers()));
        fleet.put("peerlift.fleet.ineligible-per-subnet", String.valueOf(params.ineligiblePerSubnet()));
        fleet.put("peerlift.fleet.seed-package.file", payload.toString());
        fleet.put("peerlift.fleet.seed-package.signature-file", signature.toString());
        fleet.put("peerlift.fleet.seed-package.app", APP);
        fleet.put("peerlift.fleet.seed-package.version", TARGET_VERSION);
        // The fleet's provisioning: the devices install only releases this key signed, whatever a command names.
        fleet.put("peerlift.device.trusted-release-keys", credentials.releasePublicKey().toString());
        if (httpsPeers) {
            // The device certificate and fleet CA are provisioning, like the release key: files, never Kafka.
            fleet.putAll(DemoFleetTls.issue(work.resolve("tls"), params));
        }
        var devices = new ServiceProcesses.Service("device-service", DEVICE_PORT, "1g", fleet);
        for (var service : List.of(profile, rollout, devices)) {
            services.start(service);
            started.put(service.module(), service);
        }
        for (var service : List.of(profile, rollout, devices)) {
            services.awaitReady(service, Duration.ofSeconds(120));
        }
        done("Services ready: profile " + profile.baseUrl() + ", devices " + devices.baseUrl() + ", rollouts " + rollout.baseUrl());
    }

    private static Map<String, String> trusting(DemoCredentials credentials, Map<String, String> properties) {
        Map<String, String> all = new LinkedHashMap<>(properties);
        all.putAll(credentials.issuerConfig());
        return all;
    }

    private static Map<String, String> withDatabase(LocalStack stack, String database, Map<String, String> properties) {
        Map<String, String> all = new LinkedHashMap<>(properties);
        all.putAll(stack.quarkusConfig(database));
        return all;
    }

    /** The seed's "IGEL OS 12 Configurations" and "IGEL OS 11 Configurations" steps. */
    private long configureFolder(AdminClient admin) throws IOException, InterruptedException {
        step("1. Folder \"" + FOLDER + "\" with the OS 12 peer profile and the OS 11 discovery profile");
        long folderId = admin.createFolder(FOLDER);
        Map<String, Object> os12 = new LinkedHashMap<>();
        os12.put(SettingKeys.DISCOVERY_ENABLED, true);
        os12.put(SettingKeys.DISCOVERY_PORT, SettingKeys.DEFAULT_DISCOVERY_PORT);
        os12.put(SettingKeys.PEER_SERVER_ENABLED, true);
        os12.put(SettingKeys.PEER_SERVER_PORT, SettingKeys.DEFAULT_PEER_SERVER_PORT);
        os12.put(SettingKeys.PEER_SERVER_LIMIT, limitOfConnections);
        Map<String, Object> os11 = new LinkedHashMap<>();
        os11.put(SettingKeys.DISCOVERY_ENABLED, true);
        os11.put(SettingKeys.DISCOVERY_PORT, SettingKeys.DEFAULT_DISCOVERY_PORT);
        os11.put(SettingKeys.DOWNLOAD_SERVER_PORT, SettingKeys.DEFAULT_PEER_SERVER_PORT);
        if (httpsPeers) {
            os12.put(SettingKeys.PEER_SERVER_HTTPS_ENABLED, true);
            os12.put(SettingKeys.PEER_SERVER_HTTPS_PORT, SettingKeys.DEFAULT_PEER_SERVER_HTTPS_PORT);
            os12.put(SettingKeys.PEER_DOWNLOAD_HTTP_ALLOWED, false);
            os11.put(SettingKeys.PEER_DOWNLOAD_HTTP_ALLOWED, false);
        }
        long os12Profile = admin.createProfile("OS 12 Distributed Peer Update Server", "OS12", TARGET_VERSION, os12);
        long os11Profile = admin.createProfile("OS 11 Distributed Peer Update client", "OS11", "11.11.150", os11);
        admin.assignProfileToFolder(os12Profile, folderId);
        admin.assignProfileToFolder(os11Profile, folderId);
        done("folder " + folderId + ", profiles " + os12Profile + " (OS 12) and " + os11Profile + " (OS 11) assigned"
                + (httpsPeers ? "; peers serve HTTPS on " + SettingKeys.DEFAULT_PEER_SERVER_HTTPS_PORT
                + " and devices download from peers over verified HTTPS only" : ""));
        return folderId;
    }

    private void uploadApp(AdminClient admin, ServiceProcesses services, Path payload, AppManifest local,
                           DemoCredentials credentials) throws IOException, InterruptedException {
        step("2. Upload the Base System App " + TARGET_VERSION + " (" + packageMib + " MiB), signed with the release key, "
                + "to the repository");
        JsonNode manifest = admin.uploadApp(APP, TARGET_VERSION, payload, credentials.sign(local), services::allAlive);
        if (!local.sha256().equals(manifest.path("sha256").asText()) || local.size() != manifest.path("size").asLong()) {
            throw new IllegalStateException("the repository's manifest does not describe the uploaded package: " + manifest);
        }
        done("manifest " + local.manifestSha256().substring(0, 16) + "…, " + local.chunkCount() + " chunks of 1 MiB");
    }

    /** Moves every device (OS 11 devices and the initial OS 12 peers) into the folder, then checks it. */
    private void moveFleet(AdminClient admin, long folderId, FleetParameters params) throws IOException, InterruptedException {
        step("3. Move the devices into the folder and check its consistency");
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        List<JsonNode> devices = admin.devices();
        while (devices.size() < params.totalDevices()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + devices.size() + " of " + params.totalDevices()
                        + " devices announced themselves within 120 s; see the device-service log");
            }
            Thread.sleep(500);
            devices = admin.devices();
        }
        List<String> ids = new ArrayList<>();
        devices.forEach(device -> ids.add(device.get("id").asText()));
        admin.moveDevices(folderId, ids);
        awaitRolloutServiceSees(admin, folderId, ids.size(), params.initialPeers());
        done(ids.size() + " devices moved; rollout-service sees them in the folder, and its "
                + params.initialPeers() + " initial peer(s) serving");
        JsonNode report = admin.consistency(folderId);
        JsonNode problems = report.path("problems");
        if (problems.isEmpty()) {
            done("consistency: no problems");
        }
        problems.forEach(problem -> out.println("   " + ("ERROR".equals(problem.path("severity").asText())
                ? "! error: " : "  warning: ") + problem.path("message").asText()));
        if (!report.path("consistent").asBoolean()) {
            throw new IllegalStateException("the folder's consistency report has " + report.path("errors").asLong()
                    + " error(s): those devices would not upgrade from their peers, so no rollout is started");
        }
    }

    /**
     * The move reaches rollout-service as configurations on Kafka, the initial peers' servers as their events on
     * another topic: start the rollout once both arrived, or the scheduler would seed a subnet from the WAN for a
     * peer it has not heard of yet.
     */
    private static void awaitRolloutServiceSees(AdminClient admin, long folderId, int devices, int peers)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (admin.rolloutServiceDevicesIn(folderId) < devices || admin.rolloutServicePeersIn(folderId) < peers) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("rollout-service did not learn of the move and of the " + peers
                        + " initial peer(s) within 120 s; see its log");
            }
            Thread.sleep(250);
        }
    }

    private RolloutWatcher.Progress runRollout(AdminClient admin, RolloutWatcher watcher, long folderId,
                                               DemoCredentials credentials, FleetParameters params)
            throws Exception {
        step("4. Upgrade to IGEL OS 12: rollout on folder " + folderId);
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("folderId", folderId);
        request.put("app", APP);
        request.put("version", TARGET_VERSION);
        request.put("sourcePolicy", "PEER_THEN_WAN");
        request.put("wanSeedsPerSubnet", 1);
        request.put("distribution", params.distribution());
        String rolloutId = admin.startRollout(request);
        String dashboard = "http://localhost:" + ROLLOUT_PORT + "/";
        done("rollout " + rolloutId + " started; dashboard (as a viewer) " + credentials.dashboardLink(dashboard));
        long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
        RolloutWatcher.Progress progress = null;
        Thread injector = null;
        try (ProgressView view = ProgressView.open(headless, out)) {
            while (System.nanoTime() < deadline) {
                progress = watcher.latest(rolloutId);
                if (progress != null) {
                    if (injector == null && fault != Fault.NONE && aThirdUpgraded(progress.summary())) {
                        injector = injectInBackground(admin);
                    }
                    view.show(progress, dashboard);
                    if (FINAL_STATES.contains(progress.summary().state())) {
                        break;
                    }
                }
                Thread.sleep(headless ? 1000 : 250);
            }
        }
        if (progress == null || !FINAL_STATES.contains(progress.summary().state())) {
            out.println("The rollout did not end within " + timeoutSeconds + " s" + (progress == null
                    ? " (no status was published)" : ": " + ProgressView.summaryLine(progress.summary())));
        } else {
            // The last subnets' records go out at the next status interval: take them in before summing up.
            Thread.sleep(2_000);
            progress = watcher.latest(rolloutId);
            done("rollout " + progress.summary().state() + ": " + ProgressView.summaryLine(progress.summary()));
        }
        return progress;
    }

    private static boolean aThirdUpgraded(RolloutStatus.Summary summary) {
        int upgraded = summary.deviceCounts().getOrDefault("UPGRADED", 0);
        int targets = summary.deviceCounts().entrySet().stream()
                .filter(e -> !e.getKey().equals("INELIGIBLE") && !e.getKey().equals("CURRENT"))
                .mapToInt(Map.Entry::getValue).sum();
        return targets > 0 && upgraded * 3 >= targets;
    }

    /** Injects the fault beside the watch (it takes a while: a restart, an outage); notes when it is over. */
    private Thread injectInBackground(AdminClient admin) {
        out.println("==> Injecting " + fault);
        Thread injector = new Thread(() -> {
            try {
                fault.inject(stack, processes, started, admin);
                faultEndedAt = Instant.now();
                out.println("==> " + fault + " is over");
            } catch (Exception e) {
                faultNotInjected = e.toString();
                out.println("==> " + fault + " could not be injected: " + e);
            }
        }, "fault-injector");
        injector.setDaemon(true);
        injector.start();
        return injector;
    }

    private void step(String text) {
        out.println("==> " + text);
    }

    private void done(String text) {
        out.println("    " + text);
    }

    private static void emptyDirectory(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
        Files.createDirectories(dir);
    }
}
