package io.peerlift.profile.domain;

import io.peerlift.events.Limits;
import io.peerlift.events.MaintenanceWindow;
import io.peerlift.support.problem.ConflictException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The folder hierarchy at one moment: paths from the root, sub-trees, the rules of a move, and what a folder
 * inherits (its time zone, its maintenance window), computed in memory.
 */
public final class FolderTree {

    /** Levels from the root (level 1) down: deep enough for site / building / floor / room trees, and bounded. */
    public static final int MAX_DEPTH = Limits.MAX_FOLDER_DEPTH;

    /** The zone windows are read in when no folder of a device's path has one. */
    public static final String DEFAULT_TIME_ZONE = "UTC";

    private final Map<Long, Long> parentOf = new HashMap<>();
    private final Map<Long, String> nameOf = new HashMap<>();
    private final Map<Long, List<Long>> childrenOf = new HashMap<>();
    private final Map<Long, Folder> folderOf = new HashMap<>();

    public FolderTree(Collection<Folder> folders) {
        for (Folder folder : folders) {
            parentOf.put(folder.id, folder.parentId);
            nameOf.put(folder.id, folder.name);
            folderOf.put(folder.id, folder);
            if (folder.parentId != null) {
                childrenOf.computeIfAbsent(folder.parentId, k -> new ArrayList<>()).add(folder.id);
            }
        }
    }

    public boolean contains(long folderId) {
        return parentOf.containsKey(folderId);
    }

    /** The folder ids from the root down to {@code folderId}. */
    public List<Long> path(long folderId) {
        List<Long> path = new ArrayList<>();
        for (Long id = folderId; id != null; id = parentOf.get(id)) {
            path.add(id);
        }
        Collections.reverse(path);
        return List.copyOf(path);
    }

    /** {@code folderId} and every folder below it. */
    public Set<Long> subtree(long folderId) {
        Set<Long> subtree = new HashSet<>();
        List<Long> pending = new ArrayList<>(List.of(folderId));
        while (!pending.isEmpty()) {
            Long id = pending.remove(pending.size() - 1);
            if (subtree.add(id)) {
                pending.addAll(childrenOf.getOrDefault(id, List.of()));
            }
        }
        return subtree;
    }

    /**
     * Checks that a new folder may be created under {@code parentId}.
     *
     * @throws ConflictException when it would be deeper than {@link #MAX_DEPTH}
     */
    public void requireRoomBelow(long parentId) {
        if (path(parentId).size() + 1 > MAX_DEPTH) {
            throw new ConflictException("folder " + describe(parentId) + " is at level " + path(parentId).size()
                    + ": a folder below it would be deeper than " + MAX_DEPTH + " levels");
        }
    }

    /**
     * Checks that {@code folderId} may move under {@code newParentId}: not the root, not into itself or a folder
     * below it (a cycle), and its deepest sub-folder stays within {@link #MAX_DEPTH} levels.
     *
     * @throws ConflictException naming the rule and the folders
     */
    public void requireMovable(long folderId, long newParentId) {
        if (parentOf.get(folderId) == null) {
            throw new ConflictException("the root folder " + describe(folderId) + " cannot be moved");
        }
        if (subtree(folderId).contains(newParentId)) {
            throw new ConflictException("folder " + describe(folderId) + " cannot move into "
                    + (newParentId == folderId ? "itself" : "folder " + describe(newParentId) + ", which is inside "
                    + "it (" + describePath(newParentId) + ")"));
        }
        int deepest = path(newParentId).size() + height(folderId);
        if (deepest > MAX_DEPTH) {
            throw new ConflictException("moving folder " + describe(folderId) + " under " + describe(newParentId)
                    + " would put its deepest sub-folder at level " + deepest + "; at most " + MAX_DEPTH
                    + " levels are allowed");
        }
    }

    /**
     * The time zone of the folder's devices: the folder's own, else that of the nearest folder above it that has
     * one; empty when no folder of its path has one (windows are then read in UTC).
     */
    public Optional<String> timeZone(long folderId) {
        return nearest(folderId, folder -> folder.timeZone);
    }

    /**
     * The maintenance window of the folder's devices, inherited as a standard profile's setting is (the nearest
     * folder that has one, the folder's own first), read in the folder's {@link #timeZone}: a window on a parent
     * opens at local time in each of its sub-folders' zones. Empty when no folder of its path has one.
     */
    public Optional<MaintenanceWindow> maintenanceWindow(long folderId) {
        return nearest(folderId, folder -> folder.windowSchedule == null ? null : folder)
                .map(owner -> MaintenanceWindow.parse(owner.windowSchedule, owner.windowDuration,
                        timeZone(folderId).orElse(DEFAULT_TIME_ZONE)));
    }

    private <T> Optional<T> nearest(long folderId, Function<Folder, T> own) {
        List<Long> path = path(folderId);
        for (int i = path.size() - 1; i >= 0; i--) {
            T value = own.apply(folderOf.get(path.get(i)));
            if (value != null) {
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }

    /** {@code 5 'Berlin'}, as messages name a folder. */
    public String describe(long folderId) {
        return folderId + " '" + nameOf.get(folderId) + "'";
    }

    /** {@code Devices / Berlin / Floor 2}. */
    public String describePath(long folderId) {
        return path(folderId).stream().map(nameOf::get).collect(Collectors.joining(" / "));
    }

    /** Levels of the sub-tree rooted at {@code folderId}: 1 for a folder without sub-folders. */
    private int height(long folderId) {
        int height = 0;
        List<Long> level = List.of(folderId);
        while (!level.isEmpty()) {
            height++;
            level = level.stream().flatMap(id -> childrenOf.getOrDefault(id, List.of()).stream()).toList();
        }
        return height;
    }
}
