package io.peerlift.profile.domain;

import io.peerlift.events.DeviceConfig.SettingSource;
import io.peerlift.events.OsFamily;
import io.peerlift.events.OsVersion;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges what applies to a device, key by key, as IGEL UMS does: the strongest profile that sets a key wins
 * ({@link UmsPrecedence}); a key no profile sets comes from the device's own configuration, else takes the
 * family's default. Only profiles of the device's OS family apply, whether assigned to its folders or to it.
 */
public final class EffectiveConfigResolver {

    private EffectiveConfigResolver() {
    }

    /**
     * @param own the device's own configuration, or null when it has none
     */
    public static EffectiveConfig resolve(Device device, FolderTree folders, Collection<AssignedProfile> assigned,
                                          DeviceSettings own) {
        return resolve(device, device.os(), folders, assigned, own);
    }

    /**
     * The configuration the device would run with at {@code version} where it is now, e.g. as an OS 12 device
     * after its upgrade.
     */
    public static EffectiveConfig resolve(Device device, OsVersion version, FolderTree folders,
                                          Collection<AssignedProfile> assigned, DeviceSettings own) {
        OsFamily family = version.family();
        List<Long> path = folders.path(device.folderId);
        List<AssignedProfile> ranked = assigned.stream()
                .filter(a -> a.profile().osFamily == family && appliesTo(a.assignment(), device, path))
                .sorted(UmsPrecedence.strongestFirst(path))
                .toList();
        Map<String, Object> ownSettings = own == null ? Map.of() : own.appliesTo(family);
        SettingsSchema schema = SettingsSchema.of(family);
        Map<String, Object> settings = new LinkedHashMap<>();
        Map<String, SettingSource> sources = new LinkedHashMap<>();
        for (String key : schema.keys()) {
            settings.put(key, schema.defaultOf(key));
            if (ownSettings.containsKey(key)) {
                settings.put(key, ownSettings.get(key));
                sources.put(key, SettingSource.deviceConfiguration());
            }
            ranked.stream().filter(a -> a.profile().settings.containsKey(key)).findFirst().ifPresent(winner -> {
                settings.put(key, winner.profile().settings.get(key));
                sources.put(key, new SettingSource(winner.profile().id, winner.profile().name));
            });
        }
        return new EffectiveConfig(device.id, device.folderId, path, family, version.toString(), settings, sources,
                folders.timeZone(device.folderId).orElse(null), folders.maintenanceWindow(device.folderId).orElse(null));
    }

    private static boolean appliesTo(ProfileAssignment assignment, Device device, List<Long> path) {
        return assignment.isDirect() ? assignment.deviceId.equals(device.id) : path.contains(assignment.folderId);
    }
}
