package io.peerlift.events;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LimitsTest {

    @Test
    void deviceIdsAreBoundedAndPrintable() {
        String longest = "d".repeat(Limits.MAX_DEVICE_ID_LENGTH);
        assertThat(Limits.requireDeviceId(longest)).isEqualTo(longest);
        assertThatThrownBy(() -> Limits.requireDeviceId(longest + "d")).hasMessageContaining("at most 128");
        assertThatThrownBy(() -> Limits.requireDeviceId("dev\u0000ice")).hasMessageContaining("U+0000");
        assertThatThrownBy(() -> Limits.requireDeviceId("dev ice")).hasMessageContaining("white space");
    }

    @Test
    void namesAreTrimmedBoundedAndFreeOfControlCharacters() {
        assertThat(Limits.requireName("  Berlin ", "folder name")).isEqualTo("Berlin");
        assertThatThrownBy(() -> Limits.requireName("x".repeat(201), "folder name")).hasMessageContaining("at most 200");
        assertThatThrownBy(() -> Limits.requireName("Ber\u0000lin", "folder name"))
                .hasMessage("folder name 'Ber\\u0000lin' contains the control character U+0000 at position 3; "
                        + "control characters are not allowed");
        assertThatThrownBy(() -> Limits.requireName("two\nlines", "profile name")).hasMessageContaining("U+000A");
        assertThatThrownBy(() -> Limits.requireName(" ", "profile name")).hasMessage("profile name is required");
    }

    /** The contract refuses, at decoding, what a consumer's schema could not store. */
    @Test
    void eventsAndConfigurationsRefuseIdsAndPathsBeyondTheLimits() {
        String tooLong = "d".repeat(Limits.MAX_DEVICE_ID_LENGTH + 1);
        String event = EventCodec.encode(new DeviceEvent.PeerServerStopped(UUID.randomUUID(), "d1",
                "10.1.2.0/24", Instant.EPOCH, 1, 1, 22335, "stopped")).replace("\"d1\"", "\"" + tooLong + "\"");
        assertThatThrownBy(() -> EventCodec.decode(event, DeviceEvent.class)).hasMessageContaining("at most 128");

        List<Long> deepest = new ArrayList<>();
        for (long id = 1; id <= Limits.MAX_FOLDER_DEPTH + 1; id++) {
            deepest.add(id);
        }
        assertThat(config(deepest).folderPath()).hasSize(33);
        deepest.add(99L);
        assertThatThrownBy(() -> config(deepest)).hasMessageContaining("at most 33");
    }

    private static DeviceConfig config(List<Long> path) {
        return new DeviceConfig(UUID.randomUUID(), "d1", path.get(path.size() - 1), path, OsFamily.OS12, "12.7.4",
                Map.of(), Map.of(), 1, Instant.EPOCH);
    }
}
