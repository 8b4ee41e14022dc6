package io.peerlift.profile.rest;

import io.peerlift.profile.service.ProfileService.ProfileDraft;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.Map;

@Schema(name = "ProfileRequest", description = "A profile to create, or the full new content of one to update")
public record ProfileRequest(
        @Schema(required = true, example = "OS 12 peer update servers") String name,
        @Schema(required = true, enumeration = {"OS11", "OS12"}, example = "OS12") String osFamily,
        @Schema(required = true, description = "at least 11.11.150 for OS11, 12.7.4 for OS12", example = "12.7.4")
        String basedOnVersion,
        @Schema(description = "a priority profile beats every standard profile; among priority profiles the one "
                + "assigned farther from the device wins, one assigned directly to the device is the weakest; false "
                + "when absent", example = "false")
        Boolean priority,
        @Schema(description = "update settings of the family; keys not set take their defaults",
                example = "{\"update.discovery.enabled\": true, \"update.discovery.port\": 22336, "
                        + "\"peerlift.buddy_server.enabled\": true, \"peerlift.buddy_server.port\": 22335}")
        Map<String, Object> settings) {

    ProfileDraft toDraft() {
        return new ProfileDraft(name, osFamily, basedOnVersion, Boolean.TRUE.equals(priority), settings);
    }
}
