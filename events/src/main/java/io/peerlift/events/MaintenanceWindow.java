package io.peerlift.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a rollout may command new upgrades, as hawkBit defines a maintenance window: a schedule (a Quartz cron
 * expression, seconds first, for the window's openings), a duration ({@code HH:mm:ss}) and a time zone the schedule
 * is read in (an IANA zone such as {@code Europe/Berlin}, or an offset such as {@code +01:00}). A pure rule: the
 * window is open from each opening for its duration; daylight saving time shifts the openings with the zone's
 * clocks.
 * <p>
 * One rule for both windows of issue #15: a rollout's own (rollout-service) and a folder's, which profile-service
 * validates and publishes in each device's {@link DeviceConfig}, where it is JSON as hawkBit writes it:
 * {@code {schedule, duration, timeZone}}. Decoding validates it, as a request does.
 */
public record MaintenanceWindow(String schedule, Duration duration, ZoneId zone) {

    private static final CronParser QUARTZ =
            new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));
    private static final Pattern HH_MM_SS = Pattern.compile("(\\d{1,3}):([0-5]\\d):([0-5]\\d)");

    /**
     * @throws Invalid naming every part that is malformed: the schedule, a duration that is not {@code HH:mm:ss}
     *                 or is zero, an unknown zone
     */
    @JsonCreator
    public static MaintenanceWindow parse(@JsonProperty("schedule") String schedule,
                                          @JsonProperty("duration") String duration,
                                          @JsonProperty("timeZone") String zone) {
        List<String> violations = new ArrayList<>();
        try {
            if (schedule == null || schedule.isBlank()) {
                throw new IllegalArgumentException("it is missing");
            }
            QUARTZ.parse(schedule.strip()).validate();
        } catch (IllegalArgumentException e) {
            violations.add("maintenanceWindow.schedule '" + schedule + "' is not a Quartz cron expression (seconds "
                    + "minutes hours day-of-month month day-of-week, e.g. '0 0 22 ? * MON-FRI'): " + e.getMessage());
        }
        Duration length = null;
        Matcher hms = HH_MM_SS.matcher(duration == null ? "" : duration.strip());
        if (!hms.matches()) {
            violations.add("maintenanceWindow.duration '" + duration + "' must be HH:mm:ss, e.g. '04:00:00'");
        } else {
            length = Duration.ofHours(Long.parseLong(hms.group(1))).plusMinutes(Long.parseLong(hms.group(2)))
                    .plusSeconds(Long.parseLong(hms.group(3)));
            if (length.isZero()) {
                violations.add("maintenanceWindow.duration must be longer than 00:00:00");
            }
        }
        ZoneId zoneId = null;
        try {
            zoneId = parseZone(zone, "maintenanceWindow.timeZone");
        } catch (Invalid e) {
            violations.addAll(e.violations());
        }
        if (!violations.isEmpty()) {
            throw new Invalid(violations);
        }
        return new MaintenanceWindow(schedule.strip(), length, zoneId);
    }

    /**
     * A time zone as a window is read in: an IANA zone or an offset.
     *
     * @param field how the caller's input names it, for the message
     * @throws Invalid naming the field and the value
     */
    public static ZoneId parseZone(String zone, String field) {
        try {
            return ZoneId.of(zone == null ? "" : zone.strip());
        } catch (DateTimeException e) {
            throw new Invalid(List.of(field + " '" + zone + "' is not a time zone (an IANA zone such as "
                    + "'Europe/Berlin', or an offset such as '+01:00')"));
        }
    }

    /** Whether the window is open at {@code now}: an opening at or before it whose duration has not passed. */
    public boolean isOpen(Instant now) {
        return lastOpening(now).map(opened -> now.isBefore(opened.plus(duration))).orElse(false);
    }

    /** {@code now} while the window is open, else when it opens next; empty when the schedule never fires again. */
    public Optional<Instant> nextOpening(Instant now) {
        if (isOpen(now)) {
            return Optional.of(now);
        }
        return executions().nextExecution(now.atZone(zone)).map(ZonedDateTime::toInstant);
    }

    /** The latest opening at or before {@code now}: its window ends last of all that began by then. */
    private Optional<Instant> lastOpening(Instant now) {
        ZonedDateTime at = now.truncatedTo(ChronoUnit.SECONDS).atZone(zone);
        ExecutionTime executions = executions();
        if (executions.isMatch(at)) {
            return Optional.of(at.toInstant());
        }
        return executions.lastExecution(at).map(ZonedDateTime::toInstant);
    }

    private ExecutionTime executions() {
        return ExecutionTime.forCron(QUARTZ.parse(schedule));
    }

    /** The duration as hawkBit writes it, {@code HH:mm:ss}. */
    public String durationText() {
        long seconds = duration.toSeconds();
        return String.format("%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }

    /** The JSON of the contract and of the REST APIs: {@code {schedule, duration, timeZone}}. */
    @JsonValue
    public Map<String, String> json() {
        Map<String, String> json = new LinkedHashMap<>();
        json.put("schedule", schedule);
        json.put("duration", durationText());
        json.put("timeZone", zone.getId());
        return json;
    }

    /** A window refused: every malformed part, each a violation of its own (400 problem+json at the APIs). */
    public static final class Invalid extends IllegalArgumentException {

        private final List<String> violations;

        Invalid(List<String> violations) {
            super(String.join("; ", violations));
            this.violations = List.copyOf(violations);
        }

        public List<String> violations() {
            return violations;
        }
    }
}
