package io.peerlift.profile.rest;

import io.peerlift.events.OsFamily;
import io.peerlift.profile.domain.Device;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;

@Schema(name = "Device", description = "A device of the inventory, as last announced")
public record DeviceView(
        @Schema(example = "s1-d02") String id,
        @Schema(example = "2") long folderId,
        @Schema(example = "127.10.1.3") String ip,
        @Schema(example = "127.10.1.0/24") String subnet,
        @Schema(example = "11.11.150") String osVersion,
        @Schema(example = "OS11") OsFamily osFamily,
        @Schema(example = "2026-11-28T21:00:00Z") Instant lastSeen) {

    static DeviceView of(Device device) {
        return new DeviceView(device.id, device.folderId, device.ip, device.subnet, device.osVersion,
                device.osFamily(), device.lastSeen);
    }
}
