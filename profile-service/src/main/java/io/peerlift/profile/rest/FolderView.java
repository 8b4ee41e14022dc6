package io.peerlift.profile.rest;

import io.peerlift.events.MaintenanceWindow;
import io.peerlift.profile.domain.Folder;
import io.peerlift.profile.domain.FolderTree;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;
import java.util.Map;

@Schema(name = "Folder", description = "A device folder; the root folder 'Devices' has id 1 and no parent")
public record FolderView(
        @Schema(example = "2") long id,
        @Schema(example = "Distributed Peer Upgrade") String name,
        @Schema(example = "1", nullable = true) Long parentId,
        @Schema(description = "folder ids from the root down to this folder", example = "[1, 2]") List<Long> path,
        @Schema(description = "the folder's own time zone; null: inherited", example = "Europe/Berlin",
                nullable = true) String timeZone,
        @Schema(description = "the folder's own maintenance window; null: inherited", nullable = true)
        FolderWindowBody maintenanceWindow,
        @Schema(description = "the time zone its devices' windows are read in: its own, else the nearest folder's "
                + "above it, else UTC", example = "Europe/Berlin") String effectiveTimeZone,
        @Schema(description = "the window its devices get: its own, else the nearest folder's above it, read in "
                + "effectiveTimeZone; null when no folder of its path has one", nullable = true,
                example = "{\"schedule\": \"0 0 22 ? * MON-FRI\", \"duration\": \"04:00:00\", "
                        + "\"timeZone\": \"Europe/Berlin\"}")
        Map<String, String> effectiveMaintenanceWindow) {

    static FolderView of(Folder folder, FolderTree tree) {
        return new FolderView(folder.id, folder.name, folder.parentId, tree.path(folder.id), folder.timeZone,
                FolderWindowBody.of(folder), tree.timeZone(folder.id).orElse(FolderTree.DEFAULT_TIME_ZONE),
                tree.maintenanceWindow(folder.id).map(MaintenanceWindow::json).orElse(null));
    }
}
