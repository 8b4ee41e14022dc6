package io.peerlift.support.retry;

import jakarta.validation.ValidationException;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.sql.SQLTransientConnectionException;

import static org.assertj.core.api.Assertions.assertThat;

class PoisonTest {

    @Test
    void aRecordThatCannotEverBeAppliedIsPoisonWhereverItsCauseIsWrapped() {
        assertThat(Poison.isPoison(new IllegalArgumentException("osVersion eleven"))).isTrue();
        assertThat(Poison.isPoison(new RuntimeException(new NumberFormatException("x")))).isTrue();
        assertThat(Poison.isPoison(new IllegalStateException(new ValidationException("blank")))).isTrue();
    }

    @Test
    void theStateOfThePlatformIsNeverPoison() {
        var refused = new SQLTransientConnectionException("Connection to 127.0.0.1:5432 refused");
        assertThat(Poison.isPoison(new RuntimeException("could not obtain a connection", refused))).isFalse();
        assertThat(Poison.isPoison(new UncheckedIOException(new java.io.IOException("broker away")))).isFalse();
        assertThat(Poison.isPoison(new IllegalStateException("lock timeout"))).isFalse();
    }
}
