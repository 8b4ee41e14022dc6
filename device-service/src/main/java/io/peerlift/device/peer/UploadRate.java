package io.peerlift.device.peer;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;

import java.time.Duration;

/**
 * One device's upload rate: a token bucket (Bucket4j) of bytes that every connection of the device draws from,
 * so that the device uploads at most {@code bytesPerSecond} whatever the number of downloaders. Its capacity
 * (the burst) is a tenth of a second's worth, at least one slice.
 */
final class UploadRate {

    private final Bucket bucket;

    UploadRate(long bytesPerSecond, int sliceBytes) {
        long capacity = Math.max(sliceBytes, bytesPerSecond / 10);
        this.bucket = Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(bytesPerSecond, Duration.ofSeconds(1))
                        .initialTokens(capacity).build())
                .build();
    }

    /** Takes {@code bytes} tokens if the bucket holds them: 0. Otherwise takes none and returns the nanos to wait. */
    long take(long bytes) {
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(bytes);
        return probe.isConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
    }
}
