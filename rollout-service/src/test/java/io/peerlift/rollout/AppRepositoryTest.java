package io.peerlift.rollout;

import io.peerlift.events.AppManifest;
import io.peerlift.events.ReleaseSignature;
import io.peerlift.localstack.LocalStackTestResource;
import io.peerlift.localstack.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static io.peerlift.localstack.TestTokens.asAdmin;
import static io.peerlift.localstack.TestTokens.asOperator;
import static io.peerlift.localstack.TestTokens.asViewer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/** The repository over real HTTP: upload, manifest, ranges, conflicts, and WAN byte accounting. */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "rollout"))
class AppRepositoryTest {

    private static final int MIB = AppManifest.DEFAULT_CHUNK_SIZE;
    /** %test.peerlift.rollout.repository.storage-dir */
    private static final Path REPOSITORY = Path.of("target/test-repository");

    @TestHTTPResource("/")
    URI repositoryUrl;

    private final String version = "12.9." + ThreadLocalRandom.current().nextInt(1, 1_000_000);
    private final String app = "repo-test";
    private final byte[] payload = RolloutFixtures.payload(MIB * 2 + 12_345, version.hashCode());

    @Test
    void storesAndServesAPackageWithItsManifestAndRanges() throws IOException {
        AppManifest expected = AppManifest.compute(app, version, MIB, new ByteArrayInputStream(payload));
        upload(payload).then().statusCode(201)
                .body("size", equalTo(payload.length))
                .body("sha256", equalTo(expected.sha256()))
                .body("chunkSize", equalTo(MIB))
                .body("chunkCount", equalTo(3))
                .body("manifestSha256", equalTo(expected.manifestSha256()));
        asViewer().get("/api/apps").then().statusCode(200).body("version", hasItem(version));

        byte[] manifest = asViewer().get("/api/apps/{app}/{version}/manifest", app, version)
                .then().statusCode(200).contentType(ContentType.JSON).extract().asByteArray();
        assertThat(manifest).isEqualTo(expected.canonicalBytes());
        assertThat(AppManifest.verifyAndParse(manifest, expected.manifestSha256())).isEqualTo(expected);

        byte[] whole = asViewer().get("/api/apps/{app}/{version}/payload", app, version)
                .then().statusCode(200).header("Accept-Ranges", "bytes").extract().asByteArray();
        assertThat(whole).isEqualTo(payload);

        // The second chunk, as a device fetches it.
        byte[] chunk = asViewer().header("Range", "bytes=" + MIB + "-" + (2 * MIB - 1))
                .get("/api/apps/{app}/{version}/payload", app, version)
                .then().statusCode(206)
                .header("Content-Range", "bytes " + MIB + "-" + (2 * MIB - 1) + "/" + payload.length)
                .extract().asByteArray();
        assertThat(chunk).isEqualTo(Arrays.copyOfRange(payload, MIB, 2 * MIB));
        byte[] tail = asViewer().header("Range", "bytes=-100").get("/api/apps/{app}/{version}/payload", app, version)
                .then().statusCode(206).extract().asByteArray();
        assertThat(tail).isEqualTo(Arrays.copyOfRange(payload, payload.length - 100, payload.length));
        byte[] open = asViewer().header("Range", "bytes=" + (payload.length - 7) + "-")
                .get("/api/apps/{app}/{version}/payload", app, version)
                .then().statusCode(206).extract().asByteArray();
        assertThat(open).isEqualTo(Arrays.copyOfRange(payload, payload.length - 7, payload.length));
        asViewer().header("Range", "bytes=" + payload.length + "-").get("/api/apps/{app}/{version}/payload", app, version)
                .then().statusCode(416).header("Content-Range", "bytes */" + payload.length);

        asViewer().head("/api/apps/{app}/{version}/payload", app, version)
                .then().statusCode(200).header("Content-Length", String.valueOf(payload.length));
    }

    @Test
    void theSamePayloadAgainIsAcceptedAndADifferentOneIsAConflict() {
        upload(payload).then().statusCode(201);
        upload(payload).then().statusCode(200);
        byte[] changed = payload.clone();
        changed[5] ^= 1;
        upload(changed).then().statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("different payload"));
        byte[] served = asViewer().get("/api/apps/{app}/{version}/payload", app, version).then().extract().asByteArray();
        assertThat(served).isEqualTo(payload);
    }

    @Test
    void onlyAReleaseSignedByATrustedKeyOverExactlyItsPayloadIsStored() throws IOException {
        ReleaseSignature signature = RolloutFixtures.sign(RolloutFixtures.TRUSTED_SIGNING_KEY, app, version, payload);

        asAdmin().contentType(ContentType.BINARY).body(payload).put("/api/apps/{app}/{version}", app, version)
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", equalTo("Peerlift-Release-Signature is required: keyId=...; minimumVersion=...; signature=..."));
        asAdmin().contentType(ContentType.BINARY).body(payload).header(ReleaseSignature.HEADER, "keyId=abc; signature=x")
                .put("/api/apps/{app}/{version}", app, version)
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("lacks minimumVersion="));

        ReleaseSignature foreign = RolloutFixtures.sign(RolloutFixtures.UNTRUSTED_SIGNING_KEY, app, version, payload);
        signedUpload(payload, foreign).then().statusCode(403).contentType("application/problem+json")
                .body("type", equalTo("urn:peerlift:problem:untrusted-release-key"))
                .body("detail", containsString("is signed by key " + foreign.keyId() + ", which is not a trusted release key"));

        byte[] tampered = payload.clone();
        tampered[MIB + 7] ^= 1;
        signedUpload(tampered, signature).then().statusCode(422).contentType("application/problem+json")
                .body("type", equalTo("urn:peerlift:problem:release-signature-mismatch"))
                .body("detail", containsString("does not match this manifest"));

        asViewer().get("/api/apps/{app}/{version}/manifest", app, version).then().statusCode(404);
        String tamperedSha256 = AppManifest.compute(app, version, MIB, new ByteArrayInputStream(tampered)).sha256();
        assertThat(REPOSITORY.resolve("payloads").resolve(tamperedSha256)).as("the refused payload").doesNotExist();
        try (var leftovers = Files.list(REPOSITORY.resolve("incoming"))) {
            assertThat(leftovers).as("partial uploads left behind").isEmpty();
        }

        signedUpload(payload, signature).then().statusCode(201)
                .body("signature.keyId", equalTo(signature.keyId()));
        asViewer().get("/api/apps/{app}/{version}/signature", app, version).then().statusCode(200)
                .body("keyId", equalTo(signature.keyId()))
                .body("minimumVersion", equalTo(version))
                .body("signature", equalTo(signature.signature()));
    }

    /**
     * Java's HttpClient asks for cleartext HTTP/2 with its first request on a connection. Granting it means holding
     * the whole body of that request, and a 2 GiB package ran the service out of heap: the upload stays HTTP/1.1.
     */
    @Test
    void anUploadThatAsksToUpgradeToCleartextHttp2IsServedOverHttp1AndStored() throws Exception {
        HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> stored = fresh.send(HttpRequest.newBuilder(repositoryUrl.resolve("api/apps/" + app + "/" + version))
                .header("Authorization", "Bearer " + TestTokens.admin())
                .header("Content-Type", "application/octet-stream")
                .header(ReleaseSignature.HEADER, RolloutFixtures.sign(RolloutFixtures.TRUSTED_SIGNING_KEY, app, version,
                        payload).toHeader())
                .PUT(HttpRequest.BodyPublishers.ofByteArray(payload)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(201);
        assertThat(stored.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(asViewer().get("/api/apps/{app}/{version}/payload", app, version).then().statusCode(200)
                .extract().asByteArray()).isEqualTo(payload);
    }

    @Test
    void invalidNamesAndMissingPackagesAreRefused() {
        String signature = RolloutFixtures.sign(RolloutFixtures.TRUSTED_SIGNING_KEY, app, "12.8.0", new byte[]{1}).toHeader();
        asAdmin().contentType(ContentType.BINARY).body(new byte[]{1}).header(ReleaseSignature.HEADER, signature)
                .put("/api/apps/{app}/{version}", "Bad Name", "12.8.0").then().statusCode(400)
                .body("detail", containsString("app name"));
        asAdmin().contentType(ContentType.BINARY).body(new byte[]{1}).header(ReleaseSignature.HEADER, signature)
                .put("/api/apps/{app}/{version}", app, "twelve").then().statusCode(400);
        asViewer().get("/api/apps/{app}/{version}/manifest", app, "12.0.404").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void bytesServedAreWanBytesChargedToTheOpenRolloutOfThatVersion() {
        upload(payload).then().statusCode(201);
        // A folder whose one device never answers: the rollout stays RUNNING.
        String rolloutId = asOperator().contentType(ContentType.JSON)
                .body(Map.of("folderId", RolloutFixtures.folderWithOneDevice(), "app", app, "version", version))
                .post("/api/rollouts").then().statusCode(201).extract().path("id");

        asViewer().header("Range", "bytes=0-999").get("/api/apps/{app}/{version}/payload", app, version)
                .then().statusCode(206);
        asViewer().get("/api/apps/{app}/{version}/payload", app, version).then().statusCode(200);

        await().untilAsserted(() -> asViewer().get("/api/rollouts/{id}", rolloutId).then()
                .body("repositoryBytes", equalTo(1000 + payload.length)));
        String metrics = given().get("/q/metrics").then().extract().asString();
        assertThat(metrics).contains("peerlift_repository_served_bytes_total{app=\"" + app + "\",version=\"" + version + "\"}");
        asOperator().post("/api/rollouts/{id}/cancel", rolloutId).then().statusCode(200);
    }

    private io.restassured.response.Response signedUpload(byte[] body, ReleaseSignature signature) {
        return asAdmin().contentType(ContentType.BINARY).body(body).header(ReleaseSignature.HEADER, signature.toHeader())
                .put("/api/apps/{app}/{version}", app, version);
    }

    private io.restassured.response.Response upload(byte[] body) {
        return RolloutFixtures.upload(asAdmin(), app, version, body);
    }
}
