package io.peerlift.events;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The maintenance window rule alone: openings of a Quartz schedule in a zone, each open for its duration. */
class MaintenanceWindowTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    /** 2026-01-01T00:00Z to 2028-01-01T00:00Z, in seconds. */
    private static final long FROM = 1_767_225_600L;
    private static final long TO = 1_830_297_600L;

    private static Instant berlin(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(BERLIN).toInstant();
    }

    @Property(tries = 500)
    void aDailyWindowIsOpenExactlyFromItsStartForItsDurationInItsZone(
            @ForAll @LongRange(min = FROM, max = TO) long second, @ForAll @IntRange(min = 0, max = 23) int hour,
            @ForAll @IntRange(min = 1, max = 12 * 60) int minutes, @ForAll @IntRange(min = -12, max = 14) int offset) {
        ZoneOffset zone = ZoneOffset.ofHours(offset);
        MaintenanceWindow window = MaintenanceWindow.parse("0 0 " + hour + " * * ?",
                String.format("%02d:%02d:00", minutes / 60, minutes % 60), zone.getId());
        Instant now = Instant.ofEpochSecond(second);

        LocalTime local = now.atZone(zone).toLocalTime();
        long sinceStart = Math.floorMod(Duration.between(LocalTime.of(hour, 0), local).toSeconds(), 24 * 3600);
        assertThat(window.isOpen(now)).isEqualTo(sinceStart < minutes * 60L);
    }

    @Property(tries = 300)
    void theNextOpeningIsOpenAndNothingOpensBeforeIt(@ForAll @LongRange(min = FROM, max = TO) long second,
                                                    @ForAll @IntRange(min = 1, max = 120) int minutes) {
        MaintenanceWindow window = MaintenanceWindow.parse("0 30 22 ? * MON-FRI",
                String.format("%02d:%02d:00", minutes / 60, minutes % 60), "Europe/Berlin");
        Instant now = Instant.ofEpochSecond(second);

        Instant opens = window.nextOpening(now).orElseThrow();
        assertThat(window.isOpen(opens)).isTrue();
        assertThat(opens).isAfterOrEqualTo(now);
        if (window.isOpen(now)) {
            assertThat(opens).isEqualTo(now);
        } else {
            assertThat(window.isOpen(opens.minusSeconds(1))).as("closed just before it opens").isFalse();
            assertThat(opens.atZone(BERLIN).toLocalTime()).isEqualTo(LocalTime.of(22, 30));
            assertThat(opens.atZone(BERLIN).getDayOfWeek().getValue()).isBetween(1, 5);
            assertThat(Duration.between(now, opens)).isLessThanOrEqualTo(Duration.ofDays(3).plusHours(1));
        }
    }

    @Test
    void aWeekdayNightWindowFollowsTheZonesClockAcrossDaylightSavingTime() {
        MaintenanceWindow window = MaintenanceWindow.parse("0 0 22 ? * MON-FRI", "04:00:00", "Europe/Berlin");

        assertThat(window.isOpen(berlin("2026-03-27T21:59:59"))).isFalse();
        assertThat(window.isOpen(berlin("2026-03-27T22:00:00"))).isTrue();
        assertThat(window.isOpen(berlin("2026-03-28T01:59:59"))).isTrue();
        assertThat(window.isOpen(berlin("2026-03-28T02:00:00"))).isFalse();
        // Friday night 22:00 CET is 21:00Z; Monday night 22:00 CEST (after the switch on Sunday) is 20:00Z.
        assertThat(window.nextOpening(berlin("2026-03-28T12:00:00"))).contains(Instant.parse("2026-03-30T20:00:00Z"));
        assertThat(window.nextOpening(berlin("2026-03-27T23:00:00"))).contains(berlin("2026-03-27T23:00:00"));
    }

    @Test
    void aWindowThatNeverOpensAgainHasNoNextOpening() {
        MaintenanceWindow window = MaintenanceWindow.parse("0 0 3 1 1 ? 2026", "01:00:00", "UTC");
        assertThat(window.nextOpening(Instant.parse("2026-06-01T00:00:00Z"))).isEmpty();
        assertThat(window.isOpen(Instant.parse("2026-01-01T03:59:59Z"))).isTrue();
    }

    @Test
    void malformedPartsAreNamedTogether() {
        assertThatThrownBy(() -> MaintenanceWindow.parse("every night", "4h", "Mars/Olympus"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maintenanceWindow.schedule 'every night' is not a Quartz cron expression")
                .hasMessageContaining("maintenanceWindow.duration '4h' must be HH:mm:ss")
                .hasMessageContaining("maintenanceWindow.timeZone 'Mars/Olympus' is not a time zone");
        assertThatThrownBy(() -> MaintenanceWindow.parse("0 0 22 * * ?", "00:00:00", "UTC"))
                .hasMessage("maintenanceWindow.duration must be longer than 00:00:00");
        assertThat(MaintenanceWindow.parse("0 0 22 * * ?", "4:30:00", "+02:00").durationText()).isEqualTo("04:30:00");
    }

    @Test
    void theContractCarriesItAsHawkBitWritesItAndDecodingValidatesIt() {
        MaintenanceWindow window = MaintenanceWindow.parse("0 0 22 ? * MON-FRI", "4:00:00", "Europe/Berlin");
        String json = EventCodec.encode(window);

        assertThat(json).isEqualTo("{\"schedule\":\"0 0 22 ? * MON-FRI\",\"duration\":\"04:00:00\","
                + "\"timeZone\":\"Europe/Berlin\"}");
        assertThat(EventCodec.decode(json, MaintenanceWindow.class)).isEqualTo(window);
        assertThatThrownBy(() -> EventCodec.decode("{\"schedule\":\"nightly\",\"duration\":\"04:00:00\","
                + "\"timeZone\":\"UTC\"}", MaintenanceWindow.class))
                .isInstanceOf(EventCodec.MalformedMessageException.class)
                .hasMessageContaining("maintenanceWindow.schedule 'nightly'");
    }
}
