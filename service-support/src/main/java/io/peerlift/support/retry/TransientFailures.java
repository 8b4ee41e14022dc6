package io.peerlift.support.retry;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import java.time.temporal.ChronoUnit;

/**
 * The services' one retry policy for recording what they consume, applied as {@code @ApplyGuard(TransientFailures.GUARD)}:
 * a failure that may pass (the database refusing connections or restarting, a lock, a serialization conflict, the
 * broker away) is retried with a backoff that doubles from 50 ms to 5 s, for as long as it takes: a record is
 * never dead-lettered for the state of the platform. Only {@link Poison poison} aborts at once, so that the
 * consumer can park that one record on its dead-letter topic and go on.
 */
@ApplicationScoped
public class TransientFailures {

    /** The guard's identifier, for {@code @ApplyGuard}. */
    public static final String GUARD = "transient-failures";

    /**
     * The guard itself, a static producer field: SmallRye Fault Tolerance applies only the instance its Guard API
     * built, never a scoped bean's client proxy (it refuses that one: "not created by the Guard API").
     */
    @Produces
    @Identifier(GUARD)
    static final Guard RETRY_UNTIL_IT_PASSES = Guard.create()
            .withRetry()
            .maxRetries(-1)
            .delay(50, ChronoUnit.MILLIS)
            .jitter(25, ChronoUnit.MILLIS)
            .maxDuration(3650, ChronoUnit.DAYS)
            .whenException(failure -> !Poison.isPoison(failure))
            .withExponentialBackoff().maxDelay(5, ChronoUnit.SECONDS).done()
            .done()
            .build();
}
