package io.peerlift.profile.rest;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "ChangeFolder", description = "A new name, a new parent, or both; an absent field stays as it is")
public record ChangeFolderRequest(
        @Schema(example = "Berlin, floor 2") String name,
        @Schema(description = "the new parent folder (1 for the root)", example = "3") Long parentId) {
}
