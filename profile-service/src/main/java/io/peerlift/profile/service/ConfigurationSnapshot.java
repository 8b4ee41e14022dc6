package io.peerlift.profile.service;

import io.peerlift.profile.domain.AssignedProfile;
import io.peerlift.profile.domain.Device;
import io.peerlift.profile.domain.EffectiveConfig;
import io.peerlift.profile.domain.EffectiveConfigResolver;
import io.peerlift.profile.domain.Folder;
import io.peerlift.profile.domain.FolderTree;
import io.peerlift.profile.domain.Profile;
import io.peerlift.profile.domain.ProfileAssignment;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The folders, profiles and assignments as the current transaction sees them, loaded once so that the
 * configurations of many devices are resolved without a query per device.
 */
final class ConfigurationSnapshot {

    private final FolderTree folders;
    private final List<AssignedProfile> assigned;

    private ConfigurationSnapshot(FolderTree folders, List<AssignedProfile> assigned) {
        this.folders = folders;
        this.assigned = assigned;
    }

    static ConfigurationSnapshot load() {
        Map<Long, Profile> profiles = Profile.<Profile>listAll().stream()
                .collect(Collectors.toMap(p -> p.id, Function.identity()));
        List<AssignedProfile> assigned = ProfileAssignment.<ProfileAssignment>listAll().stream()
                .map(a -> new AssignedProfile(profiles.get(a.profileId), a))
                .toList();
        return new ConfigurationSnapshot(new FolderTree(Folder.listAll()), assigned);
    }

    FolderTree folders() {
        return folders;
    }

    EffectiveConfig resolve(Device device) {
        return EffectiveConfigResolver.resolve(device, folders, assigned);
    }
}
