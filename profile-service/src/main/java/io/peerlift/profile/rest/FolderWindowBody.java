package io.peerlift.profile.rest;

import io.peerlift.profile.domain.Folder;
import io.peerlift.profile.service.FolderService;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "FolderMaintenanceWindow", description = "hawkBit's maintenance window without its zone: a folder's "
        + "window is read in the time zone of each device's folder. New Upgrades only from each opening of "
        + "schedule for duration.")
public record FolderWindowBody(
        @Schema(required = true, description = "Quartz cron expression, seconds first", example = "0 0 22 ? * MON-FRI")
        String schedule,
        @Schema(required = true, description = "HH:mm:ss", example = "04:00:00") String duration) {

    static FolderWindowBody of(Folder folder) {
        return folder.windowSchedule == null ? null : new FolderWindowBody(folder.windowSchedule, folder.windowDuration);
    }

    static FolderService.Window windowOf(FolderWindowBody body) {
        return body == null ? null : new FolderService.Window(body.schedule(), body.duration());
    }
}
