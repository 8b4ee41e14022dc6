package io.peerlift.device.agent;

import io.peerlift.device.domain.Backoff;
import io.peerlift.device.gateway.GatewayApi;
import io.peerlift.events.DeviceConfig;
import io.peerlift.events.DeviceEvent;
import io.peerlift.events.EventCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A real agent's only line to the fleet: its gateway, over HTTP. Two long polls run one after the other without
 * end, one for the device's commands (each answer's cursor is the next poll's {@code after}, which tells the
 * gateway what the device holds) and one for its configuration (by revision); the device's events are posted in
 * batches from its event outbox ({@link #post}), which keeps each until the gateway answered that Kafka holds it. A
 * failed poll is retried with backoff. Every call carries the device's own token ({@link DeviceToken}), by which
 * the gateway knows which device it is. Everything runs on the event loop.
 */
public final class GatewayLink {

    private static final Logger LOG = Logger.getLogger(GatewayLink.class);
    private static final Backoff RETRY = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

    private final Vertx vertx;
    private final HttpClient http;
    private final String base;
    private final Duration pollWait;
    private volatile boolean stopped;
    private final AtomicLong received = new AtomicLong();
    private String cursor;
    private long revision = -1;

    private final DeviceToken token;

    public GatewayLink(Vertx vertx, String gatewayUrl, String deviceId, DeviceToken token, Duration pollWait) {
        this.vertx = vertx;
        this.token = token;
        this.base = gatewayUrl.replaceAll("/+$", "") + GatewayApi.PATH + "/" + deviceId;
        this.pollWait = pollWait;
        this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(10_000));
    }

    /** Starts polling: {@code commands} and {@code configs} get what the gateway holds for this device only. */
    public void start(Consumer<io.peerlift.events.DeviceCommand> commands, Consumer<DeviceConfig> configs) {
        vertx.runOnContext(v -> {
            pollCommands(commands, 0);
            pollConfig(configs, 0);
        });
    }

    public void stop() {
        stopped = true;
    }

    /**
     * Posts a batch of the device's events (at most {@link GatewayApi#MAX_EVENTS_PER_POST}), in order; completes once
     * the gateway answered that Kafka holds them all, fails otherwise (the outbox sends them again).
     */
    public Future<Void> post(List<DeviceEvent> batch) {
        return call(HttpMethod.POST, base + "/events", Buffer.buffer("[" + String.join(",",
                batch.stream().map(EventCodec::encode).toList()) + "]"))
                .compose(answer -> answer.status() == 200 ? Future.<Void>succeededFuture()
                        : Future.failedFuture("the gateway answered status " + answer.status()));
    }

    private void pollCommands(Consumer<io.peerlift.events.DeviceCommand> commands, int failures) {
        if (stopped) {
            return;
        }
        String url = base + "/commands?wait=" + pollWait.toSeconds() + (cursor == null ? "" : "&after=" + cursor);
        call(HttpMethod.GET, url, null).onComplete(answer -> {
            if (answer.failed() || answer.result().status() != 200) {
                retry(failures, next -> pollCommands(commands, next), answer.failed() ? answer.cause().getMessage()
                        : "status " + answer.result().status());
                return;
            }
            GatewayApi.CommandBatch batch = EventCodec.decode(answer.result().body().getBytes(), GatewayApi.CommandBatch.class);
            batch.commands().forEach(delivery -> commands.accept(delivery.command()));
            cursor = batch.cursor();
            pollCommands(commands, 0);
        });
    }

    private void pollConfig(Consumer<DeviceConfig> configs, int failures) {
        if (stopped) {
            return;
        }
        String url = base + "/config?wait=" + pollWait.toSeconds() + "&after=" + revision;
        call(HttpMethod.GET, url, null).onComplete(answer -> {
            if (answer.failed() || answer.result().status() != 200 && answer.result().status() != 204) {
                retry(failures, next -> pollConfig(configs, next), answer.failed() ? answer.cause().getMessage()
                        : "status " + answer.result().status());
                return;
            }
            if (answer.result().status() == 200) {
                DeviceConfig config = EventCodec.decode(answer.result().body().getBytes(), DeviceConfig.class);
                revision = Math.max(revision, config.revision());
                configs.accept(config);
            }
            pollConfig(configs, 0);
        });
    }

    private void retry(int failures, Consumer<Integer> again, String why) {
        Duration wait = RETRY.before(failures + 1, bound -> ThreadLocalRandom.current().nextLong(bound));
        LOG.debugf("gateway call failed (%s); again in %d ms", why, wait.toMillis());
        vertx.setTimer(wait.toMillis(), t -> again.accept(failures + 1));
    }

    /** An answer's status and body. */
    private record Answer(int status, Buffer body) {
    }

    private Future<Answer> call(HttpMethod method, String url, Buffer body) {
        RequestOptions options = new RequestOptions().setMethod(method).setAbsoluteURI(url)
                .setIdleTimeout(pollWait.plusSeconds(15).toMillis());
        if (body != null) {
            options.putHeader("Content-Type", "application/json");
        }
        options.putHeader("Authorization", "Bearer " + token.current());
        return http.request(options)
                .compose(request -> body == null ? request.send() : request.send(body))
                .compose(response -> response.body().map(bytes -> {
                    received.addAndGet(bytes.length());
                    if (response.statusCode() == 401) {
                        // Expired or replaced: the next call reads the token file again.
                        token.refresh();
                    }
                    return new Answer(response.statusCode(), bytes);
                }));
    }

    /** Bytes of every answer body the gateway sent this agent: what it hears of the fleet. */
    public long receivedBytes() {
        return received.get();
    }

}
