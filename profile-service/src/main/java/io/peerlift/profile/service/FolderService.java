package io.peerlift.profile.service;

import io.peerlift.events.MaintenanceWindow;
import io.peerlift.profile.config.ProfileServiceConfig;
import io.peerlift.support.problem.ConflictException;
import io.peerlift.profile.domain.Device;
import io.peerlift.profile.domain.Folder;
import io.peerlift.profile.domain.FolderTree;
import io.peerlift.support.problem.InvalidInputException;
import io.peerlift.profile.domain.Names;
import io.peerlift.support.problem.NotFoundException;
import io.peerlift.profile.domain.ProfileAssignment;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The folder tree: creating, renaming, moving and deleting folders, their time zones and maintenance windows, and
 * moving devices between them.
 */
@ApplicationScoped
public class FolderService {

    /** Devices and sub-folders a refused delete names before it only counts the rest. */
    private static final int NAMED_IN_A_REFUSAL = 10;

    @Inject
    ConfigPublisher publisher;

    @Inject
    ProfileServiceConfig config;

    /** A folder's own maintenance window as requests give it: its zone is the folder's (inherited) time zone. */
    public record Window(String schedule, String duration) {
    }

    /**
     * Creates a folder under {@code parentId}, or under the root when it is null, with its own time zone and
     * maintenance window when given (a new folder holds no device, so nobody's configuration changes).
     */
    @Transactional
    public Folder create(String name, Long parentId, String timeZone, Window window) {
        String trimmed = Names.require(name, "folder");
        long parent = parentId == null ? Folder.ROOT_ID : parentId;
        get(parent);
        tree().requireRoomBelow(parent);
        requireFreeName(parent, trimmed, null);
        Folder folder = new Folder();
        folder.name = trimmed;
        folder.parentId = parent;
        folder.createdAt = Instant.now();
        setMaintenance(folder, timeZone, window);
        folder.persist();
        return folder;
    }

    /**
     * Replaces the folder's own time zone and maintenance window (null: none of its own, it inherits from the
     * folders above) and publishes the configuration of every device below it whose window or zone changes.
     *
     * @throws InvalidInputException naming every malformed part: the zone, the schedule, the duration
     */
    @Transactional
    public Folder changeMaintenance(long id, String timeZone, Window window) {
        publisher.lockConfiguration();
        Folder folder = get(id);
        setMaintenance(folder, timeZone, window);
        publisher.publish(devicesBelow(tree(), id, "a change of its time zone or maintenance window",
                "set them on its sub-folders instead"));
        return folder;
    }

    /** Validates with the rule the rollouts' windows keep ({@link MaintenanceWindow}) and stores it normalised. */
    private static void setMaintenance(Folder folder, String timeZone, Window window) {
        List<String> violations = new ArrayList<>();
        String zone = null;
        if (timeZone != null) {
            try {
                zone = MaintenanceWindow.parseZone(timeZone, "timeZone").getId();
            } catch (MaintenanceWindow.Invalid e) {
                violations.addAll(e.violations());
            }
        }
        MaintenanceWindow parsed = null;
        if (window != null) {
            try {
                parsed = MaintenanceWindow.parse(window.schedule(), window.duration(), FolderTree.DEFAULT_TIME_ZONE);
            } catch (MaintenanceWindow.Invalid e) {
                violations.addAll(e.violations());
            }
        }
        if (!violations.isEmpty()) {
            throw new InvalidInputException(violations);
        }
        folder.timeZone = zone;
        folder.windowSchedule = parsed == null ? null : parsed.schedule();
        folder.windowDuration = parsed == null ? null : parsed.durationText();
    }

    /**
     * Renames and/or moves a folder (a null argument leaves that part as it is). A move publishes the new
     * configuration of every device below the folder: their folder path and the profiles reaching them change.
     */
    @Transactional
    public Folder change(long id, String name, Long parentId) {
        if (name == null && parentId == null) {
            throw new InvalidInputException("a folder change names a new name, a new parentId, or both");
        }
        publisher.lockConfiguration();
        Folder folder = get(id);
        FolderTree tree = tree();
        String newName = name == null ? folder.name : Names.require(name, "folder");
        if (folder.parentId == null) {
            throw new ConflictException("the root folder " + tree.describe(id) + " cannot be renamed or moved");
        }
        long newParent = parentId == null ? folder.parentId : parentId;
        if (newParent != folder.parentId) {
            get(newParent);
            tree.requireMovable(id, newParent);
        }
        requireFreeName(newParent, newName, id);
        boolean moved = newParent != folder.parentId;
        folder.name = newName;
        folder.parentId = newParent;
        if (moved) {
            publisher.publish(devicesBelow(tree, id, "a move", "move its sub-folders or devices in parts"));
        }
        return folder;
    }

    /**
     * Deletes an empty folder and its profile assignments (they reach no device any more).
     *
     * @throws ConflictException naming the sub-folders and devices when it is not empty
     */
    @Transactional
    public void delete(long id) {
        publisher.lockConfiguration();
        Folder folder = get(id);
        FolderTree tree = tree();
        if (folder.parentId == null) {
            throw new ConflictException("the root folder " + tree.describe(id) + " cannot be deleted");
        }
        List<Folder> subFolders = Folder.list("parentId = ?1 order by name", id);
        long devices = Device.count("folderId", id);
        if (!subFolders.isEmpty() || devices > 0) {
            List<String> contents = new ArrayList<>();
            if (!subFolders.isEmpty()) {
                contents.add(subFolders.size() + " sub-folder(s) (" + named(subFolders.stream()
                        .map(f -> tree.describe(f.id)).toList(), subFolders.size()) + ")");
            }
            if (devices > 0) {
                List<String> ids = Device.<Device>find("folderId = ?1 order by id", id).page(0, NAMED_IN_A_REFUSAL)
                        .list().stream().map(d -> "'" + d.id + "'").toList();
                contents.add(devices + " device(s) (" + named(ids, devices) + ")");
            }
            throw new ConflictException("folder " + tree.describe(id) + " is not empty: it holds "
                    + String.join(" and ", contents) + "; move or delete them first");
        }
        ProfileAssignment.delete("folderId", id);
        folder.delete();
    }

    @Transactional
    public List<Folder> list() {
        return Folder.list("order by id");
    }

    @Transactional
    public Folder get(long id) {
        return Folder.<Folder>findByIdOptional(id)
                .orElseThrow(() -> new NotFoundException("folder " + id + " does not exist"));
    }

    @Transactional
    public FolderTree tree() {
        return new FolderTree(Folder.listAll());
    }

    /** The devices directly in the folder (not in its sub-folders). */
    @Transactional
    public List<Device> devices(long folderId) {
        get(folderId);
        return Device.list("folderId = ?1 order by id", folderId);
    }

    /**
     * Moves the devices into the folder, or none when one of them does not exist (404 naming it). The devices
     * are checked first, then moved in batches of {@code folders.device-move-batch}, each in a transaction of its
     * own that holds the configuration lock briefly and publishes its devices' configurations: moving a whole
     * fleet needs neither one transaction past its timeout nor one query past the driver's parameter limit.
     * Called within a transaction, the whole move joins it (and is rolled back with it).
     */
    public List<Device> moveDevices(long folderId, List<String> deviceIds) {
        if (deviceIds == null || deviceIds.isEmpty()) {
            throw new InvalidInputException("deviceIds must list at least one device");
        }
        deviceIds.forEach(Names::requireDeviceId);
        QuarkusTransaction.joiningExisting().run(() -> get(folderId));
        List<List<String>> batches = batches(new ArrayList<>(new LinkedHashSet<>(deviceIds)));
        List<String> missing = new ArrayList<>();
        for (List<String> batch : batches) {
            Set<String> known = QuarkusTransaction.joiningExisting().call(() -> Device.versions(batch).keySet());
            batch.stream().filter(id -> !known.contains(id)).forEach(missing::add);
        }
        if (!missing.isEmpty()) {
            throw new NotFoundException("no device moved: unknown device(s) "
                    + String.join(", ", missing.subList(0, Math.min(missing.size(), NAMED_IN_A_REFUSAL)))
                    + (missing.size() > NAMED_IN_A_REFUSAL ? " and " + (missing.size() - NAMED_IN_A_REFUSAL) + " more" : ""));
        }
        List<Device> moved = new ArrayList<>();
        for (List<String> batch : batches) {
            moved.addAll(QuarkusTransaction.joiningExisting().call(() -> moveBatch(folderId, batch)));
        }
        return moved;
    }

    private List<Device> moveBatch(long folderId, List<String> deviceIds) {
        publisher.lockConfiguration();
        get(folderId);
        Map<String, Device> locked = Device.lock(deviceIds);
        // A device deleted since the check is no longer there to move.
        List<Device> devices = deviceIds.stream().map(locked::get).filter(Objects::nonNull).toList();
        devices.forEach(device -> device.folderId = folderId);
        publisher.publish(devices);
        return devices;
    }

    private List<List<String>> batches(List<String> ids) {
        int size = config.folders().deviceMoveBatch();
        List<List<String>> batches = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += size) {
            batches.add(ids.subList(from, Math.min(ids.size(), from + size)));
        }
        return batches;
    }

    private static void requireFreeName(long parentId, String name, Long except) {
        long taken = except == null
                ? Folder.count("parentId = ?1 and lower(name) = lower(?2)", parentId, name)
                : Folder.count("parentId = ?1 and lower(name) = lower(?2) and id <> ?3", parentId, name, except);
        if (taken > 0) {
            throw new ConflictException("folder " + parentId + " already has a sub-folder named '" + name + "'");
        }
    }

    /**
     * The devices in the folder and its sub-folders, at most {@code max-devices-per-move}: {@code change} (a move,
     * say) republishes each one's configuration in one transaction; a refusal ends with {@code advice}.
     */
    private List<Device> devicesBelow(FolderTree tree, long folderId, String change, String advice) {
        Set<Long> folders = tree.subtree(folderId);
        long count = Device.count("folderId in ?1", folders);
        int max = config.folders().maxDevicesPerMove();
        if (count > max) {
            throw new ConflictException("folder " + tree.describe(folderId) + " holds " + count + " devices in its "
                    + "tree; " + change + " changes the configuration of at most " + max + " (peerlift.profile."
                    + "folders.max-devices-per-move): " + advice);
        }
        return Device.list("folderId in ?1", folders);
    }

    /** The first names and, when there are more, how many more. */
    private static String named(List<String> first, long total) {
        List<String> shown = first.subList(0, (int) Math.min(first.size(), NAMED_IN_A_REFUSAL));
        return String.join(", ", shown) + (total > shown.size() ? " and " + (total - shown.size()) + " more" : "");
    }
}
