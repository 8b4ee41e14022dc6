package io.peerlift.device;

import io.peerlift.events.EventCodec;
import io.peerlift.localstack.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.peerlift.localstack.TestTokens.asViewer;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * device-service as a real agent: it reads no topic and needs no broker (Kafka points at a closed port, and it is
 * ready all the same); it polls its gateway for its own commands and configuration and posts its events there.
 * The gateway here is a stand-in that records what the agent asks; the real one is {@link GatewayTest}'s.
 */
@QuarkusTest
@TestProfile(AgentModeTest.Agent.class)
class AgentModeTest {

    static final List<String> REQUESTS = new CopyOnWriteArrayList<>();
    static final List<String> AUTHORIZATIONS = new CopyOnWriteArrayList<>();
    private static final Vertx VERTX = Vertx.vertx();
    private static HttpServer gateway;

    /** The agent, pointed at the stand-in gateway. */
    public static class Agent implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            int port = startGateway();
            Map<String, String> config = new HashMap<>(TestTokens.issuer().quarkusConfig());
            config.put("peerlift.device.gateway.token-file", DeviceTokens.file("agent-7").toString());
            config.putAll(Map.of("peerlift.device.mode", "agent", "peerlift.device.id", "agent-7",
                    "peerlift.device.subnet", "127.0.0.0/8", "peerlift.device.gateway.url", "http://127.0.0.1:" + port,
                    "peerlift.device.gateway.poll-wait", "1s", "kafka.bootstrap.servers", "127.0.0.1:" + closedPort()));
            return config;
        }
    }

    static synchronized int startGateway() {
        if (gateway == null) {
            gateway = VERTX.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
                REQUESTS.add(request.method() + " " + request.uri() + (body.length() > 0 ? " " + body : ""));
                AUTHORIZATIONS.add(String.valueOf(request.getHeader("Authorization")));
                if (request.path().endsWith("/commands")) {
                    request.response().putHeader("Content-Type", "application/json").end("{\"commands\":[],\"cursor\":null}");
                } else if (request.path().endsWith("/events")) {
                    int events = EventCodec.decode(body.getBytes(), List.class).size();
                    request.response().putHeader("Content-Type", "application/json").end("{\"events\":" + events + "}");
                } else {
                    request.response().setStatusCode(204).end();
                }
            }));
            gateway.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join();
        }
        return gateway.actualPort();
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The agent's own Vert.x, on which its peer server runs. */
    @Inject
    Vertx agentVertx;

    @AfterAll
    static void stopGateway() {
        VERTX.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void anAgentSpeaksOnlyToItsGatewayAboutItself() {
        await().atMost(60, TimeUnit.SECONDS).untilAsserted(() -> {
            assertThat(REQUESTS).anyMatch(r -> r.startsWith("GET /api/gateway/v1/devices/agent-7/commands?wait=1"));
            assertThat(REQUESTS).anyMatch(r -> r.startsWith("GET /api/gateway/v1/devices/agent-7/config?wait=1&after=-1"));
            assertThat(REQUESTS).anyMatch(r -> r.startsWith("POST /api/gateway/v1/devices/agent-7/events")
                    && r.contains("\"type\":\"DeviceAnnounced\"") && r.contains("\"deviceId\":\"agent-7\""));
        });
        assertThat(REQUESTS).allMatch(r -> r.contains("/api/gateway/v1/devices/agent-7/"));
        assertThat(AUTHORIZATIONS).as("every call carries the device's own token")
                .containsOnly("Bearer " + DeviceTokens.token("agent-7"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        asViewer().get("/api/devices/agent-7").then().statusCode(200).body("osVersion", equalTo("11.11.150"));
    }

    @Test
    void anAgentRunsNettysEpollTransportSoItsPeerServerCorksUploads() {
        assertThat(agentVertx.isNativeTransportEnabled()).as("quarkus.vertx.prefer-native-transport on Linux x86_64: %s",
                agentVertx.unavailableNativeTransportCause()).isTrue();
    }
}
