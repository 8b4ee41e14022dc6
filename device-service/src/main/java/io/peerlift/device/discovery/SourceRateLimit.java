package io.peerlift.device.discovery;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;

import java.time.Duration;

/**
 * A token bucket (Bucket4j) per source, so that one noisy or hostile host cannot flood a port with requests or a
 * requester with answers. The buckets live in a bounded cache (Caffeine): a source silent for a minute starts
 * afresh, and a spoofed flood of addresses evicts the oldest instead of growing the heap.
 *
 * @param <K> what a source is: a sender's address, or a (receiver, sender) pair where one process speaks for many
 *            devices
 */
final class SourceRateLimit<K> {

    private static final int MAX_SOURCES = 100_000;

    private final long perSecond;
    private final Cache<K, Bucket> buckets = Caffeine.newBuilder()
            .maximumSize(MAX_SOURCES).expireAfterAccess(Duration.ofMinutes(1)).build();

    /** @param perSecond datagrams a source may send each second, in bursts of as many */
    SourceRateLimit(long perSecond) {
        this.perSecond = perSecond;
    }

    /** Whether {@code source} may send one more datagram now. */
    boolean allows(K source) {
        return buckets.get(source, s -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)).build())
                .build()).tryConsume(1);
    }
}
