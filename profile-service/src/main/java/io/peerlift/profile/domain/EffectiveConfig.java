package io.peerlift.profile.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.peerlift.events.DeviceConfig.SettingSource;
import io.peerlift.events.MaintenanceWindow;
import io.peerlift.events.OsFamily;

import java.util.List;
import java.util.Map;

/**
 * What a device runs with: every key of its family (defaults filled in) and, per key set by a profile, the
 * profile that won; and what its folders give it: their time zone and maintenance window ({@link FolderTree}),
 * null where no folder of its path has one (left out of the JSON, so that a configuration without them compares
 * as it did before folders had them).
 */
public record EffectiveConfig(String deviceId, long folderId, List<Long> folderPath, OsFamily osFamily,
                              String osVersion, Map<String, Object> settings, Map<String, SettingSource> sources,
                              @JsonInclude(JsonInclude.Include.NON_NULL) String timeZone,
                              @JsonInclude(JsonInclude.Include.NON_NULL) MaintenanceWindow maintenanceWindow) {

    public boolean bool(String key) {
        return Boolean.TRUE.equals(settings.get(key));
    }

    public int integer(String key) {
        return ((Number) settings.get(key)).intValue();
    }
}
