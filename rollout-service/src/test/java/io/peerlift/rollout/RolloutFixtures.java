package io.peerlift.rollout;

import io.peerlift.events.AppManifest;
import io.peerlift.events.AppRef;
import io.peerlift.events.ReleaseSignature;
import io.peerlift.events.ReleaseSigner;
import io.peerlift.rollout.domain.Device;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.restassured.http.ContentType;
import org.eclipse.microprofile.config.ConfigProvider;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static io.peerlift.localstack.TestTokens.asAdmin;
import static io.peerlift.localstack.TestTokens.asOperator;
import static io.peerlift.localstack.TestTokens.asViewer;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.is;

/** What the rollout tests share: the package under test, fresh folders and subnets, and the REST calls. */
final class RolloutFixtures {

    static final String APP = "os12-base";
    /** 2.5 chunks, so the manifest has a short last chunk. */
    static final byte[] PAYLOAD = payload(AppManifest.DEFAULT_CHUNK_SIZE * 5 / 2, 42);

    /**
     * Each test gets its own devices, folder and subnets in the database and topics all test classes share.
     * Seeded from the clock in tenths of a second: a restart of Quarkus for another test profile loads this
     * class afresh, and takes far longer than the few numbers a class uses, so the numbers never repeat.
     */
    private static final AtomicInteger NEXT = new AtomicInteger((int) (System.currentTimeMillis() / 100 % 15_000));

    /** Events of many devices pass the broker and a transaction each: generous, as the machine may be loaded. */
    private static final Duration INVENTORY_LIMIT = Duration.ofSeconds(60);

    /** The release key the service under test trusts (%test.peerlift.rollout.repository.trusted-release-keys). */
    static final Path TRUSTED_SIGNING_KEY = Path.of("src/test/resources/release-keys/trusted-signing.key");
    /** A valid release key the service does not trust. */
    static final Path UNTRUSTED_SIGNING_KEY = Path.of("src/test/resources/release-keys/untrusted-signing.key");

    private RolloutFixtures() {
    }

    /** The broker the service under test uses (the restart test points a second instance at the first's). */
    static String kafkaBootstrapServers() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    static byte[] payload(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Uploads the package (again, harmlessly: the same bytes are accepted) and returns what peers hold. */
    static AppRef uploadPackage() {
        upload(asAdmin(), APP, SimulatedFleet.TARGET, PAYLOAD).then().statusCode(anyOf(is(201), is(200)));
        return new AppRef(APP, SimulatedFleet.TARGET, manifest().manifestSha256());
    }

    /** Uploads {@code payload} as {@code app} {@code version} with the caller's token, signed by a trusted key. */
    static Response upload(RequestSpecification caller, String app, String version, byte[] payload) {
        return caller.contentType(ContentType.BINARY).body(payload)
                .header(ReleaseSignature.HEADER, sign(TRUSTED_SIGNING_KEY, app, version, payload).toHeader())
                .put("/api/apps/{app}/{version}", app, version);
    }

    /** The release signature of {@code payload} by the key in {@code signingKeyFile}, with no minimum version. */
    static ReleaseSignature sign(Path signingKeyFile, String app, String version, byte[] payload) {
        try {
            AppManifest manifest = AppManifest.compute(app, version, AppManifest.DEFAULT_CHUNK_SIZE,
                    new ByteArrayInputStream(payload));
            return ReleaseSigner.fromKeyFile(signingKeyFile).sign(manifest, version);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static AppManifest manifest() {
        try {
            return AppManifest.compute(APP, SimulatedFleet.TARGET, AppManifest.DEFAULT_CHUNK_SIZE,
                    new ByteArrayInputStream(PAYLOAD));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int unique() {
        return NEXT.incrementAndGet();
    }

    /** The {@code index}-th (1 to 3) subnet of test number {@code n}. */
    static String subnet(int n, int index) {
        int network = n * 4 + index;
        return "10." + network / 250 % 250 + "." + network % 250 + ".0/24";
    }

    /**
     * A folder of its own with one OS 11 device in the inventory that no simulated device stands behind (it never
     * answers): for tests about something else than the fleet, since a rollout over no devices is refused.
     */
    static long folderWithOneDevice() {
        long folder = 200_000L + unique();
        QuarkusTransaction.requiringNew().run(() -> {
            Device device = new Device();
            device.deviceId = "quiet-" + folder;
            device.subnet = "10.251." + folder % 250 + ".0/24";
            device.ip = "10.251." + folder % 250 + ".10";
            device.osVersion = SimulatedFleet.SOURCE;
            device.folderId = folder;
            device.folderPath = new Long[]{1L, folder};
            device.updatedAt = Instant.now();
            device.persist();
        });
        return folder;
    }

    static long folder(int n) {
        return 100_000L + n;
    }

    static List<Long> folderPath(int n) {
        return List.of(1L, folder(n));
    }

    static List<Long> otherFolderPath() {
        return List.of(1L, 99L);
    }

    /** Waits until the service has applied everything the fleet said about these devices. */
    static void awaitInventory(SimulatedFleet fleet, String... deviceIds) {
        for (String id : deviceIds) {
            SimulatedFleet.SimDevice device = fleet.device(id);
            await().atMost(INVENTORY_LIMIT).untilAsserted(() -> asViewer().get("/api/devices/{id}", id)
                    .then().statusCode(200)
                    .body("lastSeq", is((int) device.seq))
                    .body("lastEpoch", is((int) device.epoch))
                    .body("configRevision", is((int) device.configRevision)));
        }
    }

    static String createRollout(long folderId, Map<String, Object> options) {
        Map<String, Object> body = new HashMap<>(options);
        body.put("folderId", folderId);
        body.put("app", APP);
        body.put("version", SimulatedFleet.TARGET);
        return asOperator().contentType(ContentType.JSON).body(body)
                .when().post("/api/rollouts")
                .then().statusCode(201)
                .extract().path("id");
    }

    static JsonPath rollout(String id) {
        return asViewer().get("/api/rollouts/{id}", id).then().statusCode(200).extract().jsonPath();
    }

    static String state(String id) {
        return rollout(id).getString("state");
    }

    static int count(String id, String deviceState) {
        return rollout(id).getInt("deviceCounts." + deviceState);
    }

    static List<String> devicesIn(String id, String deviceState) {
        return asViewer().queryParam("state", deviceState).get("/api/rollouts/{id}/devices", id)
                .then().statusCode(200).extract().jsonPath().getList("deviceId", String.class);
    }

    static JsonPath subnetStatus(String id, String subnet) {
        List<Map<String, Object>> subnets = asViewer().get("/api/rollouts/{id}/subnets", id)
                .then().statusCode(200).extract().jsonPath().getList("$");
        Map<String, Object> found = subnets.stream().filter(s -> subnet.equals(s.get("subnet"))).findFirst()
                .orElseThrow(() -> new AssertionError("rollout " + id + " has no subnet " + subnet + ": " + subnets));
        return new JsonPath(io.peerlift.events.EventCodec.encode(found));
    }

    static void act(String id, String action, int expectedStatus) {
        asOperator().post("/api/rollouts/{id}/{action}", id, action).then().statusCode(expectedStatus);
    }
}
