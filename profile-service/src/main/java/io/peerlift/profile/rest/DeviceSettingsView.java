package io.peerlift.profile.rest;

import io.peerlift.events.OsFamily;
import io.peerlift.profile.domain.Device;
import io.peerlift.profile.domain.DeviceSettings;
import io.peerlift.profile.service.DeviceService.OwnSettings;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.Map;

@Schema(name = "DeviceSettings", description = "A device's own configuration: every profile overrides it, and it "
        + "applies only while the device runs osFamily")
public record DeviceSettingsView(
        @Schema(example = "s1-d01") String deviceId,
        @Schema(description = "the family the settings were set for", example = "OS11") OsFamily osFamily,
        @Schema(description = "only the keys set", example = "{\"update.discovery.port\": 22336}")
        Map<String, Object> settings,
        @Schema(nullable = true) Instant updatedAt) {

    static DeviceSettingsView of(OwnSettings stored) {
        Device device = stored.device();
        DeviceSettings own = stored.settings();
        return own == null
                ? new DeviceSettingsView(device.id, device.osFamily(), Map.of(), null)
                : new DeviceSettingsView(own.deviceId, own.osFamily, own.settings, own.updatedAt);
    }
}
