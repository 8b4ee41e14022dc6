package io.peerlift.localstack;

import io.peerlift.events.Topics;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Apache Kafka broker in KRaft mode (broker and controller in one node), running in this
 * JVM on loopback. Every topic of the contract, and its dead-letter topic, is created before {@link #start}
 * returns, so no client depends on auto-creation.
 */
public final class LocalKafka implements AutoCloseable {

    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

    private final Path dataDir;
    private final int brokerPort;
    private final int controllerPort;
    /** One cluster per instance, so that {@link #start} after {@link #close} (a broker restart) finds its own logs. */
    private final String clusterId = Uuid.randomUuid().toString();
    private KafkaRaftServer server;

    public LocalKafka(Path dataDir, int brokerPort) {
        this.dataDir = dataDir;
        this.brokerPort = brokerPort == 0 ? FreePorts.pick() : brokerPort;
        this.controllerPort = FreePorts.pickOtherThan(this.brokerPort);
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    public LocalKafka start() throws IOException {
        Path logDir = Files.createDirectories(dataDir.resolve("kafka-logs"));
        Properties props = brokerProperties(logDir);
        Path configFile = dataDir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(configFile)) {
            props.store(out, "Peerlift local Kafka");
        }
        format(configFile);
        server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
        createTopics();
        return this;
    }

    private Properties brokerProperties(Path logDir) {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        // One broker: every internal topic must live with a single replica.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "3");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        props.put("num.partitions", String.valueOf(Topics.LOCAL_PARTITIONS));
        // Consumers in tests and the demo join quickly instead of waiting the default 3 s.
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("log.flush.interval.messages", "10000");
        return props;
    }

    private void format(Path configFile) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        String[] args = {"format", "-t", clusterId, "-c", configFile.toString(), "--ignore-formatted"};
        int exit = StorageTool.execute(args, new PrintStream(output, true, StandardCharsets.UTF_8));
        if (exit != 0) {
            throw new IllegalStateException("formatting the Kafka log directory failed: " + output.toString(StandardCharsets.UTF_8));
        }
    }

    private void createTopics() {
        List<NewTopic> topics = new ArrayList<>();
        for (String topic : Topics.all()) {
            NewTopic newTopic = new NewTopic(topic, Topics.LOCAL_PARTITIONS, (short) 1);
            if (Topics.isCompacted(topic)) {
                newTopic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            }
            topics.add(newTopic);
            topics.add(new NewTopic(Topics.deadLetterOf(topic), 1, (short) 1));
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            // One request for all topics; a topic left from an earlier run of the same data dir is fine.
            for (var created : admin.createTopics(topics).values().entrySet()) {
                try {
                    created.getValue().get(60, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + created.getKey(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the local Kafka broker did not create the topics within 60 s", e);
        }
    }

    /**
     * Stops the broker, waiting at most {@link #SHUTDOWN_GRACE}: the data is throw-away, and a broker that
     * lingers (clients still retrying) must not hold up the end of a test JVM or of the demo.
     */
    @Override
    public void close() {
        if (server == null) {
            return;
        }
        KafkaRaftServer stopping = server;
        server = null;
        Thread shutdown = new Thread(() -> {
            stopping.shutdown();
            stopping.awaitShutdown();
        }, "local-kafka-shutdown");
        shutdown.setDaemon(true);
        shutdown.start();
        try {
            shutdown.join(SHUTDOWN_GRACE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
