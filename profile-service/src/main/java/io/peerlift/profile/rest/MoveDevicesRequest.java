package io.peerlift.profile.rest;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

@Schema(name = "MoveDevices", description = "Devices to move into the folder: all of them, or none if one is unknown")
public record MoveDevicesRequest(
        @Schema(required = true, example = "[\"s1-d02\", \"s1-d03\"]") List<String> deviceIds) {
}
