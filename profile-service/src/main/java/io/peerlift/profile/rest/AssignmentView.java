package io.peerlift.profile.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.peerlift.profile.domain.ProfileAssignment;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "Assignment", description = "A profile assigned to a folder (and its sub-folders) or to one device")
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AssignmentView(@Schema(example = "1") long id,
                             @Schema(example = "1") long profileId,
                             @Schema(example = "2") Long folderId,
                             @Schema(example = "s1-d01") String deviceId) {

    static AssignmentView of(ProfileAssignment assignment) {
        return new AssignmentView(assignment.id, assignment.profileId, assignment.folderId, assignment.deviceId);
    }
}
