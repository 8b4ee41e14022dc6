package io.peerlift.profile.domain;

import io.peerlift.events.DeviceConfig.SettingSource;
import io.peerlift.events.OsFamily;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges the profiles that apply to a device, key by key, with the precedence of IGEL UMS: a priority profile
 * beats the rest; then a direct device assignment beats a folder assignment; then the folder closest to the
 * device wins; on a tie the newer profile (the higher id) wins. Keys no profile sets take the family's default.
 */
public final class EffectiveConfigResolver {

    private EffectiveConfigResolver() {
    }

    public static EffectiveConfig resolve(Device device, FolderTree folders, Collection<AssignedProfile> assigned) {
        OsFamily family = device.osFamily();
        List<Long> path = folders.path(device.folderId);
        List<AssignedProfile> ranked = assigned.stream()
                .filter(a -> a.profile().osFamily == family && appliesTo(a.assignment(), device, path))
                .sorted(precedence(path))
                .toList();
        SettingsSchema schema = SettingsSchema.of(family);
        Map<String, Object> settings = new LinkedHashMap<>();
        Map<String, SettingSource> sources = new LinkedHashMap<>();
        for (String key : schema.keys()) {
            settings.put(key, schema.defaultOf(key));
            ranked.stream().filter(a -> a.profile().settings.containsKey(key)).findFirst().ifPresent(winner -> {
                settings.put(key, winner.profile().settings.get(key));
                sources.put(key, new SettingSource(winner.profile().id, winner.profile().name));
            });
        }
        return new EffectiveConfig(device.id, device.folderId, path, family, device.osVersion, settings, sources);
    }

    private static boolean appliesTo(ProfileAssignment assignment, Device device, List<Long> path) {
        return assignment.isDirect() ? assignment.deviceId.equals(device.id) : path.contains(assignment.folderId);
    }

    /** Winners first. */
    private static Comparator<AssignedProfile> precedence(List<Long> path) {
        Comparator<AssignedProfile> byPriority = Comparator.comparing(a -> a.profile().priority);
        Comparator<AssignedProfile> byDirect = Comparator.comparing(a -> a.assignment().isDirect());
        Comparator<AssignedProfile> byCloseness = Comparator.comparingInt(
                a -> a.assignment().isDirect() ? path.size() : path.indexOf(a.assignment().folderId));
        Comparator<AssignedProfile> byNewer = Comparator.comparingLong(a -> a.profile().id);
        return byPriority.thenComparing(byDirect).thenComparing(byCloseness).thenComparing(byNewer).reversed();
    }
}
