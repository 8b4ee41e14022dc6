package io.peerlift.profile.rest;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.Map;

@Schema(name = "DeviceSettingsRequest", description = "The device's own configuration, replaced as a whole")
public record DeviceSettingsRequest(
        @Schema(required = true, description = "settings of the device's OS family; {} removes them",
                example = "{\"update.discovery.port\": 22336}")
        Map<String, Object> settings) {
}
