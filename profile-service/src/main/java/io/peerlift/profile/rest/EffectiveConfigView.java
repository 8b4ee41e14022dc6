package io.peerlift.profile.rest;

import io.peerlift.events.DeviceConfig.SettingSource;
import io.peerlift.events.OsFamily;
import io.peerlift.profile.domain.EffectiveConfig;
import io.peerlift.profile.domain.FolderTree;
import io.peerlift.profile.service.InventoryService.RevisedConfig;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;
import java.util.Map;

@Schema(name = "EffectiveConfig", description = "What the device runs with, merged from its profiles by precedence")
public record EffectiveConfigView(
        @Schema(example = "s1-d01") String deviceId,
        @Schema(example = "2") long folderId,
        @Schema(example = "[1, 2]") List<Long> folderPath,
        @Schema(example = "OS12") OsFamily osFamily,
        @Schema(example = "12.7.4") String osVersion,
        @Schema(description = "every key of the family, defaults filled in",
                example = "{\"update.discovery.enabled\": true, \"update.discovery.port\": 22336, "
                        + "\"peerlift.buddy_server.enabled\": true, \"peerlift.buddy_server.port\": 22335, "
                        + "\"update.buddy_server.limit_of_connections\": 1}")
        Map<String, Object> settings,
        @Schema(description = "per key set by a profile, the profile that won; keys at their default are absent",
                example = "{\"update.discovery.enabled\": "
                        + "{\"profileId\": 1, \"profileName\": \"OS 12 peer update servers\"}}")
        Map<String, SettingSource> sources,
        @Schema(description = "revision of the configuration last published to peerlift.device-config", example = "3")
        long revision,
        @Schema(description = "the time zone of the device's folder (its own, else the nearest folder's above it, "
                + "else UTC)", example = "Europe/Berlin") String timeZone,
        @Schema(description = "the maintenance window its folders give it (the nearest folder's that has one, read "
                + "in timeZone): rollout-service commands no Upgrade outside it; null when none has one",
                nullable = true, example = "{\"schedule\": \"0 0 22 ? * MON-FRI\", \"duration\": \"04:00:00\", "
                        + "\"timeZone\": \"Europe/Berlin\"}")
        Map<String, String> maintenanceWindow) {

    static EffectiveConfigView of(RevisedConfig revised) {
        EffectiveConfig c = revised.config();
        return new EffectiveConfigView(c.deviceId(), c.folderId(), c.folderPath(), c.osFamily(), c.osVersion(),
                c.settings(), c.sources(), revised.revision(),
                c.timeZone() == null ? FolderTree.DEFAULT_TIME_ZONE : c.timeZone(),
                c.maintenanceWindow() == null ? null : c.maintenanceWindow().json());
    }
}
