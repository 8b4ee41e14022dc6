package io.peerlift.profile.domain;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The folder hierarchy at one moment: paths from the root and sub-trees, computed in memory. */
public final class FolderTree {

    private final Map<Long, Long> parentOf = new HashMap<>();
    private final Map<Long, List<Long>> childrenOf = new HashMap<>();

    public FolderTree(Collection<Folder> folders) {
        for (Folder folder : folders) {
            parentOf.put(folder.id, folder.parentId);
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
}
