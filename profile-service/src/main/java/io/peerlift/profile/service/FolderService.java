package io.peerlift.profile.service;

import io.peerlift.profile.domain.ConflictException;
import io.peerlift.profile.domain.ConsistencyCheck;
import io.peerlift.profile.domain.ConsistencyProblem;
import io.peerlift.profile.domain.Device;
import io.peerlift.profile.domain.Folder;
import io.peerlift.profile.domain.FolderTree;
import io.peerlift.profile.domain.InvalidInputException;
import io.peerlift.profile.domain.Names;
import io.peerlift.profile.domain.NotFoundException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The folder tree, moving devices between folders, and the consistency of a folder for a peer upgrade. */
@ApplicationScoped
public class FolderService {

    @Inject
    ConfigPublisher publisher;

    /** Creates a folder under {@code parentId}, or under the root when it is null. */
    @Transactional
    public Folder create(String name, Long parentId) {
        String trimmed = Names.require(name, "folder");
        long parent = parentId == null ? Folder.ROOT_ID : parentId;
        get(parent);
        if (Folder.count("parentId = ?1 and lower(name) = lower(?2)", parent, trimmed) > 0) {
            throw new ConflictException("folder " + parent + " already has a sub-folder named '" + trimmed + "'");
        }
        Folder folder = new Folder();
        folder.name = trimmed;
        folder.parentId = parent;
        folder.createdAt = Instant.now();
        folder.persist();
        return folder;
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

    /** Moves all the devices into the folder, or none when one of them does not exist. */
    @Transactional
    public List<Device> moveDevices(long folderId, List<String> deviceIds) {
        publisher.lockConfiguration();
        get(folderId);
        if (deviceIds == null || deviceIds.isEmpty()) {
            throw new InvalidInputException("deviceIds must list at least one device");
        }
        Set<String> wanted = new LinkedHashSet<>(deviceIds);
        Map<String, Device> found = Device.<Device>list("id in ?1", wanted).stream()
                .collect(Collectors.toMap(d -> d.id, Function.identity()));
        List<String> missing = wanted.stream().filter(id -> !found.containsKey(id)).toList();
        if (!missing.isEmpty()) {
            throw new NotFoundException("no device moved: unknown device(s) " + String.join(", ", missing));
        }
        List<Device> moved = wanted.stream().map(found::get).toList();
        moved.forEach(device -> device.folderId = folderId);
        publisher.publish(moved);
        return moved;
    }

    /** What would stop a peer upgrade among the devices of the folder and its sub-folders. */
    @Transactional
    public List<ConsistencyProblem> consistency(long folderId) {
        get(folderId);
        Set<Long> folders = tree().subtree(folderId);
        List<Device> devices = Device.list("folderId in ?1", folders);
        ConfigurationSnapshot snapshot = ConfigurationSnapshot.load(devices);
        return ConsistencyCheck.check(devices.stream().map(snapshot::resolve).toList());
    }
}
