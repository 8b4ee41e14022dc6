package io.peerlift.device.domain;

import java.time.Duration;
import java.util.function.LongUnaryOperator;

/** How long to wait before the next attempt: doubling from {@code first}, capped at {@code max}, plus up to 25% jitter. */
public record Backoff(Duration first, Duration max) {

    /**
     * @param attempt 1 for the first wait
     * @param jitter  a random number in {@code [0, bound)} for a bound (against herds of devices retrying together)
     */
    public Duration before(int attempt, LongUnaryOperator jitter) {
        long base = first.toMillis() << Math.min(Math.max(attempt, 1) - 1, 16);
        long capped = Math.min(base, max.toMillis());
        return Duration.ofMillis(capped + jitter.applyAsLong(capped / 4 + 1));
    }
}
