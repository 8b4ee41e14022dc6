package io.peerlift.profile.rest;

import io.peerlift.profile.domain.ConsistencyProblem;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

@Schema(name = "ConsistencyReport", description = "What would stop a peer upgrade in the folder and its sub-folders")
public record ConsistencyReport(
        @Schema(example = "2") long folderId,
        @Schema(description = "true when there is no problem", example = "false") boolean consistent,
        @Schema(example = "[{\"code\": \"DISCOVERY_PORT_MISMATCH\", \"message\": \"1 OS 11 device(s) have "
                + "'update.discovery.port' = 22340 but the OS 12 peers' 'update.discovery.port' is 22336\", "
                + "\"deviceIds\": [\"s1-d03\"]}]")
        List<ConsistencyProblem> problems) {

    static ConsistencyReport of(long folderId, List<ConsistencyProblem> problems) {
        return new ConsistencyReport(folderId, problems.isEmpty(), problems);
    }
}
