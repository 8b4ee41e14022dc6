package io.peerlift.rollout;

import io.peerlift.events.EventCodec;
import io.peerlift.events.RolloutStatus;
import io.peerlift.events.Topics;
import io.peerlift.localstack.LocalStackTestResource;
import io.peerlift.localstack.TestTokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /api/rollouts/stream} over a real socket, fed from the real {@code peerlift.rollout-status} topic:
 * a new subscriber gets the latest snapshot of each rollout, then the newer ones as they are published.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "rollout"))
class RolloutStreamResourceTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TestHTTPResource("/api/rollouts/stream")
    URI stream;

    private final String first = "stream-test-" + UUID.randomUUID();
    private final String second = "stream-test-" + UUID.randomUUID();
    private final HttpClient http = HttpClient.newHttpClient();
    private final ExecutorService readers = Executors.newCachedThreadPool();
    private final List<Stream<String>> openStreams = new CopyOnWriteArrayList<>();
    private final RolloutStatusProducer producer = new RolloutStatusProducer();

    @AfterEach
    void close() {
        openStreams.forEach(Stream::close);
        readers.shutdownNow();
        producer.close();
    }

    @Test
    void replaysTheLatestSnapshotPerRolloutThenStreamsNewerOnes() throws Exception {
        producer.publish(status(first, 1));
        producer.publish(status(first, 2));
        producer.publish(status(second, 1));
        Map<String, Long> latest = Map.of(first, 2L, second, 1L);
        BlockingQueue<RolloutStatus> early = subscribe();
        versionsUntil(early, latest); // now the service has read them all

        BlockingQueue<RolloutStatus> late = subscribe();
        assertThat(versionsUntil(late, latest)).as("only the latest snapshot of each rollout is replayed")
                .isEqualTo(Map.of(first, List.of(2L), second, List.of(1L)));

        producer.publish(status(first, 1));
        producer.publish(status(first, 3));
        assertThat(nextOf(late, first).version()).as("an older snapshot is not passed on").isEqualTo(3);
        assertThat(nextOf(early, first).version()).isEqualTo(3);
    }

    @Test
    void aMalformedSnapshotGoesToTheDeadLetterTopicAndTheStreamGoesOn() throws Exception {
        String garbage = "{\"rolloutId\": \"" + first + "\", \"version\": \"not a number\"}";
        BlockingQueue<RolloutStatus> events = subscribe();
        producer.publishRaw(first, garbage);
        producer.publish(status(first, 1));

        assertThat(nextOf(events, first).version()).isEqualTo(1);
        try (KafkaConsumer<String, String> deadLetters = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalStackTestResource.shared().kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "dead-letter-check-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            deadLetters.subscribe(List.of(Topics.deadLetterOf(Topics.ROLLOUT_STATUS)));
            List<String> seen = new ArrayList<>();
            await().atMost(WAIT).until(() -> {
                deadLetters.poll(Duration.ofMillis(500)).forEach(record -> seen.add(record.value()));
                return seen.contains(garbage);
            });
        }
    }

    // ---- the client side ----

    /** Opens the stream; its snapshots arrive in the returned queue. */
    private BlockingQueue<RolloutStatus> subscribe() {
        BlockingQueue<RolloutStatus> received = new LinkedBlockingQueue<>();
        HttpRequest request = HttpRequest.newBuilder(stream).header("Accept", "text/event-stream")
                .header("Authorization", "Bearer " + TestTokens.viewer()).build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenAcceptAsync(response -> {
            openStreams.add(response.body());
            try (Stream<String> lines = response.body()) {
                lines.filter(line -> line.startsWith("data:"))
                        .map(line -> EventCodec.decode(line.substring("data:".length()), RolloutStatus.class))
                        .forEach(received::add);
            } catch (UncheckedIOException closedByTheTest) {
                // the test is over
            }
        }, readers);
        return received;
    }

    /** The next snapshot of {@code rolloutId} in the queue, skipping other rollouts'. */
    private static RolloutStatus nextOf(BlockingQueue<RolloutStatus> queue, String rolloutId) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            RolloutStatus next = queue.poll(100, TimeUnit.MILLISECONDS);
            if (next != null && next.rolloutId().equals(rolloutId)) {
                return next;
            }
        }
        throw new AssertionError("no snapshot of " + rolloutId + " within " + WAIT);
    }

    /** The versions received per rollout of {@code wanted} until each reached its wanted version. */
    private static Map<String, List<Long>> versionsUntil(BlockingQueue<RolloutStatus> queue, Map<String, Long> wanted)
            throws InterruptedException {
        Map<String, List<Long>> received = new HashMap<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!wanted.entrySet().stream().allMatch(entry -> received.getOrDefault(entry.getKey(), List.of())
                .contains(entry.getValue()))) {
            RolloutStatus next = queue.poll(100, TimeUnit.MILLISECONDS);
            if (next != null && wanted.containsKey(next.rolloutId())) {
                received.computeIfAbsent(next.rolloutId(), id -> new ArrayList<>()).add(next.version());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("wanted versions " + wanted + ", received " + received + " within " + WAIT);
            }
        }
        return received;
    }


    private static RolloutStatus status(String rolloutId, long version) {
        Instant now = Instant.now();
        return new RolloutStatus.Summary(rolloutId, 1, "base_system", "12.7.4", "RUNNING", "PEER_THEN_WAN", null,
                Map.of("PENDING", 1), 1, Map.of("PENDING", 1), 0, 0, 0, now, now, null, null, version, now);
    }
}
