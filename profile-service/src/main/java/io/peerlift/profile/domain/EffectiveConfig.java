package io.peerlift.profile.domain;

import io.peerlift.events.DeviceConfig.SettingSource;
import io.peerlift.events.OsFamily;

import java.util.List;
import java.util.Map;

/**
 * What a device runs with: every key of its family (defaults filled in) and, per key set by a profile, the
 * profile that won.
 */
public record EffectiveConfig(String deviceId, long folderId, List<Long> folderPath, OsFamily osFamily,
                              String osVersion, Map<String, Object> settings, Map<String, SettingSource> sources) {

    public boolean bool(String key) {
        return Boolean.TRUE.equals(settings.get(key));
    }

    public int integer(String key) {
        return ((Number) settings.get(key)).intValue();
    }
}
