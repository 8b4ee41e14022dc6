package io.peerlift.support.messaging;

import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * How every service consumes one poll of a batch channel. Each record is decoded alone: one that cannot be
 * decoded or validated is nacked alone, and the channel's failure strategy parks it on its dead-letter topic. The
 * decoded records are recorded together (one transaction, the caller's); when that fails, they are recorded one
 * by one, so that only a record that fails on its own is nacked and none blocks its partition.
 */
public final class PollConsumption {

    private static final Logger LOG = Logger.getLogger(PollConsumption.class);

    private PollConsumption() {
    }

    /**
     * @param decode   the record's value, or null when it says nothing to record (it is acked)
     * @param record   records a list of values, all or none
     * @param rejected told of every record nacked, for the service's metrics
     * @return completes once every record of the poll is acked or nacked
     */
    public static <T> CompletionStage<Void> consume(KafkaRecordBatch<String, String> poll,
                                                    Function<KafkaRecord<String, String>, T> decode,
                                                    Consumer<List<T>> record, Consumer<Throwable> rejected) {
        return consume(poll.getRecords(), decode, record, rejected);
    }

    /**
     * Like {@link #consume}, but the records of each partition are recorded on their own (each partition's in
     * its order, in a transaction of its own), the partitions of the poll at the same time: the first on the
     * caller's thread, the others on {@code workers}. For a channel whose partitions share nothing that one
     * transaction's locks would have to order: a poll spanning three partitions then waits for the slowest of
     * them instead of their sum.
     */
    public static <T> CompletionStage<Void> consumePerPartition(KafkaRecordBatch<String, String> poll,
                                                                Executor workers,
                                                                Function<KafkaRecord<String, String>, T> decode,
                                                                Consumer<List<T>> record,
                                                                Consumer<Throwable> rejected) {
        Map<Integer, List<KafkaRecord<String, String>>> byPartition = new LinkedHashMap<>();
        for (KafkaRecord<String, String> kafkaRecord : poll.getRecords()) {
            byPartition.computeIfAbsent(kafkaRecord.getPartition(), p -> new ArrayList<>()).add(kafkaRecord);
        }
        List<List<KafkaRecord<String, String>>> partitions = List.copyOf(byPartition.values());
        if (partitions.size() <= 1) {
            return consume(poll.getRecords(), decode, record, rejected);
        }
        List<CompletableFuture<CompletionStage<Void>>> others = partitions.subList(1, partitions.size()).stream()
                .map(records -> CompletableFuture.supplyAsync(() -> consume(records, decode, record, rejected), workers))
                .toList();
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        acks.add(consume(partitions.get(0), decode, record, rejected).toCompletableFuture());
        others.forEach(other -> acks.add(other.join().toCompletableFuture()));
        return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new));
    }

    private static <T> CompletionStage<Void> consume(List<KafkaRecord<String, String>> records,
                                                     Function<KafkaRecord<String, String>, T> decode,
                                                     Consumer<List<T>> record, Consumer<Throwable> rejected) {
        List<CompletionStage<Void>> acks = new ArrayList<>();
        List<KafkaRecord<String, String>> decoded = new ArrayList<>();
        List<T> values = new ArrayList<>();
        for (KafkaRecord<String, String> kafkaRecord : records) {
            try {
                T value = decode.apply(kafkaRecord);
                if (value == null) {
                    acks.add(kafkaRecord.ack());
                    continue;
                }
                values.add(value);
                decoded.add(kafkaRecord);
            } catch (RuntimeException malformed) {
                acks.add(nack(kafkaRecord, malformed, rejected));
            }
        }
        try {
            if (!values.isEmpty()) {
                record.accept(values);
            }
            decoded.forEach(kafkaRecord -> acks.add(kafkaRecord.ack()));
        } catch (RuntimeException pollFailed) {
            LOG.warnf(pollFailed, "recording a poll of %d records of %s failed; recording them one by one",
                    values.size(), decoded.get(0).getTopic());
            for (int i = 0; i < values.size(); i++) {
                try {
                    record.accept(List.of(values.get(i)));
                    acks.add(decoded.get(i).ack());
                } catch (RuntimeException recordFailed) {
                    acks.add(nack(decoded.get(i), recordFailed, rejected));
                }
            }
        }
        return CompletableFuture.allOf(acks.stream().map(CompletionStage::toCompletableFuture)
                .toArray(CompletableFuture[]::new));
    }

    private static CompletionStage<Void> nack(KafkaRecord<String, String> kafkaRecord, Throwable why,
                                              Consumer<Throwable> rejected) {
        rejected.accept(why);
        return kafkaRecord.nack(why);
    }
}
