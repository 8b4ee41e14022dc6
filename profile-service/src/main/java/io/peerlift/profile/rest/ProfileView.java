package io.peerlift.profile.rest;

import io.peerlift.events.OsFamily;
import io.peerlift.profile.domain.Profile;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.Map;

@Schema(name = "Profile")
public record ProfileView(
        @Schema(example = "1") long id,
        @Schema(example = "OS 12 peer update servers") String name,
        @Schema(example = "OS12") OsFamily osFamily,
        @Schema(example = "12.7.4") String basedOnVersion,
        @Schema(example = "false") boolean priority,
        @Schema(description = "only the keys the profile sets",
                example = "{\"update.discovery.enabled\": true, \"update.discovery.port\": 22336, "
                        + "\"peerlift.buddy_server.enabled\": true, \"peerlift.buddy_server.port\": 22335}")
        Map<String, Object> settings,
        Instant createdAt,
        Instant updatedAt) {

    static ProfileView of(Profile profile) {
        return new ProfileView(profile.id, profile.name, profile.osFamily, profile.basedOnVersion, profile.priority,
                profile.settings, profile.createdAt, profile.updatedAt);
    }
}
