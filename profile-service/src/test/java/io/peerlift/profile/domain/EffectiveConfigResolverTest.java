package io.peerlift.profile.domain;

import io.peerlift.events.DeviceConfig.SettingSource;
import io.peerlift.events.OsFamily;
import io.peerlift.events.SettingKeys;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.peerlift.events.SettingKeys.DISCOVERY_ENABLED;
import static io.peerlift.events.SettingKeys.DISCOVERY_PORT;
import static io.peerlift.events.SettingKeys.PEER_SERVER_ENABLED;
import static io.peerlift.events.SettingKeys.PEER_SERVER_LIMIT;
import static io.peerlift.events.SettingKeys.PEER_SERVER_PORT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The UMS precedence as a pure rule, on an OS 12 device in folder {@code inner} below {@code outer} below the
 * root. Profiles that should win are created first (lower ids) wherever "newer wins" could otherwise explain the
 * result.
 */
class EffectiveConfigResolverTest {

    private static final long ROOT = 1;
    private static final long OUTER = 2;
    private static final long INNER = 3;

    private final FolderTree folders = new FolderTree(List.of(folder(ROOT, null), folder(OUTER, ROOT),
            folder(INNER, OUTER)));
    private final Device device = device("d1", INNER, "12.7.4");
    private final List<AssignedProfile> assigned = new ArrayList<>();
    private long nextProfileId = 1;

    @Test
    void aPriorityProfileOnAHigherFolderBeatsOneOnALowerFolder() {
        long root = onFolder(ROOT, true, DISCOVERY_PORT, 30001);
        onFolder(INNER, true, DISCOVERY_PORT, 30002);
        onFolder(OUTER, true, DISCOVERY_PORT, 30003);

        expect(DISCOVERY_PORT, 30001, root);
    }

    @Test
    void aPriorityProfileAssignedToTheDeviceIsTheWeakestPriorityProfile() {
        long folder = onFolder(INNER, true, DISCOVERY_PORT, 30001);
        onDevice(true, DISCOVERY_PORT, 30002);

        expect(DISCOVERY_PORT, 30001, folder);
    }

    @Test
    void aPriorityProfileAssignedToTheDeviceStillBeatsEveryStandardProfile() {
        long priority = onDevice(true, DISCOVERY_PORT, 30001);
        onDevice(false, DISCOVERY_PORT, 30002);
        onFolder(INNER, false, DISCOVERY_PORT, 30003);

        expect(DISCOVERY_PORT, 30001, priority);
    }

    @Test
    void standardProfilesCloserToTheDeviceWinAndADirectAssignmentIsTheClosest() {
        long direct = onDevice(false, DISCOVERY_PORT, 30001);
        long inner = onFolder(INNER, false, DISCOVERY_PORT, 30002);
        onFolder(ROOT, false, DISCOVERY_PORT, 30003);
        onFolder(OUTER, false, DISCOVERY_PORT, 30004);
        onFolder(OUTER, false, PEER_SERVER_PORT, 30005);

        expect(DISCOVERY_PORT, 30001, direct);
        assigned.removeIf(a -> a.profile().id == direct);
        expect(DISCOVERY_PORT, 30002, inner);
    }

    @Test
    void assignedOnAnEqualBasisTheNewerProfileWins() {
        onFolder(OUTER, true, DISCOVERY_PORT, 30001);
        long newerPriority = onFolder(OUTER, true, DISCOVERY_PORT, 30002);
        onDevice(false, PEER_SERVER_PORT, 30003);
        long newerStandard = onDevice(false, PEER_SERVER_PORT, 30004);

        expect(DISCOVERY_PORT, 30002, newerPriority);
        expect(PEER_SERVER_PORT, 30004, newerStandard);
    }

    @Test
    void eachKeyComesFromTheStrongestSourceThatSetsItThenTheDevicesOwnConfigurationThenTheDefault() {
        long weakPriority = onDevice(true, Map.of(PEER_SERVER_ENABLED, true, DISCOVERY_PORT, 30002));
        long strongPriority = onFolder(OUTER, true, DISCOVERY_PORT, 30001);
        long standard = onFolder(INNER, false, Map.of(PEER_SERVER_ENABLED, false, PEER_SERVER_PORT, 30003,
                DISCOVERY_ENABLED, true));
        DeviceSettings own = own(OsFamily.OS12, Map.of(DISCOVERY_ENABLED, false, PEER_SERVER_LIMIT, 4,
                DISCOVERY_PORT, 30009));

        EffectiveConfig config = EffectiveConfigResolver.resolve(device, folders, assigned, own);

        assertThat(config.settings()).containsExactlyInAnyOrderEntriesOf(Map.of(DISCOVERY_PORT, 30001,
                PEER_SERVER_ENABLED, true, PEER_SERVER_PORT, 30003, DISCOVERY_ENABLED, true, PEER_SERVER_LIMIT, 4,
                SettingKeys.PEER_SERVER_HTTPS_ENABLED, false, SettingKeys.PEER_SERVER_HTTPS_PORT, 22337,
                SettingKeys.PEER_DOWNLOAD_HTTP_ALLOWED, true, SettingKeys.WAN_WITHOUT_DISCOVERY, false));
        assertThat(config.sources().get(DISCOVERY_PORT).profileId()).isEqualTo(strongPriority);
        assertThat(config.sources().get(PEER_SERVER_ENABLED).profileId()).isEqualTo(weakPriority);
        assertThat(config.sources().get(PEER_SERVER_PORT).profileId()).isEqualTo(standard);
        assertThat(config.sources().get(DISCOVERY_ENABLED).profileId()).isEqualTo(standard);
        assertThat(config.sources().get(PEER_SERVER_LIMIT)).isEqualTo(SettingSource.deviceConfiguration());
        assertThat(config.folderPath()).containsExactly(ROOT, OUTER, INNER);
    }

    @Test
    void theDevicesOwnConfigurationOfTheOtherFamilyAndProfilesOfTheOtherFamilyDoNotApply() {
        Profile os11 = profile(true, Map.of(DISCOVERY_PORT, 30001));
        os11.osFamily = OsFamily.OS11;
        assigned.add(new AssignedProfile(os11, assignment(os11.id, ROOT, null)));

        EffectiveConfig config = EffectiveConfigResolver.resolve(device, folders, assigned,
                own(OsFamily.OS11, Map.of(DISCOVERY_PORT, 30002)));

        assertThat(config.settings().get(DISCOVERY_PORT)).isEqualTo(22336);
        assertThat(config.sources()).isEmpty();
    }

    @Test
    void profilesOfOtherFoldersAndDevicesDoNotApply() {
        FolderTree withSibling = new FolderTree(List.of(folder(ROOT, null), folder(OUTER, ROOT), folder(INNER, OUTER),
                folder(4, ROOT)));
        Profile elsewhere = profile(true, Map.of(DISCOVERY_PORT, 30001));
        assigned.add(new AssignedProfile(elsewhere, assignment(elsewhere.id, 4L, null)));
        Profile otherDevice = profile(true, Map.of(DISCOVERY_PORT, 30002));
        assigned.add(new AssignedProfile(otherDevice, assignment(otherDevice.id, null, "d2")));

        assertThat(EffectiveConfigResolver.resolve(device, withSibling, assigned, null).sources()).isEmpty();
    }

    private void expect(String key, int value, long profileId) {
        EffectiveConfig config = EffectiveConfigResolver.resolve(device, folders, assigned, null);
        assertThat(config.settings().get(key)).isEqualTo(value);
        assertThat(config.sources().get(key).profileId()).isEqualTo(profileId);
    }

    private long onFolder(long folderId, boolean priority, String key, int value) {
        return onFolder(folderId, priority, Map.of(key, value));
    }

    private long onFolder(long folderId, boolean priority, Map<String, Object> settings) {
        Profile profile = profile(priority, settings);
        assigned.add(new AssignedProfile(profile, assignment(profile.id, folderId, null)));
        return profile.id;
    }

    private long onDevice(boolean priority, String key, int value) {
        return onDevice(priority, Map.of(key, value));
    }

    private long onDevice(boolean priority, Map<String, Object> settings) {
        Profile profile = profile(priority, settings);
        assigned.add(new AssignedProfile(profile, assignment(profile.id, null, device.id)));
        return profile.id;
    }

    private Profile profile(boolean priority, Map<String, Object> settings) {
        Profile profile = new Profile();
        profile.id = nextProfileId++;
        profile.name = "p" + profile.id;
        profile.osFamily = OsFamily.OS12;
        profile.priority = priority;
        profile.settings = settings;
        return profile;
    }

    private static ProfileAssignment assignment(long profileId, Long folderId, String deviceId) {
        ProfileAssignment assignment = new ProfileAssignment();
        assignment.profileId = profileId;
        assignment.folderId = folderId;
        assignment.deviceId = deviceId;
        return assignment;
    }

    private static DeviceSettings own(OsFamily family, Map<String, Object> settings) {
        DeviceSettings own = new DeviceSettings();
        own.deviceId = "d1";
        own.osFamily = family;
        own.settings = settings;
        return own;
    }

    private static Folder folder(long id, Long parentId) {
        Folder folder = new Folder();
        folder.id = id;
        folder.parentId = parentId;
        return folder;
    }

    private static Device device(String id, long folderId, String osVersion) {
        Device device = new Device();
        device.id = id;
        device.folderId = folderId;
        device.osVersion = osVersion;
        return device;
    }
}
