package io.peerlift.profile.rest;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "FolderMaintenance", description = "The folder's own time zone and maintenance window, both "
        + "replaced: an absent one is none of its own (inherited from the folders above); {} removes both")
public record FolderMaintenanceRequest(
        @Schema(description = "IANA time zone (or an offset such as +01:00)", example = "Europe/Berlin")
        String timeZone,
        FolderWindowBody maintenanceWindow) {
}
