package io.peerlift.profile.domain;

import java.util.List;

/** One reason a peer upgrade in a folder would fail, and the devices it concerns (empty when it concerns none). */
public record ConsistencyProblem(Code code, String message, List<String> deviceIds) {

    public enum Code {
        /** OS 11 devices below 11.11.150 cannot take part in a peer upgrade. */
        OS11_BELOW_MINIMUM,
        /** OS 12 devices below 12.7.4 cannot act as peer update servers. */
        OS12_BELOW_MINIMUM,
        /** Devices that neither ask for (OS 11) nor answer (OS 12) discovery requests. */
        DISCOVERY_DISABLED,
        /** No OS 12 device can serve the update, so OS 11 devices find no peer. */
        NO_PEER_SERVER,
        /** OS 11 devices broadcast on a port the OS 12 peers do not listen on. */
        DISCOVERY_PORT_MISMATCH,
        /** OS 11 devices download from a port the OS 12 peers do not serve on. */
        DOWNLOAD_SERVER_PORT_MISMATCH,
        /** Devices whose merged discovery port equals their server port (set by different profiles). */
        PORT_COLLISION
    }

    public ConsistencyProblem {
        deviceIds = List.copyOf(deviceIds);
    }
}
