package io.peerlift.localstack;

import io.peerlift.events.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class LocalStackTest {

    private static LocalStack stack;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.startInTempDir();
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void theContractTopicsExistWithTheirDeadLetterTopicsAndDeviceConfigIsCompacted() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers()))) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .containsAll(Topics.all())
                    .contains(Topics.deadLetterOf(Topics.DEVICE_EVENTS));
            TopicDescription events = admin.describeTopics(List.of(Topics.DEVICE_EVENTS)).allTopicNames().get().get(Topics.DEVICE_EVENTS);
            assertThat(events.partitions()).hasSize(Topics.LOCAL_PARTITIONS);
            ConfigResource config = new ConfigResource(ConfigResource.Type.TOPIC, Topics.DEVICE_CONFIG);
            assertThat(admin.describeConfigs(List.of(config)).all().get().get(config).get("cleanup.policy").value())
                    .isEqualTo("compact");
        }
    }

    @Test
    void aRecordProducedIsConsumedInKeyOrder() throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(Topics.ROLLOUT_STATUS, "r1", "snapshot-" + i)).get();
            }
        }
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "local-stack-test",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            consumer.subscribe(List.of(Topics.ROLLOUT_STATUS));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < 5 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        assertThat(values).containsExactly("snapshot-0", "snapshot-1", "snapshot-2", "snapshot-3", "snapshot-4");
    }

    @Test
    void everyServiceDatabaseAcceptsConnections() throws Exception {
        for (String database : LocalPostgres.DATABASES) {
            try (Connection connection = DriverManager.getConnection(stack.jdbcUrl(database), LocalPostgres.USER, LocalPostgres.PASSWORD);
                 ResultSet result = connection.createStatement().executeQuery("SELECT current_database()")) {
                assertThat(result.next()).isTrue();
                assertThat(result.getString(1)).isEqualTo(database);
            }
        }
    }
}
