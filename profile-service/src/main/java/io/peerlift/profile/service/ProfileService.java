package io.peerlift.profile.service;

import io.peerlift.events.OsFamily;
import io.peerlift.support.problem.ConflictException;
import io.peerlift.profile.domain.Device;
import io.peerlift.profile.domain.Folder;
import io.peerlift.support.problem.InvalidInputException;
import io.peerlift.profile.domain.Names;
import io.peerlift.support.problem.NotFoundException;
import io.peerlift.profile.domain.Profile;
import io.peerlift.profile.domain.ProfileAssignment;
import io.peerlift.profile.domain.SettingsSchema;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Profiles and their assignments. Every change that can alter a device's effective configuration republishes
 * the configurations of the devices it reaches, in the same transaction.
 */
@ApplicationScoped
public class ProfileService {

    @Inject
    ConfigPublisher publisher;

    @Inject
    FolderService folders;

    @Inject
    InventoryService inventory;

    @Transactional
    public Profile create(ProfileDraft draft) {
        Profile profile = new Profile();
        profile.createdAt = Instant.now();
        apply(draft, profile);
        profile.persist();
        return profile;
    }

    @Transactional
    public List<Profile> list() {
        return Profile.list("order by id");
    }

    @Transactional
    public Profile get(long id) {
        return Profile.<Profile>findByIdOptional(id)
                .orElseThrow(() -> new NotFoundException("profile " + id + " does not exist"));
    }

    /** Replaces the profile's content; the devices it reaches get their new configuration. */
    @Transactional
    public Profile update(long id, ProfileDraft draft) {
        publisher.lockConfiguration();
        Profile profile = get(id);
        Set<Device> reachedBefore = devicesReachedBy(id);
        apply(draft, profile);
        publisher.publish(reachedBefore);
        return profile;
    }

    @Transactional
    public void delete(long id) {
        publisher.lockConfiguration();
        get(id);
        Set<Device> reached = devicesReachedBy(id);
        ProfileAssignment.delete("profileId", id);
        Profile.deleteById(id);
        publisher.publish(reached);
    }

    @Transactional
    public List<ProfileAssignment> assignments(long profileId) {
        get(profileId);
        return ProfileAssignment.list("profileId = ?1 order by id", profileId);
    }

    /** Assigns the profile to a folder or directly to a device: exactly one of them. */
    @Transactional
    public ProfileAssignment assign(long profileId, AssignmentTarget target) {
        publisher.lockConfiguration();
        Profile profile = get(profileId);
        target.requireExactlyOne();
        if (find(profileId, target) != null) {
            throw new ConflictException("profile " + profileId + " is already assigned to " + target);
        }
        requireAssignable(profile, target);
        ProfileAssignment assignment = new ProfileAssignment();
        assignment.profileId = profileId;
        assignment.folderId = target.folderId();
        assignment.deviceId = target.deviceId();
        assignment.persist();
        publisher.publish(devicesOf(target));
        return assignment;
    }

    @Transactional
    public void unassign(long profileId, AssignmentTarget target) {
        publisher.lockConfiguration();
        get(profileId);
        target.requireExactlyOne();
        ProfileAssignment assignment = find(profileId, target);
        if (assignment == null) {
            throw new NotFoundException("profile " + profileId + " is not assigned to " + target);
        }
        assignment.delete();
        publisher.publish(devicesOf(target));
    }

    private static ProfileAssignment find(long profileId, AssignmentTarget target) {
        return target.folderId() != null
                ? ProfileAssignment.find("profileId = ?1 and folderId = ?2", profileId, target.folderId())
                        .firstResult()
                : ProfileAssignment.find("profileId = ?1 and deviceId = ?2", profileId, target.deviceId())
                        .firstResult();
    }

    /**
     * The target exists and, for a device, runs the profile's OS family: UMS refuses to assign an OS 12 profile
     * directly to an OS 11 device and vice versa (through a folder it simply does not apply).
     */
    private void requireAssignable(Profile profile, AssignmentTarget target) {
        if (target.folderId() != null) {
            folders.get(target.folderId());
            return;
        }
        Device device = inventory.get(target.deviceId());
        if (device.osFamily() != profile.osFamily) {
            throw new ConflictException("profile " + profile.id + " is an " + SettingsSchema.of(profile.osFamily)
                    .displayName() + " profile and device '" + device.id + "' runs " + device.osVersion
                    + ": a profile is assigned directly only to devices of its OS family; assign it to a folder "
                    + "to reach that family's devices below it");
        }
    }

    private Set<Device> devicesOf(AssignmentTarget target) {
        if (target.deviceId() != null) {
            return Set.of(inventory.get(target.deviceId()));
        }
        return devicesInTrees(Set.of(target.folderId()));
    }

    /** The devices a profile's assignments reach: those assigned directly and those in assigned folder trees. */
    private Set<Device> devicesReachedBy(long profileId) {
        List<ProfileAssignment> assignments = ProfileAssignment.list("profileId", profileId);
        Set<Device> reached = devicesInTrees(assignments.stream()
                .filter(a -> a.folderId != null).map(a -> a.folderId).collect(Collectors.toSet()));
        List<String> direct = assignments.stream().filter(ProfileAssignment::isDirect).map(a -> a.deviceId).toList();
        if (!direct.isEmpty()) {
            reached.addAll(Device.list("id in ?1", direct));
        }
        return reached;
    }

    private Set<Device> devicesInTrees(Set<Long> roots) {
        if (roots.isEmpty()) {
            return new LinkedHashSet<>();
        }
        var tree = folders.tree();
        Set<Long> folderIds = roots.stream().flatMap(root -> tree.subtree(root).stream()).collect(Collectors.toSet());
        return new LinkedHashSet<>(Device.list("folderId in ?1", folderIds));
    }

    private static void apply(ProfileDraft draft, Profile profile) {
        String name = Names.require(draft.name(), "profile");
        OsFamily family = parseFamily(draft.osFamily());
        Map<String, Object> settings = SettingsSchema.of(family)
                .validate(draft.basedOnVersion(), draft.settings() == null ? Map.of() : draft.settings());
        boolean nameTaken = profile.id == null
                ? Profile.count("lower(name) = lower(?1)", name) > 0
                : Profile.count("lower(name) = lower(?1) and id <> ?2", name, profile.id) > 0;
        if (nameTaken) {
            throw new ConflictException("a profile named '" + name + "' already exists");
        }
        profile.name = name;
        profile.osFamily = family;
        profile.basedOnVersion = draft.basedOnVersion().strip();
        profile.priority = draft.priority();
        profile.settings = settings;
        profile.updatedAt = Instant.now();
    }

    private static OsFamily parseFamily(String osFamily) {
        String allowed = Arrays.stream(OsFamily.values()).map(Enum::name).collect(Collectors.joining(" or "));
        if (osFamily == null) {
            throw new InvalidInputException("osFamily is required: " + allowed);
        }
        try {
            return OsFamily.valueOf(osFamily);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("osFamily must be " + allowed + ", got '" + osFamily + "'");
        }
    }

    /** What an operator submits for a profile; validated here, not by the REST layer. */
    public record ProfileDraft(String name, String osFamily, String basedOnVersion, boolean priority,
                               Map<String, Object> settings) {
    }

    /** A folder or a device. */
    public record AssignmentTarget(Long folderId, String deviceId) {

        void requireExactlyOne() {
            if ((folderId == null) == (deviceId == null)) {
                throw new InvalidInputException("an assignment names exactly one of folderId or deviceId, got "
                        + (folderId == null ? "neither" : "both"));
            }
            if (deviceId != null) {
                Names.requireDeviceId(deviceId);
            }
        }

        @Override
        public String toString() {
            return folderId != null ? "folder " + folderId : "device '" + deviceId + "'";
        }
    }
}
