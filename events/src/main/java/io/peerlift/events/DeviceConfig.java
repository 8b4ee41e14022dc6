package io.peerlift.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A device's effective configuration, published to {@link Topics#DEVICE_CONFIG} keyed by device id
 * (compacted: the latest revision per device is kept). {@code revision} rises with every change, so a
 * consumer ignores a revision not above the one it holds.
 *
 * @param folderPath the folder ids from the root down to {@code folderId}, so that a rollout on a folder can
 *                   include the devices of its sub-folders; at most {@link Limits#MAX_FOLDER_DEPTH} + 1 ids
 * @param settings   every key of the device's OS family, with defaults filled in (booleans and integers)
 * @param sources    for each key set by a profile or by the device's own configuration, where it came from; keys
 *                   left at their default are absent
 * @param maintenanceWindow the window of the nearest folder on {@code folderPath} that has one, read in the time
 *                   zone of the device's folder: no new Upgrade outside it; null when no folder of the path has one
 */
public record DeviceConfig(UUID eventId, String deviceId, long folderId, List<Long> folderPath, OsFamily osFamily,
                           String osVersion, Map<String, Object> settings, Map<String, SettingSource> sources,
                           long revision, Instant publishedAt, MaintenanceWindow maintenanceWindow) {

    /** A configuration whose folders have no maintenance window. */
    public DeviceConfig(UUID eventId, String deviceId, long folderId, List<Long> folderPath, OsFamily osFamily,
                        String osVersion, Map<String, Object> settings, Map<String, SettingSource> sources,
                        long revision, Instant publishedAt) {
        this(eventId, deviceId, folderId, folderPath, osFamily, osVersion, settings, sources, revision, publishedAt,
                null);
    }

    public DeviceConfig {
        Limits.requireDeviceId(deviceId);
        folderPath = folderPath == null ? List.of(folderId) : List.copyOf(folderPath);
        if (folderPath.size() > Limits.MAX_FOLDER_DEPTH + 1) {
            throw new IllegalArgumentException("folder path of device '" + deviceId + "' has " + folderPath.size()
                    + " levels; at most " + (Limits.MAX_FOLDER_DEPTH + 1) + " (the root and "
                    + Limits.MAX_FOLDER_DEPTH + " below it) are allowed");
        }
        settings = settings == null ? Map.of() : Map.copyOf(settings);
        sources = sources == null ? Map.of() : Map.copyOf(sources);
    }

    public boolean isInFolderTree(long folder) {
        return folderPath.contains(folder);
    }

    public boolean bool(String key, boolean fallback) {
        return settings.get(key) instanceof Boolean b ? b : fallback;
    }

    public int integer(String key, int fallback) {
        return settings.get(key) instanceof Number n ? n.intValue() : fallback;
    }

    /**
     * Where a setting came from: a profile, or the device's own configuration ({@code profileId} null), which any
     * profile overrides.
     */
    public record SettingSource(Long profileId, String profileName) {

        public static final String DEVICE_CONFIGURATION = "device configuration";

        public static SettingSource deviceConfiguration() {
            return new SettingSource(null, DEVICE_CONFIGURATION);
        }

        public boolean isDeviceConfiguration() {
            return profileId == null;
        }
    }
}
