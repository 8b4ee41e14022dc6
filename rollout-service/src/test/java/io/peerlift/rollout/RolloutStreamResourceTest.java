package io.peerlift.rollout;

import io.peerlift.events.EventCodec;
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
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /api/rollouts/stream} and {@code GET /api/rollouts/{id}/board} over a real socket, fed from the real
 * {@code peerlift.rollout-status} topic: the browser names what it shows and receives that, then only what
 * changed.
 */
@QuarkusTest
@WithTestResource(value = LocalStackTestResource.class,
        initArgs = @ResourceArg(name = LocalStackTestResource.DATABASE_ARG, value = "rollout"))
class RolloutStreamResourceTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int SUBNETS = 40;

    @TestHTTPResource("/")
    URI service;

    private final String rolloutId = "stream-test-" + UUID.randomUUID();
    private final SyntheticRollout rollout = new SyntheticRollout(rolloutId, SUBNETS, Instant.now());
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
    void sendsWhatTheBrowserShowsThenOnlyWhatChanged() throws Exception {
        producer.publishAll(rollout.records(1, 0));
        // The board first holds every subnet, so that the frame on connect is the whole view; connected earlier,
        // later frames carry only what changed, and none of them the rollouts again.
        URI board = service.resolve("api/rollouts/" + rolloutId + "/board");
        await().atMost(WAIT).until(() -> {
            HttpResponse<String> response = get(board);
            return response.statusCode() == 200
                    && ((Number) EventCodec.decode(response.body(), Map.class).get("total")).intValue() == SUBNETS;
        });
        BlockingQueue<Map<String, Object>> frames = subscribe("rollout=" + rolloutId + "&sort=subnet&limit=10&subnet="
                + URLEncoder.encode(SyntheticRollout.subnet(3), StandardCharsets.UTF_8));

        Map<String, Object> first = frames.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(first).as("the frame on connect").isNotNull();
        assertThat(((Number) map(first, "page").get("total")).intValue()).isEqualTo(SUBNETS);
        assertThat(first.keySet()).contains("rollouts", "summary", "ideal", "growth", "page", "rows", "detail");
        assertThat((List<?>) map(first, "page").get("subnets")).hasSize(10).first()
                .isEqualTo(SyntheticRollout.subnet(0));
        assertThat(list(first, "rows")).extracting(row -> row.get("subnet"))
                .containsExactlyElementsOf((List<?>) map(first, "page").get("subnets"));
        assertThat(map(map(first, "detail"), "row").get("state")).as("subnet 3 stalled").isEqualTo("WAITING");

        // A subnet of the page changes: a frame carries its new row; no frame carries a row off the page.
        @SuppressWarnings("unchecked")
        List<Object> shown = (List<Object>) map(first, "page").get("subnets");
        producer.publishAll(List.of(rollout.records(2, 4096).get(1)));
        List<Map<String, Object>> seen = new ArrayList<>();
        Map<String, Object> change = next(frames, frame -> {
            seen.add(frame);
            return frame.containsKey("rows") && list(frame, "rows").stream()
                    .anyMatch(row -> row.get("subnet").equals(SyntheticRollout.subnet(1)));
        });
        assertThat(list(change, "rows")).filteredOn(row -> row.get("subnet").equals(SyntheticRollout.subnet(1)))
                .singleElement().satisfies(row -> assertThat(row.get("wanBytes")).isEqualTo(4096));
        assertThat(seen).filteredOn(frame -> frame.containsKey("rows"))
                .flatExtracting(frame -> list(frame, "rows").stream().map(row -> row.get("subnet")).toList())
                .allSatisfy(subnet -> assertThat(shown).contains(subnet));
    }

    @Test
    void theBoardIsPagedSortedAndFilteredOnTheServer() throws Exception {
        producer.publishAll(rollout.records(1, 0));
        URI waiting = service.resolve("api/rollouts/" + rolloutId + "/board?state=waiting&sort=subnet");
        await().atMost(WAIT).until(() -> get(waiting).statusCode() == 200);
        Map<String, Object> page = EventCodec.decode(get(waiting).body(), Map.class);

        assertThat(page.get("total")).isEqualTo(2); // subnet 3, stalled, and the slowest, 25, in address order
        assertThat(list(page, "rows")).extracting(row -> row.get("subnet"))
                .containsExactly(SyntheticRollout.subnet(3), SyntheticRollout.subnet(25));
        Map<String, Object> worst = EventCodec.decode(get(service.resolve("api/rollouts/" + rolloutId + "/board?limit=1"))
                .body(), Map.class);
        assertThat(list(worst, "rows").get(0).get("subnet")).isEqualTo(rollout.slowest());
    }

    @Test
    void badQueriesAreProblemsThatSayWhatIsWrong() throws Exception {
        HttpResponse<String> badSort = get(service.resolve("api/rollouts/stream?rollout=x&sort=speed"));
        assertThat(badSort.statusCode()).isEqualTo(400);
        assertThat(badSort.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("application/problem+json"));
        assertThat(badSort.body()).contains("sort 'speed' is not one of");
        assertThat(get(service.resolve("api/rollouts/x/board?limit=500")).body()).contains("limit must be 1..50");
        assertThat(get(service.resolve("api/rollouts/no-such-rollout/board")).statusCode()).isEqualTo(404);
    }

    @Test
    void aMalformedStatusGoesToTheDeadLetterTopicAndTheStreamGoesOn() throws Exception {
        String garbage = "{\"rolloutId\": \"" + rolloutId + "\", \"version\": \"not a number\"}";
        producer.publishRaw(rolloutId, garbage);
        producer.publishAll(rollout.records(1, 0));
        BlockingQueue<Map<String, Object>> frames = subscribe("rollout=" + rolloutId);
        assertThat(map(next(frames, frame -> frame.containsKey("summary")), "summary").get("rolloutId"))
                .isEqualTo(rolloutId);
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

    private HttpResponse<String> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + TestTokens.viewer()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Opens the stream with {@code query}; its frames arrive in the returned queue. */
    @SuppressWarnings("unchecked")
    private BlockingQueue<Map<String, Object>> subscribe(String query) {
        BlockingQueue<Map<String, Object>> received = new LinkedBlockingQueue<>();
        HttpRequest request = HttpRequest.newBuilder(service.resolve("api/rollouts/stream?" + query))
                .header("Accept", "text/event-stream").header("Authorization", "Bearer " + TestTokens.viewer()).build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenAcceptAsync(response -> {
            openStreams.add(response.body());
            try (Stream<String> lines = response.body()) {
                lines.filter(line -> line.startsWith("data:"))
                        .map(line -> (Map<String, Object>) EventCodec.decode(line.substring("data:".length()), Map.class))
                        .forEach(received::add);
            } catch (UncheckedIOException closedByTheTest) {
                // the test is over
            }
        }, readers);
        return received;
    }

    /** The next frame that satisfies {@code wanted}, skipping others. */
    private static Map<String, Object> next(BlockingQueue<Map<String, Object>> frames,
                                            Predicate<Map<String, Object>> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, Object> frame = frames.poll(100, TimeUnit.MILLISECONDS);
            if (frame != null && wanted.test(frame)) {
                return frame;
            }
        }
        throw new AssertionError("no such frame within " + WAIT);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> json, String name) {
        return (Map<String, Object>) json.get(name);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> json, String name) {
        return (List<Map<String, Object>>) json.get(name);
    }

}
