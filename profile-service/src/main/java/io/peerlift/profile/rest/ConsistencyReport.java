package io.peerlift.profile.rest;

import io.peerlift.profile.domain.ConsistencyCheck;
import io.peerlift.profile.domain.ConsistencyCheck.SubnetSummary;
import io.peerlift.profile.domain.ConsistencyProblem;
import io.peerlift.profile.domain.ConsistencyProblem.Severity;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

@Schema(name = "ConsistencyReport", description = "What would stop a peer upgrade of the folder and its sub-folders; "
        + "each OS 11 device is checked against the OS 12 devices of its own subnet, wherever they sit")
public record ConsistencyReport(
        @Schema(example = "2") long folderId,
        @Schema(description = "true when there is no ERROR; warnings do not make a folder inconsistent",
                example = "false") boolean consistent,
        @Schema(description = "problems of severity ERROR: devices that will not upgrade from their peers",
                example = "1") long errors,
        @Schema(description = "problems of severity WARNING", example = "1") long warnings,
        @Schema(description = "errors first", example = "[{\"code\": \"DISCOVERY_PORT_MISMATCH\", \"severity\": "
                + "\"ERROR\", \"subnet\": \"10.1.2.0/24\", \"message\": \"subnet 10.1.2.0/24: 1 OS 11 device(s) "
                + "broadcast on 'update.discovery.port' = 22403 but the subnet's serving OS 12 peers (s1-d01 in "
                + "folder 3) answer on 'update.discovery.port' = 22336\", \"deviceIds\": [\"s1-d07\"]}]")
        List<ConsistencyProblem> problems,
        @Schema(description = "per subnet holding OS 11 devices of the folder: what serves them",
                example = "[{\"subnet\": \"10.1.2.0/24\", \"os11Devices\": 19, \"peerServers\": 1, "
                        + "\"peerServersOutsideFolder\": 1, \"connectionCapacity\": 1, \"peersAfterUpgrade\": 19}]")
        List<SubnetSummary> subnets) {

    static ConsistencyReport of(long folderId, ConsistencyCheck.Result result) {
        long errors = result.count(Severity.ERROR);
        return new ConsistencyReport(folderId, errors == 0, errors, result.count(Severity.WARNING),
                result.problems(), result.subnets());
    }
}
