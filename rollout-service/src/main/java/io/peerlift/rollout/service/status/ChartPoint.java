package io.peerlift.rollout.service.status;

import com.fasterxml.jackson.annotation.JsonFormat;

/** {@code value} at {@code seconds} after the rollout started; in JSON a pair {@code [seconds, value]}. */
@JsonFormat(shape = JsonFormat.Shape.ARRAY)
public record ChartPoint(double seconds, int value) {

    /** Seconds to a tenth, so a chart does not carry digits nobody sees. */
    static ChartPoint at(long millis, int value) {
        return new ChartPoint(Math.round(millis / 100.0) / 10.0, value);
    }
}
