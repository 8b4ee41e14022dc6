package io.peerlift.profile.rest;

import io.peerlift.profile.domain.Folder;
import io.peerlift.profile.domain.FolderTree;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

@Schema(name = "Folder", description = "A device folder; the root folder 'Devices' has id 1 and no parent")
public record FolderView(
        @Schema(example = "2") long id,
        @Schema(example = "Distributed Peer Upgrade") String name,
        @Schema(example = "1", nullable = true) Long parentId,
        @Schema(description = "folder ids from the root down to this folder", example = "[1, 2]") List<Long> path) {

    static FolderView of(Folder folder, FolderTree tree) {
        return new FolderView(folder.id, folder.name, folder.parentId, tree.path(folder.id));
    }
}
