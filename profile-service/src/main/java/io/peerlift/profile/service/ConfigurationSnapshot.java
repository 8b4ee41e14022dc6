package io.peerlift.profile.service;

import io.peerlift.events.OsVersion;
import io.peerlift.profile.domain.AssignedProfile;
import io.peerlift.profile.domain.Device;
import io.peerlift.profile.domain.DeviceSettings;
import io.peerlift.profile.domain.EffectiveConfig;
import io.peerlift.profile.domain.EffectiveConfigResolver;
import io.peerlift.profile.domain.Folder;
import io.peerlift.profile.domain.FolderTree;
import io.peerlift.profile.domain.Profile;
import io.peerlift.profile.domain.ProfileAssignment;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The folders, profiles and assignments as the current transaction sees them, and the own configurations of the
 * devices to resolve, loaded once so that the configurations of many devices are resolved without a query per
 * device.
 */
final class ConfigurationSnapshot {

    /** Device ids per query for their own configurations, well below PostgreSQL's bind-parameter limit. */
    private static final int IDS_PER_QUERY = 1000;

    private final FolderTree folders;
    private final List<AssignedProfile> assigned;
    private final Map<String, DeviceSettings> own;

    private ConfigurationSnapshot(FolderTree folders, List<AssignedProfile> assigned, Map<String, DeviceSettings> own) {
        this.folders = folders;
        this.assigned = assigned;
        this.own = own;
    }

    /** Everything needed to resolve the configurations of {@code devices}. */
    static ConfigurationSnapshot load(Collection<Device> devices) {
        Map<Long, Profile> profiles = Profile.<Profile>listAll().stream()
                .collect(Collectors.toMap(p -> p.id, Function.identity()));
        List<AssignedProfile> assigned = ProfileAssignment.<ProfileAssignment>listAll().stream()
                .map(a -> new AssignedProfile(profiles.get(a.profileId), a))
                .toList();
        return new ConfigurationSnapshot(new FolderTree(Folder.listAll()), assigned, ownConfigurations(devices));
    }

    /** The device's configuration; the device must be one this snapshot was loaded for. */
    EffectiveConfig resolve(Device device) {
        return EffectiveConfigResolver.resolve(device, folders, assigned, own.get(device.id));
    }

    /** The configuration the device would run with at {@code version}, e.g. once upgraded to OS 12. */
    EffectiveConfig resolveAt(Device device, OsVersion version) {
        return EffectiveConfigResolver.resolve(device, version, folders, assigned, own.get(device.id));
    }

    private static Map<String, DeviceSettings> ownConfigurations(Collection<Device> devices) {
        List<String> ids = devices.stream().map(d -> d.id).distinct().toList();
        Map<String, DeviceSettings> own = new HashMap<>();
        for (int from = 0; from < ids.size(); from += IDS_PER_QUERY) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + IDS_PER_QUERY));
            DeviceSettings.<DeviceSettings>list("deviceId in ?1", chunk).forEach(s -> own.put(s.deviceId, s));
        }
        return own;
    }
}
