package io.peerlift.profile.rest;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "CreateFolder")
public record CreateFolderRequest(
        @Schema(required = true, example = "Distributed Peer Upgrade") String name,
        @Schema(description = "the parent folder; the root folder (1) when absent", example = "1") Long parentId,
        @Schema(description = "the folder's IANA time zone; absent: inherited", example = "Europe/Berlin")
        String timeZone,
        @Schema(description = "the folder's maintenance window; absent: inherited") FolderWindowBody maintenanceWindow) {
}
