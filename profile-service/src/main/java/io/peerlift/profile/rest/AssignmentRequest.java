package io.peerlift.profile.rest;

import io.peerlift.profile.service.ProfileService.AssignmentTarget;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "AssignmentRequest", description = "Exactly one of folderId or deviceId")
public record AssignmentRequest(@Schema(example = "2") Long folderId,
                                @Schema(example = "s1-d01") String deviceId) {

    AssignmentTarget toTarget() {
        return new AssignmentTarget(folderId, deviceId);
    }
}
