package io.peerlift.events;

import java.util.List;

/**
 * Kafka topic names of the contract. Services, tests and the deploy manifests use these names and nothing
 * else, so a rename happens in one place.
 */
public final class Topics {

    /** Every device event, keyed by subnet so that one consumer owns a subnet and sees it in order. */
    public static final String DEVICE_EVENTS = "peerlift.device-events";

    /** Commands to devices, keyed by subnet. */
    public static final String DEVICE_COMMANDS = "peerlift.device-commands";

    /** Each device's effective configuration, keyed by device id, compacted. */
    public static final String DEVICE_CONFIG = "peerlift.device-config";

    /**
     * Rollout summaries (keyed by rollout id) and per-subnet progress (keyed by rollout id and subnet) for
     * dashboards, compacted: the latest record per key is kept.
     */
    public static final String ROLLOUT_STATUS = "peerlift.rollout-status";

    /** Suffix of the dead-letter topic of a consumed topic (the SmallRye Kafka dead-letter-queue strategy). */
    public static final String DEAD_LETTER_SUFFIX = ".dlq";

    /** Partitions of each topic when the local stack creates them. */
    public static final int LOCAL_PARTITIONS = 3;

    private Topics() {
    }

    /** All topics of the contract, in a stable order. */
    public static List<String> all() {
        return List.of(DEVICE_EVENTS, DEVICE_COMMANDS, DEVICE_CONFIG, ROLLOUT_STATUS);
    }

    /** Topics whose records are kept by key only (the latest value per key). */
    public static boolean isCompacted(String topic) {
        return DEVICE_CONFIG.equals(topic) || ROLLOUT_STATUS.equals(topic);
    }

    public static String deadLetterOf(String topic) {
        return topic + DEAD_LETTER_SUFFIX;
    }
}
